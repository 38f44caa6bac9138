/**
 * The store server against a real published store, over real HTTP on an ephemeral port:
 * headers, Range, conditional requests, gzip, and nothing outside the public objects.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreServer } from '../../src/serve/server.js';
import { CACHE_FEED, CACHE_IMMUTABLE, CONTENT_TYPES } from '../../src/store/content-types.js';
import { LocalStore } from '../../src/store/local.js';
import { scratch } from '../helpers/tmp.js';
import { SECRET, cleanUp, makeServedStore, rawRequest, request, type RawResponse, type ServedStore } from './fixture.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let s: ServedStore;
let server: Server;
let port: number;
const logs: string[] = [];
const files = new Map<string, Buffer>();

async function file(key: string): Promise<Buffer> {
  if (!files.has(key)) files.set(key, await readFile(join(s.feedDir, key)));
  return files.get(key)!;
}

/** The headers that must agree between HEAD and GET (not Date/Connection/Keep-Alive). */
function entityHeaders(r: RawResponse): Record<string, unknown> {
  const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = r.headers;
  return rest;
}

function expectNoLeak(r: { status: number; body?: Buffer; text?: string }, passwd: string): void {
  const text = r.text ?? r.body!.toString('latin1');
  expect([400, 404]).toContain(r.status);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(passwd.split('\n')[0]!);
}

