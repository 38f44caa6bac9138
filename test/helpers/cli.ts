/** Run the compiled CLI as a user would: a real process, its exit code and output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './shared.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `wrapper`: a command (and its arguments) that runs node, e.g. setpriv to run as another
 * user (root ignores file permissions).
 */
export function letterpod(args: string[], cwd: string, env: Record<string, string> = {}, wrapper: string[] = []): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = [...wrapper, process.execPath, join(projectRoot, 'dist', 'cli', 'main.js'), ...args];
    const child = spawn(command[0]!, command.slice(1), {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stderr without the timestamped stage lines a piped run prints as it goes (cli/progress.ts): what is left are problems. */
export function problems(stderr: string): string {
  return stderr.replace(/^\d\d:\d\d:\d\d \S.*: (match|check|probe|analyse|master|artifacts|publish) (\([^)]*\)|failed after .+)\n/gm, '');
}
