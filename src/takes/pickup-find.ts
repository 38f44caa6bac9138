/**
 * Which span of the text does a pickup re-read? Found by listening:
 *
 *   the issue's text ──espeak-ng──► reference (sentence layout known) ──► speech frames with times
 *   the pickup ──► speech frames (the query)
 *   query × reference ──subsequence DTW (free start and end in the reference; every query
 *        frame charged once)──► for every end position: mean cost and where its path began
 *   score = 1 − cost / (the reversed query's best cost): identify.ts's scale, which does not
 *        depend on how much the voice sounds like espeak-ng
 *
 * The best path's reference span, mapped onto the sentence layout, is the text span (the
 * sentences it covers at least half of). The evidence is the best match's lead over the
 * best match elsewhere (a path that shares no reference time with it): a real re-reading
 * has one clear place; a pickup that matches nothing has a flat profile, and one whose
 * text occurs twice has two equal places. Refused (naming the file, the places and their
 * scores): a lead under LEAD_RATIO or a score under MIN_SCORE (matches nothing), two
 * places within SAME_PLACE_RATIO of each other (matches two places).
 */
import { basename } from 'node:path';
import { LetterpodError } from '../errors.js';
import { rowCosts } from '../signal/dtw.js';
import type { FeatureVectors } from '../signal/mfcc.js';
import { buildReference, type Reference } from '../speech/reference.js';
import { espeakVoiceFor } from '../speech/voices.js';
import { FEATURES, speechFeatures, WPM, type SpeechFeatures } from './listen.js';

export const MIN_SCORE = 0.03;
/** The best place must score this many times the best place elsewhere. */
export const LEAD_RATIO = 1.6;
/** Two places scoring within this share of each other are the same match twice. */
export const SAME_PLACE_RATIO = 0.85;

export interface TextReference {
  reference: Reference;
  features: SpeechFeatures;
  /** Per sentence: its section's id. */
  sectionIds: string[];
}

export async function textReference(sections: readonly { id: string; text: string }[], language: string | undefined, signal?: AbortSignal): Promise<TextReference> {
  const reference = await buildReference(sections, { voice: espeakVoiceFor(language) ?? 'en-us', wordsPerMinute: WPM, signal, features: FEATURES });
  return { reference, features: speechFeatures(reference.mel), sectionIds: reference.sentences.map((s) => sections[s.section].id) };
}

export interface PathEnd {
  /** Mean cost per query frame. */
  cost: number;
  /** Reference frames (of the speech-only features) where the path starts and ends. */
  startFrame: number;
  endFrame: number;
}

/**
 * Subsequence DTW of `query` over `rec` with identify's step pattern (dtw.ts
 * subsequenceDtw), keeping for every end frame its mean cost and the frame its path began
 * (`fixedStart`: every path begins at the recording's first frame).
 */
export function subsequencePaths(query: FeatureVectors, rec: FeatureVectors, fixedStart = false): PathEnd[] {
  const n = query.frames;
  const m = rec.frames;
  if (n === 0 || m === 0) return [];
  let d2 = new Float64Array(m).fill(Infinity);
  let d1 = new Float64Array(m).fill(Infinity);
  let d0 = new Float64Array(m);
  let s2 = new Int32Array(m);
  let s1 = new Int32Array(m);
  let s0 = new Int32Array(m);
  let c1 = new Float64Array(m);
  let c0 = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    rowCosts(query.data, i, rec.data, 0, m, query.dims, c0);
    if (i === 0) {
      d0.set(c0);
      if (fixedStart) d0.fill(Infinity, 1);
      for (let j = 0; j < m; j++) s0[j] = j;
    } else {
      d0[0] = Infinity;
      s0[0] = 0;
      for (let j = 1; j < m; j++) {
        let best = d1[j - 1];
        let from = s1[j - 1];
        const fast = d2[j - 1] + c1[j];
        if (fast < best) {
          best = fast;
          from = s2[j - 1];
        }
        if (j >= 2 && d1[j - 2] < best) {
          best = d1[j - 2];
          from = s1[j - 2];
        }
        d0[j] = best + c0[j];
        s0[j] = from;
      }
    }
    [d2, d1, d0] = [d1, d0, d2];
    [s2, s1, s0] = [s1, s0, s2];
    [c1, c0] = [c0, c1];
  }
  const out: PathEnd[] = [];
  for (let j = 0; j < m; j++) out.push({ cost: d1[j] / n, startFrame: s1[j], endFrame: j });
  return out;
}

