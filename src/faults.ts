/**
 * System faults a producer can fix, as one line with the fix: a full disk, a read-only
 * folder, missing permissions, too many open files. Anything else stays an unexpected error.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Fault {
  problem: string;
  fix: string;
}

function errno(error: unknown): { code?: string; path?: string; syscall?: string } {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const x = e as NodeJS.ErrnoException;
    if (typeof x.code === 'string' && /^E[A-Z]+$/.test(x.code)) return { code: x.code, path: x.path ?? (x as { dest?: string }).dest, syscall: x.syscall };
    e = (e as { cause?: unknown }).cause;
  }
  return {};
}

/** What ffmpeg says when it cannot write its output, as the errno it stands for. */
function ffmpegFault(error: unknown): { code?: string; path?: string } {
  const e = error as { stderrTail?: unknown; args?: unknown };
  if (typeof e?.stderrTail !== 'string') return {};
  const code = /No space left on device/.test(e.stderrTail) ? 'ENOSPC' : /Read-only file system/.test(e.stderrTail) ? 'EROFS' : undefined;
  if (!code) return {};
  const last = Array.isArray(e.args) ? e.args.at(-1) : undefined;
  return { code, ...(typeof last === 'string' && last !== '-' ? { path: last.replace(/^file:/, '') } : {}) };
}

/**
 * Name the file an fs error is about when Node leaves it out (writes to an open file
 * handle or stream carry no path): the message then says which folder is full or read-only.
 */
export function withPath<T>(error: T, path: string): T {
  const e = error as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && !e.path) e.path = path;
  return error;
}

/**
 * mkdir -p that reports the real cause: Node's recursive mkdir says ENOENT when a parent
 * cannot be created on a read-only file system (EROFS). Then the first missing folder is
 * made on its own, which fails with the real code (EROFS, EACCES, ENOSPC).
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = dir;
    for (;;) {
      const parent = dirname(missing);
      if (parent === missing) throw error;
      try {
        await stat(parent);
        break;
      } catch {
        missing = parent;
      }
    }
    await mkdir(missing).catch((real: NodeJS.ErrnoException) => {
      if (real.code !== 'EEXIST') throw real;
    });
    await mkdir(dir, { recursive: true });
  }
}

export function describeFault(error: unknown): Fault | undefined {
  const found = errno(error);
  const { code, path, syscall } = found.code ? found : { ...ffmpegFault(error), syscall: undefined };
  // a folder that cannot be made needs write access to the folder it goes in
  const writable = path && syscall === 'mkdir' ? dirname(path) : path;
  const where = path ? ` (${path})` : '';
  switch (code) {
    case 'ENOSPC':
      return { problem: `the disk is full${where}`, fix: 'Free some space (old builds in .letterpod/build can go), then run it again: nothing half-written is kept' };
    case 'EDQUOT':
      return { problem: `the disk quota is used up${where}`, fix: 'Free some space or raise the quota, then run it again' };
    case 'EROFS':
      return { problem: `the folder is on a read-only file system${where}`, fix: 'Remount it read-write or point the config (store.path, paths.build) to a writable folder, then run it again' };
    case 'EACCES':
    case 'EPERM':
      return { problem: `permission denied${where}`, fix: `Give the user running letterpod write access${writable ? ` to ${writable}` : ''} (or run it as the folder's owner), then run it again` };
    case 'EMFILE':
    case 'ENFILE':
      return { problem: 'too many open files', fix: 'Raise the limit (ulimit -n 4096) and run it again' };
    default:
      return undefined;
  }
}
