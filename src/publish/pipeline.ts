/**
 * The producer's pipeline over folders: find recordings, match each to its issue, build
 * what is new or changed (reusing builds whose inputs are unchanged), publish to the store.
 * Each recording succeeds or fails on its own: the good ones are published, each failure
 * or held take is named with its fix (publishAll).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { checkConfigFiles, type LoadedConfig } from '../config/config.js';
import { buildSettings, episodeSlug } from '../episode/build.js';
import { sha256File } from '../hash.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { describeFault } from '../faults.js';
import { listIssueFiles, listRecordings, listUnsupported, unsupportedReason } from '../intake/files.js';
import { recordingIssueNumber, type IssueIndex, type Match } from '../intake/match.js';
import { FfmpegError } from '../media/ffmpeg.js';
import { probeAudio } from '../media/probe.js';
import { readIssue } from '../newsletter/index.js';
import type { Issue } from '../newsletter/types.js';
import { LocalStore } from '../store/local.js';
import { readManifest } from '../store/manifest.js';
import { openStore } from '../store/open.js';
import type { ObjectStore } from '../store/store.js';
import { stageRunner, type StageListener } from '../stages/stage.js';
import { listEpisodeSources, refusePickup, type EpisodeSource } from '../intake/takes.js';
import { buildFromPieces, piecesOutdated } from './pickups.js';
import { appliedCorrections, correctionsCurrent, reapplyCorrections } from '../episode/apply-corrections.js';
import { isApproved, pinMatch } from './ledger.js';
import { publishEpisodes, type PublishResult } from './protocol.js';
import { checkTake, checkTakeSet, confirmByListening, HeldError, matchTake, matchTakeSet, takeContext, type Take, type TakeSet } from './take.js';

export interface PreparedRecording extends Match {
  slug: string;
  buildDir: string;
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
  p: { recording: string; issue: { source: string }; buildDir: string; pickups?: readonly string[]; takes?: readonly string[] },
  config: LoadedConfig,
): Promise<BuildState> {
  const pickups = p.pickups ?? [];
  const takes = p.takes ?? [p.recording];
  const report = await readBuildReport(p.buildDir);
  if (!report) return { state: 'missing', why: `no build in ${p.buildDir}` };
  if (report.source.settings !== buildSettings(config)) return { state: 'outdated', why: 'the build settings changed', report };
  try {
    const audio = await stat(report.files.audio);
    if (audio.size !== report.audio.bytes) return { state: 'outdated', why: 'its audio file was changed', report };
  } catch {
    return { state: 'outdated', why: 'its audio file is missing', report };
  }
  if (report.pieces?.length || pickups.length || takes.length > 1) {
    // built from pieces (or to be): every piece by name and sha256
    const why = report.pieces?.length
      ? await piecesOutdated(report, takes, pickups)
      : pickups.length
        ? `the pickup${pickups.length > 1 ? 's' : ''} ${pickups.map((f) => basename(f)).join(', ')} ${pickups.length > 1 ? 'are' : 'is'} new`
        : `it was built from ${basename(report.recording)} alone; the takes are ${takes.map((f) => basename(f)).join(', ')}`;
    if (why) return { state: 'outdated', why, report };
    const issue = await sha256File(p.issue.source).catch(() => undefined);
    if (issue?.sha256 !== report.source.issueSha256) return { state: 'outdated', why: 'the issue text changed', report };
    return { state: 'current', report };
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

/** What became of one recording in a publish. */
export type RecordingOutcome =
  | {
      recording: string;
      status: 'ready';
      issue: number;
      by: Match['by'];
      built: boolean;
      warnings: string[];
      /** Approved with `letterpod approve` (it had warnings, or review is always required). */
      approved: boolean;
      /** Pickups in recordings/ spliced into the episode. */
      pickups?: string[];
      /** The takes joined into the episode (several files of one issue, or a take folder). */
      takes?: string[];
    }
  | { recording: string; status: 'held'; issue: number; problem: string; fix: string; warnings: string[] }
  | { recording: string; status: 'failed'; issue?: number; problem: string; fix: string; message: string }
  /** Dry run: would be built first. */
  | { recording: string; status: 'would-build'; issue: number; why: string; pickups?: string[]; takes?: string[] };

