/**
 * Apply a pickup to a recording whose alignment is known: find by listening which span of
 * the text it re-reads (pickup-find.ts), find that span in the recording (the aligner's
 * sentence timings, snapped to the pauses around them), splice the pickup in (splice.ts)
 * and move the alignment's times onto the new recording.
 */
import { basename } from 'node:path';
import { frameQuantum } from '../audio/master.js';
import type { IssueAlignment } from '../episode/align-issue.js';
import type { ChapterReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import type { Issue } from '../newsletter/types.js';
import { alignedSections } from './alignment.js';
import { recordingFeatures } from './listen.js';
import { decidePickup, matchPickup, subsequencePaths, textReference, type Place, type TextReference } from './pickup-find.js';
import type { SpeechFeatures } from './listen.js';
import type { FeatureVectors } from '../signal/mfcc.js';
import type { Pause } from '../signal/pauses.js';
import { spanInRecording, splicePickup, type SpliceResult } from './splice.js';
import type { EpisodeReplacement } from '../episode/report.js';

/** What a pickup replaced: the episode report's entry (episode/report.ts), one shape. */
export type Replacement = EpisodeReplacement;

export interface PickupApplied {
  recording: string;
  alignment: IssueAlignment;
  replacement: Replacement;
  splice: SpliceResult;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Old recording time → new: unchanged before the cut, shifted after it, stretched inside. */
export function spliceClock(s: SpliceResult, span: { startSeconds: number; endSeconds: number }): (t: number) => number {
  const segs: [number, number, number, number][] = [
    [s.cutStartSeconds, span.startSeconds, s.cutStartSeconds, s.newStartSeconds],
    [span.startSeconds, span.endSeconds, s.newStartSeconds, s.newEndSeconds],
    [span.endSeconds, s.cutEndSeconds, s.newEndSeconds, s.cutEndSeconds + s.shiftSeconds],
  ];
  return (t) => {
    if (t <= s.cutStartSeconds) return t;
    if (t >= s.cutEndSeconds) return t + s.shiftSeconds;
    for (const [a, b, c, d] of segs) if (t <= b) return b > a ? c + ((t - a) / (b - a)) * (d - c) : c;
    return t + s.shiftSeconds;
  };
}

function moved(a: IssueAlignment, f: (t: number) => number, durationSeconds: number): IssueAlignment {
  const ch = (c: ChapterReport): ChapterReport => ({ ...c, startSeconds: c.startSeconds === 0 ? 0 : r3(f(c.startSeconds)), endSeconds: r3(f(c.endSeconds)) });
  const chapters = a.chapters.map(ch);
  if (chapters.length) chapters[chapters.length - 1].endSeconds = r3(durationSeconds);
  return {
    ...a,
    durationSeconds,
    chapters,
    sentences: a.sentences.map((s) => ({ ...s, startSeconds: r3(f(s.startSeconds)), endSeconds: r3(f(s.endSeconds)) })),
    speech: { ...a.speech, startSeconds: r3(f(a.speech.startSeconds)), endSeconds: r3(f(a.speech.endSeconds)) },
    leadIn: a.leadIn ? { startSeconds: r3(f(a.leadIn.startSeconds)), endSeconds: r3(f(a.leadIn.endSeconds)) } : null,
  };
}

/** Seconds around the aligner's estimate of the span's edges where its pause boundaries are looked for. */
const LOCATE_MARGIN_SECONDS = 3;

function frames(f: SpeechFeatures, from: number, to: number): FeatureVectors {
  let a = 0;
  while (a < f.times.length && f.times[a] < from) a++;
  let b = a;
  while (b < f.times.length && f.times[b] <= to) b++;
  const D = f.v.dims;
  return { ...f.v, frames: b - a, data: f.v.data.subarray(a * D, b * D) };
}

/**
 * Where the span's speech is in the recording. The aligner's sentence timings follow its
 * global path and can be seconds off inside a section (measured: a sentence start 2.1 s
 * early, a heading's start 7 s early, inside the summary before it); but a span of whole
 * sentences starts where a pause ends and ends where one starts. So every pause end near
 * the estimate's start is a candidate start, and from each the span's synthetic speech is
 * matched against the recording (DTW, start fixed, every reference frame charged once,
 * slopes ½–2), which gives the cost of ending at every later frame at once: the end is the
 * pause start (or the estimate) where it fits best, anywhere the slopes allow — not only
 * near the aligner's estimate, whose error is what is being corrected. A start already
 * `known` (a section's mark) is not searched.
 */
export function locateSpan(
  ref: TextReference,
  place: Place,
  rec: SpeechFeatures & { pauses: readonly Pause[] },
  estimate: { startSeconds: number; endSeconds: number },
  known: { startSeconds?: number } = {},
): { startSeconds: number; endSeconds: number } | undefined {
  const sentences = ref.reference.sentences;
  const q = frames(ref.features, sentences[place.firstSentence].startSeconds - 0.01, sentences[place.lastSentence].endSeconds + 0.01);
  if (q.frames < 5) return undefined;
  const m = LOCATE_MARGIN_SECONDS;
  const starts = known.startSeconds !== undefined ? [known.startSeconds] : [estimate.startSeconds, ...rec.pauses.map((p) => p.endSeconds).filter((t) => Math.abs(t - estimate.startSeconds) <= m)];
  const ends = [estimate.endSeconds, ...rec.pauses.map((p) => p.startSeconds)].sort((x, y) => x - y);
  let best: { cost: number; startSeconds: number; endSeconds: number } | undefined;
  for (const a of starts) {
    // the recording from a: at most 2× the reference's frames (the slope limit)
    const whole = frames(rec, a, Infinity);
    const r = { ...whole, frames: Math.min(whole.frames, 2 * q.frames - 1), data: whole.data.subarray(0, Math.min(whole.frames, 2 * q.frames - 1) * whole.dims) };
    if (r.frames < q.frames / 2 + 1) continue;
    const paths = subsequencePaths(q, r, true);
    const first = frameIndex(rec.times, a);
    for (const b of ends) {
      if (b <= a) continue;
      // the recording's frames in [a, b]: ½–2× the reference's
      const n = frameIndex(rec.times, b, true) - first;
      if (n < q.frames / 2 + 1 || n > 2 * q.frames - 1) continue;
      const cost = paths[n - 1]?.cost ?? Infinity;
      if (Number.isFinite(cost) && (!best || cost < best.cost)) best = { cost, startSeconds: a, endSeconds: b };
    }
  }
  return best;
}

/** The first frame at or after t (`after`: after t), in ascending frame times. */
function frameIndex(times: Float64Array, t: number, after = false): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after ? times[mid] <= t : times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where the pickup goes in the text: the place, or a refusal naming the candidates. */
export async function findPickupPlace(
  pickup: string,
  issue: Issue,
  language: string | undefined,
  ref?: TextReference,
  signal?: AbortSignal,
): Promise<{ place: Place; elsewhere?: Place; ref: TextReference; speech: { startSeconds: number; endSeconds: number } }> {
  const [r, features] = await Promise.all([ref ?? textReference(alignedSections(issue), language, signal), recordingFeatures(pickup, signal)]);
  if (features.speechSeconds < 0.5) {
    throw new LetterpodError({ file: pickup, problem: `the pickup holds ${features.speechSeconds.toFixed(1)} s of speech`, fix: 'Export the pickup again with the re-read sentences in it' });
  }
  const titles = new Map(issue.sections.map((s) => [s.id, s.title]));
  const match = matchPickup(features, r);
  const place = decidePickup(pickup, match, titles);
  const first = features.times[0] ?? 0;
  const last = features.times[features.times.length - 1] ?? features.durationSeconds;
  const speech = {
    startSeconds: Math.max(0, first - 0.05),
    endSeconds: Math.min(features.durationSeconds, last + features.v.hopSeconds + 0.05),
  };
  return { place, ...(match.second ? { elsewhere: match.second } : {}), ref: r, speech };
}

export async function applyPickup(opts: {
  recording: string;
  alignment: IssueAlignment;
  pickup: string;
  issue: Issue;
  language: string | undefined;
  out: string;
  sampleRate: number;
  ref?: TextReference;
  /** The pickup's place, when already found (findPickupPlace). */
  found?: Awaited<ReturnType<typeof findPickupPlace>>;
  signal?: AbortSignal;
}): Promise<PickupApplied> {
  const found = opts.found ?? (await findPickupPlace(opts.pickup, opts.issue, opts.language, opts.ref, opts.signal));
  const { place, speech } = found;
  const sentences = opts.alignment.sentences;
  const first = sentences[place.firstSentence];
  const last = sentences[place.lastSentence];
  if (!first || !last) throw new Error(`the recording's alignment has no sentence ${place.firstSentence}–${place.lastSentence}`);
  if (first.endSeconds <= first.startSeconds && last.endSeconds <= last.startSeconds) {
    throw new LetterpodError({
      file: opts.pickup,
      problem: `it re-reads "${place.text.slice(0, 60)}…", which the recording does not hold (${place.sectionIds.join(', ')} not read)`,
      fix: 'Add it as a take of the episode instead of a pickup',
    });
  }
  const recFeatures = await recordingFeatures(opts.recording, opts.signal);
  const ref = found.ref;
  const next = sentences.slice(place.lastSentence + 1).find((s) => s.endSeconds > s.startSeconds);
  // a span that starts a section starts at its chapter mark, and one that ends a section
  // ends in the pause before the next section's mark: the aligner's marks are its surest times
  const startsSection = place.firstSentence === 0 || sentences[place.firstSentence - 1].sectionId !== first.sectionId;
  const endsSection = !next || next.sectionId !== last.sectionId;
  const pauseBefore = (t: number) => recFeatures.pauses.filter((p) => Math.abs(p.endSeconds - t) <= 0.35).sort((a, b) => Math.abs(a.endSeconds - t) - Math.abs(b.endSeconds - t))[0];
  const known = startsSection ? { startSeconds: first.startSeconds } : {};
  // the end is estimated (the pause before the next section's start, or between the last
  // sentence and the next) and then found by matching (locateSpan): the aligner's times
  // inside a section, and of a short heading after it, can be seconds off
  const estimateEnd = (endsSection && next ? pauseBefore(next.startSeconds)?.startSeconds : undefined) ?? (next && next.startSeconds > last.startSeconds ? (last.endSeconds + next.startSeconds) / 2 : last.endSeconds);
  const located = locateSpan(ref, place, recFeatures, { startSeconds: first.startSeconds, endSeconds: estimateEnd }, known);
  const span = spanInRecording(located?.startSeconds ?? first.startSeconds, located?.endSeconds ?? estimateEnd, recFeatures.pauses, recFeatures.durationSeconds, recFeatures);
  // the length change in whole MP3 frames of the episode: what follows the cut is encoded as before
  const shiftQuantum = frameQuantum(opts.sampleRate);
  const splice = await splicePickup({ recording: opts.recording, pickup: opts.pickup, span, pickupSpeech: speech, out: opts.out, sampleRate: opts.sampleRate, ...(shiftQuantum ? { shiftQuantum } : {}) });
  const clock = spliceClock(splice, span);
  const alignment = moved(opts.alignment, clock, splice.durationSeconds);
  return {
    recording: opts.out,
    alignment: { ...alignment, warnings: [...alignment.warnings] },
    splice,
    replacement: {
      file: opts.pickup,
      sections: place.sectionIds,
      firstSentence: place.firstSentence,
      lastSentence: place.lastSentence,
      text: place.text,
      score: place.score,
      elsewhereScore: found.elsewhere?.score ?? null,
      old: { startSeconds: r3(span.startSeconds), endSeconds: r3(span.endSeconds), durationSeconds: r3(span.endSeconds - span.startSeconds) },
      new: { startSeconds: r3(splice.newStartSeconds), endSeconds: r3(splice.newEndSeconds), durationSeconds: r3(splice.newEndSeconds - splice.newStartSeconds) },
      cut: { startSeconds: r3(splice.cutStartSeconds), endSeconds: r3(splice.cutEndSeconds) },
      seams: [r3(splice.seams[0]), r3(splice.seams[1])],
      gainDb: splice.gainDb,
      samples: {
        rate: splice.sampleRate,
        cutStart: Math.round(splice.cutStartSeconds * splice.sampleRate),
        cutEnd: Math.round(splice.cutEndSeconds * splice.sampleRate),
        shift: Math.round(splice.shiftSeconds * splice.sampleRate),
      },
    },
  };
}

/** One line for the terminal: what was replaced, old and new times, durations. */
export function describeReplacement(r: Replacement): string {
  const text = r.text.length > 60 ? `${r.text.slice(0, 57)}…` : r.text;
  return `${basename(r.file)} replaces "${text}" (${r.sections.join(', ')}): ${r.old.startSeconds.toFixed(2)}–${r.old.endSeconds.toFixed(2)} s (${r.old.durationSeconds.toFixed(2)} s) → ${r.new.startSeconds.toFixed(2)}–${r.new.endSeconds.toFixed(2)} s (${r.new.durationSeconds.toFixed(2)} s)`;
}
