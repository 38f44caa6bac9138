#!/usr/bin/env node
/**
 * npm run bench:cleanup: the figures issue 18 asks of the speech cleanup, per case.
 * Fit set: espeak-ng readings (two voices) where the thresholds (hum prominence, the noise
 * step's target) were chosen. Held out: the real human readings in ../shared/speech
 * (LETTERPOD_SHARED), with the same noise and hum added, reported separately. Each case is
 * cleaned as the build does it (planCleanup on the pauses the build's detector finds, the
 * chain in the encode) and mastered with audio/master.ts: noise floor in the pauses before
 * and after, the speech band's worst third-octave deviation from the original
 * (300 Hz–4 kHz), hum line reductions, loudness and true peak of the MP3. Issue 18 parts 3
 * and 4 on the same sources: the second half 10 dB down (the two halves' median short-term
 * loudness after the leveler, each half's LRA against the master without the step), 20
 * clicks injected (how many the chain takes ≥ 10 dB down, the residual elsewhere against the
 * click-free original), +10 dB of 5–9 kHz presence (the sibilance before and after), and
 * what the three steps do to the source as recorded; each case mastered as the build does
 * it (the leveler planned on the analysis pass's ebur128 frames). Exit code 1 when a figure
 * misses its target.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { measureLoudness } from '../audio/loudness.js';
import { master } from '../audio/master.js';
import { decodePcm, ffmpeg, fileArg } from '../media/ffmpeg.js';
import { planCleanup } from '../audio/cleanup/plan.js';
import { leveledMeasurement } from '../audio/cleanup/leveler.js';
import { writeWav } from '../eval/compose.js';
import { addClicks, analyseLoudness, clickFigures, levelStep, lraOf, medianShortTerm, pauseNear } from '../devkit/level-cases.js';
import {
  addHum,
  addNoise,
  cleanFile,
  findFilePauses,
  highpassed,
  lineReductions,
  noiseFloorDbfs,
  roomPauses,
  speakCase,
  spans,
  speechBandDeviation,
} from '../devkit/cleanup-cases.js';

const SETTINGS = { enabled: true, highpassHz: 80, padSeconds: 0.5, preset: 'podcast' as const };
const TARGET = { targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 };
const dir = resolve('.cache', 'bench', 'cleanup');
const shared = resolve(process.env.LETTERPOD_SHARED ?? join(process.cwd(), '..', 'shared'));

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'She sells sea shells by the sea shore, and the shells she sells are surely sea shells.',
  'This is a test of the speech cleanup, with pauses between the sentences.',
  'Mains hum and room noise should be gone after it, and the voice should stay as it was.',
  'Peter Piper picked a peck of pickled peppers.',
  'How much wood would a woodchuck chuck if a woodchuck could chuck wood?',
];

interface Row {
  set: string;
  source: string;
  kind: string;
  figures: string;
  ok: boolean;
}
const rows: Row[] = [];

async function masterOf(file: string, filters: string | undefined, name: string): Promise<{ lufs: number; tp: number }> {
  const measured = await measureLoudness(file, 'highpass=f=80:poles=2');
  const r = await master({
    input: file,
    output: join(dir, `${name}.mp3`),
    channels: 1,
    target: TARGET,
    measured,
    chapters: [],
    tags: { title: name, artist: 'bench', album: 'bench' },
    ...(filters ? { cleanup: filters } : {}),
  });
  return { lufs: r.output.integratedLufs, tp: r.output.truePeakDbtp };
}

/** The build's path: the high-passed ebur128 pass, the cleanup with the leveler planned on its frames, the master. */
async function buildOf(file: string, name: string) {
  const [pauses, a] = await Promise.all([findFilePauses(file), analyseLoudness(file)]);
  const to = a.frames.at(-1)?.t ?? 0;
  const plan = await planCleanup({ recording: file, sampleRate: 48000, pauses, from: 0, to, settings: SETTINGS, frames: a.frames });
  const r = await master({
    input: file, output: join(dir, `${name}.mp3`), channels: 1, target: TARGET, chapters: [], tags: { title: name, artist: 'bench', album: 'bench' },
    measured: plan.level ? leveledMeasurement(a.measurement, a.frames, plan.level) : a.measurement,
    ...(plan.filters ? { cleanup: plan.filters } : {}),
    ...(plan.level ? { level: plan.level } : {}),
  });
  return { plan, out: join(dir, `${name}.mp3`), lufs: r.output.integratedLufs, tp: r.output.truePeakDbtp, duration: to, pauses };
}

/** `--only=level`: the leveler's rows alone (a few minutes instead of half an hour). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

/** A reading long enough for two passages of ≥ 25 s: the source read twice over when it is shorter than 60 s. */
async function longEnough(file: string, tag: string): Promise<string> {
  const seconds = (await decodePcm(file, 1000)).length / 1000;
  if (seconds >= 60) return file;
  const out = join(dir, `${tag}-twice.wav`);
  await ffmpeg(['-y', '-i', fileArg(file), '-i', fileArg(file), '-filter_complex', '[0:a][1:a]concat=n=2:v=0:a=1', '-c:a', 'pcm_f32le', fileArg(out)]);
  return out;
}

