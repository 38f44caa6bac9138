/**
 * Opening a store object for serving, and nothing outside the store.
 *
 * The key (already a valid, public store key) is resolved with realpath and must stay
 * under the store folder's own realpath, and its resolved name must itself be servable: a
 * symlink in the store pointing outside it, at manifest.json or into the store's hidden
 * state is not followed (404). The file is then opened without following a last-moment
 * symlink, checked to be a regular file, and everything sent (headers and bytes) comes from
 * that one open file, so a publish renaming a new feed.xml over the old one mid-request
 * cannot mix the two.
 *
 * The ETag is the content's sha256 — the store's own ETag. LocalStore keeps it in a
 * sidecar checked against size and mtime, so normally nothing is hashed; a file without a
 * valid sidecar is hashed once and remembered for its (device, inode, size, mtime).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { LocalStore } from '../store/local.js';
import { cacheControlFor, contentTypeFor } from './media-types.js';
import { unservable } from './paths.js';

export interface OpenObject {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
  /** sha256 hex of the content. */
  sha256: string;
  contentType: string;
  cacheControl: string;
}

interface Meta {
  sha256: string;
  contentType?: string;
  cacheControl?: string;
}

/** The failures that mean "no such public object" rather than a server problem. */
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EACCES', 'EPERM', 'EISDIR']);

function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

async function orUndefined<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function hashHandle(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false, emitClose: false })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class StoreObjects {
  private readonly store: LocalStore;
  private readonly memo = new Map<string, Promise<Meta>>();

  constructor(root: string, private readonly memoEntries = 4096) {
    this.store = new LocalStore(root);
  }

  get root(): string {
    return this.store.root;
  }

  /** The object under `key` (a key that passed `unservable`), or undefined for a 404. */
  async open(key: string): Promise<OpenObject | undefined> {
    const rootReal = await orUndefined(realpath(this.store.root));
    if (rootReal === undefined) return undefined;
    const real = await orUndefined(realpath(this.store.pathOf(key)));
    if (real === undefined) return undefined;
    const rel = relative(rootReal, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    if (unservable(rel.split(sep).join('/')) !== undefined) return undefined;
    // A FIFO or device must not even be opened (a FIFO would block the open).
    const link = await orUndefined(lstat(real));
    if (!link?.isFile()) return undefined;

    const handle = await orUndefined(open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK));
    if (handle === undefined) return undefined;
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return undefined;
      }
      const meta = await this.meta(key, real, handle, info);
      return {
        handle,
        size: info.size,
        mtimeMs: info.mtimeMs,
        sha256: meta.sha256,
        contentType: meta.contentType || contentTypeFor(key),
        cacheControl: meta.cacheControl || cacheControlFor(key, meta.sha256),
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private meta(key: string, real: string, handle: FileHandle, info: { dev: number; ino: number; size: number; mtimeMs: number }): Promise<Meta> {
    const id = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    const known = this.memo.get(id);
    if (known) return known;
    const made = this.lookUp(key, real, handle, info);
    made.catch(() => this.memo.delete(id));
    this.memo.set(id, made);
    while (this.memo.size > this.memoEntries) this.memo.delete(this.memo.keys().next().value!);
    return made;
  }

  private async lookUp(key: string, real: string, handle: FileHandle, info: { dev: number; ino: number; size: number; mtimeMs: number }): Promise<Meta> {
    // The store's answer (sidecar, or its own hash) counts only if it is about the very
    // file we have open: same inode, size and mtime after it answered.
    const stored = await orUndefined(this.store.head(key));
    const after = await orUndefined(stat(real));
    if (
      stored &&
      after &&
      /^[0-9a-f]{64}$/.test(stored.etag) &&
      stored.bytes === info.size &&
      after.dev === info.dev &&
      after.ino === info.ino &&
      after.size === info.size &&
      after.mtimeMs === info.mtimeMs
    ) {
      return { sha256: stored.etag, contentType: stored.contentType, cacheControl: stored.cacheControl };
    }
    return { sha256: await hashHandle(handle) };
  }
}
