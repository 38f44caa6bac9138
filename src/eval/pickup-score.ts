/**
 * Scoring a pickup applied to a recording: the span found (text and times against the
 * truth), the samples outside the replaced span against the recording without the pickup
 * (the recording mastered, and the final MP3s of the builds with and without it), and the
 * seams (the largest sample-to-sample jump there against the surrounding speech).
 */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_RATE, speechGraph } from '../audio/master.js';
import type { EpisodeReport } from '../episode/report.js';
import { decodePcm, ffmpeg } from '../media/ffmpeg.js';
import { SPLICE_CROSSFADE_SECONDS } from '../takes/splice.js';

/** Two episodes compared outside the replaced span and its crossfades (episode samples at OUTPUT_RATE). */
export interface OutsideScore {
  /** Samples compared, and those that differ at all. */
  compared: number;
  differing: number;
  /** The largest difference (dB below full scale; −240 when none). */
  maxDiffDb: number;
  /** How far from the span's crossfades differences reach, before and after (ms; 0: none). */
  reachMs: [number, number];
  /** The difference's RMS against the signal's, over the compared samples (dB; −240 when none). */
  relativeDb: number;
}

export interface PickupScore {
  sentencesRight: boolean;
  startError: number;
  endError: number;
  /** Samples that differ outside the cut and its crossfades: the recording mastered with the pickup against the one without. */
  recordingDiffering: number;
  /** The gain difference of the two builds (dB; NaN without the build without the pickup). */
  gainDifferenceDb: number;
  /** Per seam: the largest jump there and in the speech around it (final MP3). */
  seams: { jump: number; around: number }[];
  /** The mastered speech before encoding (the plans' filters and gain run again on both recordings), and the decoded MP3s. */
  master?: OutsideScore;
  mp3?: OutsideScore;
  /** Whether the build with the pickup kept the plan of the build without it. */
  keptPlan: boolean;
}

/** The speech part of a build's master before the encoder: its plan's filters on its recording, from its head trim (mono, OUTPUT_RATE). */
async function masterPcm(report: EpisodeReport): Promise<Float32Array> {
  const plan = report.loudness.plan;
  if (!plan) throw new Error(`${report.files.report}: no master plan in the report`);
  const tmp = join(tmpdir(), `letterpod-master-${process.pid}-${Math.random().toString(36).slice(2)}.f32`);
  try {
    const head = report.quality.trimmedHeadSeconds;
    await ffmpeg([...(head > 0 ? ['-ss', head.toFixed(3)] : []), '-i', report.recording, '-filter_complex', speechGraph({ pre: plan.pre ?? undefined, residualGainDb: plan.residualGainDb }, plan.channels, plan.realign, 's').join(';'), '-map', '[s]', '-ac', '1', '-f', 'f32le', tmp]);
    const buf = await readFile(tmp);
    return new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4));
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Last half second left out: the tail trim follows the speech's end, rounded to ms, and the encoder pads the last frame. */
const END_MARGIN_SECONDS = 0.5;

/**
 * `a` (without the pickup) against `b` (with it), both episode PCM at OUTPUT_RATE starting at
 * their heads: identical before the excluded part [from, to) of `a`, and after it with `b`
 * shifted by `shift` samples.
 */
export function compareOutside(a: Float32Array, b: Float32Array, from: number, to: number, shift: number, headOffset = 0): OutsideScore {
  const R = OUTPUT_RATE;
  const endA = a.length - END_MARGIN_SECONDS * R;
  const endB = b.length - END_MARGIN_SECONDS * R;
  let compared = 0;
  let differing = 0;
  let max = 0;
  let energy = 0;
  let error = 0;
  /** Compare a[lo, hi) with b shifted by `offset`; the first and last differing index of `a`. */
  const run = (lo: number, hi: number, offset: number): [number, number] => {
    let first = -1;
    let last = -1;
    for (let i = lo; i < hi; i++) {
      const j = i + offset;
      if (j < 0 || j >= endB) continue;
      compared++;
      const d = Math.abs(a[i] - b[j]);
      energy += a[i] * a[i];
      error += d * d;
      if (d > 0) {
        differing++;
        max = Math.max(max, d);
        if (first < 0) first = i;
        last = i;
      }
    }
    return [first, last];
  };
  const [firstBefore] = run(0, Math.min(from, endA), headOffset);
  const [, lastAfter] = run(Math.max(0, to), endA, shift + headOffset);
  const ms = (n: number) => Math.round((n / R) * 10000) / 10;
  return {
    compared,
    differing,
    maxDiffDb: max > 0 ? Math.round(20 * Math.log10(max) * 10) / 10 : -240,
    reachMs: [firstBefore < 0 ? 0 : ms(from - firstBefore), lastAfter < 0 ? 0 : ms(lastAfter + 1 - to)],
    relativeDb: error > 0 && energy > 0 ? Math.round(10 * Math.log10(error / energy) * 10) / 10 : -240,
  };
}

