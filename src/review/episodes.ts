/**
 * What the review page shows and changes, read from the build folder and the issue texts
 * (no decoding, no re-mastering): the episodes with their review state, one episode's
 * waveform, loudness, pauses, chapters, cues, notes and warnings, saving the producer's
 * corrections (validated against the episode before the file is written, then applied to
 * the build: tag and text artifacts only), and approving.
 */
import { describeCleanup } from '../audio/cleanup/describe.js';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { readAnalysis, type EpisodeAnalysis, type SectionCue } from '../episode/analysis.js';
import { correctionsCurrent, reapplyCorrections, resolveEpisode } from '../episode/apply-corrections.js';
import { episodeSlug } from '../episode/build.js';
import { chapterSections } from '../episode/chapters.js';
import { correctEpisode } from '../episode/correct.js';
import { correctionsPath, parseCorrections, readCorrections, serializeCorrections, type Corrections } from '../episode/corrections.js';
import type { ChapterReport, EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { Issue } from '../newsletter/types.js';
import { approveIssue, issueText } from '../publish/approval.js';
import { isApproved } from '../publish/ledger.js';
import { readBuildReport, reviewReason } from '../publish/pipeline.js';
import { readManifest } from '../store/manifest.js';
import type { ObjectStore } from '../store/store.js';
import { appliedCorrections } from '../episode/apply-corrections.js';

/**
 * `needs review`: review.required asks for an approval it does not have; `approved`: it has
 * one for exactly this take, text and corrections; `published`: the store has this very
 * MP3; `ready`: nothing asks for a review (it goes out with the next publish).
 */
export type ReviewState = 'needs review' | 'approved' | 'published' | 'ready';

export interface EpisodeSummary {
  number: number;
  title: string;
  state: ReviewState;
  /** Why it needs review (or needed it, when approved). */
  why?: string;
  warningCount: number;
  chapterCount: number;
}

export interface EpisodeView extends EpisodeSummary {
  slug: string;
  recording: string;
  recordingSha256: string;
  audio: { sha256: string; bytes: number; durationSeconds: number };
  analysis: Pick<EpisodeAnalysis, 'episodeSeconds' | 'peaks' | 'peaksPerSecond' | 'loudness' | 'pauses'>;
  chapters: ChapterReport[];
  /** The aligner's chapters before any correction (a removed one of these becomes "no-chapter"). */
  automatic: { id: string; startSeconds: number }[];
  /** Every section that can have a chapter, in reading order (the ids corrections use). */
  sections: { id: string; title: string; kind: string }[];
  /** Sections without a chapter because they were not read, each with the build's reason. */
  notRead: { id: string; title: string; reason: string }[];
  warnings: string[];
  /** What the speech cleanup did, one line per step (episode.json's cleanup). */
  cleanup: string[];
  cues: SectionCue[];
  notesHtml: string;
  corrections: {
    file: string;
    /** The sections of the file when it applies to this recording; {} when there is none. */
    sections: Corrections['sections'];
    applied: string[];
    /** Why the file is not applied (another take, or an error in it). */
    problem?: string;
  };
}

/** The episode asked for has no issue text or no build: the server answers 404. */
export class EpisodeNotFound extends LetterpodError {}

export class ReviewEpisodes {
  constructor(
    readonly config: LoadedConfig,
    private readonly store: ObjectStore,
  ) {}

  private buildDir(issue: Pick<Issue, 'number'>): string {
    return join(this.config.resolved.build, episodeSlug(issue));
  }

  private async issue(number: number): Promise<Issue> {
    try {
      return await issueText(this.config, number);
    } catch (e) {
      if (e instanceof LetterpodError) throw new EpisodeNotFound({ problem: e.problem, fix: e.fix });
      throw e;
    }
  }

  private async publishedAudio(): Promise<Map<number, string>> {
    const loaded = await readManifest(this.store).catch(() => undefined);
    return new Map((loaded?.manifest.episodes ?? []).map((e) => [e.number, e.audio?.sha256 ?? '']));
  }

  private async summary(report: EpisodeReport, published: Map<number, string>): Promise<EpisodeSummary> {
    const number = report.issue.number;
    const base = { number, title: report.issue.title, warningCount: report.warnings.length, chapterCount: report.chapters.length };
    if (published.get(number) === report.audio.sha256) return { ...base, state: 'published' };
    const why = reviewReason(this.config, report);
    if (!why) return { ...base, state: 'ready' };
    const approved = await isApproved(this.config.root, number, report.source.sha256, report.source.issueSha256, appliedCorrections(report));
    return { ...base, state: approved ? 'approved' : 'needs review', why };
  }

  /** The built episodes (every folder of the build folder with an episode.json), by number. */
  async list(): Promise<EpisodeSummary[]> {
    const root = this.config.resolved.build;
    const names = await readdir(root).catch(() => [] as string[]);
    const published = await this.publishedAudio();
    const out: EpisodeSummary[] = [];
    for (const name of names.sort()) {
      const report = await readBuildReport(join(root, name));
      if (report && name === episodeSlug(report.issue)) out.push(await this.summary(report, published));
    }
    return out.sort((a, b) => a.number - b.number);
  }

  private async report(issue: Issue): Promise<{ report: EpisodeReport; analysis: EpisodeAnalysis; buildDir: string }> {
    const buildDir = this.buildDir(issue);
    const report = await readBuildReport(buildDir);
    if (!report) {
      throw new EpisodeNotFound({ file: buildDir, problem: `issue #${issue.number} is not built`, fix: `Run letterpod review ${issue.number} (it builds what is needed)` });
    }
    const analysis = await readAnalysis(buildDir);
    if (!analysis || analysis.recordingSha256 !== report.source.sha256) {
      throw new LetterpodError({
        file: buildDir,
        problem: 'the build has no analysis of its recording (it was made by an older letterpod)',
        fix: `Delete ${buildDir} and run letterpod review ${issue.number} again`,
      });
    }
    return { report, analysis, buildDir };
  }

  /** One episode as the page shows it; a corrections file changed by hand since the build is applied first. */
  async view(number: number): Promise<EpisodeView> {
    const issue = await this.issue(number);
    let { report, analysis, buildDir } = await this.report(issue);
    const file = correctionsPath(issue.source);
    let problem: string | undefined;
    let loaded;
    try {
      loaded = await readCorrections(issue.source);
      if (!(await correctionsCurrent(report, issue))) report = await reapplyCorrections(buildDir, issue, this.config.feed.chapterTitles);
    } catch (e) {
      if (!(e instanceof LetterpodError)) throw e;
      problem = e.message;
      loaded = undefined;
    }
    const applies = loaded !== undefined && loaded.corrections.recordingSha256 === report.source.sha256;
    if (loaded && !applies) problem = `${file} was made for another take of this issue: it is ignored (saving here replaces it)`;
    const resolved = resolveEpisode(analysis, issue, applies ? loaded : undefined);
    const summary = await this.summary(report, await this.publishedAudio());
    const reasons = resolved.warnings;
    return {
      ...summary,
      slug: episodeSlug(issue),
      recording: report.recording,
      recordingSha256: report.source.sha256,
      audio: { sha256: report.audio.sha256, bytes: report.audio.bytes, durationSeconds: report.audio.durationSeconds },
      analysis: { episodeSeconds: analysis.episodeSeconds, peaks: analysis.peaks, peaksPerSecond: analysis.peaksPerSecond, loudness: analysis.loudness, pauses: analysis.pauses },
      chapters: report.chapters,
      automatic: analysis.automatic.chapters.map((c) => ({ id: c.id, startSeconds: c.startSeconds })),
      sections: chapterSections(issue).map((s) => ({ id: s.id, title: s.title || (s.kind === 'intro' ? 'Introduction' : s.id), kind: s.kind })),
      notRead: report.skipped.map((s) => ({
        ...s,
        reason: reasons.find((w) => w.includes(`"${s.title}"`)) ?? (applies && loaded!.corrections.sections[s.id] === 'not-read' ? 'declared not read in the corrections' : 'not found in the recording'),
      })),
      warnings: report.warnings,
      cleanup: describeCleanup(report.cleanup),
      cues: resolved.cues,
      notesHtml: await readFile(report.files.notes, 'utf8'),
      corrections: { file, sections: applies ? loaded!.corrections.sections : {}, applied: report.corrections?.applied ?? [], ...(problem ? { problem } : {}) },
    };
  }

  /**
   * Save the producer's corrections for an episode (an empty set removes the file) and
   * apply them to its build. Everything is checked against the episode first: a file that
   * would fail the next build is never written.
   */
  async saveCorrections(number: number, sections: unknown): Promise<EpisodeView> {
    const issue = await this.issue(number);
    const { report, analysis, buildDir } = await this.report(issue);
    const file = correctionsPath(issue.source);
    const corrections = parseCorrections(JSON.stringify({ recordingSha256: report.source.sha256, sections }), file);
    if (Object.keys(corrections.sections).length === 0) {
      await rm(file, { force: true });
    } else {
      correctEpisode(analysis, issue, corrections, file);
      await writeFileAtomic(file, serializeCorrections(corrections));
    }
    await reapplyCorrections(buildDir, issue, this.config.feed.chapterTitles);
    return this.view(number);
  }

  async approve(number: number): Promise<{ issue: number; approvedAt: string; view: EpisodeView }> {
    const issue = await this.issue(number);
    const approval = await approveIssue(this.config, number, issue);
    return { issue: number, approvedAt: approval.approvedAt, view: await this.view(number) };
  }

  /** The MP3 of the episode's build (the one path of the project the server streams). */
  async audioPath(number: number): Promise<string> {
    const issue = await this.issue(number);
    return (await this.report(issue)).report.files.audio;
  }
}
