/**
 * How much of the text a recording covers, judged from its head — before the global pass,
 * which otherwise assumes the recording reads the whole text and spreads it over whatever
 * audio there is (a recording cut after 4 of 9 summaries then had every mark wrong).
 *
 * The reference's first `headSeconds` of speech are slid over the recording's first
 * minutes (a lead-in of up to `leadSeconds` allowed), stretched by a few tempo factors
 * (the reference was synthesized at the pace the whole text would need, which a partial
 * recording does not have); the local step pattern follows the rest. Where the best match puts the
 * excerpt's first and last rows gives the narrator's pace (recording seconds per
 * reference second) without assuming where the reading ends; the whole text at that pace
 * tells whether the recording stops early. Timing evidence, not a similarity threshold:
 * the match only has to be the best position, and a weak one falls back to "whole text".
 */
import { CONTINUATION_OVERLAP_SECONDS, slide } from './anchor.js';
import { pool, type FeatureVectors } from '../signal/mfcc.js';

export interface Coverage {
  /** Recording seconds per reference second, measured on the head (≈ 1 at the fitted rate). */
  pace: number;
  /** Where the head match starts in the recording (s), NaN when not measured. */
  headStartSeconds: number;
  /** Where the whole text would end at that pace (recording seconds). */
  expectedEndSeconds: number;
  /** The recording ends well before that: a partial recording. */
  partial: boolean;
  /** Reference second the recording's last speech reaches (the text's end when not partial). */
  reachSeconds: number;
  /** Goodness of the head match (background − best mean cost). */
  goodness: number;
}

export interface CoverageInput {
  /** 20 ms features of the reference and the recording, and their pause frames. */
  ref: FeatureVectors;
  rec: FeatureVectors;
  refPause: Uint8Array;
  recPause: Uint8Array;
  refSpeech: { start: number; end: number };
  recSpeech: { start: number; end: number };
  headSeconds: number;
  leadSeconds: number;
  /** Partial when the expected end is beyond the recording's speech end by this factor (+ 10 s). */
  partialFactor: number;
  /** A head match weaker than this (goodness) is not trusted. */
  minGoodness: number;
  /** Tempo factors tried (recording seconds per reference second). */
  stretch: readonly number[];
  /** Features pooled by this factor first (default 1). */
  poolFactor?: number;
}

/** Reference rows [i0, i1) resampled to `factor` × as many frames (nearest row), with their pause flags. */
function stretched(ref: FeatureVectors, pause: Uint8Array, i0: number, i1: number, factor: number): { v: FeatureVectors; pause: Uint8Array } {
  const D = ref.dims;
  const n = Math.max(1, Math.round((i1 - i0) * factor));
  const data = new Float32Array(n * D);
  const p = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = Math.min(i1 - 1, i0 + Math.floor(k / factor));
    data.set(ref.data.subarray(i * D, (i + 1) * D), k * D);
    p[k] = pause[i];
  }
  return { v: { frames: n, dims: D, hopSeconds: ref.hopSeconds, data }, pause: p };
}

/** Pause flags pooled like the features: a pooled frame is a pause when all of its frames are. */
function poolPause(p: Uint8Array, factor: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(p.length / factor)).fill(1);
  for (let t = 0; t < p.length; t++) if (!p[t]) out[Math.floor(t / factor)] = 0;
  return out;
}

/**
 * Whether the text's last words are heard at the recording's end: its last `TAIL_SECONDS`
 * of reference (at the head's pace) slid over the recording's last stretch (room for an
 * outro), matching at least half as well as the head did.
 */
const TAIL_SECONDS = 20;
function endsWithText(x: CoverageInput, pace: number, headGoodness: number): boolean {
  const hop = x.ref.hopSeconds;
  const i1 = Math.min(x.ref.frames, Math.ceil(x.refSpeech.end / hop));
  const i0 = Math.max(Math.floor(x.refSpeech.start / hop), i1 - Math.round(TAIL_SECONDS / hop));
  if (i1 - i0 < Math.round(5 / hop)) return false;
  const f = Math.max(0.5, Math.min(2.5, pace));
  const ex = stretched(x.ref, x.refPause, i0, i1, f);
  const j1 = Math.min(x.rec.frames, Math.ceil(x.recSpeech.end / hop) + 5);
  const j0 = Math.max(0, j1 - Math.round(2 * ex.v.frames + x.leadSeconds / hop));
  const r = slide(ex.v, 0, 0, ex.v.frames, x.rec, j0, j1, { recPause: x.recPause, refPause: ex.pause });
  return Number.isFinite(r.best) && r.background - r.best >= 0.5 * headGoodness;
}

