/**
 * letterpod.config.json: show metadata, paths, loudness target and store, validated with
 * a schema so a mistake gives one line naming the file, the field and the fix.
 */
import { access, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { LetterpodError } from '../errors.js';
import { categoryProblem } from '../spec/apple-categories.js';
import { s3StoreSchema } from './s3.js';
import { CLEANUP_PRESETS } from '../audio/cleanup/presets.js';

/** Links of a person named in show.narrator or show.newsletterAuthor (podcast:person href/img). */
const personLinksSchema = z.strictObject({ href: z.url().optional(), img: z.url().optional() });

const showSchema = z
  .strictObject({
    title: z.string().min(1),
    description: z.string().min(1),
    author: z.string().min(1),
    owner: z.strictObject({ name: z.string().min(1), email: z.email() }),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'a language code like "en" or "en-US"').default('en'),
    /** The show's web page. */
    link: z.url(),
    copyright: z.string().optional(),
    /** Apple category, optionally "Category > Subcategory", from Apple's list (case matters). */
    category: z
      .string()
      .min(1)
      .default('Technology')
      .superRefine((value, ctx) => {
        const problem = categoryProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    explicit: z.boolean().default(false),
    /** itunes:type: "episodic" (newest first) or "serial" (in order). */
    type: z.enum(['episodic', 'serial']).default('episodic'),
    /** Square cover art (JPEG/PNG, 1400–3000 px), a path relative to the config file. */
    image: z.string().optional(),
    /** Pattern for episode titles; {number} and {title} are replaced. */
    episodeTitle: z.string().default('AN #{number}: {title}'),
    /** Who reads the episodes (ID3 artist; podcast:person role "narrator"). */
    narrator: z.string().optional(),
    /** Who writes the newsletter (podcast:person role "author", group "writing"). */
    newsletterAuthor: z.string().min(1).optional(),
    /** Web page and picture per person named above, by name. */
    people: z.record(z.string(), personLinksSchema).default({}),
  })
  .superRefine((show, ctx) => {
    const named = new Set([show.narrator, show.newsletterAuthor].filter((n): n is string => Boolean(n)));
    for (const name of Object.keys(show.people)) {
      if (!named.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['people', name],
          message: `names nobody: set show.narrator or show.newsletterAuthor to "${name}", or remove it`,
        });
      }
    }
  });

/** feed.xml beyond the show metadata. */
const feedSchema = z.strictObject({
  /** Only the newest N episodes go into feed.xml (all stay in the manifest); unset: all. */
  itemLimit: z.number().int().min(1).optional(),
  /** podcast:locked: true asks other hosting platforms to refuse importing the feed. */
  locked: z.boolean().default(false),
  /**
   * podcast:guid, when the feed moved: the GUID is assigned once (from the first feed URL)
   * and stays. Unset: UUIDv5 of the current feed URL.
   */
  guid: z.uuid().optional(),
  /** podcast:funding: where listeners can support the show. */
  funding: z.array(z.strictObject({ url: z.url({ protocol: /^https?$/ }), text: z.string().min(1).max(128) })).default([]),
  /** podcast:txt: free text for verification, e.g. { purpose: "applepodcastsverify", text: "…" }. */
  txt: z.array(z.strictObject({ purpose: z.string().min(1).max(128).optional(), text: z.string().min(1).max(4000) })).default([]),
  /** podcast:medium. */
  medium: z.enum(['podcast', 'music', 'video', 'film', 'audiobook', 'newsletter', 'blog']).default('podcast'),
  /**
   * Seasons by issue range: podcast:season and itunes:season on each issue from
   * `fromIssue` up to the next season's. Unset: no seasons.
   */
  seasons: z.array(z.strictObject({ number: z.number().int().min(1), fromIssue: z.number().int().min(0), name: z.string().min(1).max(128).optional() })).default([]),
  /**
   * An analytics prefix for enclosure URLs (e.g. "https://op3.dev/e/"), applied in the feed
   * only: https URLs follow it without their scheme, http URLs whole.
   */
  enclosurePrefix: z.url({ protocol: /^https?$/ }).optional(),
  /** Chapter titles in psc:chapters: players cut long titles, so a longer title is shortened. */
  chapterTitles: z
    .strictObject({
      maxLength: z.number().int().min(10).max(200).default(40),
      /** A short form per full title, used instead of cutting it. */
      short: z.record(z.string(), z.string().min(1)).default({}),
    })
    .prefault({}),
  /** WebSub hubs: announced with atom:link rel="hub" and pinged after each publish that changes feed.xml. */
  hubs: z.array(z.url({ protocol: /^https?$/ })).default([]),
});

