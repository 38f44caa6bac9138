/** Run a command under GNU time -v (through the process runner): wall seconds and peak resident memory. */
import { ProcessError, runProcess } from '../process/run.js';

export interface Timed {
  code: number | null;
  stdout: string;
  /** The command's stderr followed by GNU time's report. */
  stderr: string;
  wallSeconds: number;
  peakRssMb: number;
  /** User + system CPU seconds: steadier than wall time on a loaded machine. */
  cpuSeconds: number;
}

export async function timeCommand(
  cmd: string,
  args: string[],
  cwd = process.cwd(),
  opts: { env?: NodeJS.ProcessEnv; onStderr?: (chunk: string) => void } = {},
): Promise<Timed> {
  let code: number | null = 0;
  let stdout = '';
  let stderr = '';
  try {
    const r = await runProcess('/usr/bin/time', ['-v', cmd, ...args], { cwd, stderrLimit: 1 << 24, ...opts });
    stdout = r.stdout.toString();
    stderr = r.stderr;
  } catch (e) {
    // a failing command is still measured: its exit code is part of the result
    if (!(e instanceof ProcessError)) throw e;
    code = e.exitCode;
    stderr = e.stderrTail;
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  if (!rss || !wall) throw new Error(`no figures from /usr/bin/time (is the Debian package "time" installed?)\n${stderr.slice(-2000)}`);
  const wallSeconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
  const system = Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
  return { code, stdout, stderr, wallSeconds, peakRssMb: Number(rss[1]) / 1024, cpuSeconds: user + system };
}
