/**
 * Was a section's heading read aloud? Generic newsletters open a section with a heading
 * the narrator often skips ("II" of a sonnet, "Highlights"); the opening's match then lays
 * the heading's reference over the end of the previous section, and the mark lands early,
 * inside its last words.
 *
 * Given where the section's body starts (its first words after the heading), look at the
 * stretch of speech right before the pause in front of it, and ask which text explains it
 * better: the heading, or the previous section's last words. Both are matched against the
 * same audio by the same voice, so the comparison does not depend on how alike narrator
 * and synthesizer sound. Heading → the section starts at that stretch; previous text → it
 * starts at the body (the pause before it).
 */
import { slide } from './anchor.js';
import type { FeatureVectors } from '../signal/mfcc.js';
import type { Pause } from '../signal/pauses.js';

export interface HeadingInput {
  ref: FeatureVectors;
  rec: FeatureVectors;
  refPause: Uint8Array;
  recPause: Uint8Array;
  pauses: readonly Pause[];
  /** Reference rows of the heading, and of the previous section's last words (if any). */
  heading: [number, number];
  previous?: [number, number];
  /** Recording second where the body's first words are. */
  bodySeconds: number;
  /** A stretch of speech ends at a pause at least this long (s); shorter ones are inside it. */
  phrasePauseSeconds: number;
  /** The stretch looked at is at most this long (s). */
  maxStretchSeconds: number;
}

export interface HeadingVerdict {
  read: boolean;
  /** Where the section starts: the stretch's start when the heading was read, else the body's. */
  startSeconds: number;
  /** Mean costs of the heading and of the previous words over the stretch (diagnostics). */
  heading: number;
  previous: number;
}

function bestCost(ref: FeatureVectors, rows: [number, number], x: HeadingInput, fromSeconds: number, toSeconds: number): number {
  const hop = x.rec.hopSeconds;
  const r = slide(ref, rows[0], rows[0], rows[1], x.rec, Math.floor(fromSeconds / hop), Math.ceil(toSeconds / hop), { recPause: x.recPause, refPause: x.refPause });
  return r.best;
}

export function headingRead(x: HeadingInput): HeadingVerdict | undefined {
  // the pause right before the body
  let before: Pause | undefined;
  for (const p of x.pauses) {
    if (p.startSeconds >= x.bodySeconds) break;
    if (p.endSeconds >= x.bodySeconds - 0.4) before = p;
  }
  if (!before || !x.previous) return undefined;
  // the stretch of speech before that pause, back to the previous phrase-length pause
  let from = Math.max(0, before.startSeconds - x.maxStretchSeconds);
  for (const p of x.pauses) {
    if (p.endSeconds > before.startSeconds - 0.05) break;
    if (p.endSeconds - p.startSeconds >= x.phrasePauseSeconds) from = Math.max(from, p.endSeconds);
  }
  const to = before.startSeconds;
  if (to - from < 0.2) return undefined;
  const heading = bestCost(x.ref, x.heading, x, from - 0.2, to + 0.2);
  const previous = bestCost(x.ref, x.previous, x, from - 0.2, to + 0.2);
  if (!Number.isFinite(heading) || !Number.isFinite(previous)) return undefined;
  const read = heading <= previous;
  return { read, startSeconds: read ? from : before.endSeconds, heading, previous };
}
