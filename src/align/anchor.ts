/**
 * Local re-anchoring of a section start: slide the first seconds of the section's
 * reference speech over a window of the recording around the global pass's estimate and
 * score every position.
 *
 * The step pattern consumes every reference frame exactly once — from (i−1, j′) to (i, j)
 * with j − j′ ∈ {0, 1, 2} (the recording may run from "much faster" to twice as slow as
 * the reference), off-diagonal steps paying a small penalty — so every match sums the
 * same number of cells and scores compare across positions: the mean cost of the best
 * match that puts the section's first reference frame on a given recording frame. Start
 * and end in the recording are free (subsequence DTW), and the work is one pass over
 * excerpt × window cells with two rows of memory.
 */
import type { FeatureVectors } from './mfcc.js';

export interface SlideOptions {
  /** Added per step that consumes 0 or 2 recording frames (cells cost 0…2). */
  stepPenalty?: number;
  /**
   * Per recording frame: 1 inside a pause. A pause frame may be crossed without consuming a
   * reference frame at `pausePenalty` (default 0.002) per frame, on a reference pause row
   * when `refPause` is given: narrators pause longer than the synthesizer (after a heading,
   * between sentences), for longer than a 2× stretch absorbs.
   */
  recPause?: Uint8Array;
  pausePenalty?: number;
  /**
   * Per reference frame: 1 inside a pause. Such a frame may be passed without consuming a
   * recording frame (the narrator did not pause there) at `pausePenalty`; and speech on one
   * side against a pause on the other costs `vadPenalty` (default 0.3) extra — without it a
   * word read differently from the reference (a heading) is cheaper to lay over a noisy pause.
   */
  refPause?: Uint8Array;
  vadPenalty?: number;
}

export interface SlideResult {
  /** First recording frame of the window. */
  j0: number;
  /**
   * Per window column (recording frame j0 + x): the mean cost of the best excerpt match
   * whose mark row lands on that frame (Infinity where no best match does).
   */
  byMark: Float32Array;
  /** Median over end positions of the best match ending there: the "no match" level. */
  background: number;
  /** Best mean cost anywhere in the window. */
  best: number;
  cells: number;
  /** The recording and its pause frames, for `candidates`' re-read check. */
  rec?: FeatureVectors;
  recPause?: Uint8Array;
}

/**
 * Slide reference rows [i0, i1) over recording frames [j0, j1); `iMark` (i0 ≤ iMark < i1)
 * is the row whose recording frame is reported (the section's first speech).
 */
export function slide(
  ref: FeatureVectors,
  i0: number,
  iMark: number,
  i1: number,
  rec: FeatureVectors,
  j0: number,
  j1: number,
  opts: SlideOptions = {},
): SlideResult {
  const pen = opts.stepPenalty ?? 0.05;
  const recPause = opts.recPause;
  const pausePen = opts.pausePenalty ?? 0.002;
  const refPause = opts.refPause;
  const vadPen = opts.vadPenalty ?? 0.3;
  const D = ref.dims;
  if (rec.dims !== D) throw new Error('slide: feature dimensions differ');
  i0 = Math.max(0, i0);
  i1 = Math.min(ref.frames, i1);
  j0 = Math.max(0, j0);
  j1 = Math.min(rec.frames, j1);
  const W = j1 - j0;
  const n = i1 - i0;
  const byMark = new Float32Array(Math.max(0, W)).fill(Infinity);
  if (W <= 2 || n <= 0) return { j0, byMark, background: Infinity, best: Infinity, cells: 0 };
  const A = ref.data;
  const B = rec.data;
  let prev = new Float32Array(W);
  let cur = new Float32Array(W);
  let prevM = new Int32Array(W).fill(-1);
  let curM = new Int32Array(W).fill(-1);
  for (let i = i0; i < i1; i++) {
    const ai = i * D;
    const first = i === i0;
    const mark = i === iMark;
    const refSilent = refPause ? refPause[i] : 0;
    for (let x = 0; x < W; x++) {
      const bj = (j0 + x) * D;
      let s = 0;
      for (let d = 0; d < D; d++) s += A[ai + d] * B[bj + d];
      let c = 1 - s;
      if (refPause && recPause && refSilent !== recPause[j0 + x]) c += vadPen;
      if (first) {
        cur[x] = c;
        curM[x] = mark ? x : -1;
        continue;
      }
      // predecessors: x−1 (diagonal), x−2 and x (off-diagonal, penalised)
      let best = prev[x] + pen;
      let from = x;
      if (x >= 1 && prev[x - 1] <= best) {
        best = prev[x - 1];
        from = x - 1;
      }
      if (x >= 2 && prev[x - 2] + pen < best) {
        best = prev[x - 2] + pen;
        from = x - 2;
      }
      cur[x] = best + c;
      curM[x] = mark ? x : prevM[from];
      // a reference pause passed without a recording pause
      if (refSilent === 1 && prev[x] + pausePen < cur[x]) {
        cur[x] = prev[x] + pausePen;
        curM[x] = mark ? x : prevM[x];
      }
      // a recording pause crossed on this reference row — a pause row of the reference (with
      // no reference pauses given, any row): the narrator pauses longer than the synthesizer
      if (recPause && x >= 1 && recPause[j0 + x] === 1 && (!refPause || refSilent === 1) && cur[x - 1] + pausePen < cur[x]) {
        cur[x] = cur[x - 1] + pausePen;
        curM[x] = mark ? x : curM[x - 1];
      }
    }
    let t = prev;
    prev = cur;
    cur = t;
    let tm = prevM;
    prevM = curM;
    curM = tm;
  }
  const ends = new Float32Array(W);
  let best = Infinity;
  for (let x = 0; x < W; x++) {
    const v = prev[x] / n;
    ends[x] = v;
    const m = prevM[x];
    if (m >= 0 && v < byMark[m]) byMark[m] = v;
    if (v < best) best = v;
  }
  ends.sort();
  return { j0, byMark, background: ends[Math.floor(W / 2)], best, cells: n * W, rec, recPause };
}