beforeAll(async () => {
  dir = await scratch('serve');
  s = await makeServedStore(dir);
  server = createStoreServer(s.feedDir, { log: (line) => logs.push(line) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await cleanUp(dir);
});

describe('objects and their headers', () => {
  it('feed.xml: RSS type, short cache, strong sha256 ETag, Last-Modified, Vary', async () => {
    const body = await file(s.keys.feed);
    const r = await request(port, '/feed.xml');
    expect(r.status).toBe(200);
    expect(r.body.equals(body)).toBe(true);
    expect(r.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(r.headers['cache-control']).toBe(CACHE_FEED);
    expect(r.headers['cache-control']).toContain('max-age=300');
    expect(r.headers.etag).toBe(`"${sha(body)}"`);
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.headers['content-length']).toBe(String(body.length));
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(Date.parse(r.headers['last-modified']!)).toBe(Math.floor((await stat(join(s.feedDir, 'feed.xml'))).mtimeMs / 1000) * 1000);
  });

  it('each published object with the type and cache policy the publisher gave it', async () => {
    const expected: [string, string, string][] = [
      [s.keys.audio, 'audio/mpeg', CACHE_IMMUTABLE],
      [s.keys.chapters, 'application/json+chapters', CACHE_IMMUTABLE],
      [s.keys.vtt, 'text/vtt; charset=utf-8', CACHE_IMMUTABLE],
      [s.keys.srt, 'application/x-subrip; charset=utf-8', CACHE_IMMUTABLE],
      [s.keys.cover, 'image/png', CACHE_IMMUTABLE],
    ];
    for (const [key, type, cache] of expected) {
      const r = await request(port, `/${key}`);
      expect(r.status, key).toBe(200);
      expect(r.headers['content-type'], key).toBe(type);
      expect(r.headers['cache-control'], key).toBe(cache);
      expect(r.headers['accept-ranges'], key).toBe('bytes');
      expect(r.headers.etag, key).toBe(`"${sha(await file(key))}"`);
      expect(r.body.equals(await file(key)), key).toBe(true);
    }
    const audio = await request(port, `/${s.keys.audio}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(audio.headers.vary).toBeUndefined();
    expect(audio.headers['content-encoding']).toBeUndefined();
  });

  it('a file copied in by hand (no sidecar): hashed ETag; immutable only if its name has its hash', async () => {
    const hashed = await request(port, `/${s.handCopied.hashed}`);
    const plain = await request(port, `/${s.handCopied.plain}`);
    const bytes = await file(s.keys.audio2);
    for (const r of [hashed, plain]) {
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('audio/mpeg');
      expect(r.headers.etag).toBe(`"${sha(bytes)}"`);
      expect(r.body.equals(bytes)).toBe(true);
    }
    expect(hashed.headers['cache-control']).toBe(CACHE_IMMUTABLE);
    expect(plain.headers['cache-control']).toBe(CACHE_FEED);
  });

  it('a symlink to a public object inside the store is served', async () => {
    const r = await request(port, `/${s.innerLink}`);
    expect(r.status).toBe(200);
    expect(r.body.equals(await file(s.keys.audio2))).toBe(true);
  });

  it('HEAD has exactly the headers of GET and no body', async () => {
    for (const [path, headers] of [
      ['/feed.xml', {}],
      ['/feed.xml', { 'Accept-Encoding': 'gzip' }],
      [`/${s.keys.audio}`, {}],
      [`/${s.keys.cover}`, {}],
      [`/${s.handCopied.plain}`, {}],
    ] as const) {
      const get = await request(port, path, { headers });
      const head = await request(port, path, { method: 'HEAD', headers });
      expect(head.status, path).toBe(200);
      expect(head.body.length, path).toBe(0);
      expect(entityHeaders(head), path).toEqual(entityHeaders(get));
      expect(Number(head.headers['content-length']), path).toBe(get.body.length);
    }
  });

  it('/ redirects to /feed.xml', async () => {
    const r = await request(port, '/');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/feed.xml');
  });

  it('405 with Allow for anything but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await request(port, '/feed.xml', { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow, method).toBe('GET, HEAD');
    }
    expect((await readFile(join(s.feedDir, 'feed.xml'))).equals(await file(s.keys.feed))).toBe(true);
  });
});

describe('Range', () => {
  it('206 for a-b, a- and -n with the exact bytes, Content-Range and Content-Length', async () => {
    const body = await file(s.keys.audio);
    const size = body.length;
    expect(size).toBeGreaterThan(100_000);
    const cases: [string, number, number][] = [
      ['bytes=100-199', 100, 199],
      ['bytes=0-0', 0, 0],
      [`bytes=${size - 1}-${size + 1000}`, size - 1, size - 1],
      ['bytes=150000-', 150_000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=-${size * 2}`, 0, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await request(port, `/${s.keys.audio}`, { headers: { Range: range } });
      expect(r.status, range).toBe(206);
      expect(r.headers['content-range'], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(r.headers['content-length'], range).toBe(String(end - start + 1));
      expect(r.headers['accept-ranges'], range).toBe('bytes');
      expect(r.headers.etag, range).toBe(`"${sha(body)}"`);
      expect(r.body.equals(body.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('416 with bytes */size when no byte of the range exists', async () => {
    const size = (await file(s.keys.audio)).length;
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
      const r = await request(port, `/${s.keys.audio}`, { headers: { Range: range } });
      expect(r.status, range).toBe(416);
      expect(r.headers['content-range'], range).toBe(`bytes */${size}`);
      expect(r.headers['accept-ranges'], range).toBe('bytes');
    }
  });

  it('malformed and multi-range headers are ignored: the whole file, 200', async () => {
    const body = await file(s.keys.audio);
    for (const range of ['bytes=0-1,5-6', 'bytes=abc', 'bytes=5-1', 'items=0-1', 'bytes 0-1']) {
      const r = await request(port, `/${s.keys.audio}`, { headers: { Range: range } });
      expect(r.status, range).toBe(200);
      expect(r.headers['content-range'], range).toBeUndefined();
      expect(r.body.equals(body), range).toBe(true);
    }
  });

  it('If-Range: the current ETag keeps the range, another ETag (or a weak one) gets the whole file', async () => {
    const body = await file(s.keys.audio);
    const etag = `"${sha(body)}"`;
    const same = await request(port, `/${s.keys.audio}`, { headers: { Range: 'bytes=10-19', 'If-Range': etag } });
    expect(same.status).toBe(206);
    expect(same.body.equals(body.subarray(10, 20))).toBe(true);
    for (const ifRange of [`"${'0'.repeat(64)}"`, `W/${etag}`]) {
      const other = await request(port, `/${s.keys.audio}`, { headers: { Range: 'bytes=10-19', 'If-Range': ifRange } });
      expect(other.status, ifRange).toBe(200);
      expect(other.headers['content-range']).toBeUndefined();
      expect(other.body.equals(body), ifRange).toBe(true);
    }
    const lm = same.headers['last-modified']!;
    expect((await request(port, `/${s.keys.audio}`, { headers: { Range: 'bytes=10-19', 'If-Range': lm } })).status).toBe(206);
  });

  it('HEAD ignores Range (it is defined for GET only)', async () => {
    const r = await request(port, `/${s.keys.audio}`, { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String((await file(s.keys.audio)).length));
  });

  it('a range of feed.xml is never gzipped', async () => {
    const body = await file(s.keys.feed);
    const r = await request(port, '/feed.xml', { headers: { Range: 'bytes=0-99', 'Accept-Encoding': 'gzip' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.equals(body.subarray(0, 100))).toBe(true);
  });
});

describe('conditional GET', () => {
  it('If-None-Match with the ETag → 304 without a body, with ETag and Cache-Control', async () => {
    const body = await file(s.keys.audio);
    const etag = `"${sha(body)}"`;
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const r = await request(port, `/${s.keys.audio}`, { headers: { 'If-None-Match': inm } });
      expect(r.status, inm).toBe(304);
      expect(r.body.length).toBe(0);
      expect(r.headers.etag).toBe(etag);
      expect(r.headers['cache-control']).toBe(CACHE_IMMUTABLE);
    }
    const changed = await request(port, `/${s.keys.audio}`, { headers: { 'If-None-Match': `"${'1'.repeat(64)}"` } });
    expect(changed.status).toBe(200);
    // If-None-Match wins over Range.
    expect((await request(port, `/${s.keys.audio}`, { headers: { 'If-None-Match': etag, Range: 'bytes=0-9' } })).status).toBe(304);
  });

  it('If-Modified-Since → 304 when not modified since, 200 otherwise', async () => {
    const first = await request(port, '/feed.xml');
    const lm = first.headers['last-modified']!;
    const r = await request(port, '/feed.xml', { headers: { 'If-Modified-Since': lm } });
    expect(r.status).toBe(304);
    expect(r.headers['last-modified']).toBe(lm);
    const older = new Date(Date.parse(lm) - 60_000).toUTCString();
    expect((await request(port, '/feed.xml', { headers: { 'If-Modified-Since': older } })).status).toBe(200);
  });

  it('the gzip variant has its own ETag and revalidates with it', async () => {
    const r = await request(port, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip' } });
    const etag = r.headers.etag!;
    expect(etag).not.toBe(`"${sha(await file(s.keys.feed))}"`);
    const again = await request(port, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.vary).toBe('Accept-Encoding');
  });
});

describe('gzip', () => {
  it('feed.xml gzipped on request decodes to the same bytes, with Vary and an exact length', async () => {
    const body = await file(s.keys.feed);
    const r = await request(port, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(body.length);
    expect(gunzipSync(r.body).equals(body)).toBe(true);
    const refused = await request(port, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(body)).toBe(true);
  });

  it('other text objects too; audio and images never', async () => {
    const vtt = await request(port, `/${s.keys.vtt}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(vtt.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(vtt.body).equals(await file(s.keys.vtt))).toBe(true);
    for (const key of [s.keys.audio, s.keys.cover]) {
      const r = await request(port, `/${key}`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(r.headers['content-encoding'], key).toBeUndefined();
      expect(r.body.equals(await file(key)), key).toBe(true);
    }
  });

  it('a new feed.xml is served (not a stale cached gzip) after a publish rewrites it', async () => {
    const path = join(s.feedDir, 'feed.xml');
    const original = await readFile(path);
    try {
      const changed = Buffer.from(original.toString('utf8').replace('</channel>', '<!-- changed --></channel>'));
      await writeFile(path, changed);
      await utimes(path, new Date(), new Date(Date.now() + 5000));
      const r = await request(port, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gunzipSync(r.body).equals(changed)).toBe(true);
      const plain = await request(port, '/feed.xml');
      expect(plain.headers.etag).toBe(`"${sha(changed)}"`);
    } finally {
      await writeFile(path, original);
    }
  });
});

describe('a publish while apps are fetching', () => {
  it('every response is one version of feed.xml, with that version\'s ETag', async () => {
    const store = new LocalStore(s.feedDir);
    const original = await file(s.keys.feed);
    const versions = [0, 1, 2, 3].map((i) => Buffer.from(original.toString('utf8').replace('</channel>', `<!-- v${i} ${'x'.repeat(i * 997)} --></channel>`)));
    let publishing = true;
    const publisher = (async () => {
      for (let i = 0; publishing; i++) {
        await store.put('feed.xml', versions[i % versions.length]!, { contentType: CONTENT_TYPES.feed, cacheControl: CACHE_FEED });
      }
    })();
    try {
      const seen = new Set<string>();
      for (let round = 0; round < 15; round++) {
        const rs = await Promise.all([
          request(port, '/feed.xml'),
          request(port, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip' } }),
          request(port, '/feed.xml', { headers: { Range: 'bytes=0-' } }),
        ]);
        for (const r of rs) {
          const body = r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;
          expect([original, ...versions].some((v) => v.equals(body)), `${r.status} ${body.length}`).toBe(true);
          expect(r.headers['content-type']).toBe(CONTENT_TYPES.feed);
          if (!r.headers['content-encoding']) expect(r.headers.etag).toBe(`"${sha(body)}"`);
          seen.add(sha(body));
        }
      }
      expect(seen.size).toBeGreaterThan(1);
    } finally {
      publishing = false;
      await publisher;
      await store.put('feed.xml', original, { contentType: CONTENT_TYPES.feed, cacheControl: CACHE_FEED });
    }
  });
});

describe('nothing outside the public objects', () => {
  let passwd: string;
  beforeAll(async () => {
    passwd = await readFile('/etc/passwd', 'utf8');
  });

  it('traversal with literal, encoded and backslashed dot segments, encoded slashes, NUL → 400/404', async () => {
    const paths = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/episodes/../../secret.txt',
      '/episodes/an-101/../../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/etc/passwd',
      '/.%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/episodes%2f..%2f..%2fsecret.txt',
      '/episodes/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/episodes\\..\\..\\secret.txt',
      '/%5c..%5c..%5cetc%5cpasswd',
      '/feed.xml%00.mp3',
      '/%00../secret.txt',
      '/%252e%252e/secret.txt',
      '//etc/passwd',
      '/etc/passwd',
      '/outside/secret.txt',
      '/secret.txt',
    ];
    for (const path of paths) expectNoLeak(await request(port, path), passwd);
    for (const path of paths.slice(0, 4)) expectNoLeak(await request(port, path, { method: 'HEAD' }), passwd);
  });

  it('request lines the http client would not send (raw NUL, backslashes, absolute-form) → 400/404', async () => {
    for (const line of [
      'GET /feed.xml\u0000/../../secret.txt HTTP/1.1',
      'GET /..\\..\\secret.txt HTTP/1.1',
      'GET http://localhost/../secret.txt HTTP/1.1',
      'GET ../secret.txt HTTP/1.1',
      'GET /../secret.txt?x HTTP/1.1',
    ]) {
      const r = await rawRequest(port, line);
      expectNoLeak({ status: r.status, text: r.text }, passwd);
    }
  });

  it('a symlink in the store to /etc/passwd, to a file or folder outside, or to the manifest → 404', async () => {
    for (const path of ['/passwd.mp3', '/episodes/an-101/secret.mp3', '/episodes/out/secret.txt', '/episodes/an-101/chapters-00000000.json']) {
      const r = await request(port, path);
      expect(r.status, path).toBe(404);
      expectNoLeak(r, passwd);
      expect(r.body.toString()).not.toContain('"episodes"');
    }
  });

  it('manifest.json, the store state, temp and partial files, a FIFO, folders → 404', async () => {
    const sidecars = (await readFile(join(s.feedDir, '.letterpod-store', 'meta', 'feed.xml.json'))).length;
    expect(sidecars).toBeGreaterThan(0);
    for (const path of [
      '/manifest.json',
      '/manifest.json?x=1',
      '/.letterpod-store/meta/feed.xml.json',
      '/.tmp-upload',
      '/episodes/an-101/an-101-new.mp3.part',
      '/episodes/an-101/notes.tmp',
      '/episodes/an-101/pipe.mp3',
      '/episodes',
      '/episodes/',
      '/episodes/an-101',
      '/artwork/',
      '/missing.mp3',
    ]) {
      const r = await request(port, path);
      expect(r.status, path).toBe(404);
      expect(r.body.toString(), path).not.toContain(SECRET);
      expect(r.body.toString(), path).not.toContain('"episodes"');
    }
  });
});

describe('a podcast app streaming the episode', () => {
  it('fetch: sequential Range requests with If-Range reassemble the exact MP3', async () => {
    const body = await file(s.keys.audio);
    const url = `http://127.0.0.1:${port}/${s.keys.audio}`;
    const first = await fetch(url, { headers: { Range: 'bytes=0-65535' } });
    expect(first.status).toBe(206);
    const total = Number(/\/(\d+)$/.exec(first.headers.get('content-range')!)![1]);
    const etag = first.headers.get('etag')!;
    const parts = [Buffer.from(await first.arrayBuffer())];
    let got = parts[0]!.length;
    while (got < total) {
      const r = await fetch(url, { headers: { Range: `bytes=${got}-${got + 65535}`, 'If-Range': etag } });
      expect(r.status).toBe(206);
      const chunk = Buffer.from(await r.arrayBuffer());
      expect(chunk.length).toBeGreaterThan(0);
      parts.push(chunk);
      got += chunk.length;
    }
    expect(Buffer.concat(parts).equals(body)).toBe(true);
  });

  it('curl: ranged downloads and a resumed (-C) download reassemble the exact MP3', async (ctx) => {
    const curl = await promisify(execFile)('curl', ['--version']).then(() => true, () => false);
    if (!curl) ctx.skip();
    const body = await file(s.keys.audio);
    const url = `http://127.0.0.1:${port}/${s.keys.audio}`;
    const run = (args: string[]) => promisify(execFile)('curl', ['-sS', '--fail', ...args], { encoding: 'buffer', maxBuffer: 1 << 26 });
    const parts: Buffer[] = [];
    for (let start = 0; start < body.length; start += 100_000) {
      const { stdout } = await run(['-r', `${start}-${Math.min(start + 99_999, body.length - 1)}`, url]);
      parts.push(stdout);
    }
    expect(Buffer.concat(parts).equals(body)).toBe(true);
    // Resume a half-downloaded file as an app does after losing the network.
    const partial = join(s.project, 'resumed.mp3');
    await writeFile(partial, body.subarray(0, 12_345));
    await run(['-C', '-', '-o', partial, url]);
    expect((await readFile(partial)).equals(body)).toBe(true);
  });
});

describe('logging', () => {
  it('one line per request with method, path, status and bytes, without the query string', async () => {
    logs.length = 0;
    const body = await file(s.keys.feed);
    await request(port, '/feed.xml?token=hunter2');
    await request(port, `/${s.keys.audio}`, { headers: { Range: 'bytes=0-9' } });
    await request(port, '/manifest.json', { method: 'HEAD' });
    await request(port, '/feed.xml', { method: 'POST' });
    await new Promise((r) => setTimeout(r, 50));
    expect(logs).toHaveLength(4);
    expect(logs[0]).toMatch(new RegExp(`^GET /feed\\.xml 200 ${body.length} `));
    expect(logs.join('\n')).not.toContain('hunter2');
    expect(logs[1]).toMatch(new RegExp(`^GET /${s.keys.audio.replaceAll('.', '\\.')} 206 10 `));
    expect(logs[2]).toMatch(/^HEAD \/manifest\.json 404 0 /);
    expect(logs[3]).toMatch(/^POST \/feed\.xml 405 \d+ /);
  });
});
