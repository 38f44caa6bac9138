/** Per-test scratch folders under test/.tmp (gitignored), removed after the run. */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { projectRoot } from './shared.js';

export async function scratch(prefix: string): Promise<string> {
  const base = join(projectRoot, 'test', '.tmp');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, `${prefix}-`));
  afterAll(async () => {
    if (!process.env.LETTERPOD_KEEP_TMP) await rm(dir, { recursive: true, force: true });
  });
  return dir;
}
