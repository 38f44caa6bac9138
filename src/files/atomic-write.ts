/**
 * The one way letterpod replaces a small file (a journal, a ledger, a build artifact, a
 * store sidecar): write a temp file beside it, optionally fsync it, rename it over the
 * file. A reader — or a process restarted after a kill — sees the old file or the new one,
 * never half of one; the temp file goes when the write fails, and temp files of killed
 * processes are recognised by their names (temp.ts) and removed by the next run.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempName } from './temp.js';

export interface AtomicWriteOptions {
  /** fsync the data before the rename (a journal that must survive a power cut). */
  fsync?: boolean;
  /** The temp file to use (a store with its own temp-file names); default: temp.ts's name beside the file. */
  tempPath?: string;
  /** Make the folder first. */
  mkdir?: boolean;
}

export async function writeFileAtomic(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  if (opts.mkdir) await mkdir(dirname(file), { recursive: true });
  const tmp = opts.tempPath ?? tempName(file, 'tmp');
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (opts.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
