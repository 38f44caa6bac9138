/**
 * The publish protocol (DESIGN.md "Publish order"):
 *
 *   1. content objects under hashed keys — skipped when the key already holds an object of
 *      the same size — each HEAD-verified after upload;
 *   2. manifest.json, conditionally (If-Match its ETag, If-None-Match "*" when new);
 *   3. feed.xml, rendered only from that manifest, written last.
 *
 * Nothing is rewritten that would not change: a publish with nothing new writes no file.
 * Old hashed objects stay (apps may still be downloading them); GUID, slug and pubDate of
 * an episode are fixed at its first publish.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { LoadedConfig } from '../config.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { renderFeed } from '../feed/render.js';
import { plainDescription } from '../feed/text.js';
import { normalizeBaseUrl, publicUrl } from '../feed/urls.js';
import { CACHE_FEED, CACHE_IMMUTABLE, CONTENT_TYPES } from '../store/content-types.js';
import { sha256Buffer, sha256File } from '../hash.js';
import { FEED_KEY, MANIFEST_KEY, keys, slugFrom } from '../store/keys.js';
import {
  MANIFEST_VERSION,
  readManifest,
  serializeManifest,
  writeManifest,
  type Manifest,
  type ManifestEpisode,
  type StoredFile,
} from '../store/manifest.js';
import { PreconditionFailedError, type ObjectStore } from '../store/store.js';

export interface PublishOptions {
  /** Plan only: read the store, write nothing. */
  dryRun?: boolean;
  /** The publish time (first-publish pubDates, updatedAt). Default: now. */
  now?: Date;
}

