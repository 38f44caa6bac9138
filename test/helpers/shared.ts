/**
 * The one way tests find ../shared (real newsletters and human readings).
 * LETTERPOD_SHARED wins; otherwise ../shared beside the project root. When it is absent,
 * suites that need it are skipped with the reason in their name, so `npm test` still
 * passes on a user's machine and the skip is visible in the report.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = resolve(process.env.LETTERPOD_SHARED ?? join(projectRoot, '..', 'shared'));
export const hasShared = existsSync(join(sharedDir, 'newsletters'));
const reason = `skipped: no shared data at ${sharedDir} (set LETTERPOD_SHARED)`;

export function sharedPath(...parts: string[]): string {
  return join(sharedDir, ...parts);
}

/** `describe` for suites that read ../shared: skipped, with the reason in the name, without it. */
export function describeShared(name: string, fn: () => void): void {
  if (hasShared) describe(name, fn);
  else describe.skip(`${name} (${reason})`, fn);
}
