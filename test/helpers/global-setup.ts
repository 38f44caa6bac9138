/** Compile once before the suite, so CLI tests run the current code from dist/. */
import { execFileSync } from 'node:child_process';
import { projectRoot } from './shared.js';

export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: projectRoot, stdio: 'inherit' });
}
