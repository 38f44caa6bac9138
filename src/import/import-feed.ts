/**
 * `letterpod import`: bring an existing show's feed into the manifest (read-feed.ts,
 * merge.ts), optionally copy each episode's audio into the store under letterpod's keys
 * (download.ts), then write the manifest (conditionally) and feed.xml — only what changes.
 * The old channel's metadata is returned as a proposal; the config is never changed.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from '../async/map-limit.js';
import type { LoadedConfig } from '../config/config.js';
import { LetterpodError } from '../errors.js';
import { renderFeed } from '../feed/render.js';
import { feedUrl } from '../feed/urls.js';
import { pingHubs, type HubPing } from '../feed/websub.js';
import { sha256File } from '../hash.js';
import { CACHE_FEED, CACHE_IMMUTABLE, CONTENT_TYPES } from '../store/content-types.js';
import { FEED_KEY, keys } from '../store/keys.js';
import { emptyManifest, readManifest, serializeManifest, writeManifest, type Manifest } from '../store/manifest.js';
import type { ObjectStore } from '../store/store.js';
import { downloadResumable } from './download.js';
import { mergeImport, type ImportOutcome } from './merge.js';
import { durationSeconds, readSourceFeed, type ProposedShow } from './read-feed.js';

export interface ImportOptions {
  copyAudio?: boolean;
  /** Downloads at a time (default 3). */
  concurrency?: number;
  dryRun?: boolean;
  /** Progress of --copy-audio: files done, of how many, and bytes downloaded so far. */
  onProgress?: (p: { done: number; total: number; bytes: number; file?: string }) => void;
}

export interface ImportResult extends Omit<ImportOutcome, 'manifest'> {
  source: string;
  items: number;
  copied: { slug: string; bytes: number; resumedFrom: number }[];
  copyFailures: { slug: string; url: string; problem: string }[];
  manifestChanged: boolean;
  feedChanged: boolean;
  /** The old channel's metadata where it differs from the config: a proposal, never applied. */
  proposedConfig: Record<string, unknown>;
  /** WebSub pings after feed.xml changed (a failed one is a warning). */
  hubPings: HubPing[];
}

async function loadSource(source: string): Promise<Buffer> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetch(source, { redirect: 'follow' }).catch((cause: unknown) => {
      throw new LetterpodError({ file: source, problem: `cannot fetch the feed (${(cause as Error).message})`, fix: 'Check the URL, or save the feed and import the file', cause });
    });
    if (!res.ok) throw new LetterpodError({ file: source, problem: `fetching the feed answered HTTP ${res.status}`, fix: 'Check the URL, or save the feed and import the file' });
    return Buffer.from(await res.arrayBuffer());
  }
  try {
    return await readFile(source);
  } catch (cause) {
    throw new LetterpodError({ file: source, problem: 'feed file not found', fix: 'Give the feed\'s URL or the path of a saved copy', cause });
  }
}

/** Channel fields of the old feed that differ from the config, as config keys. */
export function proposeConfig(config: LoadedConfig, show: ProposedShow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const propose = (key: string, value: unknown, current: unknown) => {
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current)) out[key] = value;
  };
  propose('show.title', show.title, config.show.title);
  propose('show.description', show.description, config.show.description);
  propose('show.author', show.author, config.show.author);
  if (show.owner?.name || show.owner?.email) propose('show.owner', { name: show.owner.name ?? config.show.owner.name, email: show.owner.email ?? config.show.owner.email }, config.show.owner);
  propose('show.language', show.language?.toLowerCase(), config.show.language);
  propose('show.link', show.link, config.show.link);
  propose('show.copyright', show.copyright, config.show.copyright);
  propose('show.category', show.categories[0], config.show.category);
  propose('show.explicit', show.explicit, config.show.explicit);
  propose('show.type', show.type, config.show.type);
  // the old artwork is a URL: download it and set show.image to the file
  propose('show.image (download from)', show.image, undefined);
  // keeping the podcast:guid across the move
  propose('feed.guid', show.podcastGuid, config.feed.guid);
  return out;
}

