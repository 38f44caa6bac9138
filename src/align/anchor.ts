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
import type { FeatureVectors } from '../signal/mfcc.js';
import { rowCosts } from '../signal/dtw.js';

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
  /**
   * Reference frame where the section's speech ends (exclusive). With it, `candidates`
   * scores each position's continuation: the section's reference right after the excerpt,
   * slid over the recording right after the position's match (see CONTINUATION_SECONDS).
   */
  sectionEnd?: number;
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
  /**
   * Per window column: the recording frame where the best match whose mark row lands there
   * passes the hand-off row CONTINUATION_OVERLAP_SECONDS before the excerpt's end (−1 where
   * none does); with `continuation`, what the continuation check needs (`sectionEnd` given).
   */
  handByMark?: Int32Array;
  /** Goodness weight: below 1 for an excerpt shorter than SHORT_EXCERPT_SECONDS. */
  weight?: number;
  continuation?: { ref: FeatureVectors; iHand: number; i1: number; sectionEnd: number; opts: SlideOptions };
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
  // the continuation check's hand-off row: where the path passes it, per column
  const iHand = opts.sectionEnd !== undefined ? Math.max(iMark, i1 - Math.round(CONTINUATION_OVERLAP_SECONDS / rec.hopSeconds)) : -1;
  let prevH = new Int32Array(W).fill(-1);
  let curH = new Int32Array(W).fill(-1);
  const costs = new Float64Array(W);
  for (let i = i0; i < i1; i++) {
    rowCosts(A, i, B, j0, j1, D, costs);
    const first = i === i0;
    const mark = i === iMark;
    const hand = i === iHand;
    const refSilent = refPause ? refPause[i] : 0;
    for (let x = 0; x < W; x++) {
      let c = costs[x];
      if (refPause && recPause && refSilent !== recPause[j0 + x]) c += vadPen;
      if (first) {
        cur[x] = c;
        curM[x] = mark ? x : -1;
        curH[x] = hand ? x : -1;
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
      curH[x] = hand ? x : prevH[from];
      // a reference pause passed without a recording pause
      if (refSilent === 1 && prev[x] + pausePen < cur[x]) {
        cur[x] = prev[x] + pausePen;
        curM[x] = mark ? x : prevM[x];
        curH[x] = hand ? x : prevH[x];
      }
      // a recording pause crossed on this reference row — a pause row of the reference (with
      // no reference pauses given, any row): the narrator pauses longer than the synthesizer
      if (recPause && x >= 1 && recPause[j0 + x] === 1 && (!refPause || refSilent === 1) && cur[x - 1] + pausePen < cur[x]) {
        cur[x] = cur[x - 1] + pausePen;
        curM[x] = mark ? x : curM[x - 1];
        curH[x] = hand ? x : curH[x - 1];
      }
    }
    let t = prev;
    prev = cur;
    cur = t;
    let tm = prevM;
    prevM = curM;
    curM = tm;
    tm = prevH;
    prevH = curH;
    curH = tm;
  }
  const ends = new Float32Array(W);
  const handByMark = new Int32Array(W).fill(-1);
  let best = Infinity;
  for (let x = 0; x < W; x++) {
    const v = prev[x] / n;
    ends[x] = v;
    const m = prevM[x];
    if (m >= 0 && v < byMark[m]) {
      byMark[m] = v;
      handByMark[m] = prevH[x] >= 0 ? j0 + prevH[x] : -1;
    }
    if (v < best) best = v;
  }
  ends.sort();
  const out: SlideResult = { j0, byMark, background: ends[Math.floor(W / 2)], best, cells: n * W, rec, recPause, handByMark };
  // a short excerpt matches strongly almost anywhere (SHORT_EXCERPT_SECONDS)
  if (opts.sectionEnd !== undefined) out.weight = Math.min(1, (i1 - iMark) / Math.round(SHORT_EXCERPT_SECONDS / rec.hopSeconds));
  if (opts.sectionEnd !== undefined && iHand >= 0) out.continuation = { ref, iHand, i1, sectionEnd: Math.min(ref.frames, opts.sectionEnd), opts };
  return out;
}

