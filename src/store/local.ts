/**
 * The local object store: a folder (the published site, `./feed` by default).
 *
 * - Writes are atomic: the body goes to a hidden temp file in the target's folder, is
 *   fsynced, then renamed over the target, so readers see the old or the new object.
 * - ETag = the sha256 of the content. It is remembered, with Content-Type and
 *   Cache-Control, in a sidecar under `.letterpod-store/meta/` (checked against the
 *   file's size and mtime, recomputed when the file was changed behind our back), so a
 *   HEAD does not re-hash a 50 MB episode.
 * - Conditional puts (ifMatch / ifNoneMatch) check and rename under a per-key lock file
 *   (`open(…, 'wx')`) holding the owner's pid and host, so two publishers cannot both win.
 *   A lock whose owner process is gone is taken over at once; one older than 30 s is
 *   taken to be left by a crashed process on another host and broken.
 * - Keys are validated (`keys.ts`) and resolved inside the folder; nothing outside it is
 *   ever touched. Names starting with "." are the store's own and never listed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LetterpodError } from '../errors.js';
import { makeDirectory, withPath } from '../faults.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { processAlive } from '../process-alive.js';
import { sha256Buffer, sha256File } from '../hash.js';
import { InvalidKeyError, assertValidKey } from './keys.js';
import {
  PreconditionFailedError,
  type ListedObject,
  type ObjectInfo,
  type ObjectStore,
  type PutBody,
  type PutOptions,
  type StoredObject,
} from './store.js';

/** The store's own state inside the folder (not an object; never listed). */
export const LOCAL_STATE_DIR = '.letterpod-store';

interface Sidecar {
  etag: string;
  bytes: number;
  mtimeMs: number;
  contentType: string;
  cacheControl: string;
}

