/**
 * What the pauses between sections look like in this recording, and a heading spoken
 * before a section's first attempt — evidence from timing alone (pause and speech
 * lengths), not from how the voice sounds.
 */

interface Span {
  startSeconds: number;
  endSeconds: number;
}

/**
 * The median length of the pauses in front of the given marks (a pause ending from 0.5 s
 * before a mark to 0.3 s after it): what a section boundary sounds like in this recording.
 * NaN with fewer than two such pauses.
 */
export function typicalBoundaryPause(pauses: readonly Span[], marks: readonly number[]): number {
  const lengths: number[] = [];
  for (const m of marks) {
    const p = pauses.find((q) => q.endSeconds >= m - 0.5 && q.endSeconds <= m + 0.3);
    if (p) lengths.push(p.endSeconds - p.startSeconds);
  }
  if (lengths.length < 2) return NaN;
  lengths.sort((a, b) => a - b);
  return lengths[Math.floor(lengths.length / 2)];
}

export interface HeadingBeforeInput {
  pauses: readonly Span[];
  /** The section's mark (s), at the start of speech after a pause. */
  mark: number;
  /** The section's first sentence, a heading, at the recording's pace (s). */
  headingSeconds: number;
  /** No earlier than this (the previous section's least extent). */
  lowerSeconds: number;
  /** typicalBoundaryPause of the recording. */
  boundaryPause: number;
}

/**
 * A short heading ("II") said before a false start or a restart the mark was moved to, or
 * too short for the match to hold on: the speech from the mark to the next pause is longer
 * than the heading and than the burst before it (the mark is on the body's words), and right before the mark there is a burst about as long as the
 * heading, between a pause like those at section boundaries and the pause in front of the
 * mark. Returns where that burst starts (the heading), else undefined.
 */
export function spokenHeadingBefore(x: HeadingBeforeInput): number | undefined {
  const { pauses, mark, headingSeconds: e } = x;
  if (!(e > 0) || !Number.isFinite(x.boundaryPause)) return undefined;
  const i1 = pauses.findIndex((p) => p.endSeconds >= mark - 0.3 && p.endSeconds <= mark + 0.3);
  if (i1 < 1) return undefined;
  const p1 = pauses[i1];
  const p0 = pauses[i1 - 1];
  const burst = p1.startSeconds - p0.endSeconds;
  if (burst < 0.1 || burst > 2 * e + 0.4) return undefined;
  const after = pauses[i1 + 1];
  if (after !== undefined && after.startSeconds - mark < Math.max(burst, e) + 0.3) return undefined;
  if (p0.endSeconds < x.lowerSeconds || p0.endSeconds - p0.startSeconds < 0.7 * x.boundaryPause) return undefined;
  return p0.endSeconds;
}
