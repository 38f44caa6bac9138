/**
 * The publish protocol (DESIGN.md "Publish order"):
 *
 *   1. content objects under hashed keys — skipped when the key already holds an object of
 *      the same size (and the same Content-Type and Cache-Control, when the store reports
 *      them) — each HEAD-verified after upload;
 *   2. manifest.json, conditionally: If-Match the ETag it had when it was read, If-None-Match
 *      "*" when creating it. When another publish wrote it in between (a
 *      PreconditionFailedError), it is read again, this publish's episodes are planned anew
 *      against it (its other episodes stay; GUID, slug and pubDate of an episode published
 *      meanwhile are kept) and the write is retried, a bounded number of times;
 *   3. feed.xml, last, rendered from the newest manifest in the store and written
 *      conditionally on the feed read just before, so a slower publish holding an older
 *      manifest never overwrites a newer feed.
 *
 * A failure at any step leaves the previous manifest and feed in place: the feed only ever
 * references objects that were uploaded and verified before it. Nothing is rewritten that
 * would not change: a publish with nothing new writes no object. Old hashed objects stay
 * (apps may still be downloading them).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { LoadedConfig } from '../config.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { feedEpisodes, renderFeed } from '../feed/render.js';
import { plainDescription } from '../feed/text.js';
import { readArtwork } from '../feed/artwork.js';
import { normalizeBaseUrl, publicUrl } from '../feed/urls.js';
import { sha256Buffer, sha256File } from '../hash.js';
import { CACHE_FEED, CACHE_IMMUTABLE, CONTENT_TYPES, sameHeaderValue } from '../store/content-types.js';
import { FEED_KEY, MANIFEST_KEY, hash8, keys, slugFrom } from '../store/keys.js';
import {
  MANIFEST_VERSION,
  readManifest,
  serializeManifest,
  writeManifest,
  type LoadedManifest,
  type Manifest,
  type ManifestEpisode,
  type StoredFile,
} from '../store/manifest.js';
import { PreconditionFailedError, type ObjectStore } from '../store/store.js';

/** Manifest writes tried before giving up when other publishes keep winning it. */
export const DEFAULT_MANIFEST_ATTEMPTS = 5;
const FEED_ATTEMPTS = 5;

export interface PublishOptions {
  /** Plan only: read the store, write nothing. */
  dryRun?: boolean;
  /** The publish time (first-publish pubDates, updatedAt). Default: now. */
  now?: Date;
  /** Manifest writes to try when another publish writes it meanwhile (read, merge, retry). Default 5. */
  manifestAttempts?: number;
}

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

export interface PublishedEpisode {
  number: number;
  slug: string;
  guid: string;
  pubDate: string;
  audioUrl: string;
  /** First publish of this episode. */
  isNew: boolean;
  /** Anything the feed shows of it changed (always true for a new episode). */
  changed: boolean;
}

/** What the manifest write does (or, in a dry run, would do). */
export interface ManifestChange {
  change: 'create' | 'update' | 'unchanged';
  /** Issue numbers that enter the manifest. */
  added: number[];
  /** Episodes already published that change, with what changes (audio, chapters, transcripts, title, url, notes, source). */
  updated: { number: number; fields: string[] }[];
  /** Show metadata, base URL or cover art changed. */
  channelChanged: boolean;
  /** Episodes in the manifest before and after. */
  episodesBefore: number;
  episodesAfter: number;
  /** Manifest writes tried: more than 1 when another publish wrote it meanwhile and this one merged and retried. */
  attempts: number;
}

export interface PublishResult {
  dryRun: boolean;
  /** The store's description ("s3://bucket/prefix", "local folder …"). */
  store: string;
  /** Keys written (or, in a dry run, that would be), in write order: content, manifest.json, feed.xml. */
  uploaded: string[];
  /** Keys left alone because the store already has them (same size, or same bytes for manifest/feed). */
  skipped: string[];
  manifestChanged: boolean;
  feedChanged: boolean;
  actions: PublishAction[];
  manifest: ManifestChange;
  /** Items in the feed written (or that would be). */
  feedEpisodes: number;
  episodes: PublishedEpisode[];
  feedUrl: string;
}

