/**
 * Scoring an episode built from takes against the takes' truth: chapter marks in episode
 * time, digital silence at the joins, and the short-term loudness (3 s) on either side of
 * each join, measured on the final MP3 (ebur128, independent of the build's own figures).
 */
import type { EpisodeReport } from '../episode/report.js';
import { decodePcm } from '../media/ffmpeg.js';
import { meanShortTerm, measureShortTerm } from '../episode/analysis.js';
import { boundaryError } from './metrics.js';
import type { BuiltTakesCase } from './takes-cases.js';

export interface ChapterError {
  id: string;
  take: string;
  markSeconds: number;
  truth: { pauseStartSeconds: number; startSeconds: number };
  error: number;
}

export interface JoinScore {
  /** The join between these takes (file names). */
  between: [string, string];
  atSeconds: number;
  /** Longest run of digital silence (|x| < 1e-5) within ±1 s of the join's pause (ms). */
  digitalSilenceMs: number;
  /** Mean short-term loudness of the last 10 s before and the first 10 s after (LUFS). */
  beforeLufs: number;
  afterLufs: number;
  /** |after − before| (LU). */
  differenceLu: number;
}

export interface TakesScore {
  chapters: ChapterError[];
  /** Sections the truth has read that got no chapter, and chapters the truth has no section for. */
  missing: string[];
  joins: JoinScore[];
  /** Whether the order found is the truth's. */
  orderRight: boolean;
}

/** Episode time of a time in a take (the build trimmed `head` seconds of the joined recording). */
function episodeTime(report: EpisodeReport, file: string, t: number): number {
  const p = report.pieces!.find((x) => x.file === file)!;
  return p.offsetSeconds + (t - p.sourceStartSeconds) - report.quality.trimmedHeadSeconds + report.quality.speechOffsetSeconds;
}

export async function scoreTakes(built: BuiltTakesCase, report: EpisodeReport): Promise<TakesScore> {
  if (!report.pieces) throw new Error('the report lists no pieces');
  const order = report.pieces.map((p) => p.file);
  // the truth's order: takes by the text position of their first section
  const sectionIndex = (id: string) => built.takes[0].truth.sections.findIndex((s) => s.id === id);
  const truthOrder = [...built.takes].sort((a, b) => sectionIndex(a.spec.sections[0]) - sectionIndex(b.spec.sections[0])).map((t) => t.file);
  const orderRight = truthOrder.join('\n') === order.join('\n');

  const chapters: ChapterError[] = [];
  const missing: string[] = [];
  const byId = new Map(report.chapters.map((c) => [c.id, c]));
  for (const [k, file] of truthOrder.entries()) {
    const take = built.takes.find((t) => t.file === file)!;
    const prev = k > 0 ? built.takes.find((t) => t.file === truthOrder[k - 1])! : undefined;
    const prevEnd = prev ? Math.max(...prev.truth.sections.filter((s) => s.present).map((s) => s.endSeconds ?? 0)) : undefined;
    for (const s of take.truth.sections) {
      if (!s.present || s.startSeconds === undefined) continue;
      const c = byId.get(s.id);
      if (!c) {
        if (s.kind !== 'heading') missing.push(s.id);
        continue;
      }
      if (c.startSeconds === 0 && k === 0) continue; // the first chapter is at 0 by rule
      const start = episodeTime(report, file, s.startSeconds);
      // a take's first section: the pause before it began where the previous take's speech ended
      const pauseStart = s.pauseStartSeconds && s.pauseStartSeconds > 0 ? episodeTime(report, file, s.pauseStartSeconds) : prev && prevEnd !== undefined ? episodeTime(report, prev.file, prevEnd) : start;
      const truth = { pauseStartSeconds: pauseStart, startSeconds: start };
      chapters.push({ id: s.id, take: file, markSeconds: c.startSeconds, truth, error: Math.round(boundaryError(c.startSeconds, truth) * 1000) / 1000 });
    }
  }

  // joins, on the final MP3
  const rate = report.audio.sampleRate;
  const pcm = await decodePcm(report.audio.path, rate);
  const { curve } = await measureShortTerm(report.audio.path);
  const meanS = (a: number, b: number) => meanShortTerm(curve, a, b);
  const joins: JoinScore[] = [];
  for (let k = 1; k < truthOrder.length; k++) {
    const a = built.takes.find((t) => t.file === truthOrder[k - 1])!;
    const b = built.takes.find((t) => t.file === truthOrder[k])!;
    const aEnd = episodeTime(report, a.file, Math.max(...a.truth.sections.filter((s) => s.present).map((s) => s.endSeconds ?? 0)));
    const bStart = episodeTime(report, b.file, Math.min(...b.truth.sections.filter((s) => s.present).map((s) => s.startSeconds ?? Infinity)));
    const from = Math.max(0, Math.floor((aEnd - 1) * rate));
    const to = Math.min(pcm.length, Math.ceil((bStart + 1) * rate));
    let run = 0;
    let longest = 0;
    for (let i = from; i < to; i++) {
      run = Math.abs(pcm[i]) < 1e-5 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    const before = meanS(aEnd - 10, aEnd);
    const after = meanS(bStart, bStart + 10);
    joins.push({
      between: [a.file, b.file],
      atSeconds: Math.round(((aEnd + bStart) / 2) * 1000) / 1000,
      digitalSilenceMs: Math.round((longest / rate) * 1000),
      beforeLufs: Math.round(before * 100) / 100,
      afterLufs: Math.round(after * 100) / 100,
      differenceLu: Math.round(Math.abs(after - before) * 100) / 100,
    });
  }
  return { chapters, missing, joins, orderRight };
}
