/**
 * One watcher per project: `.letterpod/watch.lock` holds the watcher's pid. A lock whose
 * process is gone (killed, crashed, the machine restarted) is taken over.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { LetterpodError } from '../errors.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export function lockPath(root: string): string {
  return join(root, '.letterpod', 'watch.lock');
}

export { processAlive } from '../process-alive.js';
import { processAlive } from '../process-alive.js';

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
    return typeof info?.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The running watcher of this project, if any. */
export async function runningWatcher(root: string): Promise<LockInfo | undefined> {
  const info = await readLock(lockPath(root));
  return info && info.host === hostname() && processAlive(info.pid) ? info : undefined;
}

/** Take the project's watch lock; the returned function releases it. */
export async function acquireWatchLock(root: string): Promise<() => Promise<void>> {
  const path = lockPath(root);
  await mkdir(dirname(path), { recursive: true });
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(mine) + '\n');
      } finally {
        await handle.close();
      }
      return async () => {
        const current = await readLock(path);
        if (current?.pid === mine.pid && current.startedAt === mine.startedAt) await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const other = await readLock(path);
    if (other && other.host === hostname() && processAlive(other.pid)) {
      throw new LetterpodError({
        file: path,
        problem: `another letterpod watch (pid ${other.pid}, since ${other.startedAt}) is already watching ${root}`,
        fix: `Run one watcher per project: stop that one first (Ctrl-C in its terminal, or kill ${other.pid})`,
      });
    }
    if (other && other.host !== hostname()) {
      throw new LetterpodError({
        file: path,
        problem: `letterpod watch on ${other.host} (pid ${other.pid}) holds this project`,
        fix: `Stop it there; if it is not running any more, delete ${path}`,
      });
    }
    // left by a watcher that is gone: take it over
    await rm(path, { force: true });
  }
  throw new LetterpodError({ file: path, problem: 'could not take the watch lock', fix: 'Check that no other letterpod watch runs, then start it again' });
}
