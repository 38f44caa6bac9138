/**
 * From match candidates to section and sentence times.
 *
 * Sections: every section has a few candidate positions from the local search (anchor.ts),
 * each with a "goodness" — how far its score lies below the window's no-match level. A
 * dynamic programme picks one candidate per section, or none (skipped), maximising the
 * total goodness under the reading order: a section starts at least a fraction of the
 * previous found section's expected length after it. Skipping a section earns a fixed
 * `skipGoodness`, so a section is only reported found when some position in order matches
 * it better than that. The chosen position is snapped to the end of the pause right
 * before it.
 *
 * Confidence (0–1) of a found section: how clearly its match stands out (goodness against
 * the recording's typical goodness), how far ahead of the second-best position it is, and
 * whether the mark sits in a real pause. Of a skipped section: how far below the skip
 * threshold its best in-order match stayed.
 */
import type { DtwPath } from '../signal/dtw.js';
import type { FeatureVectors } from '../signal/mfcc.js';
import { SECTION_SNAP, SENTENCE_SNAP, snapToPause, type Pause, type PauseAnalysis } from '../signal/pauses.js';
import type { Reference } from '../speech/reference.js';

/** Read; left out by the narrator; or after the end of a recording that stops early. */
export type SectionStatus = 'read' | 'not-read' | 'after-end';

export interface PlacedSection {
  startSeconds: number;
  endSeconds: number;
  confidence: number;
  skipped: boolean;
  status: SectionStatus;
  uncertain: boolean;
  /** The raw estimate before snapping (for diagnostics; NaN when skipped). */
  estimateSeconds: number;
}

export interface PlacedSentence {
  section: number;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

/** Recording time of a reference time, along a path. */
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

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The value at fraction q of the sorted values (the upper one of a pair), NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const s = values.slice().sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
}

export const clamp01 = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0);

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

export interface SectionCandidate {
  /** Recording time of the section's first reference speech frame. */
  seconds: number;
  /** Window background score − this position's score (higher is better). */
  goodness: number;
}

/**
 * Choose one candidate (index) or −1 (skipped) per section. `minGap(k′)` is how long
 * after a found section k′ the next found section may start at the earliest.
 */
export function chooseInOrder(cands: readonly SectionCandidate[][], minGap: (k: number) => number, skipGoodness: number): number[] {
  const K = cands.length;
  // best[k][c]: best total over sections 0…k with section k found at candidate c
  const best: Float64Array[] = [];
  const from: { k: number; c: number }[][] = [];
  for (let k = 0; k < K; k++) {
    const C = cands[k].length;
    best.push(new Float64Array(C).fill(-Infinity));
    from.push(Array.from({ length: C }, () => ({ k: -1, c: -1 })));
    for (let c = 0; c < C; c++) {
      const t = cands[k][c].seconds;
      // everything before skipped
      let b = skipGoodness * k;
      let arg = { k: -1, c: -1 };
      for (let k2 = k - 1; k2 >= 0; k2--) {
        const skips = skipGoodness * (k - k2 - 1);
        const gap = minGap(k2);
        for (let c2 = 0; c2 < cands[k2].length; c2++) {
          if (cands[k2][c2].seconds + gap > t) continue;
          const v = best[k2][c2] + skips;
          if (v > b) {
            b = v;
            arg = { k: k2, c: c2 };
          }
        }
      }
      best[k][c] = b + cands[k][c].goodness;
      from[k][c] = arg;
    }
  }
  const choice = new Array<number>(K).fill(-1);
  let total = skipGoodness * K;
  let end = { k: -1, c: -1 };
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < cands[k].length; c++) {
      const v = best[k][c] + skipGoodness * (K - 1 - k);
      if (v > total) {
        total = v;
        end = { k, c };
      }
    }
  }
  while (end.k >= 0) {
    choice[end.k] = end.c;
    end = from[end.k][end.c];
  }
  return choice;
}

export interface PlaceSectionsInput {
  candidates: SectionCandidate[][];
  /** Earliest start of the next found section after section k, in seconds after k's start. */
  minGap: (k: number) => number;
  /** Goodness a skipped section earns (the found/skipped threshold). */
  skipGoodness: number;
  /** Typical goodness of a real match in this recording (scales confidence). */
  typicalGoodness: number;
  pauses: PauseAnalysis;
  durationSeconds: number;
  hopSeconds: number;
  /** The decision (decide.ts): chosen candidate per section, status and doubt. Default: chooseInOrder alone. */
  decision?: { choice: number[]; status: SectionStatus[]; uncertain: boolean[] };
}

