#!/usr/bin/env node
/**
 * npm run bench:build [-- 10 30 60]: `letterpod build` on narrations of the given lengths
 * (minutes), each recording a 48 kHz 24-bit mono WAV like a narrator's export (with a room
 * noise floor, so the cleanup's denoiser runs as it does on a real recording), against the
 * strict floor measured in the same run on the same file: ffmpeg's ebur128 measuring pass
 * plus one plain MP3 encode (the gain, the resampler, LAME CBR) — what any two-pass
 * normalizer must do at least. The encode of the same file with the build's own cleanup
 * chain is timed too, so the table says what the chain (the denoiser) costs, and the ratio
 * is printed both ways: against the strict floor (the target) and against a floor whose
 * encode runs the same chain. With LETTERPOD_DEBUG's log, timed as it arrives, each build
 * is split into its stages: the analysis decode, the alignment after it, the cleanup's
 * planning (room tone, afftdn profile), the sample metering (encoder probe, limiter), the
 * encode, and what the verification adds after it. Targets: ratio ≤ 1.2 at 60 minutes
 * against the strict floor, peak RSS ≤ 400 MB. Exit code 1 when a target is missed.
 * `BENCH_CLI=…/dist/cli/main.js` times another build of letterpod (an earlier commit) on
 * the same files. The floor is timed before and after each build and averaged (the load of
 * a shared machine drifts during a build).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EpisodeReport } from '../episode/report.js';
import { longNarration } from '../devkit/narrations.js';
import { timeCommand, type Timed } from '../devkit/time.js';

const TARGET = { minutes: 60, ratio: 1.2, peakRssMb: 400 } as const;

const minutesList = process.argv.slice(2).map(Number).filter((n) => n > 0);
const lengths = minutesList.length ? minutesList : [10, 30, 60];
const work = resolve('.cache', 'bench');
const cli = resolve(process.env.BENCH_CLI || join('dist', 'cli', 'main.js'));
const ffmpeg = process.env.FFMPEG_PATH || 'ffmpeg';

async function run(cmd: string, args: string[], opts?: Parameters<typeof timeCommand>[3]): Promise<Timed> {
  const t = await timeCommand(cmd, args, process.cwd(), opts);
  if (t.code !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')}… failed (exit ${t.code})\n${t.stderr.slice(-2000)}`);
  return t;
}

/**
 * The narration as a narrator would export it: 48 kHz, 24-bit, mono, with a steady pink
 * room noise about 60 dB under full scale (flite's pauses are digital silence, which no
 * microphone gives: the cleanup would find nothing to denoise).
 */
