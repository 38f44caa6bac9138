/**
 * Speech cleanup (issue 18) on an espeak-ng reading with real pauses: room noise at −50 dBFS
 * (pink and fan-like) comes down ≥ 15 dB in the pauses with the speech's long-term
 * spectrum 300 Hz–4 kHz within ±1 dB of the clean original; 50 and 60 Hz hum with three
 * harmonics at −45 dBFS come down ≥ 20 dB per line; a recording without hum gets no notch
 * (bit-identical through that step), one without noise no denoiser. The cleanup is the
 * build's own (planCleanup on the pauses the build's detector finds, real ffmpeg).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { resolveSteps } from '../../src/audio/cleanup/presets.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
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
  CASE_RATE,
} from '../../src/devkit/cleanup-cases.js';
import { scratch } from '../helpers/tmp.js';

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'She sells sea shells by the sea shore, and the shells she sells are surely sea shells.',
  'This is a test of the speech cleanup, with pauses between the sentences.',
  'Mains hum and room noise should be gone after it, and the voice should stay as it was.',
  'Peter Piper picked a peck of pickled peppers.',
];
const SETTINGS = { enabled: true, highpassHz: 80, padSeconds: 0.5, preset: 'podcast' as const };

let dir: string;
let clean: string;
let pauses: [number, number][];
let cleanHp: Float32Array;

beforeAll(async () => {
  dir = await scratch('cleanup');
  clean = join(dir, 'clean.wav');
  await speakCase(clean, SENTENCES);
  pauses = await findFilePauses(clean);
  cleanHp = await highpassed(clean);
}, 60_000);

describe('noise reduction from the room tone', () => {
  for (const kind of ['pink', 'fan'] as const) {
    it(`takes ${kind} room noise at −50 dBFS down ≥ 15 dB in the pauses, speech within ±1 dB`, async () => {
      const noisy = join(dir, `${kind}.wav`);
      await addNoise(clean, noisy, kind, -50);
      const { plan, samples } = await cleanFile(noisy, SETTINGS, pauses);
      const room = roomPauses(pauses);
      const before = noiseFloorDbfs(spans(await highpassed(noisy), room, false));
      const after = noiseFloorDbfs(spans(samples, room, false));
      expect(before).toBeGreaterThan(-53);
      expect(before - after).toBeGreaterThanOrEqual(15);
      expect(Math.abs(speechBandDeviation(spans(cleanHp, pauses, true), spans(samples, pauses, true)))).toBeLessThanOrEqual(1);
      // what episode.json reports: the step ran, on the room tone's own profile
      expect(plan.report.noise.applied).toBe(true);
      expect(plan.report.noise.reductionDb).toBeGreaterThanOrEqual(15);
      expect(plan.report.noise.profile?.bands).toHaveLength(15);
      expect(plan.report.hum.applied).toBe(false);
    });
  }
});

describe('hum removal', () => {
  for (const mains of [50, 60] as const) {
    it(`notches ${mains} Hz hum with 3 harmonics at −45 dBFS ≥ 20 dB per line`, async () => {
      const hummed = join(dir, `hum${mains}.wav`);
      await addHum(clean, hummed, mains, 3, -45);
      const { plan, samples, input } = await cleanFile(hummed, SETTINGS, pauses);
      expect(plan.report.hum.mainsHz).toBe(mains);
      expect(plan.report.hum.lines.map((l) => l.harmonic)).toEqual([1, 2, 3, 4]);
      const lines = [1, 2, 3, 4].map((h) => h * mains);
      const room = roomPauses(pauses);
      const cut = lineReductions(spans(input, room, false), spans(samples, room, false), lines);
      for (const c of cut) expect(c).toBeGreaterThanOrEqual(20);
      // the speech band untouched (the lines are measured in the pauses: the voice has its own energy there)
      expect(Math.abs(speechBandDeviation(spans(cleanHp, pauses, true), spans(samples, pauses, true)))).toBeLessThanOrEqual(1);
    });
  }

  it('does nothing to a recording without hum or noise: the high-pass alone, bit for bit', async () => {
    const { plan, samples } = await cleanFile(clean, SETTINGS, pauses);
    expect(plan.report.hum).toMatchObject({ applied: false, mainsHz: null, lines: [] });
    expect(plan.report.noise.applied).toBe(false);
    expect(plan.filters).toBe('highpass=f=80:poles=2');
    expect(Buffer.from(samples.buffer).equals(Buffer.from(cleanHp.buffer))).toBe(true);
  });

  it('adds no notch to a noisy recording without hum', async () => {
    const noisy = join(dir, 'pink-only.wav');
    await addNoise(clean, noisy, 'pink', -50, 11);
    const { plan } = await cleanFile(noisy, SETTINGS, pauses);
    expect(plan.report.hum.applied).toBe(false);
    expect(plan.filters).not.toContain('bandreject');
  });
});

describe('presets and config', () => {
  const show = {
    title: 'T', description: 'D', author: 'A', owner: { name: 'O', email: 'o@example.org' }, link: 'https://example.org/',
  };
  it('reads the old cleanup fields as the podcast preset, and every step is overridable', () => {
    const c = parseConfig({ show, cleanup: { enabled: true, highpassHz: 100, padSeconds: 1 } }, undefined, '/tmp').cleanup;
    expect(c).toMatchObject({ enabled: true, highpassHz: 100, padSeconds: 1, preset: 'podcast' });
    expect(resolveSteps(c.enabled, c.preset, c)).toMatchObject({ hum: { enabled: true }, noise: { enabled: true, reductionDb: 20 } });
    const o = parseConfig({ show, cleanup: { preset: 'strong', noise: { reductionDb: 12 }, hum: { enabled: false } } }, undefined, '/tmp').cleanup;
    expect(resolveSteps(o.enabled, o.preset, o)).toMatchObject({ hum: { enabled: false }, noise: { enabled: true, reductionDb: 12 } });
    const off = parseConfig({ show, cleanup: { enabled: false, preset: 'strong' } }, undefined, '/tmp').cleanup;
    expect(resolveSteps(off.enabled, off.preset, off)).toMatchObject({ hum: { enabled: false }, noise: { enabled: false } });
    expect(() => parseConfig({ show, cleanup: { preset: 'loud' } }, undefined, '/tmp')).toThrow(/cleanup.preset/);
    expect(() => parseConfig({ show, cleanup: { noise: { strength: 3 } } }, undefined, '/tmp')).toThrow(/cleanup.noise/);
  });

  it('runs no adaptive step with the off preset, even on a noisy, humming recording', async () => {
    const hummed = join(dir, 'hum50.wav');
    const { plan, samples } = await cleanFile(hummed, { ...SETTINGS, preset: 'off' }, pauses);
    expect(plan.filters).toBe('highpass=f=80:poles=2');
    expect(plan.report.hum.reason).toBe('off');
    expect(samples.length).toBe((await decodePcm(hummed, CASE_RATE)).length);
  });
});
