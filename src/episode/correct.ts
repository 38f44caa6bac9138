/**
 * Applying the producer's corrections (corrections.ts) to the automatic result of a build
 * (analysis.ts): pure, no I/O. Chapters move, appear (a summary found not read gets one
 * where the producer says), disappear, or get a shorter title; the transcript follows,
 * locally: the sentences around a moved mark are stretched so the chapter starts with its
 * first sentence, the rest keep their times (the audio does not change); a summary that
 * newly has a chapter gets its sentences spread over its span by length (the chapter it
 * was cut from fits its sentences from the one under or before the mark on into the time
 * before the mark), and a section declared not read loses its cues.
 */
import { LetterpodError } from '../errors.js';
import type { Issue } from '../newsletter/types.js';
import { splitSentences } from '../speech/sentences.js';
import type { EpisodeAnalysis, SectionCue } from './analysis.js';
import { chapterSections } from './chapters.js';
import { correctionsPath, type Corrections } from './corrections.js';
import type { ChapterReport } from './report.js';
import { hms } from './timecode.js';

export interface CorrectedEpisode {
  chapters: ChapterReport[];
  skipped: { id: string; title: string }[];
  cues: SectionCue[];
  /** One line per correction applied, for the report and the terminal. */
  applied: string[];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function withEnds(chapters: ChapterReport[], episodeSeconds: number): ChapterReport[] {
  chapters.sort((a, b) => a.startSeconds - b.startSeconds);
  if (chapters.length) chapters[0]!.startSeconds = 0;
  chapters.forEach((c, i) => {
    c.endSeconds = i + 1 < chapters.length ? chapters[i + 1]!.startSeconds : r3(episodeSeconds);
  });
  return chapters;
}

/**
 * A monotone piecewise-linear map through `knots` (source → target), the identity outside
 * them; a knot that would make it run backwards is dropped.
 */
function piecewise(knots: [number, number][]): (t: number) => number {
  const sorted = [...knots].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const kept: [number, number][] = [];
  for (const k of sorted) {
    const last = kept.at(-1);
    if (!last || (k[0] > last[0] && k[1] > last[1])) kept.push(k);
  }
  if (kept.length < 2) return (t) => t;
  return (t) => {
    if (t <= kept[0]![0] || t >= kept.at(-1)![0]) return t;
    let i = 1;
    while (kept[i]![0] < t) i++;
    const [x0, y0] = kept[i - 1]!;
    const [x1, y1] = kept[i]!;
    return y0 + ((t - x0) * (y1 - y0)) / (x1 - x0);
  };
}

/** Which chapter each section's seconds belong to: its own, else the last one before it in reading order. */
function owners(issue: Issue, chapters: readonly ChapterReport[]): Map<string, string> {
  const has = new Set(chapters.map((c) => c.id));
  const first = chapters[0]?.id;
  const out = new Map<string, string>();
  let current = first;
  for (const s of issue.sections) {
    if (has.has(s.id)) current = s.id;
    if (current !== undefined) out.set(s.id, current);
  }
  return out;
}

function spread(section: { id: string; text: string }, from: number, to: number): SectionCue[] {
  const sentences = splitSentences(section.text);
  const total = sentences.reduce((n, s) => n + s.length + 8, 0);
  const out: SectionCue[] = [];
  let t = from;
  for (const s of sentences) {
    const d = ((to - from) * (s.length + 8)) / Math.max(1, total);
    out.push({ sectionId: section.id, startSeconds: r3(t), endSeconds: r3(t + d), text: s });
    t += d;
  }
  return out;
}

/** `file` is named in the errors: the corrections file (by default the one beside the issue text). */
export function correctEpisode(analysis: EpisodeAnalysis, issue: Issue, corrections: Corrections, file = correctionsPath(issue.source)): CorrectedEpisode {
  const episodeSeconds = analysis.episodeSeconds;
  const sections = new Map(chapterSections(issue).map((s) => [s.id, s]));
  const old = analysis.automatic.chapters.map((c) => ({ ...c }));
  const oldById = new Map(old.map((c) => [c.id, c]));
  const chapters = new Map(old.map((c) => [c.id, { ...c }]));
  const notRead = new Set<string>();
  const applied: string[] = [];
  const fresh = new Set<string>();

  for (const [id, fix] of Object.entries(corrections.sections)) {
    const section = sections.get(id);
    const known = chapters.get(id);
    if (!section && !known) {
      throw new LetterpodError({
        file,
        problem: `"${id}" is neither a chapter nor a summary of issue #${issue.number}`,
        fix: `Use the ids of episode.json (chapters and skipped): ${[...new Set([...chapters.keys(), ...sections.keys()])].join(', ')}`,
      });
    }
    const name = known?.title ?? section?.title ?? id;
    if (fix === 'not-read' || fix === 'no-chapter') {
      chapters.delete(id);
      if (fix === 'not-read') notRead.add(id);
      applied.push(fix === 'not-read' ? `"${name}" is not read: no chapter` : `"${name}" has no chapter of its own`);
      continue;
    }
    let chapter = known;
    if (fix.startSeconds !== undefined) {
      if (fix.startSeconds >= episodeSeconds) {
        throw new LetterpodError({ file, problem: `"${id}" starts at ${fix.startSeconds} s, after the end of the episode (${r3(episodeSeconds)} s)`, fix: 'Give a start inside the episode' });
      }
      if (!chapter) {
        const url = section!.links[0]?.url;
        chapter = { id, title: section!.kind === 'intro' ? section!.title || 'Introduction' : section!.title, startSeconds: 0, endSeconds: 0, confidence: 1, ...(url ? { url } : {}) };
        chapters.set(id, chapter);
        fresh.add(id);
        applied.push(`"${name}" gets a chapter at ${hms(fix.startSeconds)} (${r3(fix.startSeconds)} s)`);
      } else if (Math.abs(chapter.startSeconds - fix.startSeconds) >= 0.0005) {
        applied.push(`"${name}" moves from ${r3(chapter.startSeconds)} s to ${r3(fix.startSeconds)} s`);
      }
      chapter.startSeconds = r3(fix.startSeconds);
      chapter.confidence = 1;
      chapter.corrected = true;
    }
    if (fix.title !== undefined) {
      if (!chapter) {
        throw new LetterpodError({ file, problem: `"${id}" has no chapter to give the title "${fix.title}"`, fix: `Give it a "startSeconds" too, or remove its entry` });
      }
      if (chapter.title !== fix.title) applied.push(`"${chapter.title}" is shown as "${fix.title}"`);
      chapter.title = fix.title;
      chapter.corrected = true;
    }
  }
  const list = withEnds([...chapters.values()], episodeSeconds);
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.startSeconds - list[i - 1]!.startSeconds < 0.5) {
      throw new LetterpodError({
        file,
        problem: `"${list[i - 1]!.title}" and "${list[i]!.title}" start less than 0.5 s apart (${list[i - 1]!.startSeconds} s and ${list[i]!.startSeconds} s)`,
        fix: 'Move one of the marks, or remove one of the chapters',
      });
    }
  }

  // the transcript: the audio is unchanged, so the sentences stay where they are spoken,
  // except around a correction: the sentences next to a moved mark stretch or shrink so the
  // chapter's first sentence starts at the new mark; a chapter split by a summary that now
  // has one gives up the time after the new mark (its sentences from the one under the mark
  // on are fitted before it); the sentences further away keep their times exactly
  const newById = new Map(list.map((c) => [c.id, c]));
  const sectionCues = analysis.cues.filter((c) => !notRead.has(c.sectionId) && !fresh.has(c.sectionId));
  const moved = (id: string) => oldById.get(id)!.startSeconds !== newById.get(id)!.startSeconds;
  const neighbours = (chapters: readonly ChapterReport[], id: string) => {
    const i = chapters.findIndex((c) => c.id === id);
    return [chapters[i - 1]?.startSeconds ?? 0, chapters[i + 1]?.startSeconds ?? episodeSeconds] as const;
  };
  const knots: [number, number][] = [];
  for (const c of list) {
    if (!oldById.has(c.id) || !moved(c.id)) continue;
    const from = oldById.get(c.id)!.startSeconds;
    const to = c.startSeconds;
    const [oldPrev, oldNext] = neighbours(old, c.id);
    const [newPrev, newNext] = neighbours(list, c.id);
    const lo = Math.min(from, to);
    const hi = Math.max(from, to);
    // from the start of the sentence before the stretch to the end of the one after it
    let p = Math.max(oldPrev, newPrev);
    let n = Math.min(oldNext, newNext);
    for (const cue of sectionCues) {
      if (cue.startSeconds < lo - 1e-3 && cue.startSeconds > p) p = cue.startSeconds;
      if (cue.endSeconds > hi + 1e-3 && cue.endSeconds < n) n = cue.endSeconds;
    }
    knots.push([p, p], [from, to], [n, n]);
  }
  const shift = piecewise(knots);
  // chapters that lost their end to a summary given a chapter inside them
  const splits = new Map<string, { from: number; at: number; end: number }>();
  const oldOwner = owners(issue, old);
  for (const id of fresh) {
    const at = newById.get(id)!.startSeconds;
    const host = old.find((c) => c.startSeconds <= at && at < c.endSeconds);
    if (!host) continue;
    // from the start of the sentence under the mark, or of the last one before it
    const before = sectionCues.filter((x) => oldOwner.get(x.sectionId) === host.id && x.startSeconds < at);
    splits.set(host.id, { from: Math.min(at, before.at(-1)?.startSeconds ?? at), at, end: host.endSeconds });
  }
  const cues: SectionCue[] = [];
  for (const cue of sectionCues) {
    let { startSeconds: a, endSeconds: b } = cue;
    const split = splits.get(oldOwner.get(cue.sectionId) ?? '');
    if (split && b > split.from) {
      // [that sentence … the chapter's old end] fitted into [that sentence … the mark]
      const { from, at, end } = split;
      const fit = (t: number) => (t <= from ? t : from + ((t - from) * (at - from)) / Math.max(1e-6, end - from));
      a = fit(a);
      b = fit(b);
    }
    cues.push({ ...cue, startSeconds: r3(shift(a)), endSeconds: r3(shift(b)) });
  }
  for (const id of fresh) {
    const c = newById.get(id)!;
    cues.push(...spread(sections.get(id)!, c.startSeconds, c.endSeconds));
  }
  cues.sort((a, b) => a.startSeconds - b.startSeconds);

  const skippedIds = new Set([...analysis.automatic.skipped.map((s) => s.id), ...notRead]);
  for (const c of list) skippedIds.delete(c.id);
  const skipped = chapterSections(issue).filter((s) => skippedIds.has(s.id)).map((s) => ({ id: s.id, title: s.title }));
  return { chapters: list, skipped, cues, applied };
}
