/**
 * Which issue is this recording of? Used when a recording's name and tags carry no issue
 * number: listen to its opening and compare it with each candidate issue's text.
 *
 *   recording ──streamPcm, first N s──► mel ──► cepstra ──► speech frames only ──► pooled
 *   each candidate ──distinctive sentences (boilerplate dropped)──► espeak-ng (opening only)
 *        ──► the same features ──► the first Q s of speech = the query
 *   query × recording ──subsequence DTW (free start and end in the recording)──► mean cost
 *        ──► score = 1 − cost / (cost of the same query played backwards)
 *
 * The decision is anchored on what tells issues apart: sentences that occur in more than
 * one candidate ("Alignment Newsletter is a weekly publication…", "Highlights") and the
 * newsletter's standard boilerplate are dropped before synthesis, so the query is the
 * issue's own text. The recording side is free at both ends, so an unscripted intro
 * ("Hi, this is the Alignment Newsletter podcast…") and the boilerplate cost nothing.
 * Pauses are removed from both signals (narrators and espeak-ng pause differently), and
 * the step pattern consumes every query frame exactly once with a local slope between ½
 * and 2, so a candidate's cost is a plain mean over the same number of frames and
 * compares across candidates. The "no match" level is the same query played backwards
 * (same voice, same sounds, no text in common): scoring against it, rather than against
 * the cost of random frame pairs, keeps the scale the same whether the narrator sounds
 * much like espeak-ng or not (measured: raw costs of the right issue move by a third
 * between voices; scores against the reversed query keep every wrong issue near 0).
 *
 * `best` is set only when the top score clears an absolute threshold and beats the
 * second by a margin; otherwise the recording matches no candidate (or several alike),
 * and the caller must refuse to publish it.
 */
import { performance } from 'node:perf_hooks';
import { streamPcm } from '../media/ffmpeg.js';
import { mapLimit } from '../async/map-limit.js';
import { cepstra, MelExtractor, pool, type FeatureOptions, type FeatureVectors, type MelFeatures } from '../signal/mfcc.js';
import { buildReference } from '../speech/reference.js';
import { subsequenceDtw } from '../signal/dtw.js';
import { findPauses, speechMask, type PauseOptions } from '../signal/pauses.js';
import { countWords, splitSentences } from '../speech/sentences.js';
import { together } from '../speech/together.js';

export interface Candidate {
  /** e.g. the issue number as a string. */
  key: string;
  /** For messages, e.g. "AN #92 (an-092.md)". */
  label: string;
  sections: { id: string; text: string }[];
}

export interface CandidateScore {
  key: string;
  label: string;
  /** 0–1, higher = better match. */
  score: number;
}

export interface Identification {
  /** The clear winner; undefined when nothing matches or the top candidates are too close. */
  best?: CandidateScore;
  /** Every candidate, best first. */
  scores: CandidateScore[];
  /** Top score minus the second (the top score itself when there is one candidate). */
  margin: number;
  /** Seconds of the recording that were decoded and compared. */
  listenedSeconds: number;
}

export interface IdentifyOptions {
  /** How much of the recording to listen to (default 180 s). */
  openingSeconds?: number;
  signal?: AbortSignal;
  /** Seconds of each candidate's distinctive speech to look for (default 60). */
  querySeconds?: number;
  /** Lowest score that counts as a match (default `MIN_SCORE`). */
  minScore?: number;
  /** Lowest lead over the second candidate (default `MIN_MARGIN`). */
  minMargin?: number;
  /** espeak-ng voice for the candidates' speech (default en-us). */
  voice?: string;
  /** Candidates synthesized at once (default 2; each runs up to 3 espeak-ng processes). */
  concurrency?: number;
  /** Diagnostics: timings, per-candidate costs. */
  debug?: (info: Record<string, unknown>) => void;
}

/**
 * Measured on openings of all 23 issues in ../shared read by four flite voices (46
 * recordings, half with an unscripted intro) against all 23 issues, and on LibriVox
 * readings: the right issue scores 0.072–0.13 (human sonnet readings against their text:
 * 0.08–0.11), the best wrong candidate ≤ 0.036, a reading of another text ≤ 0.03; the
 * right one leads the best wrong one by ≥ 0.059.
 */
export const MIN_SCORE = 0.05;
export const MIN_MARGIN = 0.025;

const RATE = 16000;
/**
 * Pinned here (not the aligner's defaults, which are tuned for placing marks and may
 * change): 40 ms windows every 20 ms, 40 mel bands over 100–7600 Hz.
 */
