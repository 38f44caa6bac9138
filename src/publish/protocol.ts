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
 *
 * Planning (what goes where, and why) is plan.ts; this module commits a plan in that order.
 */
import type { LoadedConfig } from '../config/config.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { feedEntries, renderFeed } from '../feed/render.js';
import { publicUrl } from '../feed/urls.js';
import { pingHubs, type HubPing } from '../feed/websub.js';
import { CACHE_FEED, CONTENT_TYPES } from '../store/content-types.js';
import { FEED_KEY, MANIFEST_KEY } from '../store/keys.js';
import {
  MANIFEST_VERSION,
  readManifest,
  serializeManifest,
  writeManifest,
  type LoadedManifest,
  type Manifest,
} from '../store/manifest.js';
import { PreconditionFailedError, type ObjectStore } from '../store/store.js';
import {
  channelFingerprint,
  classify,
  planArtwork,
  prepareEpisode,
  stored,
  type HashCache,
  type PlannedObject,
  type PreparedEpisode,
  type PublishAction,
} from './plan.js';

export { changedFields, formatBytes, type ActionWhy, type PublishAction } from './plan.js';

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
  /**
   * Dry run: issues whose recordings would be built first. They have no objects to plan
   * yet, but they count in the manifest change and the feed (adds #n, 0 → 4 episodes).
   */
  pending?: readonly number[];
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
  /** WebSub publish pings sent after feed.xml changed (feed.hubs); a failed one is a warning. */
  hubPings: HubPing[];
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
    hubPings: [],
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
      ...(previous?.others ? { others: previous.others } : {}),
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
    if (dryRun) countPending(result.manifest, (opts.pending ?? []).filter((n) => !seen.has(n)), byNumber, Boolean(loaded));
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
  const pendingNew = dryRun ? result.manifest.episodesAfter - next.episodes.length : 0;
  await writeFeed(config, store, next, manifestEtag, dryRun, record, result, pendingNew);
  // 5. tell the hubs, only when the feed changed
  if (result.feedChanged && !dryRun && config.feed.hubs.length) result.hubPings = await pingHubs(config.feed.hubs, result.feedUrl);

  for (const p of prepared) {
    result.episodes.push({
      number: p.entry.number,
      slug: p.entry.slug,
      guid: p.entry.guid,
      pubDate: p.entry.pubDate,
      audioUrl: publicUrl(config.store.publicBaseUrl, p.entry.audio!.key),
      isNew: p.isNew,
      changed: p.changed,
    });
  }
  return result;
}

/** A dry run's episodes still to be built, counted into its manifest change. */
function countPending(change: ManifestChange, pending: readonly number[], published: ReadonlyMap<number, unknown>, exists: boolean): void {
  if (pending.length === 0) return;
  const added = pending.filter((n) => !published.has(n));
  change.added = [...change.added, ...added].sort((a, b) => a - b);
  for (const n of pending) if (published.has(n)) change.updated.push({ number: n, fields: ['audio (after its build)'] });
  change.episodesAfter += added.length;
  if (change.change === 'unchanged') change.change = exists ? 'update' : 'create';
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
    reason: `${describeManifestChange(change)} (${condition}); ${change.episodesBefore} → ${change.episodesAfter} episode${change.episodesAfter === 1 ? '' : 's'}`,
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
  /** Dry run: episodes a build would add to the feed first (not in `ours`). */
  pendingNew = 0,
): Promise<void> {
  for (let attempt = 0; attempt < FEED_ATTEMPTS; attempt++) {
    const existing = await store.get(FEED_KEY);
    let latest: LoadedManifest | undefined;
    if (!dryRun) latest = await readManifest(store);
    const manifest = latest && latest.etag !== ourEtag ? latest.manifest : ours;
    const newer = manifest !== ours;
    const xml = Buffer.from(renderFeed(config, manifest), 'utf8');
    const limit = config.feed?.itemLimit ?? Infinity;
    result.feedEpisodes = Math.min(limit, feedEntries(config, manifest).length + pendingNew);
    const total = manifest.episodes.length + pendingNew;
    const episodes = `${total} episode${total === 1 ? '' : 's'}${pendingNew ? `, ${pendingNew} of them after their builds` : ''}`;
    if (existing && existing.body.equals(xml) && pendingNew === 0) {
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
