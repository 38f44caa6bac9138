/** Run one recording's match + build in a worker process (worker.ts) that can be killed with everything it started. */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processAlive } from '../process-alive.js';
import type { EpisodeReport } from '../episode/report.js';
import type { WorkerFailure, WorkerJob, WorkerMessage } from './worker.js';

export type WorkerOutcome =
  | { kind: 'done'; report: EpisodeReport; reused: boolean; buildDir: string }
  | { kind: 'failed'; failure: WorkerFailure }
  /** Killed by `abort()`. */
  | { kind: 'aborted' };

export interface WorkerRun {
  pid: number;
  result: Promise<WorkerOutcome>;
  /** Kill the worker's process group (the worker and every ffmpeg it runs). */
  abort(): void;
}

export const WORKER_FLAG = '--letterpod-watch-worker';

/**
 * Stop the worker `pid` of a watcher that was killed: a worker normally kills itself when
 * its watcher goes; one that survived somehow is killed with its process group. A pid that
 * is gone or now some other program's is left alone.
 */
export function killStaleWorker(pid: number | undefined): void {
  if (!pid || !processAlive(pid)) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(WORKER_FLAG)) return;
    process.kill(-pid, 'SIGKILL');
  } catch {
    // not ours, or gone
  }
}

export function defaultWorkerPath(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

export function startWorker(job: WorkerJob, onMessage: (m: WorkerMessage) => void, workerPath = defaultWorkerPath()): WorkerRun {
  // detached: the worker leads its own process group, so killing the group reaches its ffmpegs,
  // and a Ctrl-C in the watcher's terminal reaches only the watcher (which then stops it)
  const child = fork(workerPath, [WORKER_FLAG], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // the watcher's Node flags, but not its debugger port
    execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')),
  });
  let aborted = false;
  let outcome: WorkerOutcome | undefined;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const result = new Promise<WorkerOutcome>((resolve) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') outcome = { kind: 'done', report: m.report, reused: m.reused, buildDir: m.buildDir };
      else if (m.type === 'failed') outcome = { kind: 'failed', failure: m.failure };
      else onMessage(m);
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (aborted) return resolve({ kind: 'aborted' });
      if (outcome) return resolve(outcome);
      const how = error ? error.message : signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const last = stderr.trim().split('\n').slice(-2).join(' ');
      resolve({
        kind: 'failed',
        failure: {
          phase: 'internal',
          problem: `the build process ${how}${last ? ` (${last})` : ''}`,
          fix: 'Check free memory and disk space; letterpod watch tries again when it is restarted',
          message: `build process ${how}`,
        },
      });
    };
    // the last message may be read after 'exit': finish once the channel is closed too
    let exited: [number | null, NodeJS.Signals | null] | undefined;
    let disconnected = !child.connected;
    child.on('error', (e) => finish(null, null, e));
    child.on('disconnect', () => {
      disconnected = true;
      if (exited) finish(...exited);
    });
    child.on('exit', (code, signal) => {
      exited = [code, signal];
      if (disconnected) finish(code, signal);
    });
  });
  child.send(job);
  return {
    pid: child.pid ?? -1,
    result,
    abort() {
      if (aborted) return;
      aborted = true;
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
  };
}
