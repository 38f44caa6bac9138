/**
 * Compile once before the suite, so CLI tests run the current code from dist/; give the run
 * its own scratch folder under test/.tmp and remove it when the run ends (per-file cleanup
 * hooks registered inside beforeAll never run in vitest 4).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { projectRoot } from './shared.js';

declare module 'vitest' {
  export interface ProvidedContext {
    scratchRoot: string;
  }
}

export default function setup(project: TestProject): () => void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: projectRoot, stdio: 'inherit' });
  const root = join(projectRoot, 'test', '.tmp', `run-${randomUUID().slice(0, 8)}`);
  project.provide('scratchRoot', root);
  return () => {
    if (!process.env.LETTERPOD_KEEP_TMP) rmSync(root, { recursive: true, force: true });
  };
}
