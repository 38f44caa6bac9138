/**
 * De-click and de-esser (issue 18 part 3) on a short espeak-ng reading, planned by the build's
 * planCleanup (real ffmpeg): 20 mouth clicks injected at random places are found, the
 * declicker runs and takes most of them ≥ 6 dB down (over half ≥ 10 dB) while leaving the
 * rest of the signal ≤ −30 dB (short of issue 18's 90 % and −40 dB: docs/benchmarks.md); +10 dB of 5–9 kHz presence makes the de-esser run and takes the
 * sibilance measure back down. The reading as it is gets neither: the chain is the one
 * without those steps, bit for bit.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanFile, findFilePauses, speakCase } from '../../src/devkit/cleanup-cases.js';
import { addClicks, clickFigures } from '../../src/devkit/level-cases.js';
import { decodePcm, ffmpeg, fileArg } from '../../src/media/ffmpeg.js';
import { writeWav } from '../../src/eval/compose.js';
import type { CleanupConfig } from '../../src/audio/cleanup/plan.js';
import { CLEANUP_PRESETS, resolveSteps } from '../../src/audio/cleanup/presets.js';
import { scratch } from '../helpers/tmp.js';

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'She sells sea shells by the sea shore, and the shells she sells are surely sea shells.',
  'Sixty-six sick chicks, and six slim swans, swam past the sisters.',
  'Peter Piper picked a peck of pickled peppers.',
];
const SETTINGS: CleanupConfig = { enabled: true, highpassHz: 80, padSeconds: 0.5, preset: 'podcast' };

let dir: string;
let clean: string;
let pauses: [number, number][];

beforeAll(async () => {
  dir = await scratch('declick');
  clean = join(dir, 'clean.wav');
  await speakCase(clean, SENTENCES, { pauseMs: 600 });
  pauses = await findFilePauses(clean);
}, 60_000);

describe('the declicker', () => {
  it('finds 20 injected clicks, runs adeclick, takes most of them ≥ 6 dB down (over half ≥ 10 dB) and leaves the rest ≤ −30 dB', async () => {
    const clicked = join(dir, 'clicked.wav');
    const injected = await addClicks(clean, clicked, 20);
    const ref = join(dir, 'ref.wav');
    await writeWav(ref, injected.clean, 48000);
    const { plan, samples } = await cleanFile(clicked, { ...SETTINGS, declick: { enabled: true } }, pauses);
    const d = plan.report.declick!;
    expect(d.applied).toBe(true);
    expect(d.found).toBeGreaterThanOrEqual(18);
    expect(d.removed).toBeGreaterThanOrEqual(14);
    expect(plan.filters).toBe('highpass=f=80:poles=2,adeclick=t=2:m=s');
    const original = await decodePcm(ref, 48000, { filters: 'highpass=f=80:poles=2' });
    const before = await decodePcm(clicked, 48000, { filters: 'highpass=f=80:poles=2' });
    const fig = clickFigures(original, before, samples, injected.clicks);
    // (issue 18 asks ≥ 90 % removed and ≤ −40 dB elsewhere: adeclick reaches 12/20 ≥ 10 dB, 17/20 ≥ 6 dB, −37.7 dB here)
    expect(fig.left.filter((l) => l <= -10).length).toBeGreaterThanOrEqual(11);
    expect(fig.left.filter((l) => l <= -6).length).toBeGreaterThanOrEqual(16);
    expect(fig.residualDb).toBeLessThanOrEqual(-30);
  }, 60_000);

  it('runs on nothing without clicks: the chain without the step, bit for bit', async () => {
    const on = await cleanFile(clean, { ...SETTINGS, declick: { enabled: true } }, pauses);
    const off = await cleanFile(clean, { ...SETTINGS, declick: { enabled: false }, deess: { enabled: false } }, pauses);
    expect(on.plan.report.declick).toMatchObject({ applied: false, found: 0 });
    expect(on.plan.report.deess?.applied).toBe(false);
    expect(on.plan.filters).toBe(off.plan.filters);
    expect(Buffer.from(on.samples.buffer).equals(Buffer.from(off.samples.buffer))).toBe(true);
  }, 60_000);

  it('is off unless asked for, in every preset (it misses issue 18\'s targets: see presets.ts)', () => {
    for (const preset of CLEANUP_PRESETS) expect(resolveSteps(true, preset).declick.enabled, preset).toBe(false);
    expect(resolveSteps(true, 'podcast', { declick: { enabled: true } }).declick.enabled).toBe(true);
  });
});

describe('the de-esser', () => {
  it('runs on a reading with +10 dB of 5–9 kHz presence and takes the sibilance ≥ 3 dB down', async () => {
    const bright = join(dir, 'bright.wav');
    await ffmpeg(['-y', '-i', fileArg(clean), '-af', 'equalizer=f=7000:t=h:w=4000:g=10', '-c:a', 'pcm_f32le', fileArg(bright)]);
    const { plan } = await cleanFile(bright, SETTINGS, pauses);
    const d = plan.report.deess!;
    expect(d.applied).toBe(true);
    expect(d.sibilanceDb!).toBeGreaterThan(-7);
    expect(d.sibilanceDb! - d.sibilanceAfterDb!).toBeGreaterThanOrEqual(3);
    expect(plan.filters).toMatch(/,deesser=i=0\.5:m=0\.5:f=0\.5$/);
  }, 60_000);
});
