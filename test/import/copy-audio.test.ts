/**
 * A feed written the way common hosts write it (CDATA, itunes: and googleplay: tags, http
 * enclosures, a missing length, a duplicate GUID, a trailer), imported with --copy-audio
 * from a real local HTTP server that drops the connection mid-file: the rerun resumes with
 * a Range request and completes, sizes verified, and the feed points at the store.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeed as partytime } from 'podcast-partytime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFeed } from '../../src/import/import-feed.js';
import { LocalStore } from '../../src/store/local.js';
import { readManifest } from '../../src/store/manifest.js';
import { removeDir, tempDir, testConfig } from '../store/fixtures.js';
import { hostDate, hostGuid, oldFeedXml, type OldItem } from './old-feed.js';

const SIZE = 400_000;

describe('import --copy-audio from a host that drops connections', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const files = new Map<string, Buffer>();
  const requests: { path: string; range?: string }[] = [];
  let active = 0;
  let maxActive = 0;
  /** Paths whose next GET is cut off after half the body. */
  const dropOnce = new Set<string>();
  let items: OldItem[];
  let feedFile: string;

  beforeAll(async () => {
    dir = await tempDir('import-copy');
    for (const n of [1, 2, 3, 4]) files.set(`/an/an-${n}.mp3`, randomBytes(SIZE + n));
    files.set('/an/trailer.mp3', randomBytes(50_000));
    dropOnce.add('/an/an-2.mp3');
    server = createServer((req, res) => {
      const path = req.url ?? '';
      requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
      const body = files.get(path);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      active++;
      maxActive = Math.max(maxActive, active);
      res.on('close', () => active--);
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = m ? Number(m[1]) : 0;
      const slice = body.subarray(start);
      res.writeHead(m ? 206 : 200, {
        'Content-Type': 'audio/mpeg',
        'Content-Length': slice.length,
        ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      if (dropOnce.delete(path)) {
        res.write(slice.subarray(0, Math.floor(slice.length / 2)), () => setTimeout(() => res.socket?.destroy(), 300));
        return;
      }
      // slowly enough that downloads overlap
      setTimeout(() => res.end(slice), 30);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const at = (i: number) => hostDate(new Date(Date.UTC(2019, 0, 7 + 7 * i, 16)));
    items = [1, 2, 3, 4].map((n, i) => ({
      number: n,
      title: `AN #${n}: Issue ${n} & friends`,
      description: `<p>Summaries of <b>issue ${n}</b>.</p>`,
      guid: hostGuid(n),
      pubDate: at(i),
      url: `${base}/an/an-${n}.mp3`,
      ...(n === 3 ? {} : { length: SIZE + n }),
      duration: n === 4 ? '1500' : '00:25:00',
    }));
    items.push({ title: 'Welcome to the audio edition', description: 'Trailer.', guid: hostGuid('trailer'), pubDate: at(-1), url: `${base}/an/trailer.mp3`, length: 50_000, duration: '00:01:00', episodeType: 'trailer' });
    // the host repeated an item (same GUID): reported, imported once
    items.push({ ...items[0]!, title: 'AN #1: Issue 1 (repeated)' });
    feedFile = join(dir, 'old.rss');
    await writeFile(feedFile, oldFeedXml(items));
    files.set('/an/feed.rss', Buffer.from(oldFeedXml(items)));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await removeDir(dir);
  });

  const config = () => testConfig(join(dir, 'show'));

  it('imports each item once, reports the duplicate GUID, keeps the trailer as a trailer', async () => {
    // read from the old host's URL
    const result = await importFeed(config(), new LocalStore(config().resolved.store!), `${base}/an/feed.rss`, { dryRun: true });
    expect(result.addedIssues).toEqual([1, 2, 3, 4]);
    expect(result.addedOthers).toEqual([hostGuid('trailer')]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.problem).toMatch(/duplicate GUID/);
    expect(result.warnings.map((w) => w.position)).toEqual([3]);
    expect(result.warnings[0]!.warning).toMatch(/no length/);
    expect(result.manifestChanged).toBe(true);
  });

  it('a cut-off download fails alone; the rerun resumes it with a Range request and the feed points at the store', async () => {
    const store = new LocalStore(config().resolved.store!);
    const progress: number[] = [];
    const first = await importFeed(config(), store, feedFile, { copyAudio: true, concurrency: 2, onProgress: (p) => progress.push(p.done) });
    expect(first.copyFailures.map((f) => f.slug)).toEqual(['an-002']);
    expect(first.copyFailures[0]!.problem).toMatch(/cut off|stopped at/);
    expect(first.copied).toHaveLength(4);
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(progress.at(-1)).toBe(5);
    let xml = await readFile(join(config().resolved.store!, 'feed.xml'), 'utf8');
    expect(xml).toContain(`${base}/an/an-2.mp3`); // not copied yet: still on the old host

    const second = await importFeed(config(), store, feedFile, { copyAudio: true, concurrency: 2 });
    expect(second.copyFailures).toEqual([]);
    // continued from the bytes the first run kept (at most the half sent: a reset can lose what was in flight)
    expect(second.copied).toHaveLength(1);
    const { slug, bytes, resumedFrom } = second.copied[0]!;
    expect({ slug, bytes }).toEqual({ slug: 'an-002', bytes: SIZE + 2 });
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(Math.floor((SIZE + 2) / 2));
    expect(requests.filter((r) => r.path === '/an/an-2.mp3').map((r) => r.range)).toEqual([undefined, `bytes=${resumedFrom}-`]);

    const manifest = (await readManifest(store))!.manifest;
    for (const e of [...manifest.episodes, ...(manifest.others ?? [])]) {
      const served = files.get(new URL(e.imported!.enclosure.url).pathname)!;
      const stored = await readFile(join(config().resolved.store!, e.audio!.key));
      expect(stored.equals(served)).toBe(true);
    }
    xml = await readFile(join(config().resolved.store!, 'feed.xml'), 'utf8');
    expect(xml).not.toContain(base);
    const feed = partytime(xml)!;
    expect(feed.items).toHaveLength(5);
    for (const item of feed.items) expect(item.enclosure.url.startsWith('https://cdn.example.org/podcast/episodes/')).toBe(true);
    const byGuid = new Map(feed.items.map((i) => [i.guid, i]));
    for (const old of items.slice(0, 5)) {
      const got = byGuid.get(old.guid)!;
      expect(got.title).toBe(old.title);
      expect(got.pubDate?.getTime()).toBe(new Date(old.pubDate).getTime());
      expect(got.enclosure.length).toBe(files.get(new URL(old.url).pathname)!.length);
    }
    expect(xml).toContain(`<pubDate>${items[0]!.pubDate}</pubDate>`);
    expect(xml).toMatch(/<itunes:episodeType>trailer<\/itunes:episodeType>/);

    // a third run has nothing left to do
    const third = await importFeed(config(), store, feedFile, { copyAudio: true });
    expect(third.copied).toEqual([]);
    expect(third.manifestChanged || third.feedChanged).toBe(false);
  });
});
