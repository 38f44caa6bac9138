import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError } from '../../src/store/keys.js';
import { LocalStore } from '../../src/store/local.js';
import { PreconditionFailedError } from '../../src/store/store.js';
import { removeDir, sha256, tempDir } from './fixtures.js';

const opts = { contentType: 'text/plain; charset=utf-8', cacheControl: 'public, max-age=60' };

describe('LocalStore', () => {
  let dir: string;
  let root: string;
  let store: LocalStore;

  beforeEach(async () => {
    dir = await tempDir('local');
    root = join(dir, 'feed');
    store = new LocalStore(root);
  });
  afterEach(() => removeDir(dir));

  it('puts, heads, gets, lists and deletes objects; ETag = sha256 of the content', async () => {
    const body = Buffer.from('hello world\n');
    const put = await store.put('episodes/a/b.txt', body, opts);
    expect(put).toEqual({ bytes: 12, etag: sha256(body), ...opts });
    expect(await readFile(join(root, 'episodes', 'a', 'b.txt'), 'utf8')).toBe('hello world\n');
    expect(await store.head('episodes/a/b.txt')).toEqual({ bytes: 12, etag: sha256(body), ...opts });
    const got = await store.get('episodes/a/b.txt');
    expect(got?.body.toString()).toBe('hello world\n');
    expect(got?.etag).toBe(sha256(body));
    expect(got?.contentType).toBe(opts.contentType);

    await store.put('feed.xml', Buffer.from('<rss/>'), opts);
    expect(await store.list('')).toEqual([
      { key: 'episodes/a/b.txt', bytes: 12 },
      { key: 'feed.xml', bytes: 6 },
    ]);
    expect(await store.list('episodes/')).toEqual([{ key: 'episodes/a/b.txt', bytes: 12 }]);
    expect(await store.list('episodes/a/b')).toEqual([{ key: 'episodes/a/b.txt', bytes: 12 }]);
    expect(await store.list('nothing/')).toEqual([]);

    await store.delete('episodes/a/b.txt');
    await store.delete('episodes/a/b.txt'); // missing is fine
    expect(await store.head('episodes/a/b.txt')).toBeUndefined();
    expect(await store.get('episodes/a/b.txt')).toBeUndefined();
    expect(await store.head('episodes')).toBeUndefined(); // a folder is not an object
  });

  it('streams a body from a file path', async () => {
    const src = join(dir, 'src.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await writeFile(src, data);
    const put = await store.put('big.bin', { path: src }, opts);
    expect(put.bytes).toBe(data.length);
    expect(put.etag).toBe(sha256(data));
    expect((await stat(join(root, 'big.bin'))).size).toBe(data.length);
  });

  it('leaves no temp files behind, and overwrites atomically', async () => {
    await store.put('x/feed.xml', Buffer.from('one'), opts);
    await store.put('x/feed.xml', Buffer.from('two!'), opts);
    expect(await readdir(join(root, 'x'))).toEqual(['feed.xml']);
    expect((await store.head('x/feed.xml'))?.bytes).toBe(4);
  });

  it('re-hashes a file changed behind its back instead of trusting the sidecar', async () => {
    await store.put('a.txt', Buffer.from('first'), opts);
    await writeFile(join(root, 'a.txt'), 'changed by hand, longer');
    const head = await store.head('a.txt');
    expect(head).toEqual({ bytes: 23, etag: sha256('changed by hand, longer') });
  });

  it('honours If-None-Match: * (create only)', async () => {
    await store.put('manifest.json', Buffer.from('{}'), { ...opts, ifNoneMatch: '*' });
    const err = await store.put('manifest.json', Buffer.from('{"x":1}'), { ...opts, ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect((err as PreconditionFailedError).key).toBe('manifest.json');
    expect(await readFile(join(root, 'manifest.json'), 'utf8')).toBe('{}');
    expect(await readdir(root)).toEqual(expect.not.arrayContaining([expect.stringMatching(/\.tmp$/)]));
  });

  it('honours If-Match: a stale ETag fails, the current one succeeds', async () => {
    const v1 = await store.put('manifest.json', Buffer.from('v1'), opts);
    const v2 = await store.put('manifest.json', Buffer.from('v2'), { ...opts, ifMatch: v1.etag });
    expect(v2.etag).toBe(sha256('v2'));
    await expect(store.put('manifest.json', Buffer.from('v3'), { ...opts, ifMatch: v1.etag })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(store.put('missing.json', Buffer.from('x'), { ...opts, ifMatch: v1.etag })).rejects.toThrow(/no such object/);
    expect(await readFile(join(root, 'manifest.json'), 'utf8')).toBe('v2');
  });

  it('lets exactly one of several concurrent conditional writers win', async () => {
    const base = await store.put('manifest.json', Buffer.from('base'), opts);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.put('manifest.json', Buffer.from(`writer ${i}`), { ...opts, ifMatch: base.etag })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
    const content = await readFile(join(root, 'manifest.json'), 'utf8');
    expect(content).toBe(`writer ${results.findIndex((r) => r.status === 'fulfilled')}`);
  });

  it('rejects keys that could escape the folder, on every method', async () => {
    for (const key of ['../escape.txt', 'a/../../escape.txt', '/tmp/escape.txt', '..', 'a\\..\\..\\x']) {
      await expect(store.put(key, Buffer.from('x'), opts)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
    }
    await expect(stat(join(dir, 'escape.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('does not list its own state or hidden files', async () => {
    await store.put('a.txt', Buffer.from('a'), opts);
    await writeFile(join(root, '.hidden'), 'x');
    expect((await store.list('')).map((o) => o.key)).toEqual(['a.txt']);
  });
});
