/**
 * Which part of the issue does each take read? Found by listening, never from file names.
 *
 *   each section (with ≥ MIN_QUERY_SECONDS of speech) ──espeak-ng──► its opening (≤ 12 s)
 *   each take ──► speech features with times
 *   opening × take ──subsequence DTW──► score (identify.ts's: against the same opening
 *        played backwards, so the scale does not depend on the voice) and where it ends
 *
 * A section is heard in the take where its opening scores best, when that score clears
 * MIN_HEARD and leads the next take's by LEAD_RATIO (a section no take clearly reads is no
 * evidence: it goes with the run it falls in). The sections heard in one take must come in the text's order at increasing
 * times in the take (timing evidence, independent of the voice): a section heard out of
 * order is dropped. Each take then reads a run of the text: from the section after the
 * previous take's last heard one (a category heading read before a summary belongs to the
 * take that reads the summary) to its own last heard one; the last take reads to the end.
 *
 * Refused, naming the files: a take that reads nothing of the issue (with its best
 * section and score), and two takes that read the same section (with both scores).
 */
import { basename } from 'node:path';
import { LetterpodError } from '../errors.js';
import { matchScore } from '../intake/identify.js';
import type { FeatureVectors } from '../signal/mfcc.js';
import type { SpeechFeatures } from './listen.js';

/** Sections with less synthesized speech than this are no evidence (a heading, a one-liner). */
export const MIN_QUERY_SECONDS = 3;
/** How much of a section's opening is looked for. */
export const QUERY_SECONDS = 20;
/**
 * Lowest score of a heard section. identify.ts measured the right issue at 0.072–0.13 and
 * wrong ones ≤ 0.036 with 60 s openings; shorter openings spread more (see docs/takes.md).
 */
export const MIN_HEARD = 0.05;
/** A second take whose score is at least this share of the best also reads the section. */
export const SAME_SECTION_RATIO = 0.6;
/**
 * A section is heard in its best take only when that take scores at least this many times
 * the next one: wrong takes score 0–0.1 depending on how much the voice sounds like
 * espeak-ng, so the lead over the others is the evidence, not the score alone.
 */
export const LEAD_RATIO = 2;

export interface OrderSection {
  id: string;
  title: string;
  /** The section's opening as speech features; undefined when it is too short to be evidence. */
  query?: SpeechFeatures;
}

export interface OrderTake {
  file: string;
  features: SpeechFeatures;
}

export interface SectionScore {
  file: string;
  score: number;
  /** Where the opening's match ends in the take (s). */
  atSeconds: number;
}

export interface TakeReading {
  file: string;
  /** Indexes into the sections: the run this take reads (inclusive). */
  first: number;
  last: number;
  /** The sections heard in it (the evidence), in order. */
  heard: number[];
}

export interface TakeOrder {
  takes: TakeReading[];
  /** Per section: each take's score, best first (empty for sections that are no evidence). */
  evidence: { id: string; scores: SectionScore[] }[];
}

/** The query cut to fit in the take with room to spare (slope ≥ ½ needs n ≤ 2m); undefined when too little is left. */
function fit(q: FeatureVectors, rec: FeatureVectors): FeatureVectors | undefined {
  const maxFrames = Math.floor(rec.frames * 0.8);
  const n = Math.min(q.frames, maxFrames);
  if (n * q.hopSeconds < MIN_QUERY_SECONDS) return undefined;
  return n < q.frames ? { ...q, frames: n, data: q.data.subarray(0, n * q.dims) } : q;
}

/** Every evidence section's opening scored against every take. */
export async function scoreSections(sections: readonly OrderSection[], takes: readonly OrderTake[], signal?: AbortSignal): Promise<TakeOrder['evidence']> {
  const evidence: TakeOrder['evidence'] = [];
  for (const s of sections) {
    const scores: SectionScore[] = [];
    if (s.query && s.query.speechSeconds >= MIN_QUERY_SECONDS) {
      for (const t of takes) {
        await new Promise<void>((r) => setImmediate(r));
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        const q = fit(s.query.v, t.features.v);
        if (!q) {
          scores.push({ file: t.file, score: 0, atSeconds: 0 });
          continue;
        }
        const m = matchScore(q, t.features.v);
        const at = t.features.times[Math.max(0, Math.min(t.features.times.length - 1, m.endFrame))] ?? 0;
        scores.push({ file: t.file, score: Math.round(m.score * 1e4) / 1e4, atSeconds: Math.round(at * 100) / 100 });
      }
      scores.sort((a, b) => b.score - a.score);
    }
    evidence.push({ id: s.id, scores });
  }
  return evidence;
}