export interface PublishAction {
  key: string;
  action: 'upload' | 'skip';
  reason: string;
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

export interface PublishResult {
  dryRun: boolean;
  /** Keys written (or, in a dry run, that would be), in write order: content, manifest.json, feed.xml. */
  uploaded: string[];
  /** Keys left alone because the store already has them (same size, or same bytes for manifest/feed). */
  skipped: string[];
  manifestChanged: boolean;
  feedChanged: boolean;
  actions: PublishAction[];
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
}

interface PreparedEpisode {
  entry: ManifestEpisode;
  objects: PlannedObject[];
  isNew: boolean;
  changed: boolean;
}

async function hashExisting(path: string, what: string): Promise<{ sha256: string; bytes: number }> {
  try {
    return await sha256File(path);
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
): Promise<PlannedObject> {
  const { sha256, bytes } = await hashExisting(path, what);
  if (bytes === 0) {
    throw new LetterpodError({ file: path, problem: `${what} is empty`, fix: 'Run letterpod build again for this issue, then publish' });
  }
  return { key: keyOf(sha256), path, bytes, sha256, contentType, cacheControl: CACHE_IMMUTABLE };
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

/** The parts of an entry a re-master or edit can change; a difference bumps updatedAt. */
function contentOf(entry: Omit<ManifestEpisode, 'slug' | 'guid' | 'pubDate' | 'firstPublishedAt' | 'updatedAt'>): string {
  const { number, title, url, description, notesHtml, audio, chapters, transcripts, source } = entry;
  return JSON.stringify({ number, title, url, description, notesHtml, audio, chapters, transcripts, source });
}

async function prepareEpisode(
  report: EpisodeReport,
  previous: ManifestEpisode | undefined,
  takenSlugs: Map<string, number>,
  now: Date,
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

  const audio = await planFile(report.files.audio, 'episode audio', (h) => keys.audio(s, h), CONTENT_TYPES.audio);
  if (audio.bytes !== report.audio.bytes || (report.audio.sha256 && audio.sha256 !== report.audio.sha256)) {
    throw new LetterpodError({
      file: report.files.audio,
      problem: `audio changed since it was built (${audio.bytes} bytes, the report says ${report.audio.bytes})`,
      fix: 'Run letterpod build again for this issue, then publish',
    });
  }
  await checkChaptersJson(report.files.chapters);
  const chapters = await planFile(report.files.chapters, 'chapters file', (h) => keys.chapters(s, h), CONTENT_TYPES.chapters);
  const vtt = report.files.transcriptVtt
    ? await planFile(report.files.transcriptVtt, 'VTT transcript', (h) => keys.transcriptVtt(s, h), CONTENT_TYPES.transcriptVtt)
    : undefined;
  const srt = report.files.transcriptSrt
    ? await planFile(report.files.transcriptSrt, 'SRT transcript', (h) => keys.transcriptSrt(s, h), CONTENT_TYPES.transcriptSrt)
    : undefined;
  let notesHtml: string;
  try {
    notesHtml = await readFile(report.files.notes, 'utf8');
  } catch (cause) {
    throw new LetterpodError({ file: report.files.notes, problem: 'show notes not found', fix: 'Run letterpod build again for this issue', cause });
  }

  const content = {
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
  return { entry, objects: [audio, chapters, ...(vtt ? [vtt] : []), ...(srt ? [srt] : [])], isNew: !previous, changed };
}

async function planArtwork(path: string): Promise<PlannedObject> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(8);
      await handle.read(head, 0, 8, 0);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new LetterpodError({ file: path, problem: 'cover art not found', fix: 'Fix show.image in the config (a path relative to it)', cause });
  }
  const isJpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  const isPng = head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!isJpeg && !isPng) {
    throw new LetterpodError({ file: path, problem: 'cover art is neither JPEG nor PNG', fix: 'Use a square 1400–3000 px JPEG or PNG' });
  }
  const ext = isJpeg ? 'jpg' : 'png';
  return planFile(path, 'cover art', (h) => keys.cover(h, ext), isJpeg ? CONTENT_TYPES.jpeg : CONTENT_TYPES.png);
}

/** What the channel of the feed depends on besides the episodes: a change bumps channel.updatedAt. */
function channelFingerprint(config: LoadedConfig, artworkKey: string | undefined): string {
  const { image: _image, ...show } = config.show;
  return sha256Buffer(JSON.stringify({ show, publicBaseUrl: normalizeBaseUrl(config.store.publicBaseUrl), artwork: artworkKey ?? null }));
}

/**
 * Publish built episodes to the store: content objects, then the manifest, then feed.xml.
 * Episodes already in the manifest and not among `reports` stay as they are.
 * Throws LetterpodError (PreconditionFailedError when another publish won the manifest).
 */
export async function publishEpisodes(
  config: LoadedConfig,
  store: ObjectStore,
  reports: readonly EpisodeReport[],
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const now = opts.now ?? new Date();
  const dryRun = opts.dryRun ?? false;
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

  // 0. The current state.
  const loaded = await readManifest(store);
  const previous = loaded?.manifest;
  const byNumber = new Map((previous?.episodes ?? []).map((e) => [e.number, e]));
  const takenSlugs = new Map((previous?.episodes ?? []).map((e) => [e.slug, e.number]));

  // 1. Plan the content objects.
  const artwork = config.resolved.image ? await planArtwork(config.resolved.image) : undefined;
  const prepared: PreparedEpisode[] = [];
  for (const report of reports) prepared.push(await prepareEpisode(report, byNumber.get(report.issue.number), takenSlugs, now));
  const planned = new Map<string, PlannedObject>();
  for (const object of [...(artwork ? [artwork] : []), ...prepared.flatMap((p) => p.objects)]) planned.set(object.key, object);

  const result: PublishResult = {
    dryRun,
    uploaded: [],
    skipped: [],
    manifestChanged: false,
    feedChanged: false,
    actions: [],
    episodes: [],
    feedUrl: publicUrl(config.store.publicBaseUrl, FEED_KEY),
  };
  const record = (key: string, action: 'upload' | 'skip', reason: string) => {
    result.actions.push({ key, action, reason });
    (action === 'upload' ? result.uploaded : result.skipped).push(key);
  };

  // 2. Upload what the store does not have, and verify it.
  for (const object of planned.values()) {
    const existing = await store.head(object.key);
    if (existing && existing.bytes === object.bytes) {
      record(object.key, 'skip', `exists with the same size (${object.bytes} bytes)`);
      continue;
    }
    record(
      object.key,
      'upload',
      existing ? `exists with a different size (${existing.bytes} bytes, expected ${object.bytes})` : `new (${object.bytes} bytes)`,
    );
    if (dryRun) continue;
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
  const artworkKey = artwork?.key;
  const fingerprint = channelFingerprint(config, artworkKey);
  const next: Manifest = {
    version: MANIFEST_VERSION,
    channel:
      previous && previous.channel.fingerprint === fingerprint
        ? previous.channel
        : { fingerprint, updatedAt: now.toISOString() },
    ...(artwork ? { artwork: { ...stored(artwork), contentType: artwork.contentType } } : {}),
    episodes: [...episodes.values()].sort((a, b) => a.number - b.number),
  };
  let manifestEtag = loaded?.etag;
  if (loaded && loaded.text === serializeManifest(next)) {
    result.actions.push({ key: MANIFEST_KEY, action: 'skip', reason: 'unchanged' });
    result.skipped.push(MANIFEST_KEY);
  } else {
    result.manifestChanged = true;
    record(MANIFEST_KEY, 'upload', loaded ? 'episodes or show changed (If-Match its ETag)' : 'first publish (If-None-Match *)');
    if (!dryRun) manifestEtag = await writeManifest(store, next, loaded?.etag);
  }

  // 4. feed.xml, last; conditional so a slower publish with an older manifest cannot overwrite a newer feed.
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

async function writeFeed(
  config: LoadedConfig,
  store: ObjectStore,
  manifest: Manifest,
  manifestEtag: string | undefined,
  dryRun: boolean,
  record: (key: string, action: 'upload' | 'skip', reason: string) => void,
  result: PublishResult,
): Promise<void> {
  let current = manifest;
  for (let attempt = 0; attempt < 5; attempt++) {
    const xml = Buffer.from(renderFeed(config, current), 'utf8');
    const existing = await store.get(FEED_KEY);
    if (existing && existing.body.equals(xml)) {
      record(FEED_KEY, 'skip', 'unchanged');
      return;
    }
    result.feedChanged = true;
    if (dryRun) {
      record(FEED_KEY, 'upload', existing ? 'rendered feed differs' : 'first feed');
      return;
    }
    try {
      await store.put(FEED_KEY, xml, {
        contentType: CONTENT_TYPES.feed,
        cacheControl: CACHE_FEED,
        ...(existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' as const }),
      });
      record(FEED_KEY, 'upload', existing ? 'rendered feed differs' : 'first feed');
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      // Someone wrote feed.xml meanwhile. If the manifest moved on too, that publish owns the feed.
      const latest = await readManifest(store);
      if (!latest || latest.etag !== manifestEtag) {
        result.feedChanged = false;
        result.actions.push({ key: FEED_KEY, action: 'skip', reason: 'a newer publish wrote the manifest and feed meanwhile' });
        result.skipped.push(FEED_KEY);
        return;
      }
      current = latest.manifest;
    }
  }
  throw new LetterpodError({
    file: `${store.description}: ${FEED_KEY}`,
    problem: 'feed.xml kept changing while writing it',
    fix: 'Make sure only one letterpod publish runs at a time, then publish again',
  });
}
