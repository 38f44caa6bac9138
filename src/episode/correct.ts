/**
 * Applying the producer's corrections (corrections.ts) to the automatic result of a build
 * (analysis.ts): pure, no I/O. Chapters move, appear (a summary found not read gets one
 * where the producer says), disappear, or get a shorter title; the transcript follows:
 * each chapter's cues are those of its sections, mapped linearly from the chapter's old
 * span onto its new one (a chapter whose span did not change keeps its cues exactly), a
 * summary that newly has a chapter gets its sentences spread over its span by length,
 * and a section declared not read loses its cues.
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

  // the transcript: every chapter's cues from its old span onto its new one
  const oldOwner = owners(issue, old);
  const newOwner = owners(issue, list);
  const newById = new Map(list.map((c) => [c.id, c]));
  const cues: SectionCue[] = [];
  for (const cue of analysis.cues) {
    if (notRead.has(cue.sectionId) || fresh.has(cue.sectionId)) continue;
    const to = newById.get(newOwner.get(cue.sectionId) ?? '');
    const from = oldById.get(oldOwner.get(cue.sectionId) ?? '');
    if (!to || !from || from.endSeconds <= from.startSeconds) {
      cues.push(cue);
      continue;
    }
    // the old span of everything the new chapter owns that had a chapter before
    const owned = [...newOwner].filter(([, c]) => c === to.id).map(([s]) => oldById.get(oldOwner.get(s) ?? '')).filter((c): c is ChapterReport => c !== undefined);
    const oldStart = Math.min(...owned.map((c) => c.startSeconds));
    const oldEnd = Math.max(...owned.map((c) => c.endSeconds));
    const scale = (to.endSeconds - to.startSeconds) / Math.max(1e-6, oldEnd - oldStart);
    const map = (t: number) => r3(Math.min(to.endSeconds, Math.max(to.startSeconds, to.startSeconds + (t - oldStart) * scale)));
    cues.push({ ...cue, startSeconds: map(cue.startSeconds), endSeconds: map(cue.endSeconds) });
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
