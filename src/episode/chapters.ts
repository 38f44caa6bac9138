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

/** The id of the chapter an unscripted lead-in gets when the issue has no intro of its own read. */
export const LEAD_IN_ID = 'lead-in';

export function chaptersFrom(issue: Issue, alignment: Alignment, durationSeconds: number): ChapterReport[] {
  const timing = new Map(alignment.sections.map((t) => [t.id, t]));
  const chapters: ChapterReport[] = [];
  const sections = chapterSections(issue);
  const read = sections.filter((s) => {
    const t = timing.get(s.id);
    return t !== undefined && !isSkipped(t);
  });
  // speech before the first read section that is not in the text ("Hi, this is…") gets a
  // chapter of its own at 0 — unless that first section is the issue's own intro, which
  // then simply starts at 0 and takes the lead-in with it
  if (alignment.leadIn && read.length > 0 && read[0].kind !== 'intro') {
    const intro = sections.find((s) => s.kind === 'intro');
    chapters.push({ id: LEAD_IN_ID, title: intro?.title || 'Introduction', startSeconds: 0, endSeconds: 0, confidence: 1 });
  }
  for (const s of read) {
    const t = timing.get(s.id)!;
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

/** The sections the narrator skipped, or that come after the end of a partial recording (they get no chapter). */
export function skippedSections(issue: Issue, alignment: Alignment): Section[] {
  const skipped = new Set(alignment.sections.filter(isSkipped).map((t) => t.id));
  return chapterSections(issue).filter((s) => skipped.has(s.id));
}

/**
 * Warnings a producer should read: where a partial recording ends and what it leaves out,
 * summaries not read (with where, when the caller knows: the take that skips one),
 * chapters kept on weak evidence, chapters placed with low confidence.
 */
export function alignmentWarnings(issue: Issue, alignment: Alignment, chapters: ChapterReport[], notReadWhere: ReadonlyMap<string, string> = new Map()): string[] {
  const warnings: string[] = [];
  const byId = new Map(issue.sections.map((s) => [s.id, s]));
  const timing = new Map(alignment.sections.map((t) => [t.id, t]));
  const afterEnd = new Set(alignment.ending?.notInRecording ?? []);
  if (alignment.ending) {
    const s = byId.get(alignment.ending.sectionId);
    const missing = chapterSections(issue).filter((x) => afterEnd.has(x.id));
    const into = alignment.ending.secondsIntoSection;
    const what =
      missing.length === 0
        ? 'it is the text\'s last section, and its last sentences are'
        : missing.length === 1
          ? `"${missing[0].title}" after it is`
          : `${missing.length} sections after it are`;
    warnings.push(
      `the recording ends ${hms(into).replace(/^00:/, '')} into "${s?.title ?? alignment.ending.sectionId}" (which takes about ${hms(alignment.ending.expectedSeconds).replace(/^00:/, '')} to read); ${what} not in it${missing.length > 1 ? `: ${missing.map((x) => `"${x.title}"`).join(', ')}` : ''} — check that the whole recording was exported`,
    );
  }
  for (const s of skippedSections(issue, alignment)) {
    if (afterEnd.has(s.id)) continue;
    const where = notReadWhere.get(s.id);
    warnings.push(`"${s.title}" seems not to be read in the recording${where ? ` (${where})` : ''}; it gets no chapter`);
  }
  for (const c of chapters) {
    const t = timing.get(c.id);
    if (t?.uncertain) {
      warnings.push(`chapter "${c.title}" at ${hms(c.startSeconds)} (${c.startSeconds.toFixed(1)} s): its text was heard there but its opening matched weakly; check the mark`);
    } else if (c.confidence < LOW_CONFIDENCE && c.startSeconds > 0) {
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
