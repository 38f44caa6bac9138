/**
 * The producer's pipeline over folders: find recordings, match each to its issue, build
 * what is new or changed (reusing builds whose inputs are unchanged), publish to the store.
 * Every recording is checked before anything is built or written, so bad input stops the
 * run with nothing published.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { LoadedConfig } from '../config.js';
import { buildEpisode, buildSettings, episodeSlug } from '../episode/build.js';
import { sha256File } from '../hash.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { listRecordings } from '../intake/files.js';
import { indexIssues, recordingIssueNumber, type Match } from '../intake/match.js';
import { probeAudio } from '../media/probe.js';
import { readManifest } from '../store/manifest.js';
import { openStore } from '../store/open.js';
import type { ObjectStore } from '../store/store.js';
import { findIssueFor, publishedIssueNumbers } from './find-issue.js';
import { publishEpisodes, type PublishResult } from './protocol.js';

export interface PreparedRecording extends Match {
  slug: string;
  buildDir: string;
}

/** Match every recording in recordings/ to an issue (by name, tags or listening); the first problem stops the run. */
export async function prepareRecordings(config: LoadedConfig): Promise<PreparedRecording[]> {
  const recordings = await listRecordings(config.resolved.recordings);
  if (recordings.length === 0) return [];
  const index = await indexIssues(config.resolved.newsletters);
  // The published issues matter only to listening (for a recording without a number): read the store only then.
  let published: Promise<Set<number>> | undefined;
  const prepared: PreparedRecording[] = [];
  const byIssue = new Map<number, string>();
  for (const recording of recordings) {
    const info = await probeAudio(recording);
    if (recordingIssueNumber(recording, info) === undefined) published ??= publishedIssueNumbers(config);
    const match = await findIssueFor(recording, info, config, index, published ? await published : new Set());
    const other = byIssue.get(match.issue.number);
    if (other) {
      throw new LetterpodError({
        file: recording,
        problem: `issue #${match.issue.number} already has the recording ${basename(other)}`,
        fix: 'Keep one take per issue in recordings/ (move the other out)',
      });
    }
    byIssue.set(match.issue.number, recording);
    const slug = episodeSlug(match.issue);
    prepared.push({ ...match, slug, buildDir: join(config.resolved.build, slug) });
  }
  return prepared;
}

/** Whether the build in a recording's build folder can be published as is, and if not, why. */
export type BuildState =
  | { state: 'current'; report: EpisodeReport }
  | { state: 'missing'; why: string }
  | { state: 'outdated'; why: string; report: EpisodeReport };

/** The episode.json of a build folder, or undefined when there is none (or it is unreadable). */
export async function readBuildReport(buildDir: string): Promise<EpisodeReport | undefined> {
  try {
    const report = JSON.parse(await readFile(join(buildDir, 'episode.json'), 'utf8')) as EpisodeReport;
    return report && typeof report === 'object' && report.issue && report.audio && report.files && report.source ? report : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the build in `p.buildDir` was made from exactly this recording, issue text and
 * settings, and its audio is intact. Sizes are compared before anything is hashed.
 */
export async function buildState(
  p: { recording: string; issue: { source: string }; buildDir: string },
  config: LoadedConfig,
): Promise<BuildState> {
  const report = await readBuildReport(p.buildDir);
  if (!report) return { state: 'missing', why: `no build in ${p.buildDir}` };
  if (report.source.settings !== buildSettings(config)) return { state: 'outdated', why: 'the build settings changed', report };
  try {
    const audio = await stat(report.files.audio);
    if (audio.size !== report.audio.bytes) return { state: 'outdated', why: 'its audio file was changed', report };
  } catch {
    return { state: 'outdated', why: 'its audio file is missing', report };
  }
  let recordingBytes: number;
  try {
    recordingBytes = (await stat(p.recording)).size;
  } catch {
    return { state: 'outdated', why: 'the recording is missing', report };
  }
  if (recordingBytes !== report.source.bytes) return { state: 'outdated', why: 'the recording changed', report };
  const [rec, issue] = await Promise.all([sha256File(p.recording), sha256File(p.issue.source).catch(() => undefined)]);
  if (rec.sha256 !== report.source.sha256) return { state: 'outdated', why: 'the recording changed', report };
  if (issue?.sha256 !== report.source.issueSha256) return { state: 'outdated', why: 'the issue text changed', report };
  return { state: 'current', report };
}

/** The build in `dir` if it was made from exactly these inputs and its files are intact. */
export async function reusableBuild(p: PreparedRecording, config: LoadedConfig): Promise<EpisodeReport | undefined> {
  const state = await buildState(p, config);
  return state.state === 'current' ? state.report : undefined;
}

export interface PublishAllResult {
  built: string[];
  reused: string[];
  /** Dry run only: recordings that a publish would build first (their objects are not in the plan). */
  wouldBuild: { recording: string; issue: number; why: string }[];
  publish: PublishResult;
}

export async function publishAll(
  config: LoadedConfig,
  opts: { dryRun?: boolean; onStage?: (recording: string, stage: string) => void; store?: ObjectStore } = {},
): Promise<PublishAllResult> {
  const prepared = await prepareRecordings(config);
  // Read the store before building: wrong credentials or a missing bucket should not wait for minutes of mastering.
  const store = opts.store ?? openStore(config);
  await readManifest(store);
  const reports: EpisodeReport[] = [];
  const built: string[] = [];
  const reused: string[] = [];
  const wouldBuild: PublishAllResult['wouldBuild'] = [];
  for (const p of prepared) {
    const state = await buildState(p, config);
    if (state.state === 'current') {
      reports.push(state.report);
      reused.push(p.recording);
      continue;
    }
    if (opts.dryRun) {
      wouldBuild.push({ recording: p.recording, issue: p.issue.number, why: state.why });
      continue;
    }
    const report = await buildEpisode({
      recording: p.recording,
      issue: p.issue,
      outDir: p.buildDir,
      config,
      onStage: (stage) => opts.onStage?.(p.recording, stage),
    });
    reports.push(report);
    built.push(p.recording);
  }
  const publish = await publishEpisodes(config, store, reports, { dryRun: opts.dryRun });
  return { built, reused, wouldBuild, publish };
}
