/**
 * Restarts: the narrator starts a section, breaks off and starts again ("Reframing —
 * Reframing Impact, part three…"), or reads its first sentence twice. The chapter starts
 * at the first attempt. Both checks compare the narrator's voice with itself — the same
 * words said twice sound far more alike than any voice sounds like the synthesizer, so
 * they carry over between voices.
 */
import { slide } from './anchor.js';
import type { FeatureVectors } from '../signal/mfcc.js';
import type { Pause } from '../signal/pauses.js';

/**
 * Whether the recording at `frame` (its next `length` frames) is said again near `earlier`:
 * the best position of that stretch within ±5 s of `earlier` lies within 0.5 s of it and
 * costs at most `ratio` × the search's no-match level, and at most `opts.peak` × the best
 * other position's (a peak: default 1, i.e. only the best). One voice against itself.
 */
export function sameWords(
  rec: FeatureVectors,
  recPause: Uint8Array,
  frame: number,
  earlier: number,
  length: number,
  ratio: number,
  opts: { minLength?: number; toFirstPause?: boolean; peak?: number } = {},
): boolean {
  const hop = rec.hopSeconds;
  const minLength = opts.minLength ?? Math.round(0.6 / hop);
  // a false start may be only a few words: compare no more than the first attempt's own
  // stretch of speech (up to its first pause)
  if (opts.toFirstPause !== false) {
    let run = 0;
    while (run < length && earlier + run < rec.frames && !recPause[earlier + run]) run++;
    length = Math.min(length, run);
  }
  length = Math.max(minLength, length);
  if (frame + length > rec.frames) return false;
  const r = slide(rec, frame, frame, frame + length, rec, earlier - Math.round(5 / hop), Math.min(frame, earlier + Math.round(5 / hop) + length), { recPause, refPause: recPause });
  let bx = -1;
  for (let x = 0; x < r.byMark.length; x++) if (Number.isFinite(r.byMark[x]) && (bx < 0 || r.byMark[x] < r.byMark[bx])) bx = x;
  if (bx < 0) return false;
  if (Math.abs(r.j0 + bx - earlier) * hop > 0.5 || r.byMark[bx] > ratio * r.background) return false;
  // …and it stands out from every other position of the search (the same words said twice
  // match at one place; a few words that merely sound alike match about as well elsewhere)
  let other = Infinity;
  for (let x = 1; x < r.byMark.length - 1; x++) {
    if (!Number.isFinite(r.byMark[x]) || Math.abs(x - bx) * hop <= 0.5) continue;
    if (r.byMark[x] <= r.byMark[x - 1] && r.byMark[x] <= r.byMark[x + 1]) other = Math.min(other, r.byMark[x]);
  }
  return r.byMark[bx] <= (opts.peak ?? 1) * other;
}

export interface FalseStartInput {
  rec: FeatureVectors;
  recPause: Uint8Array;
  pauses: readonly Pause[];
  /** Where the section's words start (s). */
  seconds: number;
  /** No earlier than this (the previous section's words). */
  lowerSeconds: number;
  /** The broken-off attempt is at most this long (s), and at least this long (shorter matches by chance). */
  maxSeconds: number;
  minSeconds: number;
  ratio: number;
  /** The match must cost at most this × the best other position's (see sameWords). */
  peak: number;
}

/**
 * A false start right before `seconds`: the stretch of speech between the pause before it
 * and the pause in front of the section's words (at most `maxSeconds`, after
 * `lowerSeconds`) is said again at the section's start. Returns where it begins.
 */
export function falseStart(x: FalseStartInput): number | undefined {
  const hop = x.rec.hopSeconds;
  let gap: Pause | undefined;
  let prev: Pause | undefined;
  for (const p of x.pauses) {
    if (p.startSeconds > x.seconds + 0.2) break;
    if (p.endSeconds >= x.seconds - 0.6 && p.endSeconds <= x.seconds + 0.2) gap = p;
    else if (!gap) prev = p;
  }
  if (!gap || gap.endSeconds - gap.startSeconds > 1.5) return undefined;
  const u0 = prev ? prev.endSeconds : 0;
  const u1 = gap.startSeconds;
  if (u0 < x.lowerSeconds || u1 - u0 < x.minSeconds || u1 - u0 > x.maxSeconds) return undefined;
  const length = Math.round((u1 - u0) / hop);
  return sameWords(x.rec, x.recPause, Math.round(gap.endSeconds / hop), Math.round(u0 / hop), length, x.ratio, { minLength: length, peak: x.peak }) ? u0 : undefined;
}
