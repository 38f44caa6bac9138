/** Run a command under GNU time -v: wall seconds and peak resident memory. */
import { spawn } from 'node:child_process';

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

export function timeCommand(cmd: string, args: string[], cwd = process.cwd()): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', cmd, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
      if (!rss || !wall) {
        reject(new Error(`no figures from /usr/bin/time (is the Debian package "time" installed?)\n${stderr.slice(-2000)}`));
        return;
      }
      const wallSeconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
      const user = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
      const system = Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ code, stdout, stderr, wallSeconds, peakRssMb: Number(rss[1]) / 1024, cpuSeconds: user + system });
    });
  });
}
