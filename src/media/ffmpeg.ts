/**
 * The one place letterpod runs ffmpeg and ffprobe, through the process runner (argument arrays, never a
 * shell), optional progress callbacks parsed from `-progress`, and typed errors that carry
 * the command's stderr tail. `FFMPEG_PATH` / `FFPROBE_PATH` override the binaries.
 */
import type { Readable } from 'node:stream';
import { ProcessError, runProcess } from '../process/run.js';

export function ffmpegPath(): string {
  return process.env.FFMPEG_PATH || 'ffmpeg';
}

export function ffprobePath(): string {
  return process.env.FFPROBE_PATH || 'ffprobe';
}

/** ffmpeg/ffprobe exited non-zero or was killed. */
export class FfmpegError extends ProcessError {
  constructor(tool: string, args: readonly string[], exitCode: number | null, signal: NodeJS.Signals | null, stderrTail: string) {
    super(tool, args, exitCode, signal, stderrTail);
    this.name = 'FfmpegError';
  }
}

export interface RunOptions {
  /** Called with the output position in seconds as ffmpeg reports progress. */
  onProgress?: (seconds: number) => void;
  /** Receives stdout chunks as they arrive (then `stdout` in the result is empty). */
  onStdout?: (chunk: Buffer) => void;
  /** Keep at most this many bytes of stderr (the tail). Default 1 MiB. */
  stderrLimit?: number;
  signal?: AbortSignal;
  /** The process's standard input (`-i pipe:0`), piped until it ends. */
  stdin?: Readable;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** A parser of ffmpeg's `-progress` key=value lines (and its `time=` stats), fed stderr chunks. */
export function progressParser(onProgress: (seconds: number) => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    partial += chunk;
    const lines = partial.split(/[\r\n]/);
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^out_time_us=(\d+)/.exec(line) ?? /time=(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
      if (!m) continue;
      const seconds = m.length === 2 ? Number(m[1]) / 1e6 : Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
      if (Number.isFinite(seconds)) onProgress(seconds);
    }
  };
}

/** Run ffmpeg or ffprobe to completion through the process runner. Rejects with FfmpegError on failure, LetterpodError when missing. */
export async function runTool(tool: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  try {
    const { stdout, stderr } = await runProcess(tool, args, {
      signal: opts.signal,
      stderrLimit: opts.stderrLimit,
      onStdout: opts.onStdout,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
      onStderr: opts.onProgress ? progressParser(opts.onProgress) : undefined,
      missing: {
        problem: `${tool} was not found`,
        fix: `Install Debian's ffmpeg package (apt-get install ffmpeg) or set ${tool.includes('probe') ? 'FFPROBE_PATH' : 'FFMPEG_PATH'} to the binary`,
      },
    });
    return { stdout, stderr };
  } catch (e) {
    if (e instanceof ProcessError && !(e instanceof FfmpegError)) throw new FfmpegError(e.tool, e.args, e.exitCode, e.signal, e.stderrTail);
    throw e;
  }
}

/**
 * A local file name as ffmpeg/ffprobe must see it: with the `file:` protocol, so that a
 * name can never be read as an option (`-rf.wav`) or as another protocol (`an102:final.wav`).
 * Pipes, stdin/stdout and names already carrying `file:` are left as they are.
 */
export function fileArg(path: string): string {
  if (path === '-' || /^(file|pipe):/.test(path)) return path;
  return `file:${path}`;
}

/** ffmpeg with the flags every call wants: no stdin, no banner, overwrite. Every `-i` input is passed through `fileArg`. */
export function ffmpeg(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const base = ['-nostdin', '-hide_banner', '-y'];
  const progress = opts.onProgress ? ['-progress', 'pipe:2', '-nostats'] : ['-nostats'];
  const safe = args.map((a, i) => (i > 0 && args[i - 1] === '-i' ? fileArg(a) : a));
  return runTool(ffmpegPath(), [...base, ...progress, ...safe], opts);
}

/** ffprobe; the caller passes the input as `fileArg(path)` (it is positional). */
export function ffprobe(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return runTool(ffprobePath(), ['-hide_banner', ...args], opts);
}

/**
 * Decode any audio file to mono float PCM at `sampleRate`, streamed in chunks so long
 * recordings never sit in memory as one buffer unless the caller collects them.
 */
export async function streamPcm(
  file: string,
  sampleRate: number,
  onSamples: (samples: Float32Array) => void,
  opts: StreamOptions = {},
): Promise<RunResult> {
  let carry: Buffer | undefined;
  const args = ['-i', file, '-vn'];
  if (opts.measure) {
    // one decode, two branches: the mono PCM on stdout, and the measuring filters on the
    // signal as it is (channels and rate kept), their output discarded, their log on stderr
    const head = opts.filters ? `${opts.filters},` : '';
    args.push(
      '-filter_complex',
      `[0:a:0]${head}asplit=2[pcm][m];[pcm]aresample=${sampleRate},aformat=sample_fmts=flt:channel_layouts=mono[out];[m]${opts.measure}[measured]`,
      '-map', '[out]', '-f', 'f32le', '-acodec', 'pcm_f32le', 'pipe:1',
      '-map', '[measured]', '-f', 'null', '-',
    );
  } else {
    args.push('-ac', '1', '-ar', String(sampleRate));
    if (opts.filters) args.push('-af', opts.filters);
    args.push('-f', 'f32le', '-acodec', 'pcm_f32le', 'pipe:1');
  }
  return ffmpeg(args, {
    signal: opts.signal,
    stderrLimit: opts.stderrLimit,
    onProgress: opts.onProgress,
    onStdout: (chunk) => {
      let buf = chunk;
      if (carry) {
        buf = Buffer.concat([carry, chunk]);
        carry = undefined;
      }
      const whole = buf.length - (buf.length % 4);
      if (whole > 0) {
        // each pipe read arrives in its own buffer: view it when aligned (no copy), else copy
        if (buf.byteOffset % 4 === 0) onSamples(new Float32Array(buf.buffer, buf.byteOffset, whole / 4));
        else {
          const copy = new Float32Array(whole / 4);
          Buffer.from(copy.buffer).set(buf.subarray(0, whole));
          onSamples(copy);
        }
      }
      if (whole < buf.length) carry = Buffer.from(buf.subarray(whole));
    },
  });
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Filters applied to the decoded signal before it is split or downmixed. */
  filters?: string;
  /**
   * A filter chain (e.g. ebur128) run in the same process on the (filtered) signal at its
   * own rate and channels; what it logs is in the result's stderr. The file is decoded once.
   */
  measure?: string;
  stderrLimit?: number;
  /** ffmpeg's position in the input, in seconds, as it decodes. */
  onProgress?: (seconds: number) => void;
}

/** Decode a whole file to one mono Float32Array (for short audio: tests, references). */
export async function decodePcm(file: string, sampleRate: number, opts: { filters?: string } = {}): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  let total = 0;
  await streamPcm(file, sampleRate, (s) => {
    parts.push(s);
    total += s.length;
  }, opts);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