export interface PublishAllResult {
  built: string[];
  reused: string[];
  /** Dry run only: recordings that a publish would build first (their objects are not in the plan). */
  wouldBuild: { recording: string; issue: number; why: string }[];
  /** Every recording, in folder order, with what became of it. */
  recordings: RecordingOutcome[];
  /** Files in recordings/ that are not recordings (listed, never silently skipped). */
  unsupported: { file: string; problem: string }[];
  /** Issue texts that cannot be read (a recording that needs one fails too). */
  issueProblems: { file: string; problem: string }[];
  /** The store's publish; undefined when nothing could be published (every recording failed or was held). */
  publish: PublishResult | undefined;
  /** Recordings that failed or were held: the command exits 1 when any. */
  failed: number;
  held: number;
}

/** Why an episode needs the producer's approval before it goes out, or undefined. */
export function reviewReason(config: LoadedConfig, report: EpisodeReport): string | undefined {
  const mode = config.review.required;
  if (mode === 'none') return undefined;
  if (mode === 'always') return 'review.required is "always"';
  const n = report.warnings.length;
  return n ? `${n} warning${n === 1 ? '' : 's'} to review` : undefined;
}

function failure(recording: string, error: unknown, issue?: number): Extract<RecordingOutcome, { status: 'failed' }> {
  if (error instanceof LetterpodError) return { recording, status: 'failed', ...(issue !== undefined ? { issue } : {}), problem: error.problem, fix: error.fix, message: error.message };
  const fault = describeFault(error);
  if (fault) return { recording, status: 'failed', ...(issue !== undefined ? { issue } : {}), problem: fault.problem, fix: fault.fix, message: `${recording}: ${fault.problem}. ${fault.fix}` };
  if (error instanceof FfmpegError) {
    const tail = error.stderrTail.trim().split('\n').pop() ?? '';
    const problem = `ffmpeg could not process it (${tail || error.message})`;
    const fix = 'Export it again as WAV or FLAC';
    return { recording, status: 'failed', ...(issue !== undefined ? { issue } : {}), problem, fix, message: `${recording}: ${problem}. ${fix}` };
  }
  throw error;
}

/** Issue texts, each on its own: one that cannot be read is a problem of that file only. */
async function indexIssuesEach(dir: string): Promise<{ index: IssueIndex; problems: { file: string; problem: string }[] }> {
  const byNumber = new Map<number, Issue>();
  const problems: { file: string; problem: string }[] = [];
  for (const file of await listIssueFiles(dir)) {
    try {
      const issue = await readIssue(file);
      const other = byNumber.get(issue.number);
      if (other) problems.push({ file, problem: `issue #${issue.number} is also in ${basename(other.source)}: keep one text per issue in newsletters/` });
      else byNumber.set(issue.number, issue);
    } catch (error) {
      if (!(error instanceof LetterpodError)) throw error;
      problems.push({ file, problem: `${error.problem}. ${error.fix}` });
    }
  }
  return { index: { dir, byNumber }, problems };
}

/**
 * Publish every recording in recordings/: each succeeds or fails on its own. A take is
 * matched (pinned, named and confirmed, or by listening), checked (complete, plausible),
 * built or reused; one that needs review waits for `letterpod approve`. The good ones are
 * published together; failures and held takes are named with their fix.
 */
