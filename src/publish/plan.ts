/**
 * Planning a publish (the first half of protocol.ts): which objects a set of built episodes
 * needs under which hashed keys, what each manifest entry becomes (GUID, slug and pubDate
 * kept from the manifest read), and what to do with each object given what the store has —
 * upload (new, changed, missing, wrong size or metadata) or skip. Reads local files and
 * nothing else; protocol.ts commits the plan to the store.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { plainDescription } from '../feed/text.js';
import { readArtwork } from '../feed/artwork.js';
import { normalizeBaseUrl } from '../feed/urls.js';
import { sha256Buffer, sha256File } from '../hash.js';
import { CACHE_IMMUTABLE, sameHeaderValue } from '../store/content-types.js';
import { hash8, keys, slugFrom } from '../store/keys.js';
import type { ManifestEpisode, StoredFile } from '../store/manifest.js';
import { CONTENT_TYPES } from '../store/content-types.js';

/**
 * Why an object is (or would be) uploaded or left alone:
 * - `new`: no such object, and this episode had none in its place before;
 * - `changed`: the content's hash changed (a re-master or a rebuild), so a new key replaces `replaces`;
 * - `missing`: the manifest references the key but the store does not have it;
 * - `wrong-size`: the store has the key with another size (an interrupted or foreign write);
 * - `wrong-metadata`: same size, but stored with another Content-Type or Cache-Control;
 * - `present`: already there with the same size;
 * and for manifest.json and feed.xml: `create`, `update`, `unchanged`.
 */
export type ActionWhy = 'new' | 'changed' | 'missing' | 'wrong-size' | 'wrong-metadata' | 'present' | 'create' | 'update' | 'unchanged';

export interface PublishAction {
  key: string;
  action: 'upload' | 'skip';
  why: ActionWhy;
  /** The same, for people ("new (36 KB)", "already there (36 KB)", …). */
  reason: string;
  /** What the object is: "#101 audio", "cover art", "manifest", "feed". */
  what: string;
  /** Its size, for content objects. */
  bytes?: number;
  /** For `changed`: the key this one replaces in the manifest (the old object is kept). */
  replaces?: string;
}

/** A local file to put under a hashed key. */
export interface PlannedObject {
  key: string;
  path: string;
  bytes: number;
  sha256: string;
  contentType: string;
  cacheControl: string;
  what: string;
  /** The key the manifest had in this place before (this episode's audio, …), if any. */
  previousKey: string | undefined;
}

export interface PreparedEpisode {
  entry: ManifestEpisode;
  objects: PlannedObject[];
  isNew: boolean;
  changed: boolean;
  /** What differs from the manifest's entry (empty for a new or unchanged episode). */
  fields: string[];
}

/** Hashes of the files of this publish, so a retry after a lost manifest race does not re-read 50 MB files. */
export type HashCache = Map<string, { sha256: string; bytes: number }>;

async function hashExisting(path: string, what: string, cache: HashCache): Promise<{ sha256: string; bytes: number }> {
  const cached = cache.get(path);
  if (cached) return cached;
  try {
    const hashed = await sha256File(path);
    cache.set(path, hashed);
    return hashed;
  } catch (cause) {
    throw new LetterpodError({
      file: path,
      problem: `${what} not found or unreadable (${(cause as Error).message})`,
      fix: 'Run letterpod build again for this issue, then publish',
      cause,
    });
  }
}

export async function planFile(
  path: string,
  what: string,
  keyOf: (sha256: string) => string,
  contentType: string,
  previousKey: string | undefined,
  cache: HashCache,
): Promise<PlannedObject> {
  const { sha256, bytes } = await hashExisting(path, what, cache);
  if (bytes === 0) {
    throw new LetterpodError({ file: path, problem: `${what} is empty`, fix: 'Run letterpod build again for this issue, then publish' });
  }
  return { key: keyOf(sha256), path, bytes, sha256, contentType, cacheControl: CACHE_IMMUTABLE, what, previousKey };
}

export function stored(object: PlannedObject): StoredFile {
  return { key: object.key, bytes: object.bytes, sha256: object.sha256 };
}

