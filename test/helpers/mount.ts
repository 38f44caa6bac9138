/**
 * Size-limited and read-only folders for fault tests: a tmpfs mounted on a folder of the
 * project. Needs root (CI runs as root). When not root, or when mounting fails (a
 * container without CAP_SYS_ADMIN), suites are skipped with the reason in their name, like
 * describeShared, so `npm test` passes on a user's machine and the skip shows in the report.
 * Every mount is recorded so unmountAll() (in afterAll) unmounts it even after a failure.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe } from 'vitest';

const run = promisify(execFile);
export const isRoot = process.getuid?.() === 0;

/** Why tmpfs mounts cannot be used here, or undefined when they can (tried once, at load). */
function mountProblem(): string | undefined {
  if (!isRoot) return 'not root: mount -t tmpfs needs root';
  const probe = mkdtempSync(join(tmpdir(), 'letterpod-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `mount -t tmpfs failed: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim().split('\n')[0]}`;
  } finally {
    try {
      rmdirSync(probe);
    } catch {
      // still mounted: leave it
    }
  }
}

export const mountSkipReason = mountProblem();

/** `describe` for suites that mount: skipped, with the reason in the name, when mounts are impossible. */
export function describeMount(name: string, fn: () => void): void {
  if (!mountSkipReason) describe(name, fn);
  else describe.skip(`${name} (skipped: ${mountSkipReason})`, fn);
}

const mounted = new Set<string>();

/** Mount a tmpfs of `size` (e.g. "300k") on `dir` (which must exist and be empty). */
export async function mountTmpfs(dir: string, size: string): Promise<void> {
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=755`, 'tmpfs', dir]);
  mounted.add(dir);
}

/** Remount with other options: "size=4m", "ro", "rw". */
export async function remount(dir: string, options: string): Promise<void> {
  await run('mount', ['-o', `remount,${options}`, dir]);
}

/** Unmount everything this file mounted (lazily when busy); never throws. */
export async function unmountAll(): Promise<void> {
  for (const dir of [...mounted].reverse()) {
    try {
      await run('umount', [dir]);
    } catch {
      await run('umount', ['-l', dir]).catch(() => undefined);
    }
    mounted.delete(dir);
  }
}