function maxJump(x: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < Math.min(x.length, to); i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

export async function scorePickup(opts: {
  withPickup: EpisodeReport;
  /** The build without the pickup, for the MP3 comparison (NaN figures without it). */
  without?: EpisodeReport;
  /** The recording without the pickup (what the build without it mastered). */
  baseRecording: string;
  truth: { startSeconds: number; endSeconds: number };
  expected: { firstSentence: number; lastSentence: number };
}): Promise<PickupScore> {
  const r = opts.withPickup.replaced?.[0];
  if (!r) throw new Error('the build replaced nothing');
  // 1. the recordings mastered: identical outside the cut and its crossfades (shifted after it)
  const rate = r.samples.rate;
  const [a, b] = await Promise.all([decodePcm(opts.baseRecording, rate), decodePcm(opts.withPickup.recording, rate)]);
  const xf = Math.ceil(SPLICE_CROSSFADE_SECONDS * rate);
  const cutA = r.samples.cutStart - xf;
  const cutB = r.samples.cutEnd + xf;
  const shift = r.samples.shift;
  let differing = 0;
  for (let i = 0; i < cutA; i++) if (a[i] !== b[i]) differing++;
  for (let i = cutB; i < a.length && i + shift < b.length; i++) if (a[i] !== b[i + shift]) differing++;
  // 2. the final MP3 with the pickup, decoded at the recording's rate for the seams (the
  // outside comparison of the two MP3s is step 4's)
  const mb = await decodePcm(opts.withPickup.audio.path, rate);
  const headB = Math.round(opts.withPickup.quality.trimmedHeadSeconds * rate);
  // 3. seams on the final MP3 (episode time = recording time − head)
  const seams = r.seams.map((t) => {
    const at = Math.round(t * rate) - headB;
    const w = Math.round(SPLICE_CROSSFADE_SECONDS * rate);
    return { jump: maxJump(mb, at - w, at + w), around: Math.max(maxJump(mb, at - 3 * rate, at - w - rate / 10), maxJump(mb, at + w + rate / 10, at + 3 * rate)) };
  });
  // 4. at the episode's rate: the master before encoding and the decoded MP3s, outside the
  // span and its crossfades (episode time = recording time − head)
  let master: OutsideScore | undefined;
  let mp3: OutsideScore | undefined;
  if (opts.without) {
    const R = OUTPUT_RATE;
    const headA = opts.without.quality.trimmedHeadSeconds;
    const from = Math.floor((r.samples.cutStart / rate - SPLICE_CROSSFADE_SECONDS - headA) * R);
    const to = Math.ceil((r.samples.cutEnd / rate + SPLICE_CROSSFADE_SECONDS - headA) * R);
    const shiftOut = Math.round((shift / rate) * R);
    const headOffset = Math.round((headA - opts.withPickup.quality.trimmedHeadSeconds) * R);
    if (opts.without.loudness.plan && opts.withPickup.loudness.plan) {
      const [pa, pb] = await Promise.all([masterPcm(opts.without), masterPcm(opts.withPickup)]);
      master = compareOutside(pa, pb, from, to, shiftOut, headOffset);
    }
    const [da, db] = await Promise.all([decodePcm(opts.without.audio.path, R), decodePcm(opts.withPickup.audio.path, R)]);
    mp3 = compareOutside(da, db, from, to, shiftOut, headOffset);
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    ...(master ? { master } : {}),
    ...(mp3 ? { mp3 } : {}),
    keptPlan: opts.withPickup.loudness.plan?.kept ?? false,
    sentencesRight: r.firstSentence === opts.expected.firstSentence && r.lastSentence === opts.expected.lastSentence,
    startError: r3(r.old.startSeconds - opts.truth.startSeconds),
    endError: r3(r.old.endSeconds - opts.truth.endSeconds),
    recordingDiffering: differing,
    gainDifferenceDb: opts.without ? Math.round((opts.withPickup.loudness.gainDb - opts.without.loudness.gainDb) * 100) / 100 : Number.NaN,
    seams: seams.map((s) => ({ jump: r3(s.jump), around: r3(s.around) })),
  };
}
