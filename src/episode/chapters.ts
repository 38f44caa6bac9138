/**
 * From section timings to chapters: the intro and every summary (and listed item) in
 * reading order, the first at 0, each ending where the next starts. Category headings get
 * no chapter of their own (their seconds belong to the chapter before), and a section the
 * narrator skipped gets none at all.
 */
import type { Alignment } from '../align/index.js';
import type { Issue, Section } from '../newsletter/types.js';
import type { ChapterReport } from './report.js';
import { hms } from './timecode.js';

/** Chapters placed with less confidence than this get a warning. */
export const LOW_CONFIDENCE = 0.5;

/** Whether the aligner found the narrator skipped this section (v2 timings carry `skipped`). */
function isSkipped(t: Alignment['sections'][number]): boolean {
  return 'skipped' in t && t.skipped === true;
}

export function chapterSections(issue: Issue): Section[] {
  return issue.sections.filter((s) => s.kind !== 'heading' && s.text.trim().length > 0);
}

export function chaptersFrom(issue: Issue, alignment: Alignment, durationSeconds: number): ChapterReport[] {
  const timing = new Map(alignment.sections.map((t) => [t.id, t]));
  const chapters: ChapterReport[] = [];
  for (const s of chapterSections(issue)) {
    const t = timing.get(s.id);
    if (!t || isSkipped(t)) continue;
    const url = s.links[0]?.url;
    chapters.push({
      id: s.id,
      title: s.kind === 'intro' ? s.title || 'Introduction' : s.title,
      startSeconds: chapters.length === 0 ? 0 : t.startSeconds,
      endSeconds: 0,
      confidence: Math.round(t.confidence * 100) / 100,
      ...(url ? { url } : {}),
    });
  }
  for (let i = 0; i < chapters.length; i++) {
    const c = chapters[i] as ChapterReport;
    c.endSeconds = i + 1 < chapters.length ? (chapters[i + 1] as ChapterReport).startSeconds : durationSeconds;
  }
  return chapters;
}

/** The sections the narrator skipped (they get no chapter). */
export function skippedSections(issue: Issue, alignment: Alignment): Section[] {
  const skipped = new Set(alignment.sections.filter(isSkipped).map((t) => t.id));
  return chapterSections(issue).filter((s) => skipped.has(s.id));
}

/** Warnings a producer should read: skipped summaries and chapters placed with low confidence. */
export function alignmentWarnings(issue: Issue, alignment: Alignment, chapters: ChapterReport[]): string[] {
  const warnings: string[] = [];
  for (const s of skippedSections(issue, alignment)) {
    warnings.push(`"${s.title}" seems not to be read in the recording; it gets no chapter`);
  }
  for (const c of chapters) {
    if (c.confidence < LOW_CONFIDENCE && c.startSeconds > 0) {
      warnings.push(`chapter "${c.title}" at ${hms(c.startSeconds)} (${c.startSeconds.toFixed(1)} s) was placed with low confidence (${c.confidence}); check it`);
    }
  }
  return warnings;
}

/** The id of the chapter the intro music gets (no section has it). */
export const INTRO_MUSIC_ID = 'music-intro';

/**
 * Chapters in episode time: each start moved by `clock` (the head trim and the intro
 * music), an "Intro" chapter over the intro music when there is one (`introSeconds` > 0),
 * each chapter ending where the next starts and the last at the end of the episode.
 */
export function layoutChapters(chapters: readonly ChapterReport[], clock: (t: number) => number, introSeconds: number, episodeSeconds: number): ChapterReport[] {
  const out: ChapterReport[] = [];
  if (introSeconds > 0) out.push({ id: INTRO_MUSIC_ID, title: 'Intro', startSeconds: 0, endSeconds: 0, confidence: 1 });
  for (const c of chapters) {
    const start = clock(c.startSeconds);
    // a chapter squeezed out by the trim (nothing of it left) is dropped
    if (out.length && start <= out[out.length - 1].startSeconds) continue;
    out.push({ ...c, startSeconds: start });
  }
  out.forEach((c, i) => {
    c.endSeconds = i + 1 < out.length ? out[i + 1].startSeconds : Math.round(episodeSeconds * 1000) / 1000;
  });
  return out;
}