export async function publishAll(
  config: LoadedConfig,
  opts: {
    dryRun?: boolean;
    onEvent?: StageListener;
    store?: ObjectStore;
    /** Match, check and build (or reuse) and decide who is held, but publish nothing (`letterpod review`). */
    buildOnly?: boolean;
    /** Only this issue's take, or only this recording (the others are left as they are, unlisted). */
    only?: { issue?: number; recording?: string };
  } = {},
): Promise<PublishAllResult> {
  await checkConfigFiles(config);
  const store = opts.store ?? openStore(config);
  // stale temp files and locks of killed publishes go first
  if (!opts.dryRun && store instanceof LocalStore) await store.removeStaleTemps();
  // Read the store before building: wrong credentials or a missing bucket should not wait for minutes of mastering.
  const loaded = await readManifest(store);
  const onlyRecording = opts.only?.recording === undefined ? undefined : resolve(opts.only.recording);
  // one episode per issue: its takes (one recording, take-marked files, a take folder) with its pickups
  const listing = await listEpisodeSources(config.resolved.recordings, await listRecordings(config.resolved.recordings));
  const isOnly = (s: EpisodeSource) => onlyRecording === undefined || [s.path, ...s.takes].some((f) => resolve(f) === onlyRecording);
  const sources = listing.sources.filter(isOnly);
  const unsupported = (await listUnsupported(config.resolved.recordings)).map((file) => ({ file, problem: unsupportedReason(basename(file)) }));
  const { index, problems: issueProblems } = await indexIssuesEach(config.resolved.newsletters);
  const ctx = await takeContext(config, index, loaded?.manifest);
  const result: PublishAllResult = { built: [], reused: [], wouldBuild: [], recordings: [], unsupported, issueProblems, publish: undefined, failed: 0, held: 0 };
  const reports: EpisodeReport[] = [];
  const byIssue = new Map<number, string>();
  const claimed = new Set<number>();
  ctx.claimed = claimed;
  for (const f of listing.folderProblems) {
    if (onlyRecording !== undefined && resolve(f.file) !== onlyRecording) continue;
    result.recordings.push(failure(f.file, new LetterpodError(f)));
  }
  // takes matched by name or pin first, so listening knows which issues they stand for
  const takes: { source: EpisodeSource; error?: unknown }[] = [];
  for (const source of sources) {
    try {
      if (source.kind === 'file') {
        const info = await probeAudio(source.path);
        const n = recordingIssueNumber(source.path, info);
        if (n) claimed.add(n.number);
      } else claimed.add(source.issue!);
      takes.push({ source });
    } catch (error) {
      takes.push({ source, error });
    }
  }
  for (const t of takes) {
    const { source } = t;
    const recording = source.path;
    if (t.error) {
      result.recordings.push(failure(recording, t.error));
      continue;
    }
    let issueNumber: number | undefined;
    const stages = stageRunner({ subject: recording, onEvent: opts.onEvent });
    try {
      // one recording (named, tagged, pinned or found by listening), or the takes of one issue (by their names)
      const take: Take | TakeSet = await stages.run('match', (): Promise<Take | TakeSet> => (source.kind === 'file' ? matchTake(recording, ctx) : matchTakeSet(source, ctx)));
      issueNumber = take.issue.number;
      if (opts.only?.issue !== undefined && issueNumber !== opts.only.issue) continue;
      const other = byIssue.get(issueNumber);
      if (other) {
        throw new LetterpodError({
          file: recording,
          problem: `issue #${issueNumber} already has the recording ${basename(other)}`,
          fix: 'Keep one reading per issue in recordings/ (move the other out), or name both after the issue so that they are taken as its takes (an-102-a.wav, an-102-b.wav)',
        });
      }
      byIssue.set(issueNumber, recording);
      claimed.add(issueNumber);
      const slug = episodeSlug(take.issue);
      const p: PreparedRecording = { recording, issue: take.issue, by: take.by, slug, buildDir: join(config.resolved.build, slug) };
      const files = 'takes' in take ? take.takes.map((x) => x.file) : [recording];
      // a recording matched by tags, a pin or listening: the pickups named for the issue it was matched to
      const pickups = source.issue !== undefined ? source.pickups : listing.lonePickups.filter((x) => x.issue === issueNumber).map((x) => x.file);
      const pieces = { ...(files.length > 1 || source.folder ? { takes: files } : {}), ...(pickups.length ? { pickups } : {}) };
      const state = await buildState({ ...p, takes: files, pickups }, config);
      let report: EpisodeReport;
      let built = false;
      if (state.state === 'current') {
        report = state.report;
        // a new or changed corrections file: the chapters, transcript, notes and ID3 tag are
        // rewritten, the audio is reused as it is (no re-master)
        if (!opts.dryRun && !(await correctionsCurrent(report, take.issue))) report = await reapplyCorrections(p.buildDir, take.issue, config.feed.chapterTitles);
        result.reused.push(recording);
      } else {
        const issueSha = (await sha256File(take.issue.source)).sha256;
        const before = await stages.run('check', async () => {
          if ('takes' in take) return checkTakeSet(take);
          await confirmByListening(take, ctx, issueSha);
          return checkTake(take);
        });
        if (opts.dryRun) {
          result.wouldBuild.push({ recording, issue: issueNumber, why: state.why });
          result.recordings.push({ recording, status: 'would-build', issue: issueNumber, why: state.why, ...pieces });
          continue;
        }
        report = await buildFromPieces({
          takes: files,
          pickups,
          issue: take.issue,
          outDir: p.buildDir,
          config,
          warnings: before,
          onEvent: opts.onEvent,
        });
        built = true;
        result.built.push(recording);
      }
      if (!opts.dryRun) {
        const at = new Date().toISOString();
        if ('takes' in take) for (const x of take.takes) await pinMatch(config.root, x.sha256, { issue: issueNumber, by: take.by, name: basename(x.file), at });
        else await pinMatch(config.root, take.sha256, { issue: issueNumber, by: take.by, name: basename(recording), at });
      }
      const published = loaded?.manifest.episodes.find((e) => e.number === issueNumber);
      const alreadyOut = published !== undefined && published.audio?.sha256 === report.audio.sha256;
      const why = alreadyOut ? undefined : reviewReason(config, report);
      const approved = why !== undefined && (await isApproved(config.root, issueNumber, report.source.sha256, report.source.issueSha256, appliedCorrections(report)));
      if (why && !approved) {
        result.recordings.push({
          recording,
          status: 'held',
          issue: issueNumber,
          problem: `#${issueNumber} waits for review (${why})`,
          fix: `Review it (letterpod review ${issueNumber}) or listen to ${report.files.audio} (chapters in ${report.files.chapters}), then: letterpod approve ${issueNumber}`,
          warnings: report.warnings,
        });
        continue;
      }
      reports.push(report);
      result.recordings.push({ recording, status: 'ready', issue: issueNumber, by: take.by, built, warnings: report.warnings, approved, ...pieces });
    } catch (error) {
      if (error instanceof HeldError) {
        result.recordings.push({ recording, status: 'held', issue: error.issue, problem: error.problem, fix: error.fix, warnings: [] });
        continue;
      }
      result.recordings.push(failure(recording, error, issueNumber));
    }
  }
  // a pickup whose issue has no recording here has nothing to be spliced into
  for (const { file: pickup, issue: n } of listing.lonePickups) {
    if (n !== undefined && byIssue.has(n)) continue;
    if (opts.only?.issue !== undefined && n !== opts.only.issue) continue;
    if (onlyRecording !== undefined && resolve(pickup) !== onlyRecording) continue;
    try {
      refusePickup(pickup);
    } catch (error) {
      result.recordings.push(failure(pickup, error, n));
    }
  }
  result.failed = result.recordings.filter((r) => r.status === 'failed').length + issueProblems.length;
  result.held = result.recordings.filter((r) => r.status === 'held').length;
  // nothing good and something bad: the store is left alone
  const anyGood = result.recordings.some((r) => r.status === 'ready' || r.status === 'would-build');
  if (opts.buildOnly) return result;
  if (anyGood || result.recordings.length === 0) {
    const pending = result.wouldBuild.map((w) => w.issue);
    result.publish = await stageRunner({ subject: store.description, onEvent: opts.onEvent }).run('publish', () =>
      publishEpisodes(config, store, reports, { dryRun: opts.dryRun, pending }),
    );
  }
  return result;
}
