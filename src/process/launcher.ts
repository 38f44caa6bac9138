/**
 * Starts processes from one long-lived /bin/sh instead of from this process: forking a
 * small shell is cheap, forking a Node process whose heap holds an hour of audio features
 * blocked the event loop ~30 ms per process (2+ s per hour of audio with espeak-ng). Each
 * job is one line on the shell's stdin, `id<TAB>command`; the shell runs it in the
 * background and answers `id status`. Every word of a command is quoted (shellWord): the
 * shell only ever runs the argument array it was given.
 *
 * Used through the process runner (run.ts, option `via`), which logs and times the job.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { shellWord } from './debug.js';

export class ShellLauncher {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (code: number) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private lines = '';
  private failed?: Error;

  constructor() {
    const script = 'while IFS= read -r line; do ( eval "${line#*\t}"; echo "${line%%\t*} $?" ) & done; wait';
    this.child = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (c: string) => {
      this.lines += c;
      let nl: number;
      while ((nl = this.lines.indexOf('\n')) >= 0) {
        const [id, code] = this.lines.slice(0, nl).split(' ').map(Number);
        this.lines = this.lines.slice(nl + 1);
        const p = this.pending.get(id!);
        this.pending.delete(id!);
        p?.resolve(code!);
      }
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const p of this.pending.values()) p.reject(this.failed);
      this.pending.clear();
    };
    this.child.on('error', fail);
    this.child.stdin!.on('error', fail);
    this.child.on('close', () => fail(new Error('the launcher shell exited')));
  }

  /** Run `tool args… </dev/null >/dev/null 2>stderrFile`; resolves with the exit status (127: not found). */
  run(tool: string, args: readonly string[], stderrFile: string): Promise<number> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const cmd = [tool, ...args].map(shellWord).join(' ') + ` </dev/null >/dev/null 2>${shellWord(stderrFile)}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin!.write(`${id}\t${cmd}\n`);
    });
  }

  /** No more jobs: the shell exits once the running ones finish. */
  close(): void {
    this.child.stdin!.end();
  }

  /** Stop the shell (jobs it started finish on their own or are reaped by their group). */
  kill(): void {
    this.child.kill();
  }
}
