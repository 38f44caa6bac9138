/**
 * Chapters of a joined episode come from aligning each take with the run of the text it
 * reads (takes/order.ts), then moving every time into the joined recording.
 */
import { basename } from 'node:path';
import { alignRecording, type Alignment } from '../align/index.js';
import type { IssueAlignment } from '../episode/align-issue.js';
import { alignmentWarnings, chaptersFrom, skippedSections } from '../episode/chapters.js';
import type { Issue } from '../newsletter/types.js';
import type { Pause } from '../signal/pauses.js';
import { joinedTime, type JoinedPiece } from './join.js';

export interface TakeAlignment {
  file: string;
  /** The sections (ids) of its run of the text. */
  sectionIds: string[];
  alignment: Alignment;
}

/** The sections the aligner gets: those with text. */
export function alignedSections(issue: Issue): { id: string; text: string }[] {
  return issue.sections.filter((s) => s.text.trim().length > 0).map((s) => ({ id: s.id, text: s.text }));
}

/** Align one take with its run of the text. */
export async function alignTake(file: string, sections: readonly { id: string; text: string }[], language: string | undefined, signal?: AbortSignal): Promise<TakeAlignment> {
  const alignment = await alignRecording(file, [...sections], { language, signal });
  return { file, sectionIds: sections.map((s) => s.id), alignment };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** A pause this long ends a heading's speech; the section after it starts at most this far after the heading does. */
const HEADING_PAUSE_SECONDS = 0.3;
const HEADING_MAX_SECONDS = 4;

/**
 * A take that opens with a category heading ("Forecasting") and then a summary: the
 * aligner can place the summary's mark inside the heading's own speech (measured: 0.1 s
 * after the heading's start, confidence 0.2, 0.7 s before the summary). Sections start
 * after a pause, so such a mark — no pause between the heading's start and it — goes to the
 * end of the first pause of HEADING_PAUSE_SECONDS after the heading's start, when there is
 * one within HEADING_MAX_SECONDS. Timing evidence only (the take's own pauses); the
 * heading keeps its start.
 */
export function afterHeading(t: TakeAlignment, kinds: ReadonlyMap<string, string>, pauses: readonly Pause[]): TakeAlignment {
  const sections = t.alignment.sections.map((s) => ({ ...s }));
  let moved = false;
  for (let k = 1; k < sections.length; k++) {
    const h = sections[k - 1];
    const s = sections[k];
    if (kinds.get(h.id) !== 'heading' || h.status !== 'read' || s.status !== 'read') continue;
    const between = pauses.some((p) => p.endSeconds - p.startSeconds >= 0.15 && p.startSeconds > h.startSeconds && p.endSeconds <= s.startSeconds + 0.05);
    if (between) continue;
    const next = pauses.find((p) => p.startSeconds > h.startSeconds && p.endSeconds - p.startSeconds >= HEADING_PAUSE_SECONDS);
    if (!next || next.endSeconds - h.startSeconds > HEADING_MAX_SECONDS) continue;
    s.startSeconds = r3(next.endSeconds);
    h.endSeconds = s.startSeconds;
    moved = true;
  }
  return moved ? { ...t, alignment: { ...t.alignment, sections } } : t;
}

/** The takes' alignments as one alignment of the joined recording. */
export function mergeAlignments(
  takes: readonly TakeAlignment[],
  pieces: readonly JoinedPiece[],
  durationSeconds: number,
  titles: ReadonlyMap<string, string> = new Map(),
): { alignment: Alignment; warnings: string[]; notReadWhere: Map<string, string> } {
  const warnings: string[] = [];
  // per section not read: which take skips it, or ends before it (for its warning)
  const notReadWhere = new Map<string, string>();
  const named = (id: string) => `"${titles.get(id) ?? id}"`;
  const sections: Alignment['sections'] = [];
  const sentences: Alignment['sentences'] = [];
  let speechSeconds = 0;
  const stats = { referenceSeconds: 0, frames: 0, bandFrames: 0, skipped: 0, wallMs: 0 };
  for (const [i, t] of takes.entries()) {
    const p = pieces[i];
    const at = (x: number) => r3(joinedTime(p, x));
    const a = t.alignment;
    // a take aligned with a run of the text longer than it reads: the aligner decides which
    // sections of the run are not in it (after-end: the take stops before them; not-read: it
    // skips them). The runs do not overlap, so no other take reads them: not read.
    for (const s of a.sections) {
      const absent = s.status === 'after-end';
      sections.push({ ...s, startSeconds: at(s.startSeconds), endSeconds: at(s.endSeconds), ...(absent ? { status: 'not-read' as const, skipped: true } : {}) });
    }
    const stop = a.ending ? `ends in ${named(a.ending.sectionId)}` : 'ends';
    for (const s of a.sections) {
      if (s.status === 'after-end') notReadWhere.set(s.id, `no take reads it: ${basename(t.file)} ${stop}, before it`);
      else if (s.status === 'not-read') notReadWhere.set(s.id, `${basename(t.file)} skips it, and no other take reads it`);
    }
    for (const s of a.sentences) sentences.push({ ...s, startSeconds: at(s.startSeconds), endSeconds: at(s.endSeconds) });
    speechSeconds += a.speech.seconds;
    stats.referenceSeconds += a.stats.referenceSeconds;
    stats.frames += a.stats.frames;
    stats.bandFrames = Math.max(stats.bandFrames, a.stats.bandFrames);
    stats.skipped += a.stats.skipped;
    stats.wallMs += a.stats.wallMs;
    if (i > 0 && a.leadIn) {
      warnings.push(`${basename(t.file)} opens with ${r3(a.leadIn.endSeconds - a.leadIn.startSeconds)} s of speech that is not in the text (kept, in the chapter before)`);
    }
    if (i < takes.length - 1 && a.ending && a.ending.notInRecording.length === 0) {
      warnings.push(`${basename(t.file)} stops inside ${named(a.ending.sectionId)} (${r3(a.ending.secondsIntoSection)} of about ${r3(a.ending.expectedSeconds)} s read)`);
    }
  }
  const first = takes[0].alignment;
  const last = takes[takes.length - 1].alignment;
  const firstPiece = pieces[0];
  const lastPiece = pieces[pieces.length - 1];
  const alignment: Alignment = {
    durationSeconds,
    speech: {
      startSeconds: r3(joinedTime(firstPiece, first.speech.startSeconds)),
      endSeconds: r3(joinedTime(lastPiece, last.speech.endSeconds)),
      seconds: r3(speechSeconds),
    },
    sections,
    sentences,
    leadIn: first.leadIn ? { startSeconds: r3(joinedTime(firstPiece, first.leadIn.startSeconds)), endSeconds: r3(joinedTime(firstPiece, first.leadIn.endSeconds)) } : null,
    // the sections after the last take's end are not read (above); only a last take that
    // stops inside the text's last section is a recording that ends early
    ending: last.ending && last.ending.notInRecording.length === 0 ? last.ending : null,
    stats,
  };
  return { alignment, warnings, notReadWhere };
}

/** The merged alignment as the build wants it: chapters, skipped, sentences, warnings. */
export function issueAlignment(issue: Issue, alignment: Alignment, warnings: readonly string[], notReadWhere: ReadonlyMap<string, string> = new Map()): IssueAlignment {
  const chapters = chaptersFrom(issue, alignment, alignment.durationSeconds);
  return {
    durationSeconds: alignment.durationSeconds,
    chapters,
    skipped: skippedSections(issue, alignment).map((s) => ({ id: s.id, title: s.title })),
    sentences: alignment.sentences,
    warnings: [...warnings, ...alignmentWarnings(issue, alignment, chapters, notReadWhere)],
    leadIn: alignment.leadIn,
    ending: alignment.ending,
    speech: alignment.speech,
    stats: alignment.stats,
  };
}