export function measureCoverage(input: CoverageInput): Coverage {
  // the pace needs no 20 ms detail: pooled frames make the search cheaper
  const F = Math.max(1, Math.round(input.poolFactor ?? 1));
  const x: CoverageInput =
    F === 1 ? input : { ...input, ref: pool(input.ref, F), rec: pool(input.rec, F), refPause: poolPause(input.refPause, F), recPause: poolPause(input.recPause, F) };
  const hop = x.ref.hopSeconds;
  const whole: Coverage = {
    pace: (x.recSpeech.end - x.recSpeech.start) / Math.max(hop, x.refSpeech.end - x.refSpeech.start),
    headStartSeconds: NaN,
    expectedEndSeconds: x.recSpeech.end,
    partial: false,
    reachSeconds: x.refSpeech.end,
    goodness: NaN,
  };
  const refLen = x.refSpeech.end - x.refSpeech.start;
  const recLen = x.recSpeech.end - x.recSpeech.start;
  // a short text or recording: nothing to measure the pace on, and little to get wrong
  // the excerpt must fit in the recording even when it is read twice as slowly as the reference
  const head = Math.min(x.headSeconds, 0.5 * refLen, 0.45 * recLen);
  if (head < 8) return whole;
  const i0 = Math.floor(x.refSpeech.start / hop);
  const i1 = Math.min(x.ref.frames, i0 + Math.round(head / hop));
  const j0 = Math.max(0, Math.floor(x.recSpeech.start / hop) - 5);
  // the reference may be read at another tempo than the one it was synthesized at (it is
  // fitted to the whole recording, which a partial one is not): try the excerpt stretched
  // by each factor and keep the best match
  let bestFit: { goodness: number; start: number; pace: number } | undefined;
  // the tempos near the fitted one first; the far ones (more cells) only when the pace found
  // so far points at them
  const near = x.stretch.filter((f) => f <= 1.3);
  const far = x.stretch.filter((f) => f > 1.3);
  for (const f of [...near, ...far]) {
    if (f > 1.3 && bestFit && bestFit.pace < 0.85 * f) continue;
    const ex = stretched(x.ref, x.refPause, i0, i1, f);
    const n = ex.v.frames;
    const iHand = Math.max(0, n - Math.round(CONTINUATION_OVERLAP_SECONDS / hop));
    const j1 = Math.min(x.rec.frames, j0 + Math.round(x.leadSeconds / hop) + Math.round(2.2 * n));
    const r = slide(ex.v, 0, 0, n, x.rec, j0, j1, { recPause: x.recPause, refPause: ex.pause, sectionEnd: n });
    let bx = -1;
    for (let k = 0; k < r.byMark.length; k++) if (Number.isFinite(r.byMark[k]) && (bx < 0 || r.byMark[k] < r.byMark[bx])) bx = k;
    if (bx < 0 || !r.handByMark || r.handByMark[bx] < 0) continue;
    const goodness = r.background - r.byMark[bx];
    const pace = (f * (r.handByMark[bx] - (j0 + bx))) / Math.max(1, iHand);
    if (!bestFit || goodness > bestFit.goodness) bestFit = { goodness, start: (j0 + bx) * hop, pace };
  }
  if (!bestFit) return whole;
  const goodness = bestFit.goodness;
  if (!(goodness >= x.minGoodness)) return { ...whole, goodness };
  const pace = bestFit.pace;
  const start = bestFit.start;
  const expectedEnd = start + pace * refLen;
  const short = expectedEnd > x.recSpeech.end * x.partialFactor + 10;
  // the head's pace can mislead (an ad-lib, a slow start): a recording whose end reads the
  // text's end is complete, whatever the head said
  const partial = short && !endsWithText(x, pace, goodness);
  if (!partial) return { ...whole, pace, headStartSeconds: start, goodness };
  return {
    pace,
    headStartSeconds: start,
    expectedEndSeconds: expectedEnd,
    partial: true,
    reachSeconds: Math.min(x.refSpeech.end, x.refSpeech.start + Math.max(0, x.recSpeech.end - start) / pace),
    goodness,
  };
}