function reversed(q: FeatureVectors): FeatureVectors {
  const D = q.dims;
  const data = new Float32Array(q.frames * D);
  for (let i = 0; i < q.frames; i++) data.set(q.data.subarray((q.frames - 1 - i) * D, (q.frames - i) * D), i * D);
  return { ...q, data };
}

export interface Place {
  score: number;
  /** Reference time of the matched span (s). */
  startSeconds: number;
  endSeconds: number;
  /** Sentences covered (indexes into the reference's sentences), inclusive. */
  firstSentence: number;
  lastSentence: number;
  sectionIds: string[];
  text: string;
}

export interface PickupMatch {
  best: Place;
  /** The best place that shares no reference time with `best`. */
  second?: Place;
}

function place(ref: TextReference, score: number, startSeconds: number, endSeconds: number): Place {
  const sentences = ref.reference.sentences;
  const covered: number[] = [];
  for (const [k, s] of sentences.entries()) {
    const len = s.endSeconds - s.startSeconds;
    if (len <= 0) continue;
    const overlap = Math.min(endSeconds, s.endSeconds) - Math.max(startSeconds, s.startSeconds);
    if (overlap >= 0.5 * len) covered.push(k);
  }
  if (covered.length === 0) {
    // a span inside one sentence: the sentence it overlaps most
    let best = 0;
    let most = -Infinity;
    for (const [k, s] of sentences.entries()) {
      const overlap = Math.min(endSeconds, s.endSeconds) - Math.max(startSeconds, s.startSeconds);
      if (overlap > most) {
        most = overlap;
        best = k;
      }
    }
    covered.push(best);
  }
  const first = covered[0];
  const last = covered[covered.length - 1];
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    score: Math.round(score * 1e4) / 1e4,
    startSeconds: r2(startSeconds),
    endSeconds: r2(endSeconds),
    firstSentence: first,
    lastSentence: last,
    sectionIds: [...new Set(sentences.slice(first, last + 1).map((_, i) => ref.sectionIds[first + i]))],
    text: sentences.slice(first, last + 1).map((s) => s.text).join(' '),
  };
}

/** The pickup's best place in the text, and the best one elsewhere. */
export function matchPickup(pickup: SpeechFeatures, ref: TextReference): PickupMatch {
  const q = pickup.v;
  const r = ref.features;
  const paths = subsequencePaths(q, r.v);
  const nullCost = Math.min(...subsequencePaths(reversed(q), r.v).map((p) => p.cost));
  const scoreOf = (p: PathEnd) => (Number.isFinite(p.cost) && nullCost > 0 ? Math.max(0, 1 - p.cost / nullCost) : 0);
  const at = (f: number) => r.times[Math.max(0, Math.min(r.times.length - 1, f))] ?? 0;
  const sorted = paths.filter((p) => Number.isFinite(p.cost)).sort((a, b) => a.cost - b.cost);
  const top = sorted[0];
  if (!top) throw new Error('the pickup has no speech to compare');
  const best = place(ref, scoreOf(top), at(top.startFrame), at(top.endFrame) + r.v.hopSeconds);
  const other = sorted.find((p) => p.endFrame < top.startFrame || p.startFrame > top.endFrame);
  return { best, ...(other ? { second: place(ref, scoreOf(other), at(other.startFrame), at(other.endFrame) + r.v.hopSeconds) } : {}) };
}

function where(p: Place, titles: ReadonlyMap<string, string>): string {
  const text = p.text.length > 70 ? `${p.text.slice(0, 67)}…` : p.text;
  return `"${text}" in ${p.sectionIds.map((id) => `"${titles.get(id) ?? id}"`).join(', ')} (score ${p.score.toFixed(3)})`;
}

/** The place a pickup re-reads, or a refusal naming the candidates. */
export function decidePickup(file: string, m: PickupMatch, titles: ReadonlyMap<string, string>): Place {
  const { best, second } = m;
  if (second && second.score >= MIN_SCORE && second.score >= SAME_PLACE_RATIO * best.score) {
    throw new LetterpodError({
      file,
      problem: `the pickup matches two places in the issue equally: ${where(best, titles)} and ${where(second, titles)}`,
      fix: 'Re-record the pickup with a sentence before or after it, so that it fits one place only',
    });
  }
  if (best.score < MIN_SCORE || (second && best.score < LEAD_RATIO * second.score)) {
    throw new LetterpodError({
      file,
      problem: `the pickup matches nothing in the issue clearly: the best candidate is ${where(best, titles)}${second ? `, against ${second.score.toFixed(3)} elsewhere` : ''}`,
      fix: `Check that ${basename(file)} re-reads part of this issue's text (and is not another issue's pickup)`,
    });
  }
  return best;
}
