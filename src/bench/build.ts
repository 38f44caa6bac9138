#!/usr/bin/env node
/**
 * npm run bench:build [-- 10 30 60]: `letterpod build` on narrations of the given lengths
 * (minutes), each recording a 48 kHz 24-bit mono WAV like a narrator's export, against the
 * floor measured in the same run on the same file: ffmpeg's loudnorm measuring pass plus a
 * plain encode pass (loudnorm linear with the measured values, MP3 CBR) — the two passes
 * any two-pass normalizer must make. Prints wall time, peak RSS, CPU seconds, the ratio to
 * the floor, the chapter error and the output loudness. Targets: ratio ≤ 1.3 at 60
 * minutes, peak RSS ≤ 400 MB. Exit code 1 when a target is missed.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EpisodeReport } from '../episode/report.js';
import { longNarration } from '../devkit/narrations.js';
import { timeCommand, type Timed } from '../devkit/time.js';

const TARGET = { minutes: 60, ratio: 1.3, peakRssMb: 400 } as const;

const minutesList = process.argv.slice(2).map(Number).filter((n) => n > 0);
const lengths = minutesList.length ? minutesList : [10, 30, 60];
const work = resolve('.cache', 'bench');
const cli = resolve('dist', 'cli', 'main.js');
const ffmpeg = process.env.FFMPEG_PATH || 'ffmpeg';

async function run(cmd: string, args: string[]): Promise<Timed> {
  const t = await timeCommand(cmd, args);
  if (t.code !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')}… failed (exit ${t.code})`);
  return t;
}

/** The narration as a narrator would export it: 48 kHz, 24-bit, mono. */
async function studioWav(source: string, out: string): Promise<void> {
  if (existsSync(out)) return;
  await run(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', source, '-ar', '48000', '-c:a', 'pcm_s24le', out]);
}

/** The floor: loudnorm pass 1, then a linear loudnorm encode with its figures. */
async function floor(input: string, out: string): Promise<{ measure: Timed; encode: Timed }> {
  const measure = await run(ffmpeg, ['-nostdin', '-hide_banner', '-nostats', '-i', input, '-af', 'loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json', '-f', 'null', '-']);
  const stderr = measure.stderr;
  const j = JSON.parse(stderr.slice(stderr.lastIndexOf('{'), stderr.lastIndexOf('}') + 1)) as Record<string, string>;
  const lra = Math.max(11, Math.ceil(Number(j.input_lra) + 1));
  const ln = `loudnorm=I=-16:TP=-1.5:LRA=${lra}:measured_I=${j.input_i}:measured_TP=${j.input_tp}:measured_LRA=${j.input_lra}:measured_thresh=${j.input_thresh}:linear=true`;
  const encode = await run(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', input, '-af', `${ln},aresample=44100`, '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '96k', out]);
  return { measure, encode };
}

console.log('| narration | sections | floor (measure + encode) | build wall | ratio | CPU | peak RSS | encodes | output LUFS / dBTP | chapter error median / max |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
let failed = false;
for (const minutes of lengths) {
  const dir = join(work, `build-${minutes}`);
  const n = await longNarration(minutes, dir);
  const wav = join(dir, `studio-${minutes}.wav`);
  await studioWav(n.recording, wav);
  const f = await floor(wav, join(dir, 'floor.mp3'));
  const build = await run(process.execPath, [cli, 'build', wav, '--issue', n.issueFile, '--out', join(dir, 'out'), '--json']);
  const report = JSON.parse(build.stdout) as EpisodeReport;
  const floorSeconds = f.measure.wallSeconds + f.encode.wallSeconds;
  const ratio = build.wallSeconds / floorSeconds;
  // chapter times in the episode are shifted by the head trim (and intro): compare in recording time
  const shift = report.quality?.speechOffsetSeconds !== undefined ? report.quality.speechOffsetSeconds - report.quality.trimmedHeadSeconds : 0;
  const truth = new Map(n.narration.starts.map((s) => [s.id, s.startSeconds]));
  const errors = report.chapters
    .slice(1)
    .map((c) => Math.abs(c.startSeconds - shift - (truth.get(c.id) ?? Number.NaN)))
    .sort((a, b) => a - b);
  const median = errors[Math.floor(errors.length / 2)] ?? 0;
  const max = errors[errors.length - 1] ?? 0;
  const dur = n.narration.durationSeconds / 60;
  const o = report.loudness.output;
  console.log(
    `| ${dur.toFixed(1)} min | ${report.chapters.length} | ${f.measure.wallSeconds.toFixed(1)} + ${f.encode.wallSeconds.toFixed(1)} = ${floorSeconds.toFixed(1)} s | ` +
      `${build.wallSeconds.toFixed(1)} s | ${ratio.toFixed(2)} | ${build.cpuSeconds.toFixed(1)} s | ${build.peakRssMb.toFixed(0)} MB | ${report.loudness.encodes ?? '?'} | ` +
      `${o.integratedLufs} / ${o.truePeakDbtp} | ${median.toFixed(2)} s / ${max.toFixed(2)} s |`,
  );
  if (minutes === TARGET.minutes && (ratio > TARGET.ratio || build.peakRssMb > TARGET.peakRssMb)) failed = true;
  if (build.peakRssMb > TARGET.peakRssMb) failed = true;
}
console.log(`targets: ratio ≤ ${TARGET.ratio} at ${TARGET.minutes} minutes, peak RSS ≤ ${TARGET.peakRssMb} MB → ${failed ? 'FAIL' : 'PASS'}`);
process.exitCode = failed ? 1 : 0;