async function studioWav(source: string, out: string): Promise<void> {
  if (existsSync(out)) return;
  const graph = '[0:a:0]aresample=48000[v];anoisesrc=c=pink:a=0.003:r=48000:seed=7[n];[v][n]amix=inputs=2:normalize=0:duration=first[out]';
  await run(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', source, '-filter_complex', graph, '-map', '[out]', '-c:a', 'pcm_s24le', out]);
}

/** The strict floor: an ebur128 measuring pass, then one encode with the measured gain (and the build's chain, when given). */
async function measurePass(input: string): Promise<{ t: Timed; lufs: number }> {
  const t = await run(ffmpeg, ['-nostdin', '-hide_banner', '-nostats', '-i', input, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const m = /I:\s+(-?[\d.]+) LUFS/.exec(t.stderr.slice(t.stderr.lastIndexOf('Summary:')));
  return { t, lufs: Number(m?.[1] ?? -23) };
}

async function encodePass(input: string, out: string, gainDb: number, chain?: string): Promise<Timed> {
  const af = [chain, `volume=${gainDb.toFixed(2)}dB`, 'aresample=44100'].filter(Boolean).join(',');
  return run(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', input, '-af', af, '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '96k', out]);
}

/** Where a build's time went, from its LETTERPOD_DEBUG log timed as it arrived (s from the start). */
interface Breakdown {
  probe: number;
  decode: number;
  alignment: number;
  cleanupPlan: number;
  sampleMetering: number;
  encode: number;
  /** From the encode's end to the master stage's: the meter's last frames, the file check, the ID3 tag, the chapter check (and a post-hoc pass, when there is one). */
  verifyAfterEncode: number;
  /** Whole-file passes over the MP3 after the encode (the old verification). */
  passesAfter: number;
  artifacts: number;
}

function breakdown(log: { at: number; line: string }[]): Breakdown {
  const stage = (name: string, what: 'start' | 'done') => log.find((l) => new RegExp(`stage ${name} of .*: ${what === 'start' ? 'start' : 'done in'}`).test(l.line))?.at ?? Number.NaN;
  // worker threads number their processes on their own: a run is matched to its end by number and tool
  const all: { key: string; cmd: string; start: number; end: number }[] = [];
  for (const { at, line } of log) {
    const r = /letterpod debug: run #(\d+): (\S+)(.*)$/.exec(line);
    if (r) all.push({ key: `${r[1]} ${r[2]}`, cmd: r[2]! + r[3]!, start: at, end: Number.NaN });
    const e = /letterpod debug: end #(\d+): (\S+) /.exec(line);
    const open = e ? all.filter((x) => x.key === `${e[1]} ${e[2]}` && Number.isNaN(x.end)).pop() : undefined;
    if (open) open.end = at;
  }
  const decode = all.find((r) => r.cmd.includes('f32le') && r.cmd.includes('framelog=info'));
  // the encode: the process(es) running the episode's graph (…[program]) and the one writing the MP3
  const encodes = all.filter((r) => r.cmd.includes('[program]') || (r.cmd.includes('libmp3lame') && / tee |\.part/.test(r.cmd)));
  const encode = encodes.length ? { start: Math.min(...encodes.map((r) => r.start)), end: Math.max(...encodes.map((r) => r.end)) } : undefined;
  const masterStart = stage('master', 'start');
  const firstSample = all.find((r) => r.start >= masterStart && r.cmd.includes('libmp3lame') && (r.cmd.match(/ -ss /g)?.length ?? 0) > 1);
  const after = encode ? all.filter((r) => r.start >= encode.end && /ebur128/.test(r.cmd) && r.cmd.includes('.mp3')) : [];
  const analyseEnd = stage('analyse', 'done');
  const masterEnd = stage('master', 'done');
  return {
    probe: stage('probe', 'done') - stage('probe', 'start'),
    decode: decode ? decode.end - decode.start : Number.NaN,
    alignment: decode ? analyseEnd - decode.end : Number.NaN,
    cleanupPlan: (firstSample?.start ?? Number.NaN) - masterStart,
    sampleMetering: encode && firstSample ? encode.start - firstSample.start : Number.NaN,
    encode: encode ? encode.end - encode.start : Number.NaN,
    verifyAfterEncode: encode ? masterEnd - encode.end : Number.NaN,
    passesAfter: after.length,
    artifacts: stage('artifacts', 'done') - stage('artifacts', 'start'),
  };
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '?');

console.log(`letterpod: ${cli}`);
console.log('| narration | sections | strict floor (ebur128 + encode) | encode with the build\'s chain (its cost) | build wall | ratio strict / with chain | CPU | peak RSS | encodes | output LUFS / dBTP | chapter error median / max |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
let failed = false;
const stageLines: string[] = [];
for (const minutes of lengths) {
  const dir = join(work, `build-${minutes}`);
  const n = await longNarration(minutes, dir);
  const wav = join(dir, `studio-${minutes}-room.wav`);
  await studioWav(n.recording, wav);
  // the floor before and after the build, averaged: on a shared machine the load drifts
  const before = await measurePass(wav);
  const plainBefore = await encodePass(wav, join(dir, 'floor.mp3'), -16 - before.lufs);
  const log: { at: number; line: string }[] = [];
  const t0 = performance.now();
  let partial = '';
  const build = await run(process.execPath, [cli, 'build', wav, '--issue', n.issueFile, '--out', join(dir, 'out'), '--json'], {
    env: { ...process.env, LETTERPOD_DEBUG: '1' },
    onStderr: (chunk) => {
      const at = (performance.now() - t0) / 1000;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('letterpod debug:')) log.push({ at, line });
    },
  });
  await writeFile(join(dir, 'build-debug.log'), log.map((l) => `${l.at.toFixed(2)} ${l.line}`).join('\n') + '\n');
  const report = JSON.parse(build.stdout) as EpisodeReport;
  const chain = report.cleanup?.filters ?? undefined;
  const after = await measurePass(wav);
  const gain = -16 - after.lufs;
  const plainAfter = await encodePass(wav, join(dir, 'floor.mp3'), gain);
  const withChain = chain ? await encodePass(wav, join(dir, 'floor-chain.mp3'), gain, chain) : plainAfter;
  const measure = { t: { wallSeconds: (before.t.wallSeconds + after.t.wallSeconds) / 2 } };
  const plain = { wallSeconds: (plainBefore.wallSeconds + plainAfter.wallSeconds) / 2 };
  const floorSeconds = measure.t.wallSeconds + plain.wallSeconds;
  // the chain's cost against the plain encode next to it (both after the build)
  const chainFloorSeconds = measure.t.wallSeconds + plain.wallSeconds + (withChain.wallSeconds - plainAfter.wallSeconds);
  const ratio = build.wallSeconds / floorSeconds;
  const ratioChain = build.wallSeconds / chainFloorSeconds;
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
  const denoiser = report.cleanup?.noise?.applied ? 'afftdn' : 'no denoiser';
  console.log(
    `| ${dur.toFixed(1)} min | ${report.chapters.length} | ${f1(measure.t.wallSeconds)} + ${f1(plain.wallSeconds)} = ${f1(floorSeconds)} s | ` +
      `${f1(withChain.wallSeconds)} s (+${f1(withChain.wallSeconds - plainAfter.wallSeconds)} s, ${denoiser}) | ` +
      `${f1(build.wallSeconds)} s | ${ratio.toFixed(2)} / ${ratioChain.toFixed(2)} | ${f1(build.cpuSeconds)} s | ${build.peakRssMb.toFixed(0)} MB | ${report.loudness.encodes ?? '?'} | ` +
      `${o.integratedLufs} / ${o.truePeakDbtp} | ${median.toFixed(2)} s / ${max.toFixed(2)} s |`,
  );
  const b = breakdown(log);
  stageLines.push(
    `| ${dur.toFixed(1)} min | ${f1(b.probe)} | ${f1(b.decode)} | ${f1(b.alignment)} | ${f1(b.cleanupPlan)} | ${f1(b.sampleMetering)} | ${f1(b.encode)} | ${f1(b.verifyAfterEncode)} (${b.passesAfter} pass${b.passesAfter === 1 ? '' : 'es'} over the MP3) | ${f1(b.artifacts)} | ${f1(build.wallSeconds)} |`,
  );
  if (minutes === TARGET.minutes && ratio > TARGET.ratio) failed = true;
  if (build.peakRssMb > TARGET.peakRssMb) failed = true;
}
console.log('');
console.log('where the build\'s wall time went (s; LETTERPOD_DEBUG log, timed as it arrived):');
console.log('| narration | probe | analysis decode | alignment after it | cleanup planning | sample metering | encode | after the encode: verification | artifacts | build (GNU time) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const l of stageLines) console.log(l);
console.log(`targets: ratio ≤ ${TARGET.ratio} × the strict floor at ${TARGET.minutes} minutes, peak RSS ≤ ${TARGET.peakRssMb} MB → ${failed ? 'FAIL' : 'PASS'}`);
process.exitCode = failed ? 1 : 0;