export interface LocalStoreOptions {
  /** How long a put waits for another writer's lock on the same key. Default 10 s. */
  lockTimeoutMs?: number;
  /** A lock file older than this was left by a crashed process. Default 30 s. */
  staleLockMs?: number;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export class LocalStore implements ObjectStore {
  readonly root: string;
  readonly description: string;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(root: string, options: LocalStoreOptions = {}) {
    this.root = resolve(root);
    this.description = `local folder ${this.root}`;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  /** The absolute path of a key's file (validated to stay inside the folder). */
  pathOf(key: string): string {
    assertValidKey(key);
    const path = resolve(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) throw new InvalidKeyError(key, 'resolves outside the store folder');
    return path;
  }

  private sidecarPath(key: string): string {
    return join(this.root, LOCAL_STATE_DIR, 'meta', ...key.split('/')) + '.json';
  }

  private lockPath(key: string): string {
    // "~" cannot occur in a key, so the flattened name is unique.
    return join(this.root, LOCAL_STATE_DIR, 'locks', `${key.replaceAll('/', '~')}.lock`);
  }

  async put(key: string, body: PutBody, options: PutOptions): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    await makeDirectory(dir);
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let renamed = false;
    try {
      // a full or read-only disk names the object's file (the temp is removed), not a file handle
      const { etag, bytes } = await writeTemp(tmp, body).catch((error: NodeJS.ErrnoException) => {
        if (error?.path === tmp) delete error.path;
        throw withPath(error, path);
      });
      const release = await this.lock(key);
      try {
        if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
          const current = await this.head(key);
          if (options.ifNoneMatch === '*' && current) {
            throw new PreconditionFailedError(this.description, key, 'If-None-Match: *', 'the object exists');
          }
          if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
            throw new PreconditionFailedError(
              this.description,
              key,
              `If-Match: ${options.ifMatch}`,
              current ? `its ETag is ${current.etag}` : 'there is no such object',
            );
          }
        }
        await rename(tmp, path);
        renamed = true;
        const { mtimeMs } = await stat(path);
        const sidecar: Sidecar = { etag, bytes, mtimeMs, contentType: options.contentType, cacheControl: options.cacheControl };
        await this.writeSidecar(key, sidecar);
      } finally {
        await release();
      }
      return { bytes, etag, contentType: options.contentType, cacheControl: options.cacheControl };
    } finally {
      if (!renamed) await rm(tmp, { force: true });
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!info.isFile()) return undefined;
    const sidecar = await this.readSidecar(key);
    if (sidecar && sidecar.bytes === info.size && sidecar.mtimeMs === info.mtimeMs) {
      return { bytes: info.size, etag: sidecar.etag, contentType: sidecar.contentType, cacheControl: sidecar.cacheControl };
    }
    // Changed outside letterpod (or no sidecar): hash the content.
    try {
      const { sha256, bytes } = await sha256File(path);
      return { bytes, etag: sha256 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const etag = sha256Buffer(body);
    const sidecar = await this.readSidecar(key);
    const meta = sidecar?.etag === etag ? { contentType: sidecar.contentType, cacheControl: sidecar.cacheControl } : {};
    return { body, bytes: body.length, etag, ...meta };
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const key = keyPrefix + entry.name;
        if (entry.isDirectory()) {
          const sub = key + '/';
          // Descend only where keys under `prefix` can be.
          if (sub.startsWith(prefix) || prefix.startsWith(sub)) await walk(join(dir, entry.name), sub);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          try {
            out.push({ key, bytes: (await stat(join(dir, entry.name))).size });
          } catch (error) {
            if (!isMissing(error)) throw error;
          }
        }
      }
    };
    await walk(this.root, '');
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    const release = await this.lock(key);
    try {
      await rm(path, { force: true });
      await rm(this.sidecarPath(key), { force: true });
    } finally {
      await release();
    }
  }

  private async readSidecar(key: string): Promise<Sidecar | undefined> {
    try {
      const value = JSON.parse(await readFile(this.sidecarPath(key), 'utf8')) as Partial<Sidecar>;
      if (typeof value.etag === 'string' && typeof value.bytes === 'number' && typeof value.mtimeMs === 'number') {
        return {
          etag: value.etag,
          bytes: value.bytes,
          mtimeMs: value.mtimeMs,
          contentType: String(value.contentType ?? ''),
          cacheControl: String(value.cacheControl ?? ''),
        };
      }
    } catch {
      // Missing or damaged: the content is hashed instead.
    }
    return undefined;
  }

  private async writeSidecar(key: string, sidecar: Sidecar): Promise<void> {
    const path = this.sidecarPath(key);
    await makeDirectory(dirname(path));
    // its own temp name: removeStaleTemps below knows it
    const tempPath = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFileAtomic(path, JSON.stringify(sidecar) + '\n', { tempPath });
  }

  /**
   * Remove what killed processes left in the folder: hidden temp files of puts
   * (`.<name>.<pid>.<hex>.tmp`) and sidecar temps whose process is gone (or older than a
   * day), and lock files whose owner is gone. Returns the keys of the files removed
   * (relative paths). Publish runs it first.
   */
  async removeStaleTemps(): Promise<string[]> {
    const removed: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(path);
          continue;
        }
        const m = /\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(entry.name);
        const lock = entry.name.endsWith('.lock') && dir.endsWith(join(LOCAL_STATE_DIR, 'locks'));
        if (!m && !lock) continue;
        try {
          if (lock) {
            const owner = await readLockOwner(path);
            if (!owner || owner.host !== hostname() || processAlive(owner.pid)) continue;
          } else {
            const pid = Number(m![1]);
            const old = Date.now() - (await stat(path)).mtimeMs > 24 * 3600_000;
            if (pid !== process.pid && processAlive(pid) && !old) continue;
            if (pid === process.pid) continue;
          }
          await rm(path, { force: true });
          removed.push(path.slice(this.root.length + 1));
        } catch {
          // gone meanwhile
        }
      }
    };
    await walk(this.root);
    return removed;
  }

  /**
   * Take the key's lock; resolves to its release. The lock file holds its owner's pid and
   * host: a lock whose owner process is gone (on this host) is taken over at once; one from
   * another host (a shared folder), or without an owner, only when older than `staleLockMs`.
   */
  private async lock(key: string): Promise<() => Promise<void>> {
    const path = this.lockPath(key);
    await makeDirectory(dirname(path));
    const started = Date.now();
    const mine = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }) + '\n';
    for (;;) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(mine);
        await handle.close();
        return () => rm(path, { force: true });
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      let owner: LockOwner | undefined;
      try {
        owner = await readLockOwner(path);
        const gone = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid);
        if (gone || Date.now() - (await stat(path)).mtimeMs > this.staleLockMs) {
          await rm(path, { force: true });
          continue;
        }
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      if (Date.now() - started > this.lockTimeoutMs) {
        const who = owner ? `letterpod process ${owner.pid} on ${owner.host}` : 'another letterpod process';
        throw new LetterpodError({
          file: path,
          problem: `${who} holds the lock for ${key}`,
          fix: 'Wait for the other publish to finish; if none is running, delete the lock file',
        });
      }
      await sleep(5 + Math.random() * 20);
    }
  }
}

interface LockOwner {
  pid: number;
  host: string;
}

/** The owner written into a lock file: JSON {pid, host}, or a bare pid (older versions: host unknown = this one). */
async function readLockOwner(path: string): Promise<LockOwner | undefined> {
  const text = (await readFile(path, 'utf8')).trim();
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<LockOwner> | number;
    if (typeof v === 'number') return { pid: v, host: hostname() };
    if (typeof v?.pid === 'number' && typeof v.host === 'string') return { pid: v.pid, host: v.host };
  } catch {
    // unreadable: no owner
  }
  return undefined;
}

/** Write a body to `path` (new file), fsync it, and return its sha256 and size. */
async function writeTemp(path: string, body: PutBody): Promise<{ etag: string; bytes: number }> {
  const handle = await open(path, 'wx', 0o644);
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    if (Buffer.isBuffer(body)) {
      await handle.writeFile(body);
      hash.update(body);
      bytes = body.length;
    } else {
      for await (const chunk of createReadStream(body.path)) {
        const buf = chunk as Buffer;
        hash.update(buf);
        bytes += buf.length;
        let offset = 0;
        while (offset < buf.length) {
          const { bytesWritten } = await handle.write(buf, offset, buf.length - offset);
          offset += bytesWritten;
        }
      }
    }
    await handle.sync();
    return { etag: hash.digest('hex'), bytes };
  } finally {
    await handle.close();
  }
}
