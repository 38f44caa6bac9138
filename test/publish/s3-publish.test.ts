/**
 * The publish protocol and `letterpod publish` against a real Ceph radosgw
 * (scripts/s3-server.sh start; .ci/run starts it). Without a server the suite is skipped
 * with the reason in its name (test/store/s3-server.ts finds it). Every test works in a
 * bucket of its own; episode folders are fixture builds (test/store/fixtures.ts), and CLI
 * tests use project folders whose builds are current (./project.ts), so nothing is mastered.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseFeed } from 'podcast-partytime';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/config.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import { LetterpodError } from '../../src/errors.js';
import { publishEpisodes, type PublishResult } from '../../src/publish/protocol.js';
import { CACHE_FEED, CACHE_IMMUTABLE, CACHE_PRIVATE } from '../../src/store/content-types.js';
import { readManifest } from '../../src/store/manifest.js';
import { openS3Store, type S3Store, type S3StoreOptions } from '../../src/store/s3.js';
import type { S3StoreConfig } from '../../src/config/s3.js';
import type { ObjectStore } from '../../src/store/store.js';
import { letterpod, problems } from '../helpers/cli.js';
import { makeBuild, makePng, removeDir, sha256, tempDir } from '../store/fixtures.js';
import { adminClient, bucketName, createBucket, findS3Server, pendingUploads, removeBucket, storeConfig, type S3Server } from '../store/s3-server.js';
import { startCutProxy } from './cut-proxy.js';
import { SHOW, addEpisode, makeProject } from './project.js';

const { server, reason } = await findS3Server();
if (!server) console.warn(`[s3-publish.test] publish-to-radosgw tests skipped: ${reason}`);
const title = server ? `publish to radosgw (${server.endpoint})` : `publish to radosgw (skipped: ${reason})`;

const T1 = new Date('2024-05-01T12:00:00.000Z');
const T2 = new Date('2024-05-08T09:30:00.000Z');
const MiB = 1024 * 1024;

const EXPECTED_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  json: 'application/json+chapters',
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  png: 'image/png',
  xml: 'application/rss+xml; charset=utf-8',
};

/** Every object in the bucket: key → "etag size lastModified" (to tell whether anything was written). */
async function objectStates(admin: S3Client, bucket: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) out.set(o.Key!, `${o.ETag} ${o.Size} ${o.LastModified?.toISOString()}`);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** One line, ending in a newline, starting with "letterpod: ". */
function oneLineError(stderr: string): string {
  expect(problems(stderr)).toMatch(/^letterpod: [^\n]+\n$/);
  return problems(stderr).trim();
}