async function checkChaptersJson(path: string): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new LetterpodError({ file: path, problem: 'chapters file is not valid JSON', fix: 'Run letterpod build again for this issue', cause });
  }
  const chapters = (json as { chapters?: unknown } | null)?.chapters;
  if (!Array.isArray(chapters)) {
    throw new LetterpodError({ file: path, problem: 'chapters file has no "chapters" array', fix: 'Run letterpod build again for this issue' });
  }
}

function parsePublished(report: EpisodeReport): string | undefined {
  const published = report.issue.published;
  if (published === undefined || published === '') return undefined;
  const time = Date.parse(published);
  if (Number.isNaN(time)) {
    throw new LetterpodError({
      file: report.files.report,
      problem: `issue ${report.issue.number} has an unreadable published date ${JSON.stringify(published)}`,
      fix: 'Write the date in the issue\'s front matter as YYYY-MM-DD (or a full ISO 8601 time)',
    });
  }
  return new Date(time).toISOString();
}

type EpisodeContent = Omit<ManifestEpisode, 'slug' | 'guid' | 'pubDate' | 'firstPublishedAt' | 'updatedAt'>;

/** The parts of an entry a re-master or edit can change; a difference bumps updatedAt. */
function contentOf(entry: EpisodeContent): string {
  const { number, title, url, description, notesHtml, audio, chapters, transcripts, source } = entry;
  return JSON.stringify({ number, title, url, description, notesHtml, audio, chapters, transcripts, source });
}

/** Which parts of a published episode differ between two entries (for people: what a publish changes). */
export function changedFields(before: EpisodeContent, after: EpisodeContent): string[] {
  const fields: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (!same(before.audio, after.audio)) fields.push('audio');
  if (!same(before.chapters, after.chapters)) fields.push('chapters');
  if (!same(before.transcripts, after.transcripts)) fields.push('transcripts');
  if (before.title !== after.title) fields.push('title');
  if (before.url !== after.url) fields.push('url');
  if (before.notesHtml !== after.notesHtml || before.description !== after.description) fields.push('notes');
  if (fields.length === 0 && !same(before.source, after.source)) fields.push('source');
  return fields;
}

export async function prepareEpisode(
  report: EpisodeReport,
  previous: ManifestEpisode | undefined,
  takenSlugs: Map<string, number>,
  now: Date,
  cache: HashCache,
): Promise<PreparedEpisode> {
  const number = report.issue.number;
  let slug = previous?.slug;
  if (!slug) {
    slug = slugFrom(basename(report.files.audio, extname(report.files.audio)), number);
    const owner = takenSlugs.get(slug);
    if (owner !== undefined && owner !== number) slug = `${slug}-${number}`;
  }
  takenSlugs.set(slug, number);
  const s = slug;
  const label = `#${number}`;

  const audio = await planFile(report.files.audio, `${label} audio`, (h) => keys.audio(s, h), CONTENT_TYPES.audio, previous?.audio?.key, cache);
  if (audio.bytes !== report.audio.bytes || (report.audio.sha256 && audio.sha256 !== report.audio.sha256)) {
    throw new LetterpodError({
      file: report.files.audio,
      problem: `audio changed since it was built (${audio.bytes} bytes, the report says ${report.audio.bytes})`,
      fix: 'Run letterpod build again for this issue, then publish',
    });
  }
  await checkChaptersJson(report.files.chapters);
  const chapters = await planFile(
    report.files.chapters,
    `${label} chapters`,
    (h) => keys.chapters(s, h),
    CONTENT_TYPES.chapters,
    previous?.chapters?.key,
    cache,
  );
  const vtt = report.files.transcriptVtt
    ? await planFile(
        report.files.transcriptVtt,
        `${label} transcript (VTT)`,
        (h) => keys.transcriptVtt(s, h),
        CONTENT_TYPES.transcriptVtt,
        previous?.transcripts.vtt?.key,
        cache,
      )
    : undefined;
  const srt = report.files.transcriptSrt
    ? await planFile(
        report.files.transcriptSrt,
        `${label} transcript (SRT)`,
        (h) => keys.transcriptSrt(s, h),
        CONTENT_TYPES.transcriptSrt,
        previous?.transcripts.srt?.key,
        cache,
      )
    : undefined;
  let notesHtml: string;
  try {
    notesHtml = await readFile(report.files.notes, 'utf8');
  } catch (cause) {
    throw new LetterpodError({ file: report.files.notes, problem: 'show notes not found', fix: 'Run letterpod build again for this issue', cause });
  }

  const content: EpisodeContent = {
    number,
    title: report.issue.title,
    ...(report.issue.url ? { url: report.issue.url } : {}),
    description: plainDescription(notesHtml, report.issue.title),
    notesHtml,
    audio: { ...stored(audio), durationSeconds: report.audio.durationSeconds },
    chapters: stored(chapters),
    marks: report.chapters.map((c) => ({ start: c.startSeconds, title: c.title, ...(c.url ? { href: c.url } : {}) })),
    transcripts: { ...(vtt ? { vtt: stored(vtt) } : {}), ...(srt ? { srt: stored(srt) } : {}) },
    source: { sha256: report.source.sha256, bytes: report.source.bytes },
  };
  const changed = !previous || contentOf(previous) !== contentOf(content);
  const nowIso = now.toISOString();
  const entry: ManifestEpisode = {
    slug,
    guid: previous?.guid ?? randomUUID(),
    pubDate: previous?.pubDate ?? parsePublished(report) ?? nowIso,
    firstPublishedAt: previous?.firstPublishedAt ?? nowIso,
    updatedAt: changed ? nowIso : previous.updatedAt,
    ...content,
    // an imported episode re-mastered here keeps what it was imported with (its pubDate as written)
    ...(previous?.imported ? { imported: previous.imported } : {}),
  };
  return {
    entry,
    objects: [audio, chapters, ...(vtt ? [vtt] : []), ...(srt ? [srt] : [])],
    isNew: !previous,
    changed,
    fields: previous && changed ? changedFields(previous, content) : [],
  };
}

