/** Per-test scratch folders under this run's folder in test/.tmp (gitignored), removed when the run ends. */
import { mkdtemp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import { projectRoot } from './shared.js';

export async function scratch(prefix: string): Promise<string> {
  const base = inject('scratchRoot') ?? join(projectRoot, 'test', '.tmp');
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, `${prefix}-`));
}
