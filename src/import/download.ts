/**
 * Resumable downloads of imported enclosures: into `<file>.part`, continued with a Range
 * request after a dropped connection, verified against the expected size before the file
 * takes its final name.
 */
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { LetterpodError } from '../errors.js';

export interface DownloadResult {
  bytes: number;
  /** Bytes that were already there from an earlier, interrupted run. */
  resumedFrom: number;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** The total size a response names: Content-Range's "/total" on a 206, Content-Length on a 200. */
function totalOf(res: Response, offset: number): number | undefined {
  if (res.status === 206) {
    const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
    return m ? Number(m[1]) : undefined;
  }
  const length = res.headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? Number(length) + (offset && res.status === 206 ? offset : 0) : undefined;
}

/**
 * Download `url` to `target`, resuming `<target>.part` when an earlier run was cut off.
 * `expected` (the feed's enclosure length, when it has one) and the server's size must
 * agree with the bytes written, else the download fails and the part is discarded.
 */
export async function downloadResumable(url: string, target: string, expected: number | undefined, onBytes?: (n: number) => void): Promise<DownloadResult> {
  const part = `${target}.part`;
  const done = await sizeOf(target);
  if (done > 0 && (expected === undefined || done === expected)) return { bytes: done, resumedFrom: done };
  let offset = await sizeOf(part);
  const resumedFrom = offset;
  const res = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, redirect: 'follow' });
  if (res.status === 416 && offset > 0) {
    // the part is already whole (or longer than the file): start over
    await unlink(part).catch(() => undefined);
    return downloadResumable(url, target, expected, onBytes);
  }
  if (res.status !== 200 && res.status !== 206) {
    throw new LetterpodError({ file: url, problem: `download failed: HTTP ${res.status}`, fix: 'Check that the old host still serves the file, then run the import again' });
  }
  if (res.status === 200) offset = 0; // the server ignored the Range: the whole file again
  const total = totalOf(res, offset);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream), counter, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }));
  } catch (cause) {
    throw new LetterpodError({
      file: url,
      problem: `the download was cut off after ${await sizeOf(part)} bytes (${(cause as Error).message})`,
      fix: 'Run the import again: it continues where it stopped',
      cause,
    });
  }
  const bytes = await sizeOf(part);
  const want = expected ?? total;
  if ((total !== undefined && bytes !== total) || (want !== undefined && bytes !== want)) {
    if (total !== undefined && bytes < total) {
      throw new LetterpodError({ file: url, problem: `the download stopped at ${bytes} of ${total} bytes`, fix: 'Run the import again: it continues where it stopped' });
    }
    await unlink(part).catch(() => undefined);
    throw new LetterpodError({
      file: url,
      problem: `downloaded ${bytes} bytes, but the ${expected !== undefined ? 'feed says' : 'server said'} ${want}`,
      fix: 'The file on the old host differs from what its feed says; check it there, then run the import again',
    });
  }
  await rename(part, target);
  return { bytes, resumedFrom };
}
