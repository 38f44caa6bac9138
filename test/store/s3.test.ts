/**
 * S3Store against a real Ceph radosgw (scripts/s3-server.sh start; .ci/run starts it).
 * Without a server the suite is skipped with the reason in its name (see s3-server.ts).
 * Every test works in a bucket of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LetterpodError } from '../../src/errors.js';
import { CACHE_FEED, CACHE_IMMUTABLE, CACHE_PRIVATE, CONTENT_TYPES } from '../../src/store/content-types.js';
import { InvalidKeyError, MANIFEST_KEY } from '../../src/store/keys.js';
import { emptyManifest, readManifest, writeManifest } from '../../src/store/manifest.js';
import { S3Store, openS3Store, type S3StoreOptions } from '../../src/store/s3.js';
import type { S3StoreConfig } from '../../src/config/s3.js';
import { PreconditionFailedError } from '../../src/store/store.js';
import { removeDir, sha256, tempDir } from './fixtures.js';
import { startFaultProxy } from './s3-faults.js';
import { contractOpts, storeContract } from './contract.js';
import { adminClient, bucketName, createBucket, findS3Server, pendingUploads, rawKeys, removeBucket, storeConfig, type S3Server } from './s3-server.js';

const { server, reason } = await findS3Server();
if (!server) console.warn(`[s3.test] S3Store integration tests skipped: ${reason}`);
const title = server ? `S3Store against radosgw (${server.endpoint})` : `S3Store against radosgw (skipped: ${reason})`;

const opts = contractOpts;
const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe.skipIf(!server)(title, () => {
  const srv = server as S3Server;
  let admin: S3Client;
  let dir: string;
  let bucket: string;
  const buckets: string[] = [];

  /** A store on the test's bucket (credentials from the standard chain: the environment). */
  const open = (extra: Partial<S3StoreConfig> = {}, options: S3StoreOptions = {}) =>
    openS3Store(storeConfig(srv, bucket, extra), options);

  beforeAll(() => {
    admin = adminClient(srv);
  });
  beforeEach(async () => {
    dir = await tempDir('s3');
    bucket = bucketName('t');
    buckets.push(bucket);
    await createBucket(admin, bucket);
  });
  afterEach(async () => {
    await removeDir(dir);
    await removeBucket(admin, bucket);
  });
  afterAll(async () => {
    for (const b of buckets) await removeBucket(admin, b);
  });

  // ETag = the MD5 S3 gives a single PUT; the bucket read with the admin client
  storeContract({
    store: () => open(),
    etag: md5,
    raw: async (key) => (await open().get(key))?.body.toString(),
    keys: () => rawKeys(admin, bucket),
  });

  it('is an S3Store when the config names S3', () => {
    expect(open()).toBeInstanceOf(S3Store);
  });

  it('keeps every object under its prefix, and lists only its own', async () => {
    const a = open({ prefix: 'shows/a/' });
    const b = open({ prefix: '/shows/b' });
    expect(a.description).toBe(`s3://${bucket}/shows/a`);
    await a.put('feed.xml', Buffer.from('feed a'), opts);
    await b.put('feed.xml', Buffer.from('feed b!'), opts);
    await b.put('episodes/x.mp3', Buffer.from('mp3'), opts);
    expect((await rawKeys(admin, bucket)).sort()).toEqual(['shows/a/feed.xml', 'shows/b/episodes/x.mp3', 'shows/b/feed.xml']);
    expect(await a.list('')).toEqual([{ key: 'feed.xml', bytes: 6 }]);
    expect(await b.list('')).toEqual([
      { key: 'episodes/x.mp3', bytes: 3 },
      { key: 'feed.xml', bytes: 7 },
    ]);
    expect((await a.get('feed.xml'))?.body.toString()).toBe('feed a');
    expect(await a.head('episodes/x.mp3')).toBeUndefined();
  });

  it('pages through long listings and skips keys letterpod cannot have written', async () => {
    const store = open({ prefix: 'p' }, { listPageSize: 2 });
    const keys = ['a.txt', 'b/c.txt', 'b/d.txt', 'e.txt', 'f.txt'];
    for (const [i, key] of keys.entries()) await store.put(key, Buffer.alloc(i + 1, 1), opts);
    // Written behind its back: a folder marker, a hidden name, a key outside the prefix.
    for (const key of ['p/folder/', 'p/.hidden', 'pq/other.txt', 'other.txt']) {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('x') }));
    }
    expect(await store.list('')).toEqual(keys.map((key, i) => ({ key, bytes: i + 1 })));
    expect((await store.list('b/')).map((o) => o.key)).toEqual(['b/c.txt', 'b/d.txt']);
  });

  it('uploads a body from a file path (one PUT below the multipart threshold)', async () => {
    const store = open();
    const src = join(dir, 'src.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await writeFile(src, data);
    const put = await store.put('big.bin', { path: src }, opts);
    expect(put.bytes).toBe(data.length);
    expect(put.etag).toBe(md5(data));
    expect((await store.head('big.bin'))?.bytes).toBe(data.length);
  });

  it('uploads a 40 MB file as a multipart upload and reads back exactly its bytes', async () => {
    const store = open({}, { multipartThresholdBytes: 16 * 1024 * 1024, partSizeBytes: 8 * 1024 * 1024 });
    const src = join(dir, 'episode.mp3');
    const data = randomBytes(40 * 1024 * 1024 + 12345);
    await writeFile(src, data);
    const put = await store.put('episodes/an-1/an-1-0123abcd.mp3', { path: src }, { contentType: CONTENT_TYPES.audio, cacheControl: CACHE_IMMUTABLE });
    expect(put.bytes).toBe(data.length);
    expect(put.etag).toMatch(/^[0-9a-f]{32}-6$/); // 6 parts of at most 8 MiB
    const head = await store.head('episodes/an-1/an-1-0123abcd.mp3');
    expect(head).toEqual({ bytes: data.length, etag: put.etag, contentType: CONTENT_TYPES.audio, cacheControl: CACHE_IMMUTABLE });
    const got = await store.get('episodes/an-1/an-1-0123abcd.mp3');
    expect(got?.bytes).toBe(data.length);
    expect(sha256(got!.body)).toBe(sha256(data));
    expect(await pendingUploads(admin, bucket)).toBe(0);
  }, 120_000);

  it('stores Content-Type and Cache-Control and reads them back', async () => {
    const store = open();
    const cases = [
      ['feed.xml', CONTENT_TYPES.feed, CACHE_FEED],
      ['episodes/an-1/chapters-0123abcd.json', CONTENT_TYPES.chapters, CACHE_IMMUTABLE],
      ['episodes/an-1/transcript-0123abcd.vtt', CONTENT_TYPES.transcriptVtt, CACHE_IMMUTABLE],
      [MANIFEST_KEY, CONTENT_TYPES.manifest, CACHE_PRIVATE],
    ] as const;
    for (const [key, contentType, cacheControl] of cases) {
      await store.put(key, Buffer.from(`content of ${key}`), { contentType, cacheControl });
    }
    for (const [key, contentType, cacheControl] of cases) {
      const head = await store.head(key);
      expect(head?.contentType, key).toBe(contentType);
      expect(head?.cacheControl, key).toBe(cacheControl);
      const got = await store.get(key);
      expect(got?.contentType, key).toBe(contentType);
      expect(got?.cacheControl, key).toBe(cacheControl);
      // And what a plain HTTP client sees.
      const res = await fetch(`${srv.endpoint}/${bucket}/${key}`, { method: 'HEAD' });
      expect(res.status, key).toBe(403); // private by default
    }
  });

  it('reads and writes the manifest conditionally', async () => {
    const store = open();
    const now = new Date('2024-05-01T12:00:00.000Z');
    expect(await readManifest(store)).toBeUndefined();
    const first = await writeManifest(store, emptyManifest(now), undefined);
    const a = await readManifest(store);
    expect(a?.etag).toBe(first);
    await expect(writeManifest(store, emptyManifest(now), undefined)).rejects.toThrow(/If-None-Match: \*, but the object exists/);
    const second = await writeManifest(store, { ...a!.manifest, channel: { fingerprint: 'x', updatedAt: now.toISOString() } }, a!.etag);
    const err = await rejection(writeManifest(store, emptyManifest(now), a!.etag));
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect(err.message).toMatch(new RegExp(`conditional write failed \\(If-Match: ${first}, but its ETag is ${second}\\)`));
    expect((await readManifest(store))?.manifest.channel.fingerprint).toBe('x');
  });

  it('rejects invalid keys on every method without a request', async () => {
    const store = open();
    for (const key of ['../escape.txt', 'a/../../escape.txt', '/abs.txt', '..', 'a\\b', 'a//b', '.hidden']) {
      await expect(store.put(key, Buffer.from('x'), opts)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect(await rawKeys(admin, bucket)).toEqual([]);
  });

  it('makes objects public-read when asked, except manifest.json', async () => {
    const store = open({ prefix: 'podcast', publicRead: true });
    const audio = randomBytes(50_000);
    await store.put('episodes/an-1/an-1-0123abcd.mp3', audio, { contentType: CONTENT_TYPES.audio, cacheControl: CACHE_IMMUTABLE });
    await store.put('feed.xml', Buffer.from('<rss/>'), { contentType: CONTENT_TYPES.feed, cacheControl: CACHE_FEED });
    await writeManifest(store, emptyManifest(new Date()), undefined);

    const base = `${srv.endpoint}/${bucket}/podcast`;
    const res = await fetch(`${base}/episodes/an-1/an-1-0123abcd.mp3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('cache-control')).toBe(CACHE_IMMUTABLE);
    expect(Buffer.from(await res.arrayBuffer()).equals(audio)).toBe(true);
    const feed = await fetch(`${base}/feed.xml`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toBe('<rss/>');
    const manifest = await fetch(`${base}/manifest.json`);
    expect(manifest.status).toBe(403);
    expect(await manifest.text()).toContain('AccessDenied');
    // The store itself still reads it.
    expect((await readManifest(store))?.manifest.episodes).toEqual([]);
  });

  it('keeps objects private without publicRead', async () => {
    const store = open();
    await store.put('feed.xml', Buffer.from('<rss/>'), { contentType: CONTENT_TYPES.feed, cacheControl: CACHE_FEED });
    expect((await fetch(`${srv.endpoint}/${bucket}/feed.xml`)).status).toBe(403);
  });

  it('names the credentials problem on a wrong secret key, and never shows the secret', async () => {
    const wrongSecret = `wrong-${randomBytes(12).toString('hex')}`;
    const store = open({}, { credentials: { accessKeyId: srv.accessKeyId, secretAccessKey: wrongSecret } });
    for (const attempt of [
      () => store.head('feed.xml'),
      () => store.put('feed.xml', Buffer.from('x'), opts),
      () => store.list(''),
    ]) {
      const err = await rejection(attempt());
      expect(err).toBeInstanceOf(LetterpodError);
      expect(err.message).toMatch(/wrong secret access key/);
      expect(err.message).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
      expect(err.message).not.toContain(wrongSecret);
      expect(err.message).not.toContain(srv.secretAccessKey);
      expect(JSON.stringify(err)).not.toContain(wrongSecret);
      expect(String(err.stack)).not.toContain(wrongSecret);
    }
    expect(await rawKeys(admin, bucket)).toEqual([]);
  });

  it('reads credentials from the environment (the standard AWS chain), and names an unknown access key', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    const wrongSecret = `env-${randomBytes(12).toString('hex')}`;
    try {
      process.env.AWS_ACCESS_KEY_ID = 'NOSUCHKEYLETTERPOD00';
      process.env.AWS_SECRET_ACCESS_KEY = wrongSecret;
      const err = await rejection(open().head('feed.xml'));
      expect(err).toBeInstanceOf(LetterpodError);
      expect(err.message).toMatch(/access key id is not known/);
      expect(err.message).not.toContain(wrongSecret);
      expect(err.message).not.toContain('NOSUCHKEYLETTERPOD00');
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
    // With the right ones back in the environment, a new store works.
    await open().put('feed.xml', Buffer.from('ok'), opts);
    expect(await rawKeys(admin, bucket)).toEqual(['feed.xml']);
  });

  it('names the bucket and endpoint when the bucket does not exist', async () => {
    const missing = bucketName('missing');
    const store = openS3Store(storeConfig(srv, missing));
    for (const attempt of [() => store.head('feed.xml'), () => store.put('feed.xml', Buffer.from('x'), opts), () => store.list('')]) {
      const err = await rejection(attempt());
      expect(err).toBeInstanceOf(LetterpodError);
      expect(err.message).toContain(`bucket "${missing}" does not exist at endpoint ${srv.endpoint}`);
    }
  });

  it('retries throttling (503 SlowDown) and dropped connections, then succeeds', async () => {
    const seed = open();
    await seed.put('feed.xml', Buffer.from('feed'), opts);

    const slow = await startFaultProxy(srv.endpoint, 'slowdown', 3);
    try {
      const store = openS3Store(storeConfig(srv, bucket, { endpoint: slow.endpoint }), { retryBaseDelayMs: 20 });
      const started = Date.now();
      expect((await store.get('feed.xml'))?.body.toString()).toBe('feed');
      expect(slow.failed).toBe(3);
      expect(slow.connections).toBeGreaterThanOrEqual(4);
      // Throttling backs off (base 4 × 20 ms, doubling, at least half of each): ≥ 40 + 80 + 160 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    } finally {
      await slow.close();
    }

    const flaky = await startFaultProxy(srv.endpoint, 'reset', 2);
    try {
      const store = openS3Store(storeConfig(srv, bucket, { endpoint: flaky.endpoint }), { retryBaseDelayMs: 20 });
      await store.put('episodes/x.txt', Buffer.from('survived'), opts);
      expect(flaky.failed).toBe(2);
      expect((await seed.get('episodes/x.txt'))?.body.toString()).toBe('survived');
    } finally {
      await flaky.close();
    }
  });

  it('takes a conditional write whose response was lost, and retried, as done when its bytes are there', async () => {
    const proxy = await startFaultProxy(srv.endpoint, 'lose-response', 1);
    try {
      const store = openS3Store(storeConfig(srv, bucket, { endpoint: proxy.endpoint }), { retryBaseDelayMs: 20 });
      const body = Buffer.from('{"first": true}');
      const put = await store.put(MANIFEST_KEY, body, { ...opts, ifNoneMatch: '*' });
      expect(proxy.failed).toBe(1);
      expect(put.etag).toBe(md5(body));
      expect((await store.get(MANIFEST_KEY))?.body.equals(body)).toBe(true);
      // Someone else's bytes are still a failed condition.
      await expect(store.put(MANIFEST_KEY, Buffer.from('other'), { ...opts, ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    } finally {
      await proxy.close();
    }
  });

  it('gives up after its attempts with a clear error', async () => {
    const slow = await startFaultProxy(srv.endpoint, 'slowdown', 1000);
    try {
      const store = openS3Store(storeConfig(srv, bucket, { endpoint: slow.endpoint }), { retryBaseDelayMs: 5, maxAttempts: 3 });
      const err = await rejection(store.get('feed.xml'));
      expect(err).toBeInstanceOf(LetterpodError);
      expect(err.message).toMatch(/SlowDown, HTTP 503/);
      expect(slow.failed).toBe(3);
    } finally {
      await slow.close();
    }
    const port = await closedPort();
    const store = openS3Store(storeConfig(srv, bucket, { endpoint: `http://127.0.0.1:${port}` }), { retryBaseDelayMs: 5, maxAttempts: 3 });
    const err = await rejection(store.put('feed.xml', Buffer.from('x'), opts));
    expect(err).toBeInstanceOf(LetterpodError);
    expect(err.message).toContain(`cannot reach endpoint http://127.0.0.1:${port} (ECONNREFUSED, after retries)`);
  });
});
