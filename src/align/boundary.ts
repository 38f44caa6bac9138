/**
 * What the pauses between sections look like in this recording, a burst said apart before
 * a section's mark, a heading in the text that is not said — evidence from timing alone (pause and speech
 * lengths), not from how the voice sounds.
 */

interface Span {
  startSeconds: number;
  endSeconds: number;
}

/**
 * The median over the given marks of the longest pause ending within 1.5 s of each (a mark
 * may sit a word off its boundary): what a section boundary sounds like in this recording.
 * NaN with fewer than two such pauses.
 */
export function typicalBoundaryPause(pauses: readonly Span[], marks: readonly number[]): number {
  const lengths: number[] = [];
  for (const m of marks) {
    const longest = longestPauseEnding(pauses, m - 1.5, m + 1.5);
    if (longest > 0) lengths.push(longest);
  }
  if (lengths.length < 2) return NaN;
  lengths.sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)];
}

/** Length of the longest pause ending in [from, to] (s), 0 when none. */
function longestPauseEnding(pauses: readonly Span[], from: number, to: number): number {
  let longest = 0;
  for (const q of pauses) if (q.endSeconds >= from && q.endSeconds <= to) longest = Math.max(longest, q.endSeconds - q.startSeconds);
  return longest;
}

/** Length of the longest pause that ends right at t (from 0.4 s before to 0.3 s after it), 0 when none. */
export function pauseBefore(pauses: readonly Span[], t: number): number {
  return longestPauseEnding(pauses, t - 0.4, t + 0.3);
}

export interface BurstBeforeInput {
  pauses: readonly Span[];
  /** The section's mark (s), at the start of speech after a pause. */
  mark: number;
  /** The longest burst taken in (s): a word or a false start, or a heading said apart. */
  maxBurstSeconds: number;
  /** No earlier than this (the previous section's least extent). */
  lowerSeconds: number;
  /** typicalBoundaryPause of the recording. */
  boundaryPause: number;
  /**
   * The section before in the text: null for the first; undefined when it was not read (the
   * burst may be it, so nothing is taken in).
   */
  previous: { markSeconds: number; expectedSeconds: number } | null | undefined;
}

/** Speech seconds in [t0, t1): what the pauses leave of it. */
function speechIn(pauses: readonly Span[], t0: number, t1: number): number {
  let silent = 0;
  for (const p of pauses) silent += Math.max(0, Math.min(t1, p.endSeconds) - Math.max(t0, p.startSeconds));
  return Math.max(0, t1 - t0 - silent);
}

/**
 * The section before (read, at its mark) holds about its own expected speech up to
 * `until`: the speech between is neither too little for it nor far more (then it is
 * misplaced, or something unscripted follows it). True for no section before (null);
 * false when it was not read (undefined).
 */
function holdsItsOwn(pauses: readonly Span[], previous: { markSeconds: number; expectedSeconds: number } | null | undefined, until: number): boolean {
  if (previous === null) return true;
  if (previous === undefined) return false;
  const held = speechIn(pauses, previous.markSeconds, until);
  return held >= 0.6 * previous.expectedSeconds && held <= 1.6 * previous.expectedSeconds + 1;
}

/**
 * A short burst said apart before the mark belongs to the section: a heading ("II", a
 * pause, then the body), a first word and a breath, a false start too short to compare
 * by sound. It lies between a pause like those at section boundaries (and about as long
 * as the pause after the burst at least) and the pause in front of the mark, and the
 * speech from the mark on runs longer than it (the mark is on the body's words). The
 * section before must be read and hold about its own expected speech up to that pause —
 * otherwise the burst may be it (a heading not found, or found elsewhere). Returns where
 * the burst starts, else undefined.
 */
export function burstBefore(x: BurstBeforeInput): number | undefined {
  const { pauses, mark } = x;
  if (!Number.isFinite(x.boundaryPause)) return undefined;
  const i1 = pauses.findIndex((p) => p.endSeconds >= mark - 0.3 && p.endSeconds <= mark + 0.3);
  if (i1 < 1) return undefined;
  const p1 = pauses[i1];
  const p0 = pauses[i1 - 1];
  const burst = p1.startSeconds - p0.endSeconds;
  if (burst < 0.1 || burst > x.maxBurstSeconds) return undefined;
  const after = pauses[i1 + 1];
  if (after !== undefined && after.startSeconds - mark < burst + 0.3) return undefined;
  // the pause before the burst is the section's boundary: as long as those elsewhere, and
  // about as long as the one after the burst at least
  // (that last only for the first section: after a section read that holds its own speech up
  // to it, the pause is its boundary, and a longer one after the burst is the reader's pause
  // after a heading; before the first, nothing confirms a boundary — the pause may be the
  // recording's leading silence, the burst a short lead-in)
  const p0Length = p0.endSeconds - p0.startSeconds;
  if (p0.endSeconds < x.lowerSeconds || p0Length < 0.7 * x.boundaryPause) return undefined;
  if (x.previous === null && p0Length < 0.7 * (p1.endSeconds - p1.startSeconds)) return undefined;
  return holdsItsOwn(pauses, x.previous, p0.startSeconds) || tooShortToBeIt(pauses, x.previous, p0.startSeconds, burst) ? p0.endSeconds : undefined;
}

