/**
 * The leveler (issue 18 part 4) on an espeak-ng narration of ~75 s whose second half was
 * recorded 10 dB quieter (the step in a pause): planned from the analysis pass's own ebur128
 * frames and pauses and mastered by audio/master.ts, the two halves' median short-term
 * loudness are within 1 LU, each half's LRA within 1 LU of the master of the narration
 * without the step (no compression inside a passage), on target. A narration without a step
 * gets no leveler: the chain the master runs is today's. The leveler written for a stream
 * that starts inside the recording (a trimmed encode, a sample window) gives that part of the
 * recording its gain.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planCleanup, type CleanupConfig } from '../../src/audio/cleanup/plan.js';
import { leveledMeasurement, shiftLevel, type LevelPlan } from '../../src/audio/cleanup/leveler.js';
import { describeCleanup } from '../../src/audio/cleanup/describe.js';
import { fillLevel, LEVEL_SLOT, master } from '../../src/audio/master.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { writeWav } from '../../src/eval/compose.js';
import { findFilePauses, speakCase } from '../../src/devkit/cleanup-cases.js';
import { analyseLoudness, levelStep, lraOf, medianShortTerm, pauseNear } from '../../src/devkit/level-cases.js';
import { scratch } from '../helpers/tmp.js';

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'She sells sea shells by the sea shore, and the shells she sells are surely sea shells.',
  'This is a test of the leveler, with pauses between the sentences.',
  'Peter Piper picked a peck of pickled peppers.',
  'How much wood would a woodchuck chuck if a woodchuck could chuck wood?',
  'A narrator moved away from the microphone and the level dropped.',
];
const SETTINGS: CleanupConfig = { enabled: true, highpassHz: 80, padSeconds: 0.5, preset: 'podcast' };
const TARGET = { targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 };

let dir: string;
let clean: string;
let duration: number;
let at: number;

async function build(file: string, settings: CleanupConfig = SETTINGS) {
  const [pauses, a] = await Promise.all([findFilePauses(file), analyseLoudness(file)]);
  const plan = await planCleanup({ recording: file, sampleRate: 48000, pauses, from: 0, to: duration, settings, frames: a.frames });
  const out = file.replace(/\.wav$/, `-${settings.preset}.mp3`);
  const r = await master({
    input: file, output: out, channels: 1, target: TARGET, chapters: [], tags: { title: 't', artist: 'a', album: 'b' },
    measured: plan.level ? leveledMeasurement(a.measurement, a.frames, plan.level) : a.measurement,
    ...(plan.filters ? { cleanup: plan.filters } : {}),
    ...(plan.level ? { level: plan.level } : {}),
  });
  return { plan, out, result: r };
}

beforeAll(async () => {
  dir = await scratch('level');
  clean = join(dir, 'clean.wav');
  await speakCase(clean, [...SENTENCES, ...SENTENCES, ...SENTENCES], { pauseMs: 700 });
  const a = await analyseLoudness(clean);
  duration = a.frames.at(-1)!.t;
  at = pauseNear(await findFilePauses(clean), duration / 2);
}, 60_000);

describe('the leveler', () => {
  it('brings a second half recorded 10 dB quieter to the first (median short-term within 1 LU), keeps each half\'s LRA, lands on target', async () => {
    const stepped = join(dir, 'stepped.wav');
    await levelStep(clean, stepped, at, -10);
    const [s, c] = await Promise.all([build(stepped), build(clean)]);
    // episode.json's report: two passages, split in the pause of the step, the second lifted ~10 dB
    const level = s.plan.report.level!;
    expect(level.applied).toBe(true);
    expect(level.passages).toHaveLength(2);
    expect(Math.abs(level.passages[1]!.startSeconds - at)).toBeLessThanOrEqual(0.5);
    expect(level.passages[1]!.gainDb - level.passages[0]!.gainDb).toBeGreaterThan(9);
    expect(level.passages[1]!.gainDb - level.passages[0]!.gainDb).toBeLessThan(11);
    expect(s.result.plan.pre).toContain(LEVEL_SLOT);
    // what the review page and the terminal show of it
    expect(describeCleanup(s.plan.report).find((l) => l.startsWith('leveler:'))).toMatch(/^leveler: 0:00–0:\d\d at -\d+\.?\d* LUFS \+0 dB; 0:\d\d–1:\d\d at -\d+\.?\d* LUFS \+(9|10)\.\d+ dB$/);
    const [h1, h2] = await Promise.all([medianShortTerm(s.out, 0, at), medianShortTerm(s.out, at, duration)]);
    expect(Math.abs(h1 - h2)).toBeLessThanOrEqual(1);
    // one gain per passage: each half's range is the unstepped narration's
    const lra = await Promise.all([lraOf(s.out, 0, at), lraOf(s.out, at, duration), lraOf(c.out, 0, at), lraOf(c.out, at, duration)]);
    expect(lra[2]! - lra[0]!).toBeLessThanOrEqual(1);
    expect(lra[3]! - lra[1]!).toBeLessThanOrEqual(1);
    expect(Math.abs(s.result.output.integratedLufs - TARGET.targetLufs)).toBeLessThanOrEqual(0.5);
    expect(s.result.output.truePeakDbtp).toBeLessThanOrEqual(-1);
    // the gain was planned for the levelled speech: no corrective encode
    expect(s.result.encodes).toBe(1);
  }, 120_000);

  it('does nothing to a narration read at one level: no leveler, the chain the master runs is unchanged', async () => {
    const [pauses, a] = await Promise.all([findFilePauses(clean), analyseLoudness(clean)]);
    const input = { recording: clean, sampleRate: 48000, pauses, from: 0, to: duration, frames: a.frames };
    const on = await planCleanup({ ...input, settings: SETTINGS });
    const off = await planCleanup({ ...input, settings: { ...SETTINGS, level: { enabled: false } } });
    expect(on.report.level).toMatchObject({ applied: false, passages: [{ gainDb: 0 }] });
    expect(on.level).toBeUndefined();
    expect(on.filters).toBe(off.filters);
  }, 60_000);

  it('gives a stream that starts inside the recording the gains of its own part of it', async () => {
    // a 1 kHz tone; the leveler lifts 10 dB from 20 s on, ramping in [19.9, 20.1]
    const tone = join(dir, 'tone.wav');
    await writeWav(tone, Float32Array.from({ length: 30 * 48000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / 48000)), 48000);
    const plan: LevelPlan = { passages: [], firstGainDb: 0, ramps: [{ startSeconds: 19.9, seconds: 0.2, fromDb: 0, toDb: 10 }] };
    // the stream of [15, 25] s: quiet for its first 4.9 s, 10 dB up from 5.1 s
    const chain = fillLevel(`anull,${LEVEL_SLOT}`, plan, [{ at: 0, from: 15, seconds: 10 }]);
    const x = await decodePcm(tone, 48000, { filters: `atrim=start=15:end=25,asetpts=PTS-STARTPTS,${chain}` });
    const rms = (a: number, b: number) => 10 * Math.log10(x.subarray(a * 48000, b * 48000).reduce((s, v) => s + v * v, 0) / ((b - a) * 48000));
    expect(rms(4, 4.8) - rms(0, 1)).toBeCloseTo(0, 1);
    expect(rms(5.2, 9) - rms(0, 1)).toBeCloseTo(10, 1);
    // the joined sample windows: the second window (its clock from 10 s) is recording [22, 32] s
    const joined = fillLevel(LEVEL_SLOT, plan, [{ at: 0, from: 0, seconds: 10 }, { at: 10, from: 22, seconds: 8 }]);
    const y = await decodePcm(tone, 48000, { filters: `atrim=end=18,${joined}` });
    const r = (a: number, b: number) => 10 * Math.log10(y.subarray(a * 48000, b * 48000).reduce((s, v) => s + v * v, 0) / ((b - a) * 48000));
    expect(r(10.5, 17) - r(0, 9)).toBeCloseTo(10, 1);
  }, 60_000);

  it("moves a kept build's gains with the content when a pickup of another length is spliced in before them", () => {
    const plan: LevelPlan = {
      passages: [{ startSeconds: 0, endSeconds: 40, loudnessLufs: -20, speechSeconds: 30, gainDb: 0 }, { startSeconds: 40, endSeconds: 80, loudnessLufs: -30, speechSeconds: 30, gainDb: 10 }],
      firstGainDb: 0,
      ramps: [{ startSeconds: 39.9, seconds: 0.2, fromDb: 0, toDb: 10 }],
    };
    // a pickup 1.5 s longer than the 10–12 s it replaced; one after the ramp changes nothing before it
    const moved = shiftLevel(plan, [{ cutStart: 10, cutEnd: 12, shiftSeconds: 1.5 }, { cutStart: 60, cutEnd: 61, shiftSeconds: -0.5 }]);
    expect(moved.ramps[0]!.startSeconds).toBe(41.4);
    expect(moved.passages.map((p) => [p.startSeconds, p.endSeconds])).toEqual([[0, 41.5], [41.5, 81]]);
  });
});
