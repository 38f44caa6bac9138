import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeed } from 'podcast-partytime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { LocalStore } from '../../src/store/local.js';
import { readManifest, writeManifest } from '../../src/store/manifest.js';
import { publishEpisodes } from '../../src/publish/protocol.js';
import { PreconditionFailedError, type ObjectStore } from '../../src/store/store.js';
import { makeBuild, makePng, removeDir, sha256, snapshot, tempDir, testConfig } from '../store/fixtures.js';

const T1 = new Date('2024-05-01T12:00:00.000Z');
const T2 = new Date('2024-05-08T09:30:00.000Z');
const BASE = 'https://cdn.example.org/podcast/';

async function h8(path: string): Promise<string> {
  return sha256(await readFile(path)).slice(0, 8);
}

describe('publishEpisodes', () => {
  let root: string;
  let builds: string;
  let r101: EpisodeReport;
  let r102: EpisodeReport;
  let r101remaster: EpisodeReport;
  let r103: EpisodeReport;
  let coverPath: string;

  beforeAll(async () => {
    builds = await tempDir('builds');
    r101 = await makeBuild(join(builds, 'v1'), { number: 101, title: 'Tom & Jerry’s <β> "test"', published: '2024-03-01', transcripts: false });
    r102 = await makeBuild(join(builds, 'v1'), { number: 102, title: 'Second issue', frequency: 550, url: 'https://example.org/an/102' });
    r101remaster = await makeBuild(join(builds, 'v2'), { number: 101, title: 'Tom & Jerry’s <β> "test"', published: '2024-03-01', frequency: 660, seconds: 4, transcripts: false });
    r103 = await makeBuild(join(builds, 'v1'), { number: 103, title: 'Third issue', frequency: 770 });
    coverPath = join(builds, 'cover.png');
    await makePng(coverPath);
  });
  afterAll(() => removeDir(builds));

  async function freshShow(image = false) {
    root = await tempDir('show');
    const config = testConfig(root, image ? { image: coverPath } : {});
    return { config, store: new LocalStore(config.resolved.store!), feedDir: config.resolved.store! };
  }

  it('uploads hashed content, then the manifest, then feed.xml that partytime reads back', async () => {
    const { config, store, feedDir } = await freshShow(true);
    try {
      const result = await publishEpisodes(config, store, [r101, r102], { now: T1 });
      const k = {
        cover: `artwork/cover-${await h8(coverPath)}.png`,
        a101: `episodes/an-101/an-101-${await h8(r101.files.audio)}.mp3`,
        c101: `episodes/an-101/chapters-${await h8(r101.files.chapters)}.json`,
        a102: `episodes/an-102/an-102-${await h8(r102.files.audio)}.mp3`,
        c102: `episodes/an-102/chapters-${await h8(r102.files.chapters)}.json`,
        v102: `episodes/an-102/transcript-${await h8(r102.files.transcriptVtt!)}.vtt`,
        s102: `episodes/an-102/transcript-${await h8(r102.files.transcriptSrt!)}.srt`,
      };
      expect(result.uploaded).toEqual([k.cover, k.a101, k.c101, k.a102, k.c102, k.v102, k.s102, 'manifest.json', 'feed.xml']);
      expect(result.skipped).toEqual([]);
      expect(result.feedChanged).toBe(true);
      expect(result.manifestChanged).toBe(true);
      expect(result.actions[1]).toEqual({
        key: k.a101,
        what: '#101 audio',
        action: 'upload',
        why: 'new',
        reason: `new (${(r101.audio.bytes / 1000).toFixed(0)} KB)`,
        bytes: r101.audio.bytes,
      });
      expect(result.manifest).toEqual({
        change: 'create',
        added: [101, 102],
        updated: [],
        channelChanged: false,
        episodesBefore: 0,
        episodesAfter: 2,
        attempts: 1,
      });
      expect(result.feedEpisodes).toBe(2);
      expect(result.feedUrl).toBe(`${BASE}feed.xml`);

      // Stored bytes are the built bytes; metadata passed through.
      expect(await readFile(join(feedDir, k.a101))).toEqual(await readFile(r101.files.audio));
      expect(await store.head(k.a101)).toMatchObject({ contentType: 'audio/mpeg', cacheControl: 'public, max-age=31536000, immutable' });
      expect(await store.head(k.c101)).toMatchObject({ contentType: 'application/json+chapters' });
      expect(await store.head(k.v102)).toMatchObject({ contentType: 'text/vtt; charset=utf-8' });
      expect(await store.head(k.s102)).toMatchObject({ contentType: 'application/x-subrip; charset=utf-8' });
      expect(await store.head(k.cover)).toMatchObject({ contentType: 'image/png' });
      expect(await store.head('feed.xml')).toMatchObject({ contentType: 'application/rss+xml; charset=utf-8', cacheControl: 'public, max-age=300' });

      const manifest = (await readManifest(store))!.manifest;
      const [m101, m102] = manifest.episodes;
      expect(m101).toMatchObject({ number: 101, slug: 'an-101', pubDate: '2024-03-01T00:00:00.000Z', firstPublishedAt: T1.toISOString() });
      expect(m102).toMatchObject({ number: 102, slug: 'an-102', pubDate: T1.toISOString(), url: 'https://example.org/an/102' });
      expect(m101!.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(m101!.guid).not.toBe(m102!.guid);
      expect(m101!.audio).toEqual({ key: k.a101, bytes: r101.audio.bytes, sha256: r101.audio.sha256, durationSeconds: 3.026 });
      expect(m101!.source.sha256).toBe(r101.source.sha256);
      expect(m101!.description).toBe('Tom & Jerry’s <β> "test"\n\nSummaries & opinions for issue 101.');

      const xml = await readFile(join(feedDir, 'feed.xml'), 'utf8');
      const feed = parseFeed(xml)!;
      expect(feed.guid).toBe('5a2a64e7-a299-516f-9bbb-200275b9fe5d');
      expect(feed.itunesImage).toBe(BASE + k.cover);
      expect(feed.lastBuildDate?.toISOString()).toBe(T1.toISOString());
      expect(feed.items.map((i) => [i.guid, i.title])).toEqual([
        [m102!.guid, 'AN #102: Second issue'],
        [m101!.guid, 'AN #101: Tom & Jerry’s <β> "test"'],
      ]);
      const [i102, i101] = feed.items;
      expect(i101!.enclosure).toEqual({ url: BASE + k.a101, length: r101.audio.bytes, type: 'audio/mpeg' });
      expect(i101!.duration).toBe(3);
      expect(i101!.pubDate?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
      expect(i101!.podcastChapters).toEqual({ url: BASE + k.c101, type: 'application/json+chapters' });
      expect(i101!.podcastTranscripts).toBeUndefined();
      expect(i102!.link).toBe('https://example.org/an/102');
      expect(i102!.podcastTranscripts?.map((t) => t.url)).toEqual([BASE + k.v102, BASE + k.s102]);
      // Every enclosure length is the size of the file the URL points to.
      for (const item of feed.items) {
        const key = item.enclosure.url.slice(BASE.length);
        expect(item.enclosure.length).toBe((await stat(join(feedDir, key))).size);
      }
    } finally {
      await removeDir(root);
    }
  });

  it('publishing again with nothing new writes no file (same bytes, same mtimes)', async () => {
    const { config, store, feedDir } = await freshShow(true);
    try {
      await publishEpisodes(config, store, [r101, r102], { now: T1 });
      const before = await snapshot(feedDir);
      await new Promise((r) => setTimeout(r, 30));
      const again = await publishEpisodes(config, new LocalStore(feedDir), [r101, r102], { now: T2 });
      expect(again.uploaded).toEqual([]);
      expect(again.skipped).toHaveLength(9);
      expect(again.feedChanged).toBe(false);
      expect(again.manifestChanged).toBe(false);
      expect(again.episodes.map((e) => [e.isNew, e.changed])).toEqual([[false, false], [false, false]]);
      const after = await snapshot(feedDir);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [path, state] of before) expect(after.get(path), path).toEqual(state);
      expect([...before.keys()].filter((p) => !p.startsWith('.'))).toHaveLength(9);
    } finally {
      await removeDir(root);
    }
  });

  it('a re-master gets a new key, keeps GUID and pubDate, keeps the old object, and the feed points to the new one', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      const first = await publishEpisodes(config, store, [r101], { now: T1 });
      const oldKey = `episodes/an-101/an-101-${await h8(r101.files.audio)}.mp3`;
      const newKey = `episodes/an-101/an-101-${await h8(r101remaster.files.audio)}.mp3`;
      expect(newKey).not.toBe(oldKey);

      const second = await publishEpisodes(config, store, [r101remaster], { now: T2 });
      expect(second.uploaded).toEqual([newKey, 'manifest.json', 'feed.xml']);
      expect(second.skipped).toEqual([`episodes/an-101/chapters-${await h8(r101.files.chapters)}.json`]);
      expect(second.episodes[0]).toMatchObject({ guid: first.episodes[0]!.guid, pubDate: '2024-03-01T00:00:00.000Z', isNew: false, changed: true });

      const m = (await readManifest(store))!.manifest.episodes[0]!;
      expect(m).toMatchObject({ guid: first.episodes[0]!.guid, pubDate: '2024-03-01T00:00:00.000Z', firstPublishedAt: T1.toISOString(), updatedAt: T2.toISOString() });
      expect(m.audio.key).toBe(newKey);
      expect((await stat(join(feedDir, oldKey))).size).toBe(r101.audio.bytes);

      const feed = parseFeed(await readFile(join(feedDir, 'feed.xml'), 'utf8'))!;
      expect(feed.items).toHaveLength(1);
      expect(feed.items[0]!.guid).toBe(first.episodes[0]!.guid);
      expect(feed.items[0]!.enclosure).toEqual({ url: BASE + newKey, length: r101remaster.audio.bytes, type: 'audio/mpeg' });
      expect(feed.items[0]!.enclosure.length).toBe((await stat(join(feedDir, newKey))).size);
      expect(feed.items[0]!.duration).toBe(4);
      expect(feed.lastBuildDate?.toISOString()).toBe(T2.toISOString());
    } finally {
      await removeDir(root);
    }
  });

  it('a change of show metadata rewrites manifest and feed and moves lastBuildDate, uploading nothing', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      await publishEpisodes(config, store, [r101], { now: T1 });
      const renamed = testConfig(root, { title: 'Renamed Show' });
      const result = await publishEpisodes(renamed, store, [r101], { now: T2 });
      expect(result.uploaded).toEqual(['manifest.json', 'feed.xml']);
      expect(result.episodes[0]!.changed).toBe(false);
      const feed = parseFeed(await readFile(join(feedDir, 'feed.xml'), 'utf8'))!;
      expect(feed.title).toBe('Renamed Show');
      expect(feed.lastBuildDate?.toISOString()).toBe(T2.toISOString());
      expect((await readManifest(store))!.manifest.episodes[0]!.updatedAt).toBe(T1.toISOString());
    } finally {
      await removeDir(root);
    }
  });

  it('a dry run reports the plan and writes nothing', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      const plan = await publishEpisodes(config, store, [r101], { now: T1, dryRun: true });
      expect(plan.dryRun).toBe(true);
      expect(plan.uploaded).toHaveLength(4);
      expect(plan.uploaded.slice(-2)).toEqual(['manifest.json', 'feed.xml']);
      expect(plan.feedChanged).toBe(true);
      await expect(stat(feedDir)).rejects.toThrow(/ENOENT/);
    } finally {
      await removeDir(root);
    }
  });

  it('re-uploads an object whose stored size is wrong, and verifies it', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      await publishEpisodes(config, store, [r101], { now: T1 });
      const key = `episodes/an-101/an-101-${await h8(r101.files.audio)}.mp3`;
      await truncate(join(feedDir, key), 1000);
      const again = await publishEpisodes(config, store, [r101], { now: T2 });
      expect(again.actions[0]).toMatchObject({
        key,
        action: 'upload',
        why: 'wrong-size',
        reason: `exists with a different size (1000 bytes, expected ${r101.audio.bytes})`,
      });
      expect(again.manifestChanged).toBe(false);
      expect((await stat(join(feedDir, key))).size).toBe(r101.audio.bytes);
    } finally {
      await removeDir(root);
    }
  });

  it('another publish winning the manifest in between: re-read, merge, retry; both episodes end up in the feed', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      let competitor: Awaited<ReturnType<typeof publishEpisodes>> | undefined;
      // Just before our manifest write, another publisher (same store, its own client) publishes #102 completely.
      const racing: ObjectStore = {
        description: store.description,
        head: (k) => store.head(k),
        get: (k) => store.get(k),
        list: (p) => store.list(p),
        delete: (k) => store.delete(k),
        async put(key, body, opts) {
          if (key === 'manifest.json' && !competitor) competitor = await publishEpisodes(config, new LocalStore(feedDir), [r102], { now: T1 });
          return store.put(key, body, opts);
        },
      };
      const ours = await publishEpisodes(config, racing, [r101], { now: T2 });
      expect(competitor?.manifest.change).toBe('create');
      expect(ours.manifest).toMatchObject({ change: 'update', added: [101], attempts: 2, episodesBefore: 1, episodesAfter: 2 });
      const manifest = (await readManifest(store))!.manifest;
      expect(manifest.episodes.map((e) => e.number)).toEqual([101, 102]);
      expect(manifest.episodes[1]!.guid).toBe(competitor!.episodes[0]!.guid);
      expect(manifest.episodes[1]!.firstPublishedAt).toBe(T1.toISOString());
      const feed = parseFeed(await readFile(join(feedDir, 'feed.xml'), 'utf8'))!;
      expect(feed.items.map((i) => i.guid).sort()).toEqual([ours.episodes[0]!.guid, competitor!.episodes[0]!.guid].sort());
      // The content objects of the first attempt were not uploaded twice.
      expect(ours.uploaded.filter((k) => k.endsWith('.mp3'))).toHaveLength(1);
    } finally {
      await removeDir(root);
    }
  });

  it('gives up with a PreconditionFailedError after its attempts when the manifest keeps changing, writing no feed', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      await publishEpisodes(config, store, [r101], { now: T1 });
      const feedBefore = await readFile(join(feedDir, 'feed.xml'));
      let rewrites = 0;
      // Another publisher rewrites the manifest before every one of our writes.
      const racing: ObjectStore = {
        description: store.description,
        head: (k) => store.head(k),
        get: (k) => store.get(k),
        list: (p) => store.list(p),
        delete: (k) => store.delete(k),
        async put(key, body, opts) {
          if (key === 'manifest.json') {
            const current = (await readManifest(store))!;
            rewrites++;
            await writeManifest(store, { ...current.manifest, channel: { ...current.manifest.channel, updatedAt: new Date(T1.getTime() + rewrites * 1000).toISOString() } }, current.etag);
          }
          return store.put(key, body, opts);
        },
      };
      const err = await publishEpisodes(config, racing, [r101, r102], { now: T2, manifestAttempts: 3 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PreconditionFailedError);
      expect((err as Error).message).toMatch(/manifest\.json: conditional write failed \(If-Match: [0-9a-f]{64}, but its ETag is [0-9a-f]{64}\)\. Another publish changed it meanwhile; run publish again/);
      expect(rewrites).toBe(3);
      expect(await readFile(join(feedDir, 'feed.xml'))).toEqual(feedBefore);
      expect((await readManifest(store))!.manifest.episodes.map((e) => e.number)).toEqual([101]);
    } finally {
      await removeDir(root);
    }
  });

  it('a slower publish holding an older manifest does not overwrite the feed a newer publish wrote', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      let competitor: Awaited<ReturnType<typeof publishEpisodes>> | undefined;
      // After our manifest write and before our feed write, another publish adds #102 (manifest and feed).
      const slow: ObjectStore = {
        description: store.description,
        head: (k) => store.head(k),
        list: (p) => store.list(p),
        delete: (k) => store.delete(k),
        put: (k, b, o) => store.put(k, b, o),
        async get(key) {
          if (key === 'feed.xml' && !competitor) competitor = await publishEpisodes(config, new LocalStore(feedDir), [r102], { now: T2 });
          return store.get(key);
        },
      };
      const ours = await publishEpisodes(config, slow, [r101], { now: T1 });
      expect(ours.manifest.change).toBe('create');
      expect(competitor!.manifest).toMatchObject({ change: 'update', added: [102], episodesAfter: 2 });
      expect(ours.actions.at(-1)).toMatchObject({ key: 'feed.xml', action: 'skip', why: 'unchanged' });
      expect(ours.feedEpisodes).toBe(2);
      const feed = parseFeed(await readFile(join(feedDir, 'feed.xml'), 'utf8'))!;
      expect(feed.items.map((i) => i.title)).toEqual(['AN #102: Second issue', 'AN #101: Tom & Jerry’s <β> "test"']);
    } finally {
      await removeDir(root);
    }
  });

  it('a dry run says why: new, changed hash, missing remotely, already there; and the manifest change', async () => {
    const { config, store, feedDir } = await freshShow();
    try {
      const first = await publishEpisodes(config, store, [r101, r102], { now: T1 });
      const vtt102 = first.uploaded.find((k) => k.endsWith('.vtt'))!;
      await store.delete(vtt102);
      const before = await snapshot(feedDir);
      const plan = await publishEpisodes(config, store, [r101remaster, r102, r103], { now: T2, dryRun: true });
      const byKey = new Map(plan.actions.map((a) => [a.key, a]));
      const oldAudio = first.uploaded[0]!;
      const newAudio = `episodes/an-101/an-101-${await h8(r101remaster.files.audio)}.mp3`;
      expect(byKey.get(newAudio)).toMatchObject({ action: 'upload', why: 'changed', replaces: oldAudio, what: '#101 audio' });
      expect(byKey.get(newAudio)!.reason).toContain(`replaces ${oldAudio}`);
      expect(byKey.get(`episodes/an-101/chapters-${await h8(r101.files.chapters)}.json`)).toMatchObject({ action: 'skip', why: 'present' });
      expect(byKey.get(vtt102)).toMatchObject({ action: 'upload', why: 'missing', what: '#102 transcript (VTT)' });
      expect(byKey.get(`episodes/an-102/an-102-${await h8(r102.files.audio)}.mp3`)).toMatchObject({ action: 'skip', why: 'present' });
      expect(byKey.get(`episodes/an-103/an-103-${await h8(r103.files.audio)}.mp3`)).toMatchObject({ action: 'upload', why: 'new' });
      expect(plan.manifest).toMatchObject({ change: 'update', added: [103], updated: [{ number: 101, fields: ['audio'] }], episodesBefore: 2, episodesAfter: 3 });
      expect(byKey.get('manifest.json')).toMatchObject({ action: 'upload', why: 'update' });
      expect(byKey.get('manifest.json')!.reason).toBe('adds #103; updates #101 (audio) (If-Match its ETag); 2 → 3 episodes');
      expect(byKey.get('feed.xml')).toMatchObject({ action: 'upload', why: 'update' });
      expect(plan.feedEpisodes).toBe(3);
      expect(await snapshot(feedDir)).toEqual(before);
    } finally {
      await removeDir(root);
    }
  });

  it('re-uploads an object stored with the wrong Content-Type', async () => {
    const { config, store } = await freshShow();
    try {
      const first = await publishEpisodes(config, store, [r101], { now: T1 });
      const chapters = first.uploaded[1]!;
      expect(chapters).toMatch(/chapters-[0-9a-f]{8}\.json$/);
      await store.put(chapters, await readFile(r101.files.chapters), { contentType: 'application/octet-stream', cacheControl: 'no-cache' });
      const again = await publishEpisodes(config, store, [r101], { now: T2 });
      expect(again.uploaded).toEqual([chapters]);
      expect(again.actions[1]).toMatchObject({ why: 'wrong-metadata', reason: 'stored with Content-Type application/octet-stream, should be application/json+chapters' });
      expect(await store.head(chapters)).toMatchObject({ contentType: 'application/json+chapters', cacheControl: 'public, max-age=31536000, immutable' });
      expect(again.manifestChanged).toBe(false);
    } finally {
      await removeDir(root);
    }
  });

  it('refuses audio that changed since the build', async () => {
    const { config, store } = await freshShow();
    try {
      const copy = join(builds, 'changed.mp3');
      await writeFile(copy, Buffer.concat([await readFile(r101.files.audio), Buffer.from('x')]));
      const changed: EpisodeReport = { ...r101, files: { ...r101.files, audio: copy } };
      await expect(publishEpisodes(config, store, [changed], { now: T1 })).rejects.toThrow(/changed\.mp3: audio changed since it was built/);
      await expect(publishEpisodes(config, store, [r101, r101], { now: T1 })).rejects.toThrow(/issue 101 is given twice/);
      expect(await store.list('')).toEqual([]);
    } finally {
      await removeDir(root);
    }
  });
});
