/**
 * Every tuning value of the aligner, in one object, so the evaluation can sweep them
 * (`npm run eval:align -- --set name=value`, `--sweep name=a,b,c`). Values are fitted on
 * the tuning part of the corpus only; the held-out voices and the real readings report
 * what they give.
 */
export interface AlignParams {
  /** Reference speaking rate = the recording's overall words/minute × this. */
  espeakPace: number;
  /** Global pass: 20 ms frames per coarse frame (320 ms), then per medium frame (80 ms). */
  coarse: number;
  medium: number;
  /** Half-width (s) of the medium pass's band around the coarse path. */
  mediumRadiusSeconds: number;
  /**
   * The coarse band's half-width near its anchors (s): at the text's first words when the
   * head's match found them, and at the end (or at the start when it did not); growing by
   * bandGrowth frames per row away from them.
   */
  bandStartSeconds: number;
  bandEndSeconds: number;
  bandGrowth: number;
  /** Cost of a skipped (unmatched) frame in the global pass, × the unrelated-frames cost. */
  skipFraction: number;
  /** Local search: reference speech per excerpt (s), silence before it, the window around the estimate. */
  anchorSeconds: number;
  anchorLead: number;
  windowBefore: number;
  windowAfter: number;
  /**
   * Goodness (× the recording's typical one) a skipped section earns in the reading-order
   * choice: a section is kept when any in-order position matches it better. Low on
   * purpose — whether a section was read is decided by time and by every part of its text
   * (see notReadMaxRoom, partMatchRatio), not by how alike the voice and espeak-ng sound.
   */
  keepGoodness: number;
  /** …and never less than this. */
  minKeepGoodness: number;
  /** The next found section starts at least this fraction of a section's expected speech after it. */
  minGapFraction: number;
  /** Second look for sections whose best match is below this × the typical one, in windows up to this long (s). */
  researchBelow: number;
  researchMax: number;
  /**
   * A section is declared not read only when the speech between its found neighbours
   * leaves room for at most this fraction of its expected speech (at the recording's own
   * pace)…
   */
  notReadMaxRoom: number;
  /**
   * …and no part of its text (opening, middle, end excerpts of partSeconds) stands out
   * between them: a part "stands out" when its best position is this much better than the
   * median of the other local optima of the same window (a ratio of goodness: a peak, not
   * a level, so it carries over between voices).
   */
  partMatchRatio: number;
  partSeconds: number;
  /**
   * A section followed by the next found one after less than this fraction of its expected
   * speech has its last words (partSeconds) looked for; heard clearly (partMatchRatio)
   * after the next one's start, that start is not the next section.
   */
  endCheckBelow: number;
  /**
   * The last read section followed by more speech than this many times its expected speech
   * (plus inProgressMinSeconds) leaves the rest to the next section, in progress when the
   * recording stops (found after a pause like the ones between sections).
   */
  pastEndFactor: number;
  /**
   * A section's first sentence shorter than this at the recording's pace (s) is a heading
   * that may be said apart from the body (a burst up to twice its length before the mark,
   * after a section-boundary pause, starts the section) or not said at all (a start on
   * the previous section's last words moves past the boundary pause after them).
   */
  spokenHeadingMaxSeconds: number;
  /**
   * A start estimated inside unbroken speech goes back to a boundary-like pause at most
   * this far before it (s), when no pause at all lies between.
   */
  runBackSeconds: number;
  /**
   * The text's last section read with either of its last two sentences placed in less
   * than this fraction of the time their words take at the recording's pace: the
   * recording stops inside it (fitted on the tune split: cut 0.20–0.45, full ≥ 0.59).
   */
  lastSentencesBelow: number;
  /** The section a recording stops in needs at least this much speech left for it (s). */
  inProgressMinSeconds: number;
  /** The short opening also tried in a window that reaches the recording's end (s). */
  tailOpeningSeconds: number;
  /** A window shorter than this (s) is widened for the statistics of hearing a part. */
  hearMinSeconds: number;
  /**
   * A section whose opening matches at least this well (× the typical goodness) in order is
   * read without further question; a weaker one is judged by room and by hearing its parts.
   */
  trustAbove: number;
  /**
   * …and only when it stands out at least this much from the section's other candidates
   * more than `trustAwaySeconds` from it (its goodness over theirs: a peak against this
   * recording's own background, not a level — a voice unlike espeak-ng matches every
   * position about as weakly, the right one included).
   */
  trustPeak: number;
  trustAwaySeconds: number;
  /**
   * Restarts: the section's first restartSeconds of reference, searched up to
   * restartBackSeconds before its mark; an earlier position matching at least restartRatio
   * as well as the mark's is the first attempt (the section starts there).
   */
  restartSeconds: number;
  restartBackSeconds: number;
  restartRatio: number;
  /** …and at least this many times as good as the next best earlier position. */
  restartPeak: number;
  /** …and after this fraction of the previous section's expected speech. */
  restartAfterFraction: number;
  /** …and the recording there matches the recording at the mark at ≤ this × the no-match level (the same voice). */
  restartSameRatio: number;
  /** …and at most this × the best other position's cost in that search (a peak, not a level). */
  restartSamePeak: number;
  /** …unless the first words match this many times better there than at the mark. */
  restartOverride: number;
  /**
   * …or it is the best of its search and the whole-text path puts the section within this
   * many seconds of it, and more than twice as far from the mark.
   */
  restartPathSeconds: number;
  /**
   * A section's mark goes back to an earlier match of its opening that lies within this
   * many seconds of where the whole-text path puts the section (see the restart pass).
   */
  pathAgreeSeconds: number;
  /**
   * A pause at least this × the recording's typical boundary pause is "like those between
   * sections"; one under half of that is not (the restart pass: the best match of a trusted
   * section's first words after such a pause, where its mark follows none, is its start).
   */
  boundaryLikeFraction: number;
  /** 1: the boundary rule also looks for a section's first words after its heading (a heading not said); 0: off. */
  boundaryWithoutHeading: number;
  /** The last section read is heard to its end when its last words match clearly after at least this × its expected speech. */
  heardToEndFraction: number;
  /** A broken-off first attempt of at most this many seconds (and at least the min), right before the section's words. */
  falseStartMaxSeconds: number;
  falseStartMinSeconds: number;
  /** A section with less expected speech than this (s) is short (a heading): see the restart pass. */
  shortSectionSeconds: number;
  /** …and one with at least this much (s) is placed by its own words; a shorter one moves before its next section's first attempt. */
  ownWordsMinSeconds: number;
  /** A found section whose match is weaker than this × the typical one is flagged uncertain. */
  uncertainBelow: number;
  /** Floor of the peak ratio's denominator, × the typical goodness (a window with no other positions). */
  partFloor: number;
  /** The reference's speaking rate is kept within what people read at (words per minute). */
  minWordsPerMinute: number;
  maxWordsPerMinute: number;
  /** Coverage (coverage.ts): the recording's head used to measure the pace (s), and the partial factor. */
  coverageHeadSeconds: number;
  coverageLeadSeconds: number;
  partialFactor: number;
  /** A partial recording whose pace differs from the reference's by more than this factor gets a new reference at its pace. */
  resynthesizeAbove: number;
  /** Speech before the first read section of at least this many seconds is an unscripted lead-in. */
  leadInMinSeconds: number;
}

