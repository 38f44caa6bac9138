/**
 * letterpod.config.json: show metadata, paths, loudness target and store, validated with
 * a schema so a mistake gives one line naming the file, the field and the fix.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { LetterpodError } from './errors.js';

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
      /** The largest loudness range loudnorm may keep in linear mode. */
      lraLu: z.number().min(1).max(50).default(20),
    })
    .prefault({}),
  store: localStoreSchema.prefault({ type: 'local' }),
});

export type Config = z.infer<typeof configSchema>;

/** A loaded config with its paths resolved against the config file's folder. */
export interface LoadedConfig extends Config {
  file: string | undefined;
  root: string;
  resolved: { recordings: string; newsletters: string; build: string; store: string; image?: string };
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
      store: resolve(root, c.store.path),
      image: c.show.image ? resolve(root, c.show.image) : undefined,
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