export async function importFeed(config: LoadedConfig, store: ObjectStore, source: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const feed = readSourceFeed(await loadSource(source), source);
  const loaded = await readManifest(store);
  const before = loaded?.manifest ?? emptyManifest(new Date());
  const merged = mergeImport(before, feed);
  const { manifest: _m, ...outcome } = merged;
  const result: ImportResult = {
    ...outcome,
    source,
    items: feed.items.length + feed.problems.length,
    copied: [],
    copyFailures: [],
    manifestChanged: false,
    feedChanged: false,
    proposedConfig: proposeConfig(config, feed.show),
    hubPings: [],
  };
  let manifest: Manifest = merged.manifest;
  if (opts.copyAudio && !opts.dryRun) manifest = await copyAudio(config, store, manifest, result, opts);

  const text = serializeManifest(manifest);
  if (loaded?.text === text) return result;
  result.manifestChanged = true;
  if (opts.dryRun) return result;
  await writeManifest(store, manifest, loaded?.etag);
  const xml = Buffer.from(renderFeed(config, manifest), 'utf8');
  const existing = await store.get(FEED_KEY);
  if (!existing || !existing.body.equals(xml)) {
    await store.put(FEED_KEY, xml, { contentType: CONTENT_TYPES.feed, cacheControl: CACHE_FEED, ...(existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' as const }) });
    result.feedChanged = true;
    if (config.feed.hubs.length) result.hubPings = await pingHubs(config.feed.hubs, feedUrl(config.store.publicBaseUrl));
  }
  return result;
}

/**
 * Every imported episode whose audio is still on the old host: downloaded (resumable,
 * a few at a time), verified, put into the store under letterpod's key for it and HEAD
 * checked; the manifest entry then points at the store. One failure does not stop the rest.
 */
async function copyAudio(config: LoadedConfig, store: ObjectStore, manifest: Manifest, result: ImportResult, opts: ImportOptions): Promise<Manifest> {
  const dir = join(config.root, '.letterpod', 'import');
  await mkdir(dir, { recursive: true });
  const entries = [...manifest.episodes, ...(manifest.others ?? [])].filter((e) => !e.audio && e.imported);
  let done = 0;
  let bytes = 0;
  const total = entries.length;
  opts.onProgress?.({ done, total, bytes });
  await mapLimit(entries, opts.concurrency ?? 3, async (entry) => {
    const imported = entry.imported!;
    const file = join(dir, `${entry.slug}.mp3`);
    try {
      const got = await downloadResumable(imported.enclosure.url, file, imported.enclosure.length, (n) => {
        bytes += n;
        opts.onProgress?.({ done, total, bytes, file: entry.slug });
      });
      const { sha256, bytes: size } = await sha256File(file);
      const key = keys.audio(entry.slug, sha256);
      const head = await store.head(key);
      if (!head || head.bytes !== size) await store.put(key, { path: file }, { contentType: CONTENT_TYPES.audio, cacheControl: CACHE_IMMUTABLE });
      const check = await store.head(key);
      if (!check || check.bytes !== size) throw new LetterpodError({ file: key, problem: `upload not verified (HEAD says ${check ? check.bytes : 'missing'}, expected ${size})`, fix: 'Check the store, then run the import again' });
      entry.audio = { key, bytes: size, sha256, durationSeconds: durationSeconds(imported.duration) ?? 0 };
      result.copied.push({ slug: entry.slug, bytes: size, resumedFrom: got.resumedFrom });
    } catch (error) {
      if (!(error instanceof LetterpodError)) throw error;
      result.copyFailures.push({ slug: entry.slug, url: imported.enclosure.url, problem: `${error.problem}. ${error.fix}` });
    } finally {
      done++;
      opts.onProgress?.({ done, total, bytes, file: entry.slug });
    }
  });
  return manifest;
}