/**
 * Re-read check: the first this many seconds of the recording after a match, searched for
 * up to REREAD_BACK_SECONDS before it (but not within REREAD_MIN_SECONDS); a match whose
 * mean cost is below REREAD_RATIO × the search's no-match level is the same words spoken
 * again (same voice: far closer than the narrator to the synthesizer).
 */
const REREAD_SECONDS = 3;
const REREAD_BACK_SECONDS = 15;
const REREAD_MIN_SECONDS = 2;
const REREAD_RATIO = 0.4;

export interface Candidate {
  /** Recording frame of the mark row. */
  frame: number;
  /** Mean cost per reference frame. */
  score: number;
}

/**
 * The best `max` positions, at least `minSeparation` frames apart (best first): a
 * position and its near neighbours are one match, not several.
 */
export function candidates(r: SlideResult, minSeparation: number, max = 4): Candidate[] {
  const order: number[] = [];
  for (let x = 0; x < r.byMark.length; x++) if (Number.isFinite(r.byMark[x])) order.push(x);
  order.sort((a, b) => r.byMark[a] - r.byMark[b]);
  const out: Candidate[] = [];
  for (const x of order) {
    if (out.some((c) => Math.abs(c.frame - (r.j0 + x)) < minSeparation)) continue;
    out.push({ frame: r.j0 + x, score: r.byMark[x] });
    if (out.length >= max) break;
  }
  if (!r.rec) return out;
  // a re-read opening: the narrator started the section, broke off and started again; the
  // excerpt matches the second attempt best, but the section starts at the first
  const merged: Candidate[] = [];
  for (const c of out) {
    const frame = firstAttempt(r.rec, r.recPause, c.frame);
    const same = merged.find((m) => Math.abs(m.frame - frame) < minSeparation);
    if (!same) merged.push({ frame, score: c.score });
    else if (c.score < same.score) {
      same.score = c.score;
      same.frame = frame;
    }
  }
  return merged.sort((a, b) => a.score - b.score);
}

/**
 * Where the words the recording has at `frame` were already spoken shortly before (the
 * earliest such position), or `frame`.
 */
export function firstAttempt(rec: FeatureVectors, recPause: Uint8Array | undefined, frame: number): number {
  const hop = rec.hopSeconds;
  const L = Math.round(REREAD_SECONDS / hop);
  if (frame + L > rec.frames) return frame;
  const from = frame - Math.round(REREAD_BACK_SECONDS / hop);
  const to = frame - Math.round(REREAD_MIN_SECONDS / hop);
  if (to - Math.max(0, from) < L) return frame;
  // the same voice on both sides: pauses may be crossed on either (the excerpt's own pause
  // frames serve as the reference's)
  const r = slide(rec, frame, frame, frame + L, rec, from, to + L, { recPause, refPause: recPause });
  const limit = REREAD_RATIO * r.background;
  let bt = -1;
  for (let x = 0; x + r.j0 <= to; x++) {
    if (r.byMark[x] <= limit && (bt < 0 || r.byMark[x] < r.byMark[bt])) bt = x;
    else if (bt >= 0 && x - bt > Math.round(0.5 / hop)) break;
  }
  return bt >= 0 ? r.j0 + bt : frame;
}