/**
 * Continuation check (skip-jfk: sonnet II's opening matched by chance inside a Spanish
 * reading as well as sonnet I's real reading did): a position that matches a section's
 * opening by chance stops matching right after; the right one goes on. The section's
 * reference from CONTINUATION_OVERLAP_SECONDS before the excerpt's end to up to
 * CONTINUATION_SECONDS after it (never past the section's end) is slid over the recording
 * from where the position's match passed that row (± CONTINUATION_SLACK_SECONDS +
 * CONTINUATION_SLACK_FRACTION × the match's length so far: the opening's match may run a
 * little fast or slow towards its end); its goodness against that window's own no-match
 * level and the opening's are combined as the lower of the two. With less than
 * CONTINUATION_MIN_SECONDS of section after the excerpt: no check.
 */
export const CONTINUATION_SECONDS = 10;
export const CONTINUATION_MIN_SECONDS = 3;
export const CONTINUATION_OVERLAP_SECONDS = 2;
const CONTINUATION_SLACK_SECONDS = 0.5;
const CONTINUATION_SLACK_FRACTION = 0.2;
/**
 * With `sectionEnd` given, an excerpt shorter than this (s) — the last section a single
 * word — has its goodness scaled down in proportion: it matches strongly almost anywhere.
 */
export const SHORT_EXCERPT_SECONDS = 2;

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
  /**
   * The window's no-match level − `score`, or the continuation's goodness when that is
   * lower: how well the section matches here.
   */
  goodness: number;
  /**
   * Goodness of the section's continuation after this match (no-match level − best mean
   * cost), when the section is long enough to check (`SlideOptions.sectionEnd`).
   */
  continuation?: number;
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
    const c: Candidate = { frame: r.j0 + x, score: r.byMark[x], goodness: (r.background - r.byMark[x]) * (r.weight ?? 1) };
    const g = continuationGoodness(r, x);
    if (g !== undefined) {
      c.continuation = g;
      c.goodness = Math.min(c.goodness, g);
    }
    out.push(c);
    if (out.length >= max) break;
  }
  if (!r.rec) return out;
  // a re-read opening: the narrator started the section, broke off and started again; the
  // excerpt matches the second attempt best, but the section starts at the first
  const merged: Candidate[] = [];
  for (const c of out) {
    const frame = firstAttempt(r.rec, r.recPause, c.frame);
    const same = merged.find((m) => Math.abs(m.frame - frame) < minSeparation);
    if (!same) merged.push({ ...c, frame });
    else if (c.goodness > same.goodness) Object.assign(same, c, { frame });
  }
  return merged.sort((a, b) => b.goodness - a.goodness);
}

/** The continuation goodness of window column `x`'s best match (undefined: no check). */
function continuationGoodness(r: SlideResult, x: number): number | undefined {
  const cont = r.continuation;
  const rec = r.rec;
  if (!cont || !rec || !r.handByMark) return undefined;
  const hop = rec.hopSeconds;
  const i1 = Math.min(cont.sectionEnd, cont.i1 + Math.round(CONTINUATION_SECONDS / hop));
  if (i1 - cont.i1 < Math.round(CONTINUATION_MIN_SECONDS / hop)) return undefined;
  // where the opening's match passed the hand-off row, a little before the excerpt's end
  const hand = r.handByMark[x];
  if (hand < 0) return undefined;
  const slack = Math.round(CONTINUATION_SLACK_SECONDS / hop + CONTINUATION_SLACK_FRACTION * Math.max(0, hand - (r.j0 + x)));
  const from = hand - slack;
  const to = hand + 2 * (i1 - cont.iHand);
  const { sectionEnd: _, ...opts } = cont.opts;
  const c = slide(cont.ref, cont.iHand, cont.iHand, i1, rec, from, to, opts);
  // the continuation takes over where the opening's match passed that row (± the slack)
  let best = Infinity;
  const last = Math.min(c.byMark.length - 1, hand + slack - c.j0);
  for (let k = 0; k <= last; k++) best = Math.min(best, c.byMark[k]);
  return Number.isFinite(best) && Number.isFinite(c.background) ? c.background - best : undefined;
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