export async function planArtwork(path: string, previousKey: string | undefined, cache: HashCache): Promise<PlannedObject> {
  // a JPEG or PNG, square, 1400–3000 px, RGB, as Apple requires: else a clear error
  const art = await readArtwork(path);
  const ext = art.format === 'jpeg' ? 'jpg' : 'png';
  return planFile(path, 'cover art', (h) => keys.cover(h, ext), art.contentType, previousKey, cache);
}

/** What the channel of the feed depends on besides the episodes: a change bumps channel.updatedAt. */
export function channelFingerprint(config: LoadedConfig, artworkKey: string | undefined): string {
  const { image: _image, ...show } = config.show;
  return sha256Buffer(JSON.stringify({ show, feed: config.feed ?? null, publicBaseUrl: normalizeBaseUrl(config.store.publicBaseUrl), artwork: artworkKey ?? null }));
}

/** "36 KB", "1.4 MB": sizes for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} KB`;
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 2 : 1)} MB`;
}

/** Decide what to do with one planned object given what the store has under its key. */
export function classify(
  object: PlannedObject,
  existing: { bytes: number; contentType?: string; cacheControl?: string } | undefined,
): Omit<PublishAction, 'key' | 'what'> {
  const size = formatBytes(object.bytes);
  const base = { bytes: object.bytes };
  if (existing && existing.bytes === object.bytes) {
    const badType = existing.contentType !== undefined && existing.contentType !== '' && !sameHeaderValue(existing.contentType, object.contentType);
    const badCache = existing.cacheControl !== undefined && existing.cacheControl !== '' && !sameHeaderValue(existing.cacheControl, object.cacheControl);
    if (badType || badCache) {
      const what = badType ? `Content-Type ${existing.contentType}` : `Cache-Control ${existing.cacheControl}`;
      const want = badType ? object.contentType : object.cacheControl;
      return { ...base, action: 'upload', why: 'wrong-metadata', reason: `stored with ${what}, should be ${want}` };
    }
    return { ...base, action: 'skip', why: 'present', reason: `already there (${size})` };
  }
  if (existing) {
    return {
      ...base,
      action: 'upload',
      why: 'wrong-size',
      reason: `exists with a different size (${existing.bytes} bytes, expected ${object.bytes})`,
    };
  }
  if (object.previousKey === object.key) {
    return { ...base, action: 'upload', why: 'missing', reason: `in the manifest but missing from the store (${size})` };
  }
  if (object.previousKey !== undefined) {
    return {
      ...base,
      action: 'upload',
      why: 'changed',
      reason: `changed: new hash ${hash8(object.sha256)}, replaces ${object.previousKey} (${size})`,
      replaces: object.previousKey,
    };
  }
  return { ...base, action: 'upload', why: 'new', reason: `new (${size})` };
}