describe.skipIf(!server)(title, () => {
  const srv = server as S3Server;
  let admin: S3Client;
  let builds: string;
  let dir: string;
  let bucket: string;
  let coverPath: string;
  let r101: EpisodeReport;
  let r102: EpisodeReport;
  let r101remaster: EpisodeReport;
  const buckets: string[] = [];

  /** A config whose store is the test's bucket (public base URL = the bucket's path-style URL). */
  const s3Config = (extra: Partial<S3StoreConfig> = {}, image?: string): LoadedConfig =>
    parseConfig({ show: { ...SHOW, ...(image ? { image } : {}) }, store: storeConfig(srv, bucket, extra) }, join(dir, 'letterpod.config.json'), dir);
  const open = (config: LoadedConfig, options: S3StoreOptions = {}, endpoint?: string): S3Store =>
    openS3Store({ ...(config.store as S3StoreConfig), ...(endpoint ? { endpoint } : {}) }, options);
  const baseUrl = () => `${srv.endpoint}/${bucket}/`;

  /** The feed as an anonymous client gets it, parsed; every URL in it fetched anonymously and checked against the bucket. */
  async function checkFeedAnonymously(): Promise<NonNullable<ReturnType<typeof parseFeed>>> {
    const res = await fetch(`${baseUrl()}feed.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(EXPECTED_TYPES.xml);
    expect(res.headers.get('cache-control')).toBe(CACHE_FEED);
    const feed = parseFeed(await res.text());
    expect(feed).not.toBeNull();
    const objects = await objectStates(admin, bucket);
    const urls: { url: string; length?: number }[] = [];
    if (feed!.itunesImage) urls.push({ url: feed!.itunesImage });
    for (const item of feed!.items) {
      urls.push({ url: item.enclosure!.url, length: item.enclosure!.length });
      if (item.podcastChapters) urls.push({ url: item.podcastChapters.url });
      for (const t of item.podcastTranscripts ?? []) urls.push({ url: t.url });
    }
    for (const { url, length } of urls) {
      expect(url.startsWith(baseUrl()), url).toBe(true);
      const key = url.slice(baseUrl().length);
      expect(objects.has(key), `${key} exists`).toBe(true);
      const got = await fetch(url);
      expect(got.status, url).toBe(200);
      const body = Buffer.from(await got.arrayBuffer());
      if (length !== undefined) expect(body.length, `${key}: enclosure length = object size`).toBe(length);
      expect(got.headers.get('content-type'), key).toBe(EXPECTED_TYPES[key.split('.').pop()!]);
      expect(got.headers.get('cache-control'), key).toBe(CACHE_IMMUTABLE);
    }
    return feed!;
  }

  beforeAll(async () => {
    admin = adminClient(srv);
    builds = await tempDir('s3pub-builds');
    r101 = await makeBuild(join(builds, 'v1'), { number: 101, title: 'First issue', published: '2024-03-01' });
    r102 = await makeBuild(join(builds, 'v1'), { number: 102, title: 'Second issue', frequency: 550 });
    r101remaster = await makeBuild(join(builds, 'v2'), { number: 101, title: 'First issue', published: '2024-03-01', frequency: 660, seconds: 4 });
    coverPath = join(builds, 'cover.png');
    await makePng(coverPath);
  });
  afterAll(async () => {
    await removeDir(builds);
    for (const b of buckets) await removeBucket(admin, b);
  });
  beforeEach(async () => {
    dir = await tempDir('s3pub');
    bucket = bucketName('pub');
    buckets.push(bucket);
    await createBucket(admin, bucket);
  });
  afterEach(async () => {
    await removeDir(dir);
    await removeBucket(admin, bucket);
  });

  it('publishes two episodes, then a re-master: only existing objects in the feed, exact lengths, stable GUIDs and dates; the feed and audio are public, the manifest is not', async () => {
    const config = s3Config({ publicRead: true }, coverPath);
    const store = open(config);
    const first = await publishEpisodes(config, store, [r101, r102], { now: T1 });
    expect(first.uploaded).toHaveLength(1 + 4 + 4 + 2);
    expect(first.uploaded.slice(-2)).toEqual(['manifest.json', 'feed.xml']);

    // Every content object: public, the right Content-Type and Cache-Control, its exact size.
    for (const action of first.actions.filter((a) => a.bytes !== undefined)) {
      const res = await fetch(baseUrl() + action.key, { method: 'HEAD' });
      expect(res.status, action.key).toBe(200);
      expect(res.headers.get('content-type'), action.key).toBe(EXPECTED_TYPES[action.key.split('.').pop()!]);
      expect(res.headers.get('cache-control'), action.key).toBe(CACHE_IMMUTABLE);
      expect(Number(res.headers.get('content-length')), action.key).toBe(action.bytes);
    }
    // manifest.json: private, not cached, JSON.
    const anonymous = await fetch(`${baseUrl()}manifest.json`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain('AccessDenied');
    expect(await store.head('manifest.json')).toMatchObject({ contentType: 'application/json; charset=utf-8', cacheControl: CACHE_PRIVATE });

    const feed1 = await checkFeedAnonymously();
    const guids = new Map(feed1.items.map((i) => [i.guid, i.pubDate?.toISOString()]));
    expect(guids.size).toBe(2);

    // Nothing new: nothing written (same ETags and times), every object skipped by its size.
    const before = await objectStates(admin, bucket);
    await new Promise((r) => setTimeout(r, 1100)); // S3 times have 1 s resolution
    const again = await publishEpisodes(config, open(config), [r101, r102], { now: T2 });
    expect(again.uploaded).toEqual([]);
    expect(again.actions.filter((a) => a.bytes !== undefined).every((a) => a.why === 'present')).toBe(true);
    expect(await objectStates(admin, bucket)).toEqual(before);

    // Re-master #101: a new audio key; GUIDs and pubDates stay; the old audio stays for apps still downloading it.
    const remaster = await publishEpisodes(config, open(config), [r101remaster], { now: T2 });
    const newAudio = remaster.uploaded[0]!;
    expect(remaster.uploaded).toEqual([newAudio, 'manifest.json', 'feed.xml']);
    expect(remaster.actions[1]).toMatchObject({ key: newAudio, why: 'changed', replaces: first.uploaded[1] });
    expect(remaster.manifest.updated).toEqual([{ number: 101, fields: ['audio'] }]);
    const feed2 = await checkFeedAnonymously();
    expect(new Map(feed2.items.map((i) => [i.guid, i.pubDate?.toISOString()]))).toEqual(guids);
    const item101 = feed2.items.find((i) => i.enclosure!.url.includes('/an-101/'))!;
    expect(item101.enclosure!.url).toBe(baseUrl() + newAudio);
    expect(item101.enclosure!.length).toBe(r101remaster.audio.bytes);
    const audio = Buffer.from(await (await fetch(item101.enclosure!.url)).arrayBuffer());
    expect(sha256(audio)).toBe(r101remaster.audio.sha256);
    expect((await store.head(first.uploaded[1]!))?.bytes).toBe(r101.audio.bytes);
    const m = (await readManifest(store))!.manifest;
    expect(m.episodes.map((e) => [e.number, e.pubDate])).toEqual([
      [101, '2024-03-01T00:00:00.000Z'],
      [102, T1.toISOString()],
    ]);
  });

  it('the server going away in the middle of a multipart upload: a clear error, the old feed stays valid, a rerun converges', async () => {
    const config = s3Config({ publicRead: true });
    await publishEpisodes(config, open(config), [r101, r102], { now: T1 });
    const feedBefore = (await open(config).get('feed.xml'))!.body;
    const manifestBefore = (await readManifest(open(config)))!.text;
    // About 6 MB: two 5 MiB parts.
    const big = await makeBuild(join(dir, 'builds'), { number: 103, title: 'A long one', frequency: 330, seconds: 500 });
    expect(big.audio.bytes).toBeGreaterThan(5 * MiB);

    const proxy = await startCutProxy(srv.endpoint);
    try {
      const options = { multipartThresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB, retryBaseDelayMs: 20, maxAttempts: 3 };
      const store = open(config, options, proxy.endpoint);
      proxy.cutAfter(3 * MiB);
      const started = Date.now();
      const err = (await publishEpisodes(config, store, [r101, r102, big], { now: T2 }).then(
        () => new Error('publish succeeded'),
        (e: unknown) => e,
      )) as Error;
      expect(proxy.down).toBe(true);
      expect(err).toBeInstanceOf(LetterpodError);
      const audioKey = `episodes/an-103/an-103-${big.audio.sha256.slice(0, 8)}.mp3`;
      expect(err.message).toContain(`s3://${bucket}: ${audioKey}: multipart upload failed: cannot reach endpoint ${proxy.endpoint}`);
      expect(err.message).toMatch(/\((ECONNREFUSED|ECONNRESET|EPIPE), after retries\)\. Check the network and store\.endpoint, then publish again/);
      expect(err.message).not.toContain('\n');
      expect(Date.now() - started).toBeLessThan(30_000);

      // The old feed and manifest are untouched, and the feed references only objects that exist.
      const direct = open(config);
      expect((await direct.get('feed.xml'))!.body.equals(feedBefore)).toBe(true);
      expect((await readManifest(direct))!.text).toBe(manifestBefore);
      expect(await direct.head(audioKey)).toBeUndefined();
      const during = await checkFeedAnonymously();
      expect(during.items).toHaveLength(2);

      // The server is back: the same store object, a rerun converges.
      await proxy.restore();
      const rerun = await publishEpisodes(config, store, [r101, r102, big], { now: T2 });
      expect(rerun.uploaded).toContain(audioKey);
      expect(rerun.manifest.added).toEqual([103]);
      const after = await checkFeedAnonymously();
      expect(after.items.map((i) => i.title)).toContain('AN #103: A long one');
      expect(after.items).toHaveLength(3);
      // An interrupted multipart upload whose abort could not reach the server stays pending
      // (a bucket lifecycle rule clears those); the rerun's own upload completed.
      expect(await pendingUploads(admin, bucket)).toBeLessThanOrEqual(1);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('two publishes of different episodes at the same moment both end up in the feed (the loser of the manifest re-reads, merges, retries)', async () => {
    const config = s3Config({ publicRead: true });
    // Deterministic: B publishes #102 completely between A's read of the manifest and A's write.
    const a = open(config);
    let b: PublishResult | undefined;
    const gated: ObjectStore = {
      description: a.description,
      head: (k) => a.head(k),
      get: (k) => a.get(k),
      list: (p) => a.list(p),
      delete: (k) => a.delete(k),
      async put(key, body, opts) {
        if (key === 'manifest.json' && !b) b = await publishEpisodes(config, open(config), [r102], { now: T1 });
        return a.put(key, body, opts);
      },
    };
    const resultA = await publishEpisodes(config, gated, [r101], { now: T1 });
    expect(b!.manifest).toMatchObject({ change: 'create', attempts: 1 });
    expect(resultA.manifest).toMatchObject({ change: 'update', added: [101], attempts: 2, episodesAfter: 2 });
    const feed = await checkFeedAnonymously();
    expect(feed.items.map((i) => i.guid).sort()).toEqual([resultA.episodes[0]!.guid, b!.episodes[0]!.guid].sort());

    // Free-running: four publishers with their own clients, all at once, on top of that.
    const more = await Promise.all(
      [103, 104, 105, 106].map(async (number) => {
        const report = await makeBuild(join(dir, 'race'), { number, title: `Race ${number}`, frequency: 100 + number });
        return publishEpisodes(config, open(config), [report], { now: T2 });
      }),
    );
    const manifest = (await readManifest(open(config)))!.manifest;
    expect(manifest.episodes.map((e) => e.number)).toEqual([101, 102, 103, 104, 105, 106]);
    const after = await checkFeedAnonymously();
    expect(after.items).toHaveLength(6);
    for (const r of more) expect(after.items.map((i) => i.guid)).toContain(r.episodes[0]!.guid);
    console.info(`[s3-publish.test] four concurrent publishes took ${more.map((r) => r.manifest.attempts).join(', ')} manifest attempts`);
  });

  describe('letterpod publish (real processes)', () => {
    it('two `letterpod publish` processes of different episodes at the same time: both end up in the feed', async () => {
      const store = storeConfig(srv, bucket, { publicRead: true });
      const a = await makeProject(join(dir, 'a'), store);
      const b = await makeProject(join(dir, 'b'), store);
      await addEpisode(a, { number: 201, title: 'From A' });
      await addEpisode(b, { number: 202, title: 'From B' });
      const runs = await Promise.all([letterpod(['publish'], join(dir, 'a')), letterpod(['publish'], join(dir, 'b'))]);
      for (const [i, run] of runs.entries()) {
        if (run.code === 0) continue;
        // Failing cleanly is allowed: one line naming the conflict; its rerun adds the episode.
        expect(oneLineError(run.stderr)).toMatch(/manifest\.json: conditional write failed/);
        const rerun = await letterpod(['publish'], join(dir, i === 0 ? 'a' : 'b'));
        expect(rerun.code, rerun.stderr).toBe(0);
      }
      const feed = await checkFeedAnonymously();
      expect(feed.items.map((i) => i.title).sort()).toEqual(['AN #201: From A', 'AN #202: From B']);
    });

    it('publish --dry-run lists each key and why, the manifest change and the feed, and writes nothing', async () => {
      const config = await makeProject(dir, storeConfig(srv, bucket, { publicRead: true }));
      await addEpisode(config, { number: 101, title: 'First', published: '2024-03-01T00:00:00Z' });
      const published = await letterpod(['publish'], dir);
      expect(published.code, published.stderr).toBe(0);
      expect(published.stdout).toMatch(/^uploaded episodes\/an-101\/an-101-[0-9a-f]{8}\.mp3 \(#101 audio: new \(\d+(\.\d)? KB\)\)$/m);

      // Re-master #101, build #102, leave #103 unbuilt.
      await addEpisode(config, { number: 101, title: 'First', published: '2024-03-01T00:00:00Z', frequency: 999 });
      const r102b = (await addEpisode(config, { number: 102, title: 'Second' })).report!;
      await addEpisode(config, { number: 103, title: 'Third', built: false });
      const before = await objectStates(admin, bucket);
      const dry = await letterpod(['publish', '--dry-run'], dir);
      expect(dry.code, dry.stderr).toBe(0);
      const out = dry.stdout;
      expect(out).toContain(`dry run: nothing is written to s3://${bucket}`);
      expect(out).toMatch(/^would build recordings\/an-103\.wav \(#103: no build in .*an-103\) first; its objects are not listed below$/m);
      expect(out).toMatch(/would upload\s+episodes\/an-101\/an-101-[0-9a-f]{8}\.mp3\s+#101 audio\s+changed: new hash [0-9a-f]{8}, replaces episodes\/an-101\/an-101-[0-9a-f]{8}\.mp3/);
      expect(out).toMatch(/skip\s+episodes\/an-101\/chapters-[0-9a-f]{8}\.json\s+#101 chapters\s+already there \(166 bytes\)/);
      expect(out).toContain(`episodes/an-102/an-102-${r102b.audio.sha256.slice(0, 8)}.mp3`);
      expect(out).toMatch(/would upload\s+manifest\.json\s+manifest\s+adds #102, #103; updates #101 \(audio\) \(If-Match its ETag\); 1 → 3 episodes/);
      expect(out).toMatch(/would upload\s+feed\.xml\s+feed\s+rendered feed differs \(3 episodes, 1 of them after their builds\)/);
      expect(await objectStates(admin, bucket)).toEqual(before);

      const json = await letterpod(['publish', '--dry-run', '--json'], dir);
      const result = JSON.parse(json.stdout) as { wouldBuild: { issue: number }[]; publish: PublishResult };
      expect(result.publish.dryRun).toBe(true);
      expect(result.wouldBuild.map((w) => w.issue)).toEqual([103]);
      expect(result.publish.actions.map((a) => `${a.why} ${a.key}`)).toContain(`new episodes/an-102/an-102-${r102b.audio.sha256.slice(0, 8)}.mp3`);
      expect(await objectStates(admin, bucket)).toEqual(before);
    });

    it('one clear line and exit 1 on wrong credentials, a missing bucket, and a server that goes away mid-upload', async () => {
      const config = await makeProject(dir, storeConfig(srv, bucket, { publicRead: true }));
      await addEpisode(config, { number: 101, title: 'First' });
      // Not built: the store is read before any build starts (a build of this 1 s take would fail otherwise).
      await addEpisode(config, { number: 102, title: 'Second', built: false });
      const secret = 'wrong-secret-0123456789abcdef';
      const wrong = await letterpod(['publish'], dir, { AWS_SECRET_ACCESS_KEY: secret });
      expect(wrong.code).toBe(1);
      expect(oneLineError(wrong.stderr)).toMatch(/refused by endpoint .*: the request signature does not match \(wrong secret access key\)\. Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
      expect(wrong.stderr + wrong.stdout).not.toContain(secret);
      expect(wrong.stdout).toBe('');

      const missing = bucketName('nobucket');
      await addEpisode(await makeProject(join(dir, 'm'), storeConfig(srv, missing)), { number: 101, title: 'First' });
      const nobucket = await letterpod(['publish'], join(dir, 'm'));
      expect(nobucket.code).toBe(1);
      expect(oneLineError(nobucket.stderr)).toBe(
        `letterpod: s3://${missing}: bucket "${missing}" does not exist at endpoint ${srv.endpoint}. Create the bucket, or fix store.bucket / store.endpoint in the config`,
      );

      // Through a proxy that stops forwarding halfway through the audio (one PUT).
      await rm(join(config.resolved.recordings, 'an-102.wav'));
      const ok = await letterpod(['publish'], dir);
      expect(ok.code, ok.stderr).toBe(0);
      const feedBefore = await (await fetch(`${baseUrl()}feed.xml`)).text();
      const proxy = await startCutProxy(srv.endpoint);
      try {
        const viaProxy = await makeProject(join(dir, 'p'), storeConfig(srv, bucket, { publicRead: true, endpoint: proxy.endpoint }));
        await addEpisode(viaProxy, { number: 101, title: 'First' });
        const { report } = await addEpisode(viaProxy, { number: 102, title: 'Second', seconds: 120 });
        proxy.cutAfter(800_000);
        const cut = await letterpod(['publish'], join(dir, 'p'));
        expect(proxy.down).toBe(true);
        expect(cut.code).toBe(1);
        expect(oneLineError(cut.stderr)).toMatch(
          new RegExp(`^letterpod: s3://${bucket}: episodes/an-102/an-102-${report!.audio.sha256.slice(0, 8)}\\.mp3: upload failed: cannot reach endpoint ${proxy.endpoint} \\(ECONN(REFUSED|RESET), after retries\\)`),
        );
        expect(await (await fetch(`${baseUrl()}feed.xml`)).text()).toBe(feedBefore);
        expect((await checkFeedAnonymously()).items).toHaveLength(1);

        await proxy.restore();
        const rerun = await letterpod(['publish'], join(dir, 'p'));
        expect(rerun.code, rerun.stderr).toBe(0);
        expect((await checkFeedAnonymously()).items.map((i) => i.title).sort()).toEqual(['AN #101: First', 'AN #102: Second']);
      } finally {
        await proxy.close();
      }
    });

    it('letterpod status --json tells published, published-but-differs, built and unbuilt apart on the bucket', async () => {
      const config = await makeProject(dir, storeConfig(srv, bucket, { publicRead: true }));
      await addEpisode(config, { number: 101, title: 'First' });
      await addEpisode(config, { number: 102, title: 'Second' });
      expect((await letterpod(['publish'], dir)).code).toBe(0);
      await addEpisode(config, { number: 102, title: 'Second', frequency: 777 }); // re-mastered, not published
      await addEpisode(config, { number: 103, title: 'Third' });
      await addEpisode(config, { number: 104, title: 'Fourth', built: false });
      const run = await letterpod(['status', '--json'], dir);
      expect(run.code, run.stderr).toBe(0);
      const status = JSON.parse(run.stdout) as { issues: { number: number; state: string; differs: string[] }[]; remote: { feed: string; episodes: number } };
      expect(status.remote).toMatchObject({ feed: 'current', episodes: 2 });
      expect(status.issues.map((i) => [i.number, i.state, i.differs])).toEqual([
        [101, 'published', []],
        [102, 'published, differs', ['audio']],
        [103, 'built, not published', []],
        [104, 'not built', []],
      ]);

      // A store that cannot be read: the local part is still shown, the store's problem named, exit 1.
      const missing = bucketName('nobucket');
      await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, store: storeConfig(srv, missing) }));
      const broken = await letterpod(['status'], dir);
      expect(broken.code).toBe(1);
      expect(broken.stdout.split('\n')[0]).toBe(
        `store: s3://${missing}: cannot read it: s3://${missing}: bucket "${missing}" does not exist at endpoint ${srv.endpoint}. Create the bucket, or fix store.bucket / store.endpoint in the config`,
      );
      expect(broken.stdout).toMatch(/^#103\s+Third\s+an-103\.wav\s+current\s+—\s+built, not published/m);
    });
  });
});
