#!/usr/bin/env node
/**
 * npm run bench:pauses [-- maxSeconds]: pause shortening (issue 18, part 5) on the real
 * human readings in ../shared/speech (LETTERPOD_SHARED). Per reading: the pauses the
 * build's detector finds, the cuts planned at the limit (default 0.5 s), the speech run
 * through the encode's cut graph (high-pass, 44.1 kHz): its length against the kept part
 * minus the seconds removed, and the largest sample-to-sample jump within ±15 ms of each
 * seam against the room tone beside it (200 ms before and after) and against the input's
 * own jump at the cut's two edges. Then the cost of the cut graph in one encode: 30 min of
 * noise with 300 cuts, CPU seconds without and with. Exit code 1 when a length is off.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { spawnSync } from 'node:child_process';
import { cutGraph, planPauseCuts } from '../audio/pauses.js';
import { findFilePauses } from '../devkit/cleanup-cases.js';
import { decodePcm, ffmpeg, fileArg } from '../media/ffmpeg.js';

const RATE = 44100;
const shared = resolve(process.env.LETTERPOD_SHARED ?? join(process.cwd(), '..', 'shared'));
const dir = resolve('.cache', 'bench', 'pauses');
const max = Number(process.argv[2] ?? 0.5);
const PRE = `highpass=f=80:poles=2,aresample=${RATE},aformat=sample_fmts=flt:channel_layouts=mono`;

function maxJump(x: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, Math.round(from * RATE)); i < Math.min(x.length, Math.round(to * RATE)); i++) m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
  return m;
}

async function reading(name: string): Promise<boolean> {
  const file = join(shared, 'speech', name);
  const pauses = await findFilePauses(file);
  const x = await decodePcm(file, RATE, { filters: 'highpass=f=80:poles=2' });
  const trim = { startSeconds: 0.3, endSeconds: x.length / RATE - 0.3 };
  const plan = planPauseCuts(pauses, trim, max);
  const graph = cutGraph(plan.cuts, trim.startSeconds, RATE, 'u', 'o');
  if (!graph) {
    console.log(`| ${name} | ${(x.length / RATE).toFixed(1)} s | 0 | — | — | — |`);
    return true;
  }
  const out = join(dir, `${name}.wav`);
  await ffmpeg(['-y', '-ss', String(trim.startSeconds), '-to', String(trim.endSeconds), '-i', fileArg(file), '-filter_complex', [`[0:a:0]${PRE}[u]`, ...graph].join(';'), '-map', '[o]', '-c:a', 'pcm_f32le', fileArg(out)]);
  const y = await decodePcm(out, RATE);
  const expected = trim.endSeconds - trim.startSeconds - plan.removedSeconds;
  let removed = 0;
  let vsRoom = 0;
  let vsInput = 0;
  for (const c of plan.cuts) {
    const seam = c.startSeconds - trim.startSeconds - removed;
    removed += c.endSeconds - c.startSeconds;
    const at = maxJump(y, seam - 0.015, seam + 0.015);
    vsRoom = Math.max(vsRoom, at / Math.max(maxJump(y, seam - 0.24, seam - 0.04), maxJump(y, seam + 0.04, seam + 0.24), 1e-9));
    vsInput = Math.max(vsInput, at / Math.max(maxJump(x, c.startSeconds - 0.015, c.startSeconds + 0.015), maxJump(x, c.endSeconds - 0.015, c.endSeconds + 0.015), 1e-9));
  }
  const off = y.length / RATE - expected;
  console.log(
    `| ${name} | ${(x.length / RATE).toFixed(1)} s | ${plan.shortened} of ${plan.longer} | ${plan.removedSeconds} s | ${(off * 1000).toFixed(2)} ms | ${vsRoom.toFixed(2)} / ${vsInput.toFixed(2)} |`,
  );
  return Math.abs(off) <= 1 / RATE;
}

function cpuOf(args: string[]): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'ffmpeg', '-v', 'error', ...args], { encoding: 'utf8' });
  const [u, s] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return u! + s!;
}

async function main(): Promise<void> {
  await mkdir(dir, { recursive: true });
  const t0 = cpuUsage();
  console.log(`limit ${max} s\n\n| reading | length | shortened | removed | length error | seam jump vs room / vs input |\n|---|---|---|---|---|---|`);
  let ok = true;
  for (const name of ['jfk.wav', 'sonnet-p001.mp3', 'sonnet-p002.mp3', 'sonnet-p003.mp3', 'reading-de.mp3', 'reading-es.mp3']) ok = (await reading(name)) && ok;
  // the cut graph's cost in an encode: 30 min of pink noise, 300 cuts of 2 s
  const noise = join(dir, 'noise-30min.wav');
  await ffmpeg(['-y', '-filter_complex', `anoisesrc=c=pink:a=0.1:r=${RATE}:d=1800:seed=3[a]`, '-map', '[a]', '-c:a', 'pcm_s16le', fileArg(noise)]);
  const cuts = Array.from({ length: 300 }, (_, k) => ({ startSeconds: 3 + k * 6, endSeconds: 5 + k * 6 }));
  const encode = (graph: string[]) => ['-y', '-i', noise, '-filter_complex', graph.join(';'), '-map', '[o]', '-c:a', 'libmp3lame', '-b:a', '96k', '-f', 'mp3', '/dev/null'];
  const plain = cpuOf(encode([`[0:a:0]${PRE}[o]`]));
  const cut = cpuOf(encode([`[0:a:0]${PRE}[u]`, ...cutGraph(cuts, 0, RATE, 'u', 'o')!]));
  console.log(`\nencode of 30 min with 300 cuts: ${plain.toFixed(1)} s CPU without, ${cut.toFixed(1)} s with (${(((cut - plain) / plain) * 100).toFixed(0)} %)`);
  const used = cpuUsage(t0);
  console.log(`(this process: ${((used.user + used.system) / 1e6).toFixed(1)} s CPU)`);
  if (!ok) process.exitCode = 1;
}

await main();
