/**
 * Temp files beside their target: unique per process (two publishes in one project never
 * share one), and recognisable, so the next run removes the ones a killed process left.
 *
 *   <target>.<pid>.<random>.<tag>.lptmp
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { processAlive } from '../process-alive.js';

const SUFFIX = '.lptmp';
const PATTERN = /\.(\d+)\.[0-9a-f]{8}\.[a-z0-9-]+\.lptmp$/;

/** A temp path for `target`, unique to this process and call. `tag` keeps the extension ffmpeg needs to pick a muxer in mind: callers pass -f. */
export function tempName(target: string, tag: string): string {
  return `${target}.${process.pid}.${randomBytes(4).toString('hex')}.${tag}${SUFFIX}`;
}

/**
 * Remove temp files in `dir` left by processes that are gone (or older than `maxAgeMs`
 * whatever their owner), and leftovers of older letterpod versions (`*.part`, `*.tmp-<pid>`,
 * `*.id3-<pid>`). Returns the names removed.
 */
export async function removeStaleTemps(dir: string, maxAgeMs = 24 * 3600_000): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    let pid: number | undefined;
    const m = PATTERN.exec(name) ?? /\.(?:tmp|id3)-(\d+)$/.exec(name);
    if (m) pid = Number(m[1]);
    else if (!/\.mp3\.part$|\.sample\.mp3$/.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (!st.isFile()) continue;
      const old = Date.now() - st.mtimeMs > maxAgeMs;
      if (pid !== undefined && (pid === process.pid || processAlive(pid)) && !old) continue;
      if (pid === undefined && !old && Date.now() - st.mtimeMs < 60_000) continue;
      await rm(path, { force: true });
      removed.push(basename(path));
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