async function runLevel(set: string, source: string, original: string): Promise<void> {
  const tag = `${set}-${source}`;
  const loud = (l: { lufs: number; tp: number }) => Math.abs(l.lufs - TARGET.targetLufs) <= 0.5 && l.tp <= -1;
  const lt = (l: { lufs: number; tp: number }) => `${l.lufs} LUFS ${l.tp} dBTP`;
  // the second half 10 dB down, in the pause nearest the middle (of a reading ≥ 60 s)
  const long = await longEnough(original, tag);
  const as = await buildOf(long, `${tag}-level-as-recorded`);
  const at = pauseNear(as.pauses, as.duration / 2);
  const stepped = join(dir, `${tag}-step.wav`);
  await levelStep(long, stepped, at, -10);
  const st = await buildOf(stepped, `${tag}-step`);
  const [h1, h2, l1, l2, c1, c2] = await Promise.all([
    medianShortTerm(st.out, 0, at), medianShortTerm(st.out, at, as.duration),
    lraOf(st.out, 0, at), lraOf(st.out, at, as.duration), lraOf(as.out, 0, at), lraOf(as.out, at, as.duration),
  ]);
  const gains = st.plan.report.level?.passages.map((p) => `${p.startSeconds}–${p.endSeconds} s ${p.gainDb >= 0 ? '+' : ''}${p.gainDb} dB`).join(', ');
  rows.push({
    set, source, kind: `second half −10 dB (${Math.round(as.duration)} s)`,
    figures: `passages ${gains}; halves ${h1} / ${h2} LUFS (Δ ${Math.abs(h1 - h2).toFixed(1)} LU); LRA ${l1} / ${l2} LU (unstepped ${c1} / ${c2}); ${lt(st)}`,
    ok: Boolean(st.plan.report.level?.applied) && Math.abs(h1 - h2) <= 1 && c1 - l1 <= 1 && c2 - l2 <= 1 && loud(st),
  });
}

async function runNewSteps(set: string, source: string, original: string): Promise<void> {
  const tag = `${set}-${source}`;
  const loud = (l: { lufs: number; tp: number }) => Math.abs(l.lufs - TARGET.targetLufs) <= 0.5 && l.tp <= -1;
  const lt = (l: { lufs: number; tp: number }) => `${l.lufs} LUFS ${l.tp} dBTP`;
  // as recorded: what the new steps find
  const as = await buildOf(original, `${tag}-as-recorded`);
  const r = as.plan.report;
  rows.push({
    set, source, kind: 'as recorded: clicks, esses, level',
    figures: `clicks ${r.declick?.found} (${r.declick?.perMinute}/min) → ${r.declick?.applied ? `adeclick, ${r.declick.remaining} left` : 'nothing'}; sibilance ${r.deess?.sibilanceDb} dB → ${r.deess?.applied ? `deesser, ${r.deess.sibilanceAfterDb} dB` : 'nothing'}; leveler ${r.level?.applied ? r.level.passages.map((p) => `${p.gainDb} dB`).join('/') : 'nothing'}; ${lt(as)}`,
    ok: (set === 'held-out' || (!r.declick?.applied && !r.deess?.applied && !r.level?.applied)) && loud(as),
  });
  // 20 clicks at random places
  const clicked = join(dir, `${tag}-clicks.wav`);
  const injected = await addClicks(original, clicked, 20);
  const ref = join(dir, `${tag}-clickfree.wav`);
  await writeWav(ref, injected.clean, 48000);
  const ck = await buildOf(clicked, `${tag}-clicks`);
  const without = (ck.plan.filters ?? '').replace(/,?adeclick=[^,]*/, '') || 'anull';
  const [outC, refC, inC] = await Promise.all([decodePcm(clicked, 48000, { filters: ck.plan.filters ?? 'anull' }), decodePcm(ref, 48000, { filters: without }), decodePcm(clicked, 48000, { filters: without })]);
  const fig = clickFigures(refC, inC, outC, injected.clicks);
  const removed = fig.left.filter((l) => l <= -10).length;
  rows.push({
    set, source, kind: '20 clicks injected',
    figures: `found ${ck.plan.report.declick?.found}, ${ck.plan.report.declick?.applied ? 'adeclick' : 'no declick'}; ≥ 10 dB down ${removed}/20, ≥ 6 dB ${fig.left.filter((l) => l <= -6).length}/20; residual elsewhere ${fig.residualDb} dB; ${lt(ck)}`,
    ok: removed >= 18 && fig.residualDb <= -40 && loud(ck),
  });
  // +10 dB of presence in 5–9 kHz
  const bright = join(dir, `${tag}-bright.wav`);
  await ffmpeg(['-y', '-i', fileArg(original), '-af', 'equalizer=f=7000:t=h:w=4000:g=10', '-c:a', 'pcm_f32le', fileArg(bright)]);
  const br = await buildOf(bright, `${tag}-bright`);
  const d = br.plan.report.deess;
  rows.push({
    set, source, kind: '+10 dB at 5–9 kHz (esses)',
    figures: `sibilance ${d?.sibilanceDb} dB${d?.applied ? ` → ${d.sibilanceAfterDb} dB with the deesser` : `, no deesser (${d?.reason})`}; ${lt(br)}`,
    ok: Boolean(d?.applied) && (d?.sibilanceDb ?? 0) - (d?.sibilanceAfterDb ?? 0) >= 3 && loud(br),
  });
}