export const DEFAULT_ALIGN_PARAMS: Readonly<AlignParams> = Object.freeze({
  espeakPace: 1.0,
  coarse: 16,
  medium: 4,
  mediumRadiusSeconds: 8,
  skipFraction: 0.8,
  bandStartSeconds: 15,
  bandEndSeconds: 60,
  bandGrowth: 0.5,
  anchorSeconds: 14,
  anchorLead: 0.1,
  windowBefore: 20,
  windowAfter: 35,
  keepGoodness: 0.3,
  minKeepGoodness: 0.03,
  minGapFraction: 0.4,
  researchBelow: 0.5,
  researchMax: 600,
  trustAbove: 0.65,
  trustPeak: 1.6,
  trustAwaySeconds: 4,
  notReadMaxRoom: 0.45,
  restartSeconds: 2.5,
  restartBackSeconds: 15,
  restartRatio: 0.3,
  restartPeak: 1.5,
  restartAfterFraction: 0.75,
  restartSameRatio: 0.5,
  restartSamePeak: 0.7,
  restartOverride: 2,
  restartPathSeconds: 1,
  pathAgreeSeconds: 0.3,
  boundaryLikeFraction: 0.8,
  boundaryWithoutHeading: 1,
  heardToEndFraction: 0.75,
  falseStartMaxSeconds: 2.5,
  falseStartMinSeconds: 0.6,
  shortSectionSeconds: 3,
  ownWordsMinSeconds: 1,
  partMatchRatio: 2,
  partSeconds: 6,
  endCheckBelow: 0.9,
  hearMinSeconds: 40,
  inProgressMinSeconds: 0.5,
  pastEndFactor: 1.3,
  spokenHeadingMaxSeconds: 1.5,
  runBackSeconds: 3,
  lastSentencesBelow: 0.52,
  tailOpeningSeconds: 2.5,
  uncertainBelow: 0.5,
  partFloor: 0.1,
  minWordsPerMinute: 100,
  maxWordsPerMinute: 240,
  coverageHeadSeconds: 60,
  coverageLeadSeconds: 45,
  partialFactor: 1.12,
  resynthesizeAbove: 1.1,
  leadInMinSeconds: 2.5,
});

/** Defaults with overrides; unknown names and non-finite values are refused. */
export function alignParams(over: Partial<Record<string, unknown>> = {}): AlignParams {
  const out: Record<string, number> = { ...DEFAULT_ALIGN_PARAMS };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_ALIGN_PARAMS)) throw new Error(`unknown alignment parameter "${k}" (known: ${Object.keys(DEFAULT_ALIGN_PARAMS).join(', ')})`);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new Error(`alignment parameter "${k}" must be a number, got ${String(v)}`);
    out[k] = n;
  }
  return out as unknown as AlignParams;
}

/** Overrides from the environment (LETTERPOD_ALIGN_PARAMS = JSON object), for the eval's child processes. */
export function paramsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<AlignParams> {
  const raw = env.LETTERPOD_ALIGN_PARAMS;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('LETTERPOD_ALIGN_PARAMS must be a JSON object');
  return alignParams(parsed as Record<string, unknown>);
}
