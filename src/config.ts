/**
 * letterpod.config.json: show metadata, paths, loudness target and store, validated with
 * a schema so a mistake gives one line naming the file, the field and the fix.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { LetterpodError } from './errors.js';
import { s3StoreSchema } from './store/s3-config.js';

const showSchema = z.strictObject({
  title: z.string().min(1),
  description: z.string().min(1),
  author: z.string().min(1),
  owner: z.strictObject({ name: z.string().min(1), email: z.email() }),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'a language code like "en" or "en-US"').default('en'),
  /** The show's web page. */
  link: z.url(),
  copyright: z.string().optional(),
  /** Apple category, optionally "Category > Subcategory". */
  category: z.string().min(1).default('Technology'),
  explicit: z.boolean().default(false),
  /** Square cover art (JPEG/PNG), a path relative to the config file. */
  image: z.string().optional(),
  /** Pattern for episode titles; {number} and {title} are replaced. */
  episodeTitle: z.string().default('AN #{number}: {title}'),
  narrator: z.string().optional(),
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

/** Speech cleanup before loudness: high-pass (which also removes DC) and head/tail trim. */
const cleanupSchema = z.strictObject({
  enabled: z.boolean().default(true),
  highpassHz: z.number().min(20).max(200).default(80),
  /** Silence kept before the first and after the last speech (s). */
  padSeconds: z.number().min(0).max(5).default(0.5),
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
  /** URL prefix under which podcast apps reach the folder. */
  publicBaseUrl: z.url().default('http://localhost:8080/'),
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
  return {
    ...c,
    file,
    root,
    resolved: {
      recordings: resolve(root, c.paths.recordings),
      newsletters: resolve(root, c.paths.newsletters),
      build: resolve(root, c.paths.build),
      store: c.store.type === 'local' ? resolve(root, c.store.path) : undefined,
      image: c.show.image ? resolve(root, c.show.image) : undefined,
      intro: c.music.intro ? resolve(root, c.music.intro) : undefined,
      outro: c.music.outro ? resolve(root, c.music.outro) : undefined,
    },
  };
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