/** `letterpod serve` beyond the store's objects. */
const serveSchema = z.strictObject({
  /** Old paths answered with 301 to the feed (a feed that moved here), e.g. ["/podcast/rss"]. */
  redirects: z.array(z.string().regex(/^\/[\x21-\x7e]*$/, 'a path starting with "/"')).default([]),
});

/** MPEG-1 Layer III bitrates (kbps) at 44.1 kHz. */
const mp3Bitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const mp3Kbps = z
  .number()
  .int()
  .refine((v) => mp3Bitrates.includes(v), `an MP3 bitrate in kbps: one of ${mp3Bitrates.join(', ')}`);

/** The episode MP3: CBR 44.1 kHz, mono or stereo. */
const outputSchema = z.strictObject({
  /** "auto": mono for a mono recording, stereo otherwise. */
  channels: z.enum(['auto', 'mono', 'stereo']).default('auto'),
  monoKbps: mp3Kbps.default(96),
  stereoKbps: mp3Kbps.default(128),
});

/**
 * Speech cleanup before loudness: high-pass (which also removes DC), head/tail trim, and the
 * adaptive steps learned from the recording's room tone (audio/cleanup/presets.ts): a
 * preset, each step overridable. `enabled: false` turns all of it off.
 */
const cleanupSchema = z.strictObject({
  enabled: z.boolean().default(true),
  highpassHz: z.number().min(20).max(200).default(80),
  /** Silence kept before the first and after the last speech (s). */
  padSeconds: z.number().min(0).max(5).default(0.5),
  /** off: high-pass and trim only; light, podcast (default), strong: the adaptive steps, ever stronger. */
  preset: z.enum(CLEANUP_PRESETS).default('podcast'),
  /** Mains hum: notch only the 50/60 Hz lines found in the room tone. */
  hum: z
    .strictObject({
      enabled: z.boolean().optional(),
      minProminenceDb: z.number().min(3).max(40).optional(),
      maxHarmonic: z.number().int().min(1).max(16).optional(),
    })
    .optional(),
  /** Noise reduction from a profile of the room tone (ffmpeg afftdn with the sampled profile). */
  noise: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** How far the room tone's level is to come down (dB). */
      reductionDb: z.number().min(1).max(40).optional(),
      /** Room tone quieter than this (dBFS) is left alone. */
      minFloorDbfs: z.number().min(-100).max(-30).optional(),
    })
    .optional(),
  /** Mouth clicks: adeclick when the detector finds enough of them in a sample of the speech. */
  declick: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** Clicks a minute the speech must have for the declicker to run. */
      minPerMinute: z.number().min(0).max(600).optional(),
      /** How far (×) over its surroundings an impulse counts as a click. */
      ratio: z.number().min(4).max(100).optional(),
      /** adeclick's threshold (lower removes more). */
      threshold: z.number().min(1).max(100).optional(),
    })
    .optional(),
  /** Sibilance: ffmpeg deesser when the esses stand out over the voice. */
  deess: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** Sibilance (dB, esses' 5–9 kHz energy against the voice's 100 Hz–4 kHz) above which the de-esser runs. */
      maxSibilanceDb: z.number().min(-30).max(20).optional(),
      intensity: z.number().min(0).max(1).optional(),
      maxReduction: z.number().min(0).max(1).optional(),
    })
    .optional(),
  /** The leveler: passages recorded louder or quieter brought to one level, one gain per passage. */
  level: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** Passages closer than this (LU) are left as they are. */
      minStepLu: z.number().min(0.5).max(20).optional(),
      /** The shortest passage (s). */
      minPassageSeconds: z.number().min(5).max(600).optional(),
      /** The largest gain given to a passage (dB). */
      maxGainDb: z.number().min(1).max(30).optional(),
    })
    .optional(),
  /**
   * Pause shortening (off unless set): pauses inside the speech longer than `maxSeconds`
   * are shortened to it (audio/pauses.ts); chapters and the transcript follow.
   */
  pauses: z
    .strictObject({
      maxSeconds: z.number().min(0.3).max(10),
    })
    .optional(),
});

