/**
 * The ObjectStore contract every backend must keep (local folder, S3): one suite, run by
 * each backend's test file inside its own describe with its own setup.
 */
import { expect, it } from 'vitest';
import { PreconditionFailedError, type ObjectStore } from '../../src/store/store.js';

export const contractOpts = { contentType: 'text/plain; charset=utf-8', cacheControl: 'public, max-age=60' };

export interface ContractBackend {
  /** The store under test (called inside each test, after the backend's beforeEach). */
  store: () => ObjectStore;
  /** The ETag the backend gives these bytes. */
  etag: (data: Buffer | string) => string;
  /** The bytes under `key` as the backend holds them, read around the store where it can be. */
  raw: (key: string) => Promise<string | undefined>;
  /** Every key the backend holds, listed around the store (optional). */
  keys?: () => Promise<string[]>;
  /** What a failed write may leave behind (temp files…): must be empty (optional). */
  leftovers?: () => Promise<string[]>;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

export function storeContract(b: ContractBackend): void {
  const opts = contractOpts;

  it('puts, heads, gets, lists and deletes objects, with the backend ETag of the content', async () => {
    const store = b.store();
    const body = Buffer.from('hello world\n');
    expect(await store.put('episodes/a/b.txt', body, opts)).toEqual({ bytes: 12, etag: b.etag(body), ...opts });
    expect(await b.raw('episodes/a/b.txt')).toBe('hello world\n');
    expect(await store.head('episodes/a/b.txt')).toEqual({ bytes: 12, etag: b.etag(body), ...opts });
    const got = await store.get('episodes/a/b.txt');
    expect(got?.body.toString()).toBe('hello world\n');
    expect(got?.etag).toBe(b.etag(body));
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
    expect(await store.head('episodes')).toBeUndefined(); // a "folder" is not an object
    if (b.keys) expect(await b.keys()).toEqual(['feed.xml']);
  });

  it('honours If-None-Match: * (create only)', async () => {
    const store = b.store();
    await store.put('manifest.json', Buffer.from('{}'), { ...opts, ifNoneMatch: '*' });
    const err = await rejection(store.put('manifest.json', Buffer.from('{"x":1}'), { ...opts, ifNoneMatch: '*' }));
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect((err as PreconditionFailedError).key).toBe('manifest.json');
    expect(err.message).toContain('If-None-Match: *, but the object exists');
    expect(await b.raw('manifest.json')).toBe('{}');
    if (b.leftovers) expect(await b.leftovers()).toEqual([]);
  });

  it('honours If-Match: a stale ETag fails, the current one succeeds', async () => {
    const store = b.store();
    const v1 = await store.put('manifest.json', Buffer.from('v1'), opts);
    const v2 = await store.put('manifest.json', Buffer.from('v2'), { ...opts, ifMatch: v1.etag });
    expect(v2.etag).toBe(b.etag('v2'));
    const stale = await rejection(store.put('manifest.json', Buffer.from('v3'), { ...opts, ifMatch: v1.etag }));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(stale.message).toContain(`If-Match: ${v1.etag}, but its ETag is ${v2.etag}`);
    await expect(store.put('missing.json', Buffer.from('x'), { ...opts, ifMatch: v1.etag })).rejects.toThrow(/no such object/);
    expect(await store.head('missing.json')).toBeUndefined();
    expect(await b.raw('manifest.json')).toBe('v2');
    if (b.leftovers) expect(await b.leftovers()).toEqual([]);
  });

  it('lets exactly one of several concurrent conditional writers win, and one of several creators', async () => {
    const store = b.store();
    const base = await store.put('manifest.json', Buffer.from('base'), opts);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.put('manifest.json', Buffer.from(`writer ${i}`), { ...opts, ifMatch: base.etag })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(await b.raw('manifest.json')).toBe(`writer ${winner}`);

    const creators = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.put('new.json', Buffer.from(`creator ${i}`), { ...opts, ifNoneMatch: '*' })),
    );
    expect(creators.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of creators) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
  });
}
