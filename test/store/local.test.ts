import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError } from '../../src/store/keys.js';
import { LocalStore } from '../../src/store/local.js';
import { contractOpts, storeContract } from './contract.js';
import { removeDir, sha256, tempDir } from './fixtures.js';

const opts = contractOpts;

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

  storeContract({
    store: () => store,
    etag: sha256,
    raw: (key) => readFile(join(root, ...key.split('/')), 'utf8').catch(() => undefined),
    // a refused conditional write leaves no temp file in the folder
    leftovers: async () => (await readdir(root)).filter((n) => n.endsWith('.tmp') || n.includes('.tmp-')),
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
