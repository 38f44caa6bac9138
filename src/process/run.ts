/**
 * The one process runner: every program letterpod starts (ffmpeg, ffprobe, espeak-ng,
 * flite, sox, aws, /usr/bin/time, the eval's child) goes through `runProcess`. It takes an
 * argument array (never a shell command line), logs the command with `LETTERPOD_DEBUG`,
 * times it, honours an AbortSignal, streams stdout and stderr to callers that want them,
 * keeps the stderr tail for errors, and turns a missing binary into one line with its fix.
 *
 * With `via` (a ShellLauncher) the process is started by a small shell instead of by this
 * process (see launcher.ts); stdin and stdout are then not available.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LetterpodError } from '../errors.js';
import { commandLine, debugEnabled, debugLog } from './debug.js';
import type { ShellLauncher } from './launcher.js';

/** A process exited non-zero or was killed. */
export class ProcessError extends Error {
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    const last = stderrTail.trim().split('\n').slice(-3).join(' | ');
    super(`${tool} failed (${signal ?? `exit ${exitCode}`})${last ? `: ${last}` : ''}`);
    this.name = 'ProcessError';
  }
}

export interface ProcessOptions {
  /** Written to the process's stdin, which is then closed (a stream: piped until it ends); without it stdin is /dev/null. */
  stdin?: string | Buffer | Readable;
  /** Receives stdout chunks as they arrive (then `stdout` in the result is empty). */
  onStdout?: (chunk: Buffer) => void;
  /** Receives stderr text as it arrives (it is also kept for the result and errors). */
  onStderr?: (chunk: string) => void;
  /** Keep at most this many bytes of stderr (the tail). Default 1 MiB. */
  stderrLimit?: number;
  /** Discard stdout (a chatty tool whose output nobody reads). */
  ignoreStdout?: boolean;
  signal?: AbortSignal;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** What to tell the user when the binary is missing. */
  missing?: { problem: string; fix: string };
  /** Start it from this shell launcher instead of forking this process. */
  via?: ShellLauncher;
}

export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
  elapsedMs: number;
}

let sequence = 0;

function missingError(tool: string, opts: ProcessOptions, cause?: Error): LetterpodError {
  return new LetterpodError({
    file: tool,
    problem: opts.missing?.problem ?? `${tool} was not found`,
    fix: opts.missing?.fix ?? `Install ${tool} or put it on the PATH`,
    cause,
  });
}

/** Run `tool args…` to completion. Rejects with ProcessError on failure, LetterpodError when the binary is missing. */
export function runProcess(tool: string, args: readonly string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const id = ++sequence;
  const started = performance.now();
  if (debugEnabled()) debugLog(`run #${id}: ${commandLine(tool, args)}${opts.via ? ' (via the launcher shell)' : ''}${opts.cwd ? ` (in ${opts.cwd})` : ''}`);
  const finished = (how: string) => {
    if (debugEnabled()) debugLog(`end #${id}: ${tool} ${how} after ${((performance.now() - started) / 1000).toFixed(2)} s`);
  };
  const run = opts.via ? viaLauncher(opts.via, tool, args, opts) : spawned(tool, args, opts);
  return run.then(
    (r) => {
      finished('exit 0');
      return { ...r, elapsedMs: performance.now() - started };
    },
    (e: unknown) => {
      finished(e instanceof ProcessError ? (e.signal ?? `exit ${e.exitCode}`) : `failed (${(e as Error).message})`);
      throw e;
    },
  );
}

function spawned(tool: string, args: readonly string[], opts: ProcessOptions): Promise<Omit<ProcessResult, 'elapsedMs'>> {
  const limit = opts.stderrLimit ?? 1 << 20;
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args as string[], {
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', opts.ignoreStdout ? 'ignore' : 'pipe', 'pipe'],
      signal: opts.signal,
      cwd: opts.cwd,
      env: opts.env,
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (opts.onStdout) opts.onStdout(chunk);
      else out.push(chunk);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      if (err.length > limit * 2) err = err.slice(-limit);
      opts.onStderr?.(chunk);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(missingError(tool, opts, e));
      else reject(e);
    });
    if (child.stdin) {
      child.stdin.on('error', () => {
        /* a process that exits without reading its input: reported through close */
      });
      if (opts.stdin instanceof Readable) opts.stdin.pipe(child.stdin);
      else child.stdin.end(opts.stdin);
    }
    child.on('close', (code, signal) => {
      if (err.length > limit) err = err.slice(-limit);
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else reject(new ProcessError(tool, args, code, signal, err.slice(-4000)));
    });
  });
}

async function viaLauncher(launcher: ShellLauncher, tool: string, args: readonly string[], opts: ProcessOptions): Promise<Omit<ProcessResult, 'elapsedMs'>> {
  if (opts.stdin !== undefined || opts.onStdout) throw new Error('a process started by the launcher has no stdin or stdout');
  if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
  const dir = await mkdtemp(join(tmpdir(), 'letterpod-run-'));
  const errFile = join(dir, 'stderr');
  try {
    const code = await launcher.run(tool, args, errFile);
    const stderr = await readFile(errFile, 'utf8').catch(() => '');
    if (code === 127) throw missingError(tool, opts);
    if (code !== 0) throw new ProcessError(tool, args, code, null, stderr.slice(-4000));
    opts.onStderr?.(stderr);
    return { stdout: Buffer.alloc(0), stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