async function runSource(set: string, source: string, original: string): Promise<void> {
  await runLevel(set, source, original);
  if (only === 'level') return;
  await runNewSteps(set, source, original);
  const pauses = await findFilePauses(original);
  const room = roomPauses(pauses);
  const ref = await highpassed(original);
  const tag = `${set}-${source}`;
  const loud = (l: { lufs: number; tp: number }) => Math.abs(l.lufs - TARGET.targetLufs) <= 0.5 && l.tp <= -1;
  for (const kind of ['pink', 'fan'] as const) {
    const noisy = join(dir, `${tag}-${kind}.wav`);
    await addNoise(original, noisy, kind, -50);
    const { plan, samples } = await cleanFile(noisy, SETTINGS, pauses);
    const before = noiseFloorDbfs(spans(await highpassed(noisy), room, false));
    const after = noiseFloorDbfs(spans(samples, room, false));
    const dev = speechBandDeviation(spans(ref, pauses, true), spans(samples, pauses, true));
    const l = await masterOf(noisy, plan.filters, `${tag}-${kind}`);
    rows.push({
      set, source, kind: `${kind} −50 dBFS`,
      figures: `floor ${before} → ${after} dBFS (−${(before - after).toFixed(1)} dB), speech 300–4k worst ${dev >= 0 ? '+' : ''}${dev} dB, ${l.lufs} LUFS ${l.tp} dBTP`,
      ok: before - after >= 15 && Math.abs(dev) <= 1 && loud(l),
    });
  }
  for (const mains of [50, 60] as const) {
    const hummed = join(dir, `${tag}-hum${mains}.wav`);
    await addHum(original, hummed, mains, 3, -45);
    const { plan, samples, input } = await cleanFile(hummed, SETTINGS, pauses);
    const cut = lineReductions(spans(input, room, false), spans(samples, room, false), [1, 2, 3, 4].map((h) => h * mains));
    const dev = speechBandDeviation(spans(ref, pauses, true), spans(samples, pauses, true));
    const l = await masterOf(hummed, plan.filters, `${tag}-hum${mains}`);
    rows.push({
      set, source, kind: `${mains} Hz hum +3 harmonics −45 dBFS`,
      figures: `found ${plan.report.hum.mainsHz ?? 'none'} Hz, lines −${cut.join(' / −')} dB, speech worst ${dev >= 0 ? '+' : ''}${dev} dB, ${l.lufs} LUFS ${l.tp} dBTP`,
      ok: plan.report.hum.mainsHz === mains && cut.every((c) => c >= 20) && Math.abs(dev) <= 1 && loud(l),
    });
  }
  // no hum: the hum step must add nothing (the original's own noise may still be reduced)
  const { plan } = await cleanFile(original, SETTINGS, pauses);
  rows.push({
    set, source, kind: 'as recorded (no hum added)',
    figures: `hum step: ${plan.report.hum.applied ? `notched ${plan.report.hum.lines.map((l) => l.hz).join(', ')} Hz` : 'nothing (bit-identical)'}; noise step: ${plan.report.noise.applied ? `room tone ${plan.report.noise.floorBeforeDbfs} → ${plan.report.noise.floorAfterDbfs} dBFS` : plan.report.noise.reason}`,
    ok: set === 'held-out' || !plan.report.hum.applied,
  });
}

async function main(): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const voice of ['en-us', 'en-gb-x-rp']) {
    const file = join(dir, `espeak-${voice}.wav`);
    await speakCase(file, SENTENCES, { voice });
    await runSource('fit', `espeak ${voice}`, file);
  }
  const real = ['sonnet-p001.mp3', 'sonnet-p002.mp3', 'sonnet-p003.mp3', 'reading-de.mp3', 'reading-es.mp3'].map((f) => join(shared, 'speech', f));
  if (!existsSync(real[0]!)) console.log(`held-out: skipped, no ${real[0]} (set LETTERPOD_SHARED)`);
  for (const file of real.filter((f) => existsSync(f))) {
    const wav = join(dir, `${file.split('/').pop()!.replace('.mp3', '')}.wav`);
    await ffmpeg(['-y', '-i', fileArg(file), '-ac', '1', '-ar', '48000', '-c:a', 'pcm_f32le', fileArg(wav)]);
    await runSource('held-out', file.split('/').pop()!, wav);
  }
  let set = '';
  for (const r of rows) {
    if (r.set !== set) console.log(`\n${(set = r.set)}:`);
    console.log(`  ${r.ok ? 'ok  ' : 'MISS'} ${r.source.padEnd(18)} ${r.kind.padEnd(32)} ${r.figures}`);
  }
  console.log('\nnot measured here (not built yet): pause shortening');
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
