/**
 * From a DTW path to section and sentence times: map each reference start through the
 * path, snap it to the pause right before, keep the order, and say how sure we are.
 *
 * Confidence (0–1) combines two measured things:
 *  - path quality: the mean path cost over the section's first seconds, scaled between the
 *    cost of unrelated frame pairs (0) and the path's typical cost (1);
 *  - pause clarity: whether a pause was found where the path put the start, how close,
 *    and how long it is (a chapter mark between two sections should sit in a real pause);
 *  - length plausibility: the speech found between this start and the next, against the
 *    section's speech in the reference, relative to the whole file's ratio. DTW can warp
 *    any text onto any speech at a modest cost, but the wrong text rarely has the right
 *    length (a skipped or misplaced section shows up as a 2× stretch or squeeze).
 */
import { type DtwPath } from './dtw.js';
import type { FeatureVectors } from './mfcc.js';
import { SECTION_SNAP, SENTENCE_SNAP, snapToPause, type Pause, type PauseAnalysis } from './pauses.js';
import type { Reference } from './reference.js';

export interface PlacedSection {
  startSeconds: number;
  endSeconds: number;
  confidence: number;
  /** The raw path estimate before snapping (for diagnostics). */
  estimateSeconds: number;
}

export interface PlacedSentence {
  section: number;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

/** Recording time of a reference time, along the path. */
export function mapTime(path: DtwPath, hopSeconds: number, refSeconds: number): number {
  const n = path.first.length;
  const i = Math.max(0, Math.min(n - 1, Math.round(refSeconds / hopSeconds)));
  return path.first[i] * hopSeconds;
}

/** Mean cost of unrelated frame pairs (deterministic sample): the "no match" level. */
export function unrelatedCost(a: FeatureVectors, b: FeatureVectors, samples = 4000): number {
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const D = a.dims;
  let total = 0;
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(rnd() * a.frames);
    const j = Math.floor(rnd() * b.frames);
    let s = 0;
    for (let d = 0; d < D; d++) s += a.data[i * D + d] * b.data[j * D + d];
    total += 1 - s;
  }
  return total / samples;
}

function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = values.slice().sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0);

export interface PlaceInput {
  reference: Reference;
  path: DtwPath;
  hopSeconds: number;
  pauses: PauseAnalysis;
  durationSeconds: number;
  /** Cost of unrelated frames (see unrelatedCost). */
  unrelated: number;
}

/** Seconds of speech (outside pauses) in [t0, t1). */
export function speechBetween(pauses: readonly Pause[], t0: number, t1: number): number {
  let silent = 0;
  for (const p of pauses) {
    if (p.endSeconds <= t0) continue;
    if (p.startSeconds >= t1) break;
    silent += Math.min(t1, p.endSeconds) - Math.max(t0, p.startSeconds);
  }
  return Math.max(0, t1 - t0 - silent);
}