/**
 * The section before (read, at its mark) holds far more speech than its own up to `until`
 * — something unscripted follows it, or its mark is early — and the burst is too short to
 * be that section said later: then the burst cannot be it and belongs to what follows (a
 * false start after an ad-lib).
 */
function tooShortToBeIt(pauses: readonly Span[], previous: { markSeconds: number; expectedSeconds: number } | null | undefined, until: number, burst: number): boolean {
  if (!previous) return false;
  return speechIn(pauses, previous.markSeconds, until) > 1.6 * previous.expectedSeconds + 1 && burst < 0.6 * previous.expectedSeconds;
}

export interface HeadingNotReadInput {
  pauses: readonly Span[];
  /** The section's estimated start (s). */
  estimate: number;
  /** The section's first sentence, a heading, at the recording's pace (s). */
  headingSeconds: number;
  /** typicalBoundaryPause of the recording. */
  boundaryPause: number;
  /** No later than this (the next section's start). */
  upperSeconds: number;
  /** Speech before the pause in front of the estimate starts after this (the previous section's least extent; 0 for the first). */
  lowerSeconds: number;
}

/**
 * A heading in the text that the narrator did not say: the match puts the section's start
 * on the previous section's last words — after a short pause (inside a line), with a
 * pause like those at section boundaries following within a heading's length of speech.
 * The section starts where that pause ends (its first words that are read). Returns that
 * position, else undefined.
 */
export function headingNotRead(x: HeadingNotReadInput): number | undefined {
  const { pauses, estimate, headingSeconds: e, boundaryPause: b } = x;
  if (!(e > 0) || !Number.isFinite(b)) return undefined;
  // the pause in front of the estimate (ending at most 0.3 s — or the heading's length: its
  // frames land on whatever is said before — before it, or holding it)
  let i1 = -1;
  for (let i = 0; i < pauses.length && pauses[i].startSeconds <= estimate; i++) if (pauses[i].endSeconds >= estimate - Math.max(0.3, e)) i1 = i;
  if (i1 < 0) return undefined;
  const p1 = pauses[i1];
  // (speech before it — the recording's leading silence is no pause inside a line)
  if (p1.endSeconds - p1.startSeconds >= 0.7 * b || p1.startSeconds <= x.lowerSeconds) return undefined;
  let speech = 0;
  let end = p1.endSeconds;
  for (let i = i1 + 1; i < pauses.length; i++) {
    const p = pauses[i];
    speech += p.startSeconds - end;
    if (speech > 2 * e + 0.4 || p.endSeconds >= x.upperSeconds) return undefined;
    if (p.endSeconds - p.startSeconds >= 0.7 * b) return p.endSeconds;
    end = p.endSeconds;
  }
  return undefined;
}

export interface RunStartInput {
  pauses: readonly Span[];
  /** The section's estimated start (s). */
  estimate: number;
  /** How far back the run of speech may start (s). */
  maxBackSeconds: number;
  lowerSeconds: number;
  boundaryPause: number;
  /** As in burstBefore. */
  previous: { markSeconds: number; expectedSeconds: number } | null | undefined;
}

/**
 * A start estimated in the middle of unbroken speech: sections begin after a pause, so when
 * no pause at all lies between the estimate and a boundary-like pause up to
 * `maxBackSeconds` before it, the section starts where that pause ends (its first words
 * matched poorly: a rare word, a name said otherwise). The section before must be read and
 * hold about its own expected speech up to that pause. Returns the new start, else
 * undefined.
 */
export function runStart(x: RunStartInput): number | undefined {
  const { pauses, estimate } = x;
  if (!Number.isFinite(x.boundaryPause)) return undefined;
  let i = -1;
  for (let k = 0; k < pauses.length && pauses[k].startSeconds < estimate + 0.2; k++) i = k;
  if (i < 0) return undefined;
  const p = pauses[i];
  const back = estimate - p.endSeconds;
  if (back <= 0.3 + 1e-9 || back > x.maxBackSeconds || p.endSeconds < x.lowerSeconds) return undefined;
  // (the recording's leading silence is a boundary whatever its length)
  if (p.startSeconds > 0.05 && p.endSeconds - p.startSeconds < 0.7 * x.boundaryPause) return undefined;
  return holdsItsOwn(pauses, x.previous, p.startSeconds) ? p.endSeconds : undefined;
}