/** Optional intro/outro music, paths relative to the config file. */
const musicSchema = z.strictObject({
  intro: z.string().min(1).optional(),
  outro: z.string().min(1).optional(),
  crossfadeSeconds: z.number().min(0).max(10).default(2),
});

const localStoreSchema = z.strictObject({
  type: z.literal('local'),
  /** Folder of the published site, relative to the config file. */
  path: z.string().min(1).default('feed'),
  /** URL prefix under which podcast apps reach the folder: http(s) only, like every URL letterpod publishes. */
  publicBaseUrl: z.url({ protocol: /^https?$/, error: 'publicBaseUrl must be an http:// or https:// URL' }).default('http://localhost:8080/'),
});

/** `letterpod watch`: when a dropped recording counts as complete, and whether it is published. */
const watchSchema = z.strictObject({
  /** A recording is processed once its size and mtime stayed unchanged this long (s). */
  settleSeconds: z.number().min(0.1).max(3600).default(2),
  /** Publish each recording once built; false: it waits for `letterpod publish`. */
  autoPublish: z.boolean().default(false),
});

/**
 * Whether an episode waits for `letterpod approve` before it is published: never
 * (`none`), when its build has warnings (`when-warned`, the default), or every new or
 * changed take (`always`).
 */
const reviewSchema = z.strictObject({
  required: z.enum(['none', 'when-warned', 'always']).default('when-warned'),
});