export function placeSections(input: PlaceInput): PlacedSection[] {
  const { reference: ref, path, hopSeconds: hop, pauses } = input;
  const n = path.first.length;
  const K = ref.sectionStarts.length;
  // the path's typical cost over reference speech
  const speechRows: number[] = [];
  for (const s of ref.sentences) {
    for (let i = Math.round(s.startSeconds / hop); i < Math.min(n, Math.round(s.endSeconds / hop)); i += 5) speechRows.push(path.rowCost[i]);
  }
  const typical = median(speechRows);
  const span = Math.max(1e-3, input.unrelated - typical);

  const placed: PlacedSection[] = [];
  let prev = -Infinity;
  for (let k = 0; k < K; k++) {
    const refStart = ref.sectionStarts[k];
    const refEnd = k + 1 < K ? ref.sectionStarts[k + 1] : ref.speechEnd;
    const estimate = mapTime(path, hop, refStart);
    let snap = snapToPause(pauses.pauses, estimate, SECTION_SNAP);
    let start = snap.seconds;
    if (k === 0 && Number.isFinite(pauses.speechStart) && Math.abs(estimate - pauses.speechStart) < 3) {
      // the first section starts at the first speech
      start = Math.max(0, pauses.speechStart - SECTION_SNAP.leadSeconds);
      snap = { seconds: start, distance: Math.abs(estimate - pauses.speechStart), pause: { startSeconds: 0, endSeconds: pauses.speechStart } };
    }
    let orderPenalty = 1;
    if (start <= prev) {
      start = estimate > prev ? estimate : prev + hop;
      orderPenalty = 0.5;
    }
    // path quality over the section's first (up to) 5 s of reference speech
    const i0 = Math.round(refStart / hop);
    const i1 = Math.min(n, Math.max(i0 + 1, Math.round(Math.min(refEnd, refStart + 5) / hop)));
    let sum = 0;
    for (let i = i0; i < i1; i++) sum += path.rowCost[Math.min(n - 1, i)];
    const local = sum / Math.max(1, i1 - i0);
    const quality = clamp01((input.unrelated - local) / span);
    const pauseLength = snap.pause ? snap.pause.endSeconds - snap.pause.startSeconds : 0;
    const clarity = snap.pause ? Math.exp(-snap.distance / 0.5) * Math.min(1, pauseLength / 0.5) : 0;
    const confidence = clamp01(quality * (0.5 + 0.5 * clarity) * orderPenalty);
    placed.push({ startSeconds: start, endSeconds: 0, confidence: Math.round(confidence * 1000) / 1000, estimateSeconds: estimate });
    prev = start;
  }
  for (let k = 0; k < K; k++) placed[k].endSeconds = k + 1 < K ? placed[k + 1].startSeconds : input.durationSeconds;
  // length plausibility (needs every start, so applied last)
  const refSpeech = new Float64Array(K);
  for (const s of ref.sentences) refSpeech[s.section] += s.endSeconds - s.startSeconds;
  const recSpeech = placed.map((p) => speechBetween(pauses.pauses, p.startSeconds, p.endSeconds));
  const ratio = recSpeech.reduce((a, b) => a + b, 0) / Math.max(1e-6, refSpeech.reduce((a, b) => a + b, 0));
  for (let k = 0; k < K; k++) {
    // +1 s on both sides keeps one-word sections (headings) from swinging wildly
    const r = (recSpeech[k] + 1) / (refSpeech[k] * ratio + 1);
    const plausibility = clamp01(1 - Math.max(0, Math.abs(Math.log(r)) - 0.15) / 0.5);
    placed[k].confidence = Math.round(placed[k].confidence * plausibility * 1000) / 1000;
  }
  return placed;
}

export function placeSentences(input: PlaceInput, sections: readonly PlacedSection[]): PlacedSentence[] {
  const { reference: ref, path, hopSeconds: hop, pauses } = input;
  const out: PlacedSentence[] = [];
  const K = sections.length;
  for (let k = 0; k < K; k++) {
    const from = ref.firstSentence[k];
    const to = k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length;
    const secStart = sections[k].startSeconds;
    const secEnd = sections[k].endSeconds;
    const starts: number[] = [];
    const pausesBefore: (Pause | undefined)[] = [];
    for (let s = from; s < to; s++) {
      if (s === from) {
        starts.push(secStart);
        pausesBefore.push(undefined);
        continue;
      }
      const estimate = mapTime(path, hop, ref.sentences[s].startSeconds);
      const snap = snapToPause(pauses.pauses, estimate, SENTENCE_SNAP);
      const lower = starts[starts.length - 1];
      let t = Math.min(Math.max(snap.seconds, lower), secEnd);
      if (t <= lower) t = Math.min(secEnd, lower + hop);
      starts.push(t);
      pausesBefore.push(snap.pause && snap.seconds === t ? snap.pause : undefined);
    }
    for (let s = from; s < to; s++) {
      const idx = s - from;
      const start = starts[idx];
      let end: number;
      if (s + 1 < to) {
        const p = pausesBefore[idx + 1];
        const next = starts[idx + 1];
        end = p && p.startSeconds > start ? Math.min(next, p.startSeconds + 0.05) : next;
      } else {
        // last sentence: until the pause before the next section, else the section end
        const p = snapToPause(pauses.pauses, secEnd + SECTION_SNAP.leadSeconds, SECTION_SNAP).pause;
        end = p && p.startSeconds > start && p.startSeconds < secEnd ? Math.min(secEnd, p.startSeconds + 0.05) : secEnd;
      }
      out.push({ section: k, text: ref.sentences[s].text, startSeconds: start, endSeconds: Math.max(start, end) });
    }
  }
  return out;
}
