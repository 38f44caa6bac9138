/**
 * Scoring a pickup applied to a recording: the span found (text and times against the
 * truth), the samples outside the replaced span against the recording without the pickup
 * (the recording mastered, and the final MP3s of the builds with and without it), and the
 * seams (the largest sample-to-sample jump there against the surrounding speech).
 */
import type { EpisodeReport } from '../episode/report.js';
import { decodePcm } from '../media/ffmpeg.js';
import { SPLICE_CROSSFADE_SECONDS } from '../takes/splice.js';

export interface PickupScore {
  sentencesRight: boolean;
  startError: number;
  endError: number;
  /** Samples that differ outside the cut and its crossfades: the recording mastered with the pickup against the one without. */
  recordingDiffering: number;
  /** The same on the final MP3s (decoded), as the largest difference in dB below full scale, and the gain difference of the two builds. */
  mp3MaxDiffDb: number;
  gainDifferenceDb: number;
  /** Per seam: the largest jump there and in the speech around it (final MP3). */
  seams: { jump: number; around: number }[];
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
  // 2. the final MP3s, same comparison (the episode clock: both trimmed alike at the head),
  // at the recording's rate (the MP3 is resampled back to it)
  const mb = await decodePcm(opts.withPickup.audio.path, rate);
  const ma = opts.without ? await decodePcm(opts.without.audio.path, rate) : new Float32Array(0);
  const head = Math.round((opts.without?.quality.trimmedHeadSeconds ?? 0) * rate);
  const headB = Math.round(opts.withPickup.quality.trimmedHeadSeconds * rate);
  let maxDiff = opts.without ? 0 : Number.NaN;
  for (let i = 0; i < cutA - head - rate; i++) maxDiff = Math.max(maxDiff, Math.abs(ma[i] - mb[i + head - headB]));
  for (let i = cutB - head + rate; i < ma.length - rate && i + shift + head - headB < mb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ma[i] - mb[i + shift + head - headB]));
  // 3. seams on the final MP3 (episode time = recording time − head)
  const seams = r.seams.map((t) => {
    const at = Math.round(t * rate) - headB;
    const w = Math.round(SPLICE_CROSSFADE_SECONDS * rate);
    return { jump: maxJump(mb, at - w, at + w), around: Math.max(maxJump(mb, at - 3 * rate, at - w - rate / 10), maxJump(mb, at + w + rate / 10, at + 3 * rate)) };
  });
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    sentencesRight: r.firstSentence === opts.expected.firstSentence && r.lastSentence === opts.expected.lastSentence,
    startError: r3(r.old.startSeconds - opts.truth.startSeconds),
    endError: r3(r.old.endSeconds - opts.truth.endSeconds),
    recordingDiffering: differing,
    mp3MaxDiffDb: Math.round(20 * Math.log10(maxDiff + 1e-12) * 10) / 10,
    gainDifferenceDb: opts.without ? Math.round((opts.withPickup.loudness.gainDb - opts.without.loudness.gainDb) * 100) / 100 : Number.NaN,
    seams: seams.map((s) => ({ jump: r3(s.jump), around: r3(s.around) })),
  };
}