export const configSchema = z.strictObject({
  show: showSchema,
  paths: z
    .strictObject({
      recordings: z.string().default('recordings'),
      newsletters: z.string().default('newsletters'),
      /** Where builds are written before publishing. */
      build: z.string().default('.letterpod/build'),
    })
    .prefault({}),
  loudness: z
    .strictObject({
      targetLufs: z.number().min(-36).max(-9).default(-16),
      truePeakDbtp: z.number().min(-9).max(0).default(-1.5),
      /** Above this loudness range (LU) the report warns; the gain stays linear either way. */
      lraLu: z.number().min(1).max(50).default(20),
    })
    .prefault({}),
  output: outputSchema.prefault({}),
  cleanup: cleanupSchema.prefault({}),
  music: musicSchema.prefault({}),
  store: z.discriminatedUnion('type', [localStoreSchema, s3StoreSchema]).prefault({ type: 'local' }),
  feed: feedSchema.prefault({}),
  watch: watchSchema.prefault({}),
  review: reviewSchema.prefault({}),
  serve: serveSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** A loaded config with its paths resolved against the config file's folder. */
export interface LoadedConfig extends Config {
  file: string | undefined;
  root: string;
  resolved: { recordings: string; newsletters: string; build: string; /** The local store's folder (local store only). */ store?: string; image?: string; intro?: string; outro?: string };
}

export const defaultConfigFile = 'letterpod.config.json';

/** The config a fresh project gets (also what quickstart writes). */
export const exampleConfig: z.input<typeof configSchema> = {
  show: {
    title: 'Alignment Newsletter Podcast',
    description: 'Recorded summaries of the Alignment Newsletter: recent research relevant to AI alignment.',
    author: 'Alignment Newsletter',
    owner: { name: 'Podcast Producer', email: 'producer@example.org' },
    language: 'en',
    link: 'https://example.org/alignment-newsletter',
    category: 'Technology',
    explicit: false,
  },
  store: { type: 'local', path: 'feed', publicBaseUrl: 'http://localhost:8080/' },
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${where}: ${issue.message}`;
}

/** Validate a parsed JSON value; `file` names the source in errors. */
export function parseConfig(value: unknown, file: string | undefined, root: string): LoadedConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues.slice(0, 3).map(describeIssue).join('; ');
    throw new LetterpodError({
      file: file ?? 'config',
      problem: `invalid config (${first})`,
      fix: 'Fix the field named, see README "Configuration" for every field',
    });
  }
  const c = result.data;
  const resolved = {
    recordings: resolve(root, c.paths.recordings),
    newsletters: resolve(root, c.paths.newsletters),
    build: resolve(root, c.paths.build),
    store: c.store.type === 'local' ? resolve(root, c.store.path) : undefined,
    image: c.show.image ? resolve(root, c.show.image) : undefined,
    intro: c.music.intro ? resolve(root, c.music.intro) : undefined,
    outro: c.music.outro ? resolve(root, c.music.outro) : undefined,
  };
  if (resolved.store) {
    // the store folder is the public site: builds (absolute paths in episode.json), recordings
    // and issue texts must not be published by accident, nor the store be inside a build
    const folders = [
      ['paths.build', resolved.build],
      ['paths.recordings', resolved.recordings],
      ['paths.newsletters', resolved.newsletters],
    ] as const;
    for (const [field, folder] of folders) {
      if (inside(folder, resolved.store) || inside(resolved.store, folder)) {
        throw new LetterpodError({
          file: file ?? 'config',
          problem: `invalid config (${field}: ${folder} overlaps the store folder ${resolved.store})`,
          fix: `Keep ${field} outside store.path (e.g. ${field === 'paths.build' ? '".letterpod/build"' : `"${field.slice(6)}"`}): everything in the store folder is public`,
        });
      }
    }
  }
  return { ...c, file, root, resolved };
}

/** Whether `path` is `folder` or inside it. */
function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * The files the config names (cover art, intro and outro music) exist and are readable:
 * checked before any analysis, so a typo fails in a second, naming the field.
 */
export async function checkConfigFiles(config: LoadedConfig): Promise<void> {
  const files: [string, string | undefined][] = [
    ['show.image', config.resolved.image],
    ['music.intro', config.resolved.intro],
    ['music.outro', config.resolved.outro],
  ];
  for (const [field, path] of files) {
    if (!path) continue;
    let problem: string | undefined;
    try {
      const st = await stat(path);
      if (!st.isFile()) problem = 'is not a file';
      else if (st.size === 0) problem = 'is empty';
      else await access(path, constants.R_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permissions)' : `cannot be read (${code ?? (e as Error).message})`;
    }
    if (problem) {
      throw new LetterpodError({
        file: config.file ?? 'config',
        problem: `${field}: ${path} ${problem}`,
        fix: `Fix ${field} (paths are relative to the config file) or remove it`,
      });
    }
  }
}

/**
 * Load the config. With an explicit file it must exist; without one, ./letterpod.config.json
 * is used when present, else the built-in example show on the local store.
 */
export async function loadConfig(file?: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const path = resolve(cwd, file ?? defaultConfigFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (file) {
      throw new LetterpodError({ file: path, problem: 'config file not found', fix: 'Check the --config path', cause });
    }
    return parseConfig(exampleConfig, undefined, cwd);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LetterpodError({
      file: path,
      problem: `config is not valid JSON (${(cause as Error).message})`,
      fix: 'Fix the JSON syntax (a trailing comma or missing quote is the usual cause)',
      cause,
    });
  }
  return parseConfig(json, path, dirname(path));
}