export function placeSections(input: PlaceSectionsInput): PlacedSection[] {
  const { candidates: cands, pauses, skipGoodness: tau } = input;
  const K = cands.length;
  const choice = input.decision?.choice ?? chooseInOrder(cands, input.minGap, tau);
  const placed: PlacedSection[] = [];
  let prev = -Infinity;
  const G = Math.max(input.typicalGoodness, MIN_TYPICAL_GOODNESS);
  for (let k = 0; k < K; k++) {
    const c = choice[k];
    const best = cands[k].reduce((b, x) => Math.max(b, x.goodness), -Infinity);
    if (c < 0) {
      // sure when nothing matched anywhere near; less when a good match was out of order
      const conf = best < tau ? 1 - 0.5 * clamp01(best / tau) : 0.5 * clamp01(1 - (best - tau) / tau);
      const status = input.decision?.status[k] === 'after-end' ? 'after-end' : 'not-read';
      placed.push({ startSeconds: NaN, endSeconds: NaN, confidence: round3(conf), skipped: true, status, uncertain: false, estimateSeconds: NaN });
      continue;
    }
    const chosen = cands[k][c];
    const estimate = chosen.seconds;
    const snap = snapToPause(pauses.pauses, estimate, SECTION_SNAP);
    let start = snap.seconds;
    let orderPenalty = 1;
    if (start <= prev) {
      start = estimate > prev ? estimate : prev + input.hopSeconds;
      orderPenalty = 0.5;
    }
    // the best other position (≥ 1.5 s away), found or not
    let second = -Infinity;
    for (let x = 0; x < cands[k].length; x++) if (x !== c && Math.abs(cands[k][x].seconds - estimate) >= 1.5) second = Math.max(second, cands[k][x].goodness);
    const clearness = clamp01(chosen.goodness / G);
    const margin = Number.isFinite(second) ? clamp01((chosen.goodness - second) / (0.5 * G)) : 1;
    const pauseLength = snap.pause ? snap.pause.endSeconds - snap.pause.startSeconds : 0;
    const clarity = snap.pause ? Math.exp(-snap.distance / 0.5) * Math.min(1, pauseLength / 0.3) : 0;
    const uncertain = input.decision?.uncertain[k] ?? false;
    const conf = clamp01(Math.min(1, 1.25 * clearness) * (0.4 + 0.6 * margin) * (0.6 + 0.4 * clarity) * orderPenalty * (uncertain ? 0.6 : 1));
    placed.push({ startSeconds: start, endSeconds: 0, confidence: round3(conf), skipped: false, status: 'read', uncertain, estimateSeconds: estimate });
    prev = start;
  }
  // skipped sections sit at the next found section's start (or the end)
  let next = input.durationSeconds;
  for (let k = K - 1; k >= 0; k--) {
    const p = placed[k];
    if (p.skipped) {
      p.startSeconds = next;
      p.endSeconds = next;
    } else {
      p.endSeconds = next;
      next = p.startSeconds;
    }
  }
  return placed;
}

/**
 * Goodness a clear match reaches at least (mean cost per frame below the window's
 * no-match level; measured: right text 0.05–0.15 on synthetic and LibriVox narrations,
 * the best wrong position 0.02–0.05). Confidence is scaled by the larger of this and the
 * recording's own typical goodness, so a wholly wrong text cannot look typical.
 */
export const MIN_TYPICAL_GOODNESS = 0.08;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface PlaceSentencesInput {
  reference: Reference;
  /** Recording time of a reference time (the global path). */
  map: (refSeconds: number) => number;
  pauses: PauseAnalysis;
  hopSeconds: number;
}

/**
 * Sentence starts inside each found section: the global path's estimate, corrected near
 * the section start by the anchor's offset (the path is least reliable right after audio
 * it had to skip), clamped into the section, snapped to the pause before, in order.
 */
export function placeSentences(input: PlaceSentencesInput, sections: readonly PlacedSection[]): PlacedSentence[] {
  const { reference: ref, pauses, hopSeconds: hop } = input;
  const out: PlacedSentence[] = [];
  const K = sections.length;
  for (let k = 0; k < K; k++) {
    const from = ref.firstSentence[k];
    const to = k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length;
    const secStart = sections[k].startSeconds;
    const secEnd = sections[k].endSeconds;
    if (sections[k].skipped) {
      for (let s = from; s < to; s++) out.push({ section: k, text: ref.sentences[s].text, startSeconds: secStart, endSeconds: secStart });
      continue;
    }
    const refStart = ref.sectionStarts[k];
    const offset = sections[k].estimateSeconds - input.map(refStart);
    const starts: number[] = [];
    const pausesBefore: (Pause | undefined)[] = [];
    for (let s = from; s < to; s++) {
      if (s === from) {
        starts.push(secStart);
        pausesBefore.push(undefined);
        continue;
      }
      const refT = ref.sentences[s].startSeconds;
      const w = Math.max(0, 1 - (refT - refStart) / 15);
      const estimate = input.map(refT) + offset * w;
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
