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
import { indexIssues, type Match } from '../intake/match.js';
import { probeAudio } from '../media/probe.js';
import { openStore } from '../store/open.js';
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
  const published = await publishedIssueNumbers(config);
  const prepared: PreparedRecording[] = [];
  const byIssue = new Map<number, string>();
  for (const recording of recordings) {
    const info = await probeAudio(recording);
    const match = await findIssueFor(recording, info, config, index, published);
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

/** The build in `dir` if it was made from exactly these inputs and its files are intact. */
export async function reusableBuild(p: PreparedRecording, config: LoadedConfig): Promise<EpisodeReport | undefined> {
  let report: EpisodeReport;
  try {
    report = JSON.parse(await readFile(join(p.buildDir, 'episode.json'), 'utf8')) as EpisodeReport;
  } catch {
    return undefined;
  }
  if (report.source?.settings !== buildSettings(config)) return undefined;
  try {
    const audio = await stat(report.files.audio);
    if (audio.size !== report.audio.bytes) return undefined;
    const rec = await stat(p.recording);
    if (rec.size !== report.source.bytes) return undefined;
  } catch {
    return undefined;
  }
  const [recHash, issueHash] = await Promise.all([sha256File(p.recording), sha256File(p.issue.source)]);
  return recHash.sha256 === report.source.sha256 && issueHash.sha256 === report.source.issueSha256 ? report : undefined;
}

export interface PublishAllResult {
  built: string[];
  reused: string[];
  publish: PublishResult;
}

export async function publishAll(
  config: LoadedConfig,
  opts: { dryRun?: boolean; onStage?: (recording: string, stage: string) => void } = {},
): Promise<PublishAllResult> {
  const prepared = await prepareRecordings(config);
  const reports: EpisodeReport[] = [];
  const built: string[] = [];
  const reused: string[] = [];
  for (const p of prepared) {
    const cached = await reusableBuild(p, config);
    if (cached) {
      reports.push(cached);
      reused.push(p.recording);
      continue;
    }
    if (opts.dryRun) {
      throw new LetterpodError({
        file: p.recording,
        problem: 'not built yet, so a dry run cannot say what it would upload',
        fix: `Run letterpod build ${p.recording} first`,
      });
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
  const publish = await publishEpisodes(config, openStore(config), reports, { dryRun: opts.dryRun });
  return { built, reused, publish };
}
