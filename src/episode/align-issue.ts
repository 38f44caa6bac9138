/**
 * Align an issue's text to its recording and turn the timings into what an episode
 * needs: chapters, skipped sections, sentence timings for the transcript, and warnings.
 * Used by `build` (before mastering) and by `align` (a quick preview, no mastering).
 */
import { alignRecording, type AlignOptions, type Alignment, type SentenceTiming } from '../align/index.js';
import type { Issue } from '../newsletter/types.js';
import { alignmentWarnings, chaptersFrom, skippedSections } from './chapters.js';
import type { ChapterReport } from './report.js';

export interface IssueAlignment {
  durationSeconds: number;
  chapters: ChapterReport[];
  skipped: { id: string; title: string }[];
  sentences: SentenceTiming[];
  warnings: string[];
  /** Unscripted speech before the first read section (it gets the "Introduction" chapter). */
  leadIn: Alignment['leadIn'];
  /** Where a recording that stops before the text does ends. */
  ending: Alignment['ending'];
  speech: Alignment['speech'];
  stats: Alignment['stats'];
}

export async function alignIssue(
  recording: string,
  issue: Issue,
  durationSeconds: number,
  opts: Pick<AlignOptions, 'signal' | 'decode' | 'language' | 'onProgress'> = {},
): Promise<IssueAlignment> {
  const sections = issue.sections.filter((s) => s.text.trim().length > 0).map((s) => ({ id: s.id, text: s.text }));
  const alignment = await alignRecording(recording, sections, { ...opts, language: opts.language ?? issue.language });
  const chapters = chaptersFrom(issue, alignment, durationSeconds);
  return {
    durationSeconds,
    chapters,
    skipped: skippedSections(issue, alignment).map((s) => ({ id: s.id, title: s.title })),
    sentences: alignment.sentences,
    warnings: alignmentWarnings(issue, alignment, chapters),
    leadIn: alignment.leadIn,
    ending: alignment.ending,
    speech: alignment.speech,
    stats: alignment.stats,
  };
}