/** A local file to put under a hashed key. */
interface PlannedObject {
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

interface PreparedEpisode {
  entry: ManifestEpisode;
  objects: PlannedObject[];
  isNew: boolean;
  changed: boolean;
  /** What differs from the manifest's entry (empty for a new or unchanged episode). */
  fields: string[];
}

/** Hashes of the files of this publish, so a retry after a lost manifest race does not re-read 50 MB files. */
type HashCache = Map<string, { sha256: string; bytes: number }>;

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

async function planFile(
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

function stored(object: PlannedObject): StoredFile {
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

async function prepareEpisode(
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

  const audio = await planFile(report.files.audio, `${label} audio`, (h) => keys.audio(s, h), CONTENT_TYPES.audio, previous?.audio.key, cache);
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
  };
  return {
    entry,
    objects: [audio, chapters, ...(vtt ? [vtt] : []), ...(srt ? [srt] : [])],
    isNew: !previous,
    changed,
    fields: previous && changed ? changedFields(previous, content) : [],
  };
}

async function planArtwork(path: string, previousKey: string | undefined, cache: HashCache): Promise<PlannedObject> {
  // a JPEG or PNG, square, 1400–3000 px, RGB, as Apple requires: else a clear error
  const art = await readArtwork(path);
  const ext = art.format === 'jpeg' ? 'jpg' : 'png';
  return planFile(path, 'cover art', (h) => keys.cover(h, ext), art.contentType, previousKey, cache);
}

/** What the channel of the feed depends on besides the episodes: a change bumps channel.updatedAt. */
function channelFingerprint(config: LoadedConfig, artworkKey: string | undefined): string {
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
function classify(
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

/**
 * Publish built episodes to the store: content objects, then the manifest, then feed.xml.
 * Episodes already in the manifest and not among `reports` stay as they are.
 * Throws LetterpodError (PreconditionFailedError when other publishes kept winning the
 * manifest through every attempt, or kept rewriting feed.xml).
 */
export async function publishEpisodes(
  config: LoadedConfig,
  store: ObjectStore,
  reports: readonly EpisodeReport[],
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const now = opts.now ?? new Date();
  const dryRun = opts.dryRun ?? false;
  const maxAttempts = Math.max(1, opts.manifestAttempts ?? DEFAULT_MANIFEST_ATTEMPTS);
  const seen = new Set<number>();
  for (const report of reports) {
    if (seen.has(report.issue.number)) {
      throw new LetterpodError({
        file: report.files.report,
        problem: `issue ${report.issue.number} is given twice`,
        fix: 'Publish one build per issue',
      });
    }
    seen.add(report.issue.number);
  }

  const result: PublishResult = {
    dryRun,
    store: store.description,
    uploaded: [],
    skipped: [],
    manifestChanged: false,
    feedChanged: false,
    actions: [],
    manifest: { change: 'unchanged', added: [], updated: [], channelChanged: false, episodesBefore: 0, episodesAfter: 0, attempts: 0 },
    feedEpisodes: 0,
    episodes: [],
    feedUrl: publicUrl(config.store.publicBaseUrl, FEED_KEY),
  };
  const record = (action: PublishAction) => {
    result.actions.push(action);
    (action.action === 'upload' ? result.uploaded : result.skipped).push(action.key);
  };

  const cache: HashCache = new Map();
  /** Keys uploaded and verified (or found in place) by an earlier attempt of this publish. */
  const settled = new Set<string>();
  let prepared: PreparedEpisode[] = [];
  let next: Manifest | undefined;
  let manifestEtag: string | undefined;

  for (let attempt = 1; ; attempt++) {
    result.manifest.attempts = attempt;
    // 0. The current state.
    const loaded = await readManifest(store);
    const previous = loaded?.manifest;
    const byNumber = new Map((previous?.episodes ?? []).map((e) => [e.number, e]));
    const takenSlugs = new Map((previous?.episodes ?? []).map((e) => [e.slug, e.number]));

    // 1. Plan the content objects (against this manifest: slugs, GUIDs and previous keys come from it).
    const artwork = config.resolved.image ? await planArtwork(config.resolved.image, previous?.artwork?.key, cache) : undefined;
    prepared = [];
    for (const report of reports) prepared.push(await prepareEpisode(report, byNumber.get(report.issue.number), takenSlugs, now, cache));
    const planned = new Map<string, PlannedObject>();
    for (const object of [...(artwork ? [artwork] : []), ...prepared.flatMap((p) => p.objects)]) planned.set(object.key, object);

    // 2. Upload what the store does not have, and verify it.
    for (const object of planned.values()) {
      if (settled.has(object.key)) continue;
      const existing = await store.head(object.key);
      const decision = classify(object, existing);
      record({ key: object.key, what: object.what, ...decision });
      settled.add(object.key);
      if (decision.action === 'skip' || dryRun) continue;
      await store.put(object.key, { path: object.path }, { contentType: object.contentType, cacheControl: object.cacheControl });
      const check = await store.head(object.key);
      if (!check || check.bytes !== object.bytes) {
        throw new LetterpodError({
          file: `${store.description}: ${object.key}`,
          problem: `upload not verified (HEAD says ${check ? `${check.bytes} bytes` : 'missing'}, expected ${object.bytes})`,
          fix: 'Check the store (disk space, permissions, network) and publish again',
        });
      }
    }

    // 3. The manifest.
    const episodes = new Map(byNumber);
    for (const p of prepared) episodes.set(p.entry.number, p.entry);
    const fingerprint = channelFingerprint(config, artwork?.key);
    const channelChanged = !previous || previous.channel.fingerprint !== fingerprint;
    next = {
      version: MANIFEST_VERSION,
      channel: channelChanged ? { fingerprint, updatedAt: now.toISOString() } : previous.channel,
      ...(artwork ? { artwork: { ...stored(artwork), contentType: artwork.contentType } } : {}),
      episodes: [...episodes.values()].sort((a, b) => a.number - b.number),
    };
    result.manifest = {
      change: !loaded ? 'create' : loaded.text === serializeManifest(next) ? 'unchanged' : 'update',
      added: prepared.filter((p) => p.isNew).map((p) => p.entry.number),
      updated: prepared.filter((p) => !p.isNew && p.changed).map((p) => ({ number: p.entry.number, fields: p.fields })),
      channelChanged: Boolean(previous) && channelChanged,
      episodesBefore: previous?.episodes.length ?? 0,
      episodesAfter: next.episodes.length,
      attempts: attempt,
    };
    manifestEtag = loaded?.etag;
    if (result.manifest.change === 'unchanged') break;
    if (dryRun) break;
    try {
      manifestEtag = await writeManifest(store, next, loaded?.etag);
      break;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= maxAttempts) throw error;
      // Another publish wrote the manifest since it was read: read it again and merge.
    }
  }
  recordManifest(result, record);

  // 4. feed.xml, last.
  await writeFeed(config, store, next, manifestEtag, dryRun, record, result);

  for (const p of prepared) {
    result.episodes.push({
      number: p.entry.number,
      slug: p.entry.slug,
      guid: p.entry.guid,
      pubDate: p.entry.pubDate,
      audioUrl: publicUrl(config.store.publicBaseUrl, p.entry.audio.key),
      isNew: p.isNew,
      changed: p.changed,
    });
  }
  return result;
}

/** A one-line account of a manifest change ("adds #103; updates #101 (audio, chapters)"). */
export function describeManifestChange(change: ManifestChange): string {
  if (change.change === 'unchanged') return 'unchanged';
  const parts: string[] = [];
  if (change.change === 'create') parts.push('first publish');
  if (change.added.length) parts.push(`adds ${change.added.map((n) => `#${n}`).join(', ')}`);
  for (const u of change.updated) parts.push(`updates #${u.number} (${u.fields.join(', ')})`);
  if (change.channelChanged) parts.push('show metadata or cover art changed');
  if (parts.length === 0) parts.push('rewritten');
  if (change.attempts > 1) parts.push(`merged with another publish (${change.attempts} attempts)`);
  return parts.join('; ');
}

function recordManifest(result: PublishResult, record: (action: PublishAction) => void): void {
  const change = result.manifest;
  if (change.change === 'unchanged') {
    record({ key: MANIFEST_KEY, what: 'manifest', action: 'skip', why: 'unchanged', reason: 'unchanged' });
    return;
  }
  result.manifestChanged = true;
  const condition = change.change === 'create' ? 'If-None-Match: *' : 'If-Match its ETag';
  record({
    key: MANIFEST_KEY,
    what: 'manifest',
    action: 'upload',
    why: change.change,
    reason: `${describeManifestChange(change)} (${condition}); ${change.episodesBefore} → ${change.episodesAfter} episodes`,
  });
}

/**
 * Write feed.xml from the newest manifest in the store. The feed is read before the
 * manifest and written If-Match the ETag read, so whichever publish writes it last
 * rendered a manifest at least as new as any earlier publish's.
 */
async function writeFeed(
  config: LoadedConfig,
  store: ObjectStore,
  ours: Manifest,
  ourEtag: string | undefined,
  dryRun: boolean,
  record: (action: PublishAction) => void,
  result: PublishResult,
): Promise<void> {
  for (let attempt = 0; attempt < FEED_ATTEMPTS; attempt++) {
    const existing = await store.get(FEED_KEY);
    let latest: LoadedManifest | undefined;
    if (!dryRun) latest = await readManifest(store);
    const manifest = latest && latest.etag !== ourEtag ? latest.manifest : ours;
    const newer = manifest !== ours;
    const xml = Buffer.from(renderFeed(config, manifest), 'utf8');
    result.feedEpisodes = feedEpisodes(config, manifest).length;
    const episodes = `${manifest.episodes.length} episode${manifest.episodes.length === 1 ? '' : 's'}`;
    if (existing && existing.body.equals(xml)) {
      record({
        key: FEED_KEY,
        what: 'feed',
        action: 'skip',
        why: 'unchanged',
        reason: newer ? `unchanged: a newer publish already wrote it (${episodes})` : `unchanged (${episodes})`,
      });
      return;
    }
    const action: PublishAction = {
      key: FEED_KEY,
      what: 'feed',
      action: 'upload',
      why: existing ? 'update' : 'create',
      reason: `${existing ? 'rendered feed differs' : 'first feed'} (${episodes}${newer ? ', from a newer publish\'s manifest' : ''})`,
    };
    if (dryRun) {
      result.feedChanged = true;
      record(action);
      return;
    }
    try {
      await store.put(FEED_KEY, xml, {
        contentType: CONTENT_TYPES.feed,
        cacheControl: CACHE_FEED,
        ...(existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' as const }),
      });
      result.feedChanged = true;
      record(action);
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      // Another publish wrote feed.xml meanwhile: read both again.
    }
  }
  throw new LetterpodError({
    file: `${store.description}: ${FEED_KEY}`,
    problem: 'feed.xml kept changing while writing it',
    fix: 'Make sure only one letterpod publish runs at a time, then publish again',
  });
}
