/**
 * System faults a producer can fix, as one line with the fix: a full disk, a read-only
 * folder, missing permissions, too many open files. Anything else stays an unexpected error.
 */
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

export function describeFault(error: unknown): Fault | undefined {
  const { code, path } = errno(error);
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
      return { problem: `permission denied${where}`, fix: `Give the user running letterpod write access${path ? ` to ${path}` : ''} (or run it as the folder's owner), then run it again` };
    case 'EMFILE':
    case 'ENFILE':
      return { problem: 'too many open files', fix: 'Raise the limit (ulimit -n 4096) and run it again' };
    default:
      return undefined;
  }
}
