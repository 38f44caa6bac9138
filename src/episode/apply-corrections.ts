/**
 * The corrections of an episode, resolved and written: which corrections apply (the file
 * beside the issue text, when it names this recording), and the artifacts they change —
 * chapters.json, the transcripts, the show notes, the MP3's ID3 chapters and episode.json.
 * `build` uses the first half before mastering (so its MP3 is tagged right the first
 * time); `reapplyCorrections` rewrites an existing build in place without re-mastering:
 * the audio frames after the ID3 tag are copied byte for byte, so the MP3 gets a new
 * sha256 (hence a new key in the store) but the same audio, GUID and pubDate.
 */
import { readFile, stat } from 'node:fs/promises';
import { replaceChapters } from '../audio/id3.js';
import { LetterpodError } from '../errors.js';
import { withPath } from '../faults.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { sha256File } from '../hash.js';
import type { Issue } from '../newsletter/types.js';
import { readAnalysis, type EpisodeAnalysis, type SectionCue } from './analysis.js';
import { renderJsonChapters } from './chapters-json.js';
import { playerChapters, type ChapterTitleSettings } from './chapter-titles.js';
import { correctEpisode } from './correct.js';
import { readCorrections, type LoadedCorrections } from './corrections.js';
import { renderNotes } from './notes.js';
import type { ChapterReport, EpisodeReport } from './report.js';
import { renderSrt, renderVtt } from './transcript.js';

export interface ResolvedEpisode {
  chapters: ChapterReport[];
  skipped: { id: string; title: string }[];
  cues: SectionCue[];
  /** The automatic warnings, plus one when a corrections file was ignored. */
  warnings: string[];
  corrections?: EpisodeReport['corrections'];
}

/** Cues that last (a transcript has no empty cue). */
const timed = (cues: SectionCue[]): SectionCue[] => cues.filter((c) => c.endSeconds > c.startSeconds);

/** The episode as the producer corrected it (or as the aligner left it, when no corrections apply). */
export function resolveEpisode(analysis: EpisodeAnalysis, issue: Issue, loaded: LoadedCorrections | undefined): ResolvedEpisode {
  const auto = analysis.automatic;
  const plain: ResolvedEpisode = { chapters: auto.chapters.map((c) => ({ ...c })), skipped: auto.skipped, cues: timed(analysis.cues), warnings: [...auto.warnings] };
  if (!loaded) return plain;
  if (loaded.corrections.recordingSha256 !== analysis.recordingSha256) {
    plain.warnings.push(
      `${loaded.file} was made for another take (sha256 ${loaded.corrections.recordingSha256.slice(0, 8)}…, this recording is ${analysis.recordingSha256.slice(0, 8)}…): its corrections are ignored — review the new take (letterpod review ${issue.number})`,
    );
    return plain;
  }
  const fixed = correctEpisode(analysis, issue, loaded.corrections, loaded.file);
  return {
    chapters: fixed.chapters,
    skipped: fixed.skipped,
    cues: timed(fixed.cues),
    warnings: plain.warnings,
    corrections: { file: loaded.file, sha256: loaded.sha256, applied: fixed.applied },
  };
}

async function writeAtomic(file: string, content: string): Promise<void> {
  try {
    await writeFileAtomic(file, content);
  } catch (e) {
    throw withPath(e, file);
  }
}

/** chapters.json (player titles), notes.html, transcript.vtt and .srt of a resolved episode. */
export async function writeTextArtifacts(files: EpisodeReport['files'], issue: Issue, episode: ResolvedEpisode, titles?: ChapterTitleSettings): Promise<void> {
  const cues = episode.cues;
  await writeAtomic(files.chapters, renderJsonChapters(playerChapters(episode.chapters, titles)));
  await writeAtomic(files.notes, renderNotes(issue, episode.chapters));
  if (files.transcriptVtt) await writeAtomic(files.transcriptVtt, renderVtt(cues));
  if (files.transcriptSrt) await writeAtomic(files.transcriptSrt, renderSrt(cues));
}

/** The sha256 of the corrections the report says were applied ('' for none): what a change is judged by. */
export function appliedCorrections(report: EpisodeReport): string {
  return report.corrections?.sha256 ?? '';
}

/**
 * Whether a build's artifacts reflect the corrections file as it is now (its hash, or its
 * absence); corrections for another take count as none.
 */
export async function correctionsCurrent(report: EpisodeReport, issue: Issue): Promise<boolean> {
  const loaded = await readCorrections(issue.source);
  const wanted = loaded && loaded.corrections.recordingSha256 === report.source.sha256 ? loaded.sha256 : '';
  return wanted === appliedCorrections(report);
}

/**
 * Rewrite a build's chapters, transcripts, notes, ID3 chapters and episode.json for the
 * corrections file as it is now (no file: the automatic result). The audio is not touched.
 */
export async function reapplyCorrections(buildDir: string, issue: Issue, titles?: ChapterTitleSettings): Promise<EpisodeReport> {
  const analysis = await readAnalysis(buildDir);
  let report: EpisodeReport;
  try {
    report = JSON.parse(await readFile(`${buildDir}/episode.json`, 'utf8')) as EpisodeReport;
  } catch (cause) {
    throw new LetterpodError({ file: buildDir, problem: 'no episode.json in the build folder', fix: 'Run letterpod publish (or build) for this issue first', cause });
  }
  if (!analysis || analysis.recordingSha256 !== report.source.sha256) {
    throw new LetterpodError({
      file: buildDir,
      problem: 'the build has no analysis of this recording (it was made by an older letterpod)',
      fix: `Delete ${buildDir} and publish again: the next build keeps what corrections need`,
    });
  }
  const episode = resolveEpisode(analysis, issue, await readCorrections(issue.source));
  await replaceChapters(report.files.audio, playerChapters(episode.chapters, titles));
  await writeTextArtifacts(report.files, issue, episode, titles);
  const [{ size }, { sha256 }] = await Promise.all([stat(report.files.audio), sha256File(report.files.audio)]);
  const { corrections: _old, ...rest } = report;
  const next: EpisodeReport = {
    ...rest,
    audio: { ...report.audio, bytes: size, sha256 },
    chapters: episode.chapters,
    skipped: episode.skipped,
    warnings: [...report.warnings.filter((w) => !analysis.automatic.warnings.includes(w) && !/ was made for another take /.test(w)), ...episode.warnings],
    ...(episode.corrections ? { corrections: episode.corrections } : {}),
  };
  await writeAtomic(report.files.report, JSON.stringify(next, null, 2) + '\n');
  return next;
}
