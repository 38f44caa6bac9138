/**
 * manifest.json: the source of truth for the feed (not meant for podcast apps).
 * One entry per published episode with what never changes once published (slug, GUID,
 * pubDate) and what a re-master replaces (audio, chapters, transcripts, notes). Read with
 * its ETag and written conditionally, so two publishers cannot overwrite each other.
 */
import { z } from 'zod';
import { LetterpodError } from '../errors.js';
import { CACHE_PRIVATE, CONTENT_TYPES } from './content-types.js';
import { MANIFEST_KEY, keyProblem } from './keys.js';
import type { ObjectStore } from './store.js';

export const MANIFEST_VERSION = 1;

const key = z.string().refine((k) => keyProblem(k) === undefined, 'not a valid store key');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest');
const isoDate = z.iso.datetime({ offset: true });

const storedFile = z.strictObject({ key, bytes: z.number().int().nonnegative(), sha256 });

/** A chapter start as the feed's psc:chapters shows it (the chapters JSON stays the full record). */
const markSchema = z.strictObject({ start: z.number().nonnegative(), title: z.string(), href: z.string().optional() });

/**
 * What an item of a feed brought in by `letterpod import` said, kept exactly: the feed
 * shows these values as they were while the episode is not re-mastered by letterpod.
 */
const importedSchema = z.strictObject({
  /** The feed (URL or file) it came from. */
  from: z.string(),
  title: z.string(),
  /** The pubDate text as it was (the entry's pubDate is the same instant in ISO form). */
  pubDate: z.string(),
  description: z.string(),
  contentEncoded: z.string().optional(),
  link: z.string().optional(),
  guidIsPermaLink: z.boolean().optional(),
  enclosure: z.strictObject({ url: z.string(), length: z.number().int().nonnegative().optional(), type: z.string() }),
  /** itunes:duration, itunes:episode, itunes:season, itunes:episodeType, itunes:image as written. */
  duration: z.string().optional(),
  episode: z.string().optional(),
  season: z.string().optional(),
  episodeType: z.string().optional(),
  image: z.string().optional(),
});

const episodeSchema = z.strictObject({
  number: z.number().int().nonnegative(),
  /** Folder name under episodes/, fixed at first publish. */
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** Fixed at first publish (a UUID); never changes, not even on re-master. */
  guid: z.string().min(1),
  /** The issue's published date, else the first publish time; never changes. */
  pubDate: isoDate,
  firstPublishedAt: isoDate,
  /** Last time anything the feed shows of this episode changed. */
  updatedAt: isoDate,
  /** The issue title (the feed applies show.episodeTitle). */
  title: z.string(),
  /** The issue's web page, when known. */
  url: z.string().optional(),
  /** Plain-text description (≤ 4000 bytes). */
  description: z.string(),
  /** The HTML show notes (content:encoded). */
  notesHtml: z.string(),
  /** The episode's MP3 in the store; absent for an imported episode whose audio stays on its old host. */
  audio: storedFile.extend({ durationSeconds: z.number().nonnegative() }).optional(),
  chapters: storedFile.optional(),
  /** Chapter starts and titles (short form) for psc:chapters. */
  marks: z.array(markSchema).optional(),
  /** Set when the episode came from another feed (`letterpod import`). */
  imported: importedSchema.optional(),
  transcripts: z.strictObject({ vtt: storedFile.optional(), srt: storedFile.optional() }),
  /** The source recording's identity (an imported episode: none until it is re-mastered). */
  source: z.strictObject({ sha256, bytes: z.number().int().nonnegative().optional() }).optional(),
}).refine((e) => e.audio !== undefined || e.imported !== undefined, 'an episode needs audio in the store or an imported enclosure');

/**
 * An imported item that is not an issue (a trailer, a bonus): kept in the feed as it was,
 * never re-mastered. Same fields as an episode, without an issue number.
 */
const otherSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  guid: z.string().min(1),
  pubDate: isoDate,
  firstPublishedAt: isoDate,
  updatedAt: isoDate,
  audio: storedFile.extend({ durationSeconds: z.number().nonnegative() }).optional(),
  imported: importedSchema,
});

export const manifestSchema = z.strictObject({
  version: z.literal(MANIFEST_VERSION),
  /** The show-level inputs of the feed (config.show, base URL, artwork) and when they last changed. */
  channel: z.strictObject({ fingerprint: z.string(), updatedAt: isoDate }),
  artwork: storedFile.extend({ contentType: z.string() }).optional(),
  /** Sorted by issue number. */
  episodes: z.array(episodeSchema),
  /** Imported items that are not issues (trailers, bonus episodes), in the order imported. */
  others: z.array(otherSchema).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEpisode = z.infer<typeof episodeSchema>;
export type StoredFile = z.infer<typeof storedFile>;
export type ManifestOther = z.infer<typeof otherSchema>;
export type ImportedItem = z.infer<typeof importedSchema>;
export type ChapterMark = z.infer<typeof markSchema>;

export interface LoadedManifest {
  manifest: Manifest;
  /** The ETag of the bytes read: pass it to `writeManifest` as `previousEtag`. */
  etag: string;
  /** The exact bytes read (to tell whether a rewrite would change anything). */
  text: string;
}

/**
 * Deterministic serialization: the same manifest always gives the same bytes (validated,
 * with keys in schema order whatever order the object was built in).
 */
export function serializeManifest(manifest: Manifest): string {
  return JSON.stringify(manifestSchema.parse(manifest), null, 2) + '\n';
}

export function parseManifest(text: string, where: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new LetterpodError({
      file: where,
      problem: `manifest is not valid JSON (${(cause as Error).message})`,
      fix: 'Restore manifest.json from a backup; the feed is rendered from it',
      cause,
    });
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
      .join('; ');
    throw new LetterpodError({
      file: where,
      problem: `manifest does not match version ${MANIFEST_VERSION} (${first})`,
      fix: 'Restore manifest.json from a backup, or publish with the letterpod version that wrote it',
    });
  }
  return result.data;
}

/** The store's manifest with its ETag, or undefined when nothing was published yet. */
export async function readManifest(store: ObjectStore): Promise<LoadedManifest | undefined> {
  const object = await store.get(MANIFEST_KEY);
  if (!object) return undefined;
  const text = object.body.toString('utf8');
  return { manifest: parseManifest(text, `${store.description}: ${MANIFEST_KEY}`), etag: object.etag, text };
}

/**
 * Write the manifest conditionally: If-Match `previousEtag` when replacing one that was
 * read, If-None-Match "*" when creating (previousEtag undefined). Throws
 * PreconditionFailedError when someone else wrote it in between. Returns the new ETag.
 */
export async function writeManifest(store: ObjectStore, manifest: Manifest, previousEtag: string | undefined): Promise<string> {
  const body = Buffer.from(serializeManifest(manifest), 'utf8');
  const condition = previousEtag === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: previousEtag };
  const info = await store.put(MANIFEST_KEY, body, {
    contentType: CONTENT_TYPES.manifest,
    cacheControl: CACHE_PRIVATE,
    ...condition,
  });
  return info.etag;
}

export function emptyManifest(now: Date): Manifest {
  return { version: MANIFEST_VERSION, channel: { fingerprint: '', updatedAt: now.toISOString() }, episodes: [] };
}