/** The longest run of heard sections whose match times increase with the text's order. */
function inOrder(heard: { k: number; at: number }[]): number[] {
  const n = heard.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (heard[j].at < heard[i].at && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = j;
      }
    }
  }
  let end = len.indexOf(Math.max(...len));
  const out: number[] = [];
  while (end >= 0) {
    out.unshift(heard[end].k);
    end = prev[end];
  }
  return out;
}

/** Decide each take's run of the text from the evidence; refuse what cannot be one episode. */
export function decideOrder(sections: readonly OrderSection[], takes: readonly OrderTake[], evidence: TakeOrder['evidence']): TakeOrder {
  const heardIn = new Map<string, { k: number; at: number }[]>(takes.map((t) => [t.file, []]));
  for (const [k, e] of evidence.entries()) {
    const [best, second] = e.scores;
    if (!best || best.score < MIN_HEARD) continue;
    if (second && second.score >= MIN_HEARD && second.score >= SAME_SECTION_RATIO * best.score) {
      throw new LetterpodError({
        file: `${basename(best.file)} and ${basename(second.file)}`,
        problem: `both read "${sections[k].title}" (${sections[k].id}; scores ${best.score.toFixed(3)} and ${second.score.toFixed(3)})`,
        fix: 'Keep one take of each section in the episode\'s takes; to replace part of a take, name the new file as a pickup (e.g. an-102-pickup.wav)',
      });
    }
    if (second && best.score < LEAD_RATIO * second.score) continue;
    heardIn.get(best.file)!.push({ k, at: best.atSeconds });
  }
  const readings: TakeReading[] = [];
  for (const t of takes) {
    const heard = inOrder(heardIn.get(t.file)!);
    if (heard.length === 0) {
      const best = evidence
        .flatMap((e, k) => e.scores.filter((s) => s.file === t.file).map((s) => ({ k, score: s.score })))
        .sort((a, b) => b.score - a.score)[0];
      throw new LetterpodError({
        file: t.file,
        problem: `it reads nothing of the issue${best ? ` (closest: "${sections[best.k].title}", score ${best.score.toFixed(3)}; a section is heard from ${MIN_HEARD})` : ''}`,
        fix: 'Move it out of the episode\'s takes (another issue\'s take, a test recording?), or check that the issue text is the one read',
      });
    }
    readings.push({ file: t.file, first: heard[0], last: heard[heard.length - 1], heard });
  }
  readings.sort((a, b) => a.first - b.first);
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1];
    const b = readings[i];
    if (b.first <= a.last) {
      throw new LetterpodError({
        file: `${basename(a.file)} and ${basename(b.file)}`,
        problem: `their readings overlap: ${basename(a.file)} reads "${sections[a.first].title}" … "${sections[a.last].title}", ${basename(b.file)} reads "${sections[b.first].title}" … "${sections[b.last].title}"`,
        fix: 'Keep one take of each section; to replace part of a take, name the new file as a pickup (e.g. an-102-pickup.wav)',
      });
    }
  }
  // runs: headings and short sections between two takes' evidence go with the take after
  for (let i = 0; i < readings.length; i++) {
    readings[i].first = i === 0 ? 0 : readings[i - 1].last + 1;
    if (i === readings.length - 1) readings[i].last = sections.length - 1;
  }
  return { takes: readings, evidence };
}

/**
 * Takes that only re-read what the main recording (the file named without a take mark,
 * `an-102.wav`) already reads: every section heard in them is heard in the main recording
 * as well. Heard, here, without comparing the two with each other (a re-read in another
 * voice can score far higher than the main recording, or lower): a file hears a section
 * when its score clears MIN_HEARD and leads every other take's (those two aside) by
 * LEAD_RATIO. They are pickups, found by listening rather than by name.
 */
export function rereadsOfMain(evidence: TakeOrder['evidence'], main: string, files: readonly string[]): string[] {
  const heardBy = (e: TakeOrder['evidence'][number], file: string, aside: string) => {
    const s = e.scores.find((x) => x.file === file);
    if (!s || s.score < MIN_HEARD) return false;
    const others = e.scores.filter((x) => x.file !== file && x.file !== aside).map((x) => x.score);
    return others.length === 0 || s.score >= LEAD_RATIO * Math.max(...others);
  };
  return files.filter((f) => {
    if (f === main) return false;
    const heard = evidence.filter((e) => heardBy(e, f, main));
    return heard.length > 0 && heard.every((e) => heardBy(e, main, f));
  });
}

/** The evidence with only these takes' scores. */
export function evidenceOf(evidence: TakeOrder['evidence'], files: readonly string[]): TakeOrder['evidence'] {
  const keep = new Set(files);
  return evidence.map((e) => ({ id: e.id, scores: e.scores.filter((s) => keep.has(s.file)) }));
}