const FEATURES: FeatureOptions = { hopSeconds: 0.02, windowSeconds: 0.04, melBands: 40, minHz: 100, maxHz: 7600, blockSeconds: 0.01 };
/** Fine frames (20 ms) per compared frame: 40 ms, enough to tell texts apart and cheap. */
const POOL = 2;
/** Reference speaking rate; the DTW absorbs 0.5–2× differences from the narrator's. */
const WPM = 165;
/** Words synthesized per candidate: comfortably more than `querySeconds` of speech. */
const wordsFor = (querySeconds: number) => Math.ceil((querySeconds / 60) * WPM * 1.3) + 20;

/**
 * The newsletter's standing text: never evidence for one issue over another, even when a
 * single candidate is offered (then frequency across candidates cannot reveal it).
 */
const BOILERPLATE: RegExp[] = [
  /alignment newsletter is a (weekly )?publication/i,
  /find all alignment newsletter resources/i,
  /sign up, or look through/i,
  /spreadsheet of all summaries/i,
  /look through this spreadsheet/i,
  /happy to hear (your )?feedback/i,
  /replying to this email/i,
  /audio version of (this|the) (newsletter|email)/i,
  /^(highlights|technical ai alignment|other progress in ai|news|read more)[.:]?$/i,
];

function normalise(sentence: string): string {
  return sentence.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Each candidate's opening text minus what it shares with other candidates or with the
 * newsletter's boilerplate: sentences in order until `words` words.
 */
export function distinctiveOpening(candidates: readonly Candidate[], words: number): string[][] {
  const split = candidates.map((c) => c.sections.flatMap((s) => splitSentences(s.text)));
  const seen = new Map<string, number>();
  for (const sentences of split) {
    for (const key of new Set(sentences.map(normalise))) seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return split.map((sentences) => {
    const out: string[] = [];
    let n = 0;
    for (const s of sentences) {
      if (n >= words) break;
      const key = normalise(s);
      if (!key || (seen.get(key) ?? 0) > 1) continue;
      if (BOILERPLATE.some((re) => re.test(s))) continue;
      out.push(s);
      n += countWords(s);
    }
    return out;
  });
}

/**
 * Identification's settings for the one pause detector (signal/pauses.ts): one global
 * threshold between the signal's floor (5th percentile of every block, digital silence
 * included) and its speech level (90th), exact levels, no blip removal; silent runs shorter
 * than 0.15 s (stops, closures) count as speech. Not the aligner's settings: with its local
 * floors and binned levels the scores shifted, and a synthetic take was held as reading
 * another issue (measured in test/watch/watch.test.ts); MIN_SCORE and MIN_MARGIN were
 * measured with these.
 */
const SPEECH_PAUSES: Partial<PauseOptions> = {
  minPauseSeconds: 0.15,
  minSpeechSeconds: 0,
  floorAboveDb: -Infinity,
  localSeconds: 0,
  levels: 'exact',
};

/** Speech blocks (1) and pauses (0) of a 10 ms energy track. */
function speechBlocks(db: Float32Array, blockSeconds: number): Uint8Array {
  return speechMask(findPauses(db, blockSeconds, SPEECH_PAUSES).pauses, db.length, blockSeconds);
}

/** Seconds of speech in a signal. */
function speechSeconds(mel: MelFeatures): number {
  return speechBlocks(mel.blockDb, mel.blockSeconds).reduce((a, b) => a + b, 0) * mel.blockSeconds;
}

/** Keep only speech frames (those whose centre is in a speech block), at most `maxSeconds` of them, then pool. */
export function speechOnly(v: FeatureVectors, mel: MelFeatures, maxSeconds = Infinity, factor = POOL): FeatureVectors {
  const blocks = speechBlocks(mel.blockDb, mel.blockSeconds);
  const centre = FEATURES.windowSeconds / 2;
  const limit = Math.floor(maxSeconds / v.hopSeconds);
  const D = v.dims;
  const data = new Float32Array(v.frames * D);
  let n = 0;
  for (let k = 0; k < v.frames && n < limit; k++) {
    const b = Math.min(blocks.length - 1, Math.floor((k * v.hopSeconds + centre) / mel.blockSeconds));
    if (b < 0 || !blocks[b]) continue;
    data.set(v.data.subarray(k * D, (k + 1) * D), n * D);
    n++;
  }
  return pool({ frames: n, dims: D, hopSeconds: v.hopSeconds, data: data.subarray(0, n * D) }, factor);
}

/** Query frames in reverse order: the same voice and sounds, but no text in common. */
function reversed(q: FeatureVectors): FeatureVectors {
  const D = q.dims;
  const data = new Float32Array(q.frames * D);
  for (let i = 0; i < q.frames; i++) data.set(q.data.subarray((q.frames - 1 - i) * D, (q.frames - i) * D), i * D);
  return { ...q, data };
}

/**
 * How much better the query fits the recording than the same query played backwards
 * (same voice, same sounds, no text in common): 1 − cost / reversed cost, clamped to 0–1.
 * The reversed query is the "no match" level for this voice pair and this recording, so
 * the score does not depend on how alike the narrator and espeak-ng sound.
 */
export function matchScore(query: FeatureVectors, rec: FeatureVectors): { score: number; cost: number; nullCost: number; endFrame: number } {
  const fwd = subsequenceDtw(query, rec);
  const nullCost = subsequenceDtw(reversed(query), rec).cost;
  const raw = Number.isFinite(fwd.cost) && nullCost > 0 ? 1 - fwd.cost / nullCost : 0;
  return { score: Math.max(0, Math.min(1, raw)), cost: fwd.cost, nullCost, endFrame: fwd.endFrame };
}

export async function identifyRecording(recording: string, candidates: Candidate[], opts: IdentifyOptions = {}): Promise<Identification> {
  const t0 = performance.now();
  const openingSeconds = opts.openingSeconds ?? 180;
  const querySeconds = opts.querySeconds ?? 60;
  const minScore = opts.minScore ?? MIN_SCORE;
  const minMargin = opts.minMargin ?? MIN_MARGIN;
  const texts = distinctiveOpening(candidates, wordsFor(querySeconds));

  const recX = new MelExtractor(RATE, FEATURES);
  const [, queries] = await together(opts.signal, (signal) => [
    streamPcm(recording, RATE, (s) => recX.push(s), { signal, filters: `atrim=0:${openingSeconds}` }),
    mapLimit(texts, Math.max(1, opts.concurrency ?? 2), async (sentences) => {
      if (sentences.length === 0) return undefined;
      const ref = await buildReference([{ text: sentences.join(' ') }], {
        voice: opts.voice ?? 'en-us',
        wordsPerMinute: WPM,
        signal,
        features: FEATURES,
      });
      return speechOnly(cepstra(ref.mel), ref.mel, querySeconds);
    }),
  ]);
  const tFeatures = performance.now();
  const recMel = recX.finish();
  const listenedSeconds = Math.round((recMel.samples / RATE) * 1000) / 1000;
  const speech = speechSeconds(recMel);
  const rec = speech >= 1 ? speechOnly(cepstra(recMel), recMel) : undefined;

  const costs: { cost: number; nullCost: number; queryFrames: number; endSeconds: number }[] = [];
  const scores: CandidateScore[] = [];
  for (const [k, c] of candidates.entries()) {
    // ~0.2 s of work per candidate: let an abort (and other work) in between
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    let q = queries[k];
    if (!rec || !q || q.frames < 10) {
      costs.push({ cost: NaN, nullCost: NaN, queryFrames: q?.frames ?? 0, endSeconds: NaN });
      scores.push({ key: c.key, label: c.label, score: 0 });
      continue;
    }
    // the query must fit in the recording with room to spare (slope ≥ ½ needs n ≤ 2m)
    const maxFrames = Math.floor(rec.frames * 0.8);
    if (q.frames > maxFrames) q = { ...q, frames: maxFrames, data: q.data.subarray(0, maxFrames * q.dims) };
    const m = matchScore(q, rec);
    costs.push({ cost: m.cost, nullCost: m.nullCost, queryFrames: q.frames, endSeconds: m.endFrame * rec.hopSeconds });
    scores.push({ key: c.key, label: c.label, score: Math.round(m.score * 1e4) / 1e4 });
  }
  const order = scores.map((s, k) => ({ s, k })).sort((a, b) => b.s.score - a.s.score || a.k - b.k);
  const sorted = order.map((o) => o.s);
  const top = sorted[0];
  const margin = top ? Math.round((top.score - (sorted[1]?.score ?? 0)) * 1e4) / 1e4 : 0;
  const best = top && top.score >= minScore && margin >= minMargin ? top : undefined;
  opts.debug?.({
    ms: { synthAndDecode: Math.round(tFeatures - t0), compare: Math.round(performance.now() - tFeatures) },
    speechSeconds: speech,
    recordingFrames: rec?.frames ?? 0,
    words: texts.map((t) => t.reduce((a, s) => a + countWords(s), 0)),
    costs: order.map((o) => ({ key: o.s.key, ...costs[o.k] })),
  });
  return { best, scores: sorted, margin, listenedSeconds };
}
