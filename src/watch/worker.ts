/**
 * The build process of `letterpod watch`: one recording, in a child process that leads
 * its own process group (the watcher forks it detached), so that stopping the watcher —
 * or the watcher dying — takes the build down with every ffmpeg it started:
 *
 * - the watcher stops a build by killing the whole group;
 * - when the watcher dies (even by SIGKILL), the IPC channel closes and this process
 *   kills its own group at once.
 *
 * It finds the episode the recording is part of (intake/takes.ts listEpisodeSources: its
 * issue's takes — one recording, take-marked files, a take folder — and pickups), matches it
 * to its issue (name, tags, else listening: publish/find-issue; a set of takes by the number
 * its names carry), reuses the build folder when it was made from exactly these inputs
 * (publish/pipeline `buildState`: every take and pickup by name and sha256), and otherwise
 * empties the folder and builds into it (publish/pickups.ts buildFromPieces: the takes
 * joined, the pickups spliced in). A pickup's or a take's job is its episode's build. `buildEpisode`
 * writes episode.json last (atomically), so a build cut short leaves a folder without
 * one, which is never taken for a finished build.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../config/config.js';
import { episodeSlug } from '../episode/build.js';
import type { EpisodeReport } from '../episode/report.js';
import { LetterpodError } from '../errors.js';
import { describeFault } from '../faults.js';
import { sha256File } from '../hash.js';
import { listRecordings } from '../intake/files.js';
import { indexIssues } from '../intake/match.js';
import { listEpisodeSources, refusePickup, sourceOf, splitPickups, takeMark } from '../intake/takes.js';
import { issueNumberFromName } from '../newsletter/file-name.js';
import { buildFromPieces } from '../publish/pickups.js';
import { FfmpegError } from '../media/ffmpeg.js';
import { probeAudio } from '../media/probe.js';
import { pinMatch } from '../publish/ledger.js';
import { buildState } from '../publish/pipeline.js';
import { checkTake, checkTakeSet, confirmByListening, matchTake, matchTakeSet, takeContext } from '../publish/take.js';
import { stageRunner, type Stage } from '../stages/stage.js';
import { readManifest } from '../store/manifest.js';
import { openStore } from '../store/open.js';
import type { FailurePhase } from './journal.js';

export interface WorkerJob {
  /** The project root (the config file's folder). */
  root: string;
  configFile: string | undefined;
  recording: string;
  /** Issues other recordings in the folder stand for: issue number → their file name. */
  claimed: Record<string, string>;
}

export interface WorkerFailure {
  phase: FailurePhase;
  problem: string;
  fix: string;
  file?: string;
  message: string;
}

export type WorkerMessage =
  | { type: 'stage'; stage: Stage }
  | { type: 'matched'; issue: number; title: string; by: 'name' | 'tags' | 'listening'; buildDir: string }
  | { type: 'done'; report: EpisodeReport; reused: boolean; buildDir: string }
  | { type: 'failed'; failure: WorkerFailure };

/** A LetterpodError (or any error) as a failure the watcher can journal and explain. */
export function describeFailure(error: unknown, phase: FailurePhase, recording: string): WorkerFailure {
  if (error instanceof LetterpodError) {
    return { phase, problem: error.problem, fix: error.fix, ...(error.file ? { file: error.file } : {}), message: error.message };
  }
  if (error instanceof FfmpegError) {
    const tail = error.stderrTail.trim().split('\n').pop() ?? '';
    return {
      phase,
      problem: `${error.message}${tail ? ` (${tail})` : ''}`,
      fix: 'Check the recording: export it again as WAV or FLAC',
      file: recording,
      message: error.message,
    };
  }
  const fault = describeFault(error);
  if (fault) return { phase, problem: fault.problem, fix: fault.fix, file: recording, message: `${fault.problem}. ${fault.fix}` };
  const message = (error as Error)?.message ?? String(error);
  return {
    phase,
    problem: `unexpected error: ${message}`,
    fix: 'Run `LETTERPOD_DEBUG=1 letterpod build` on the recording to see more, and report it if it persists',
    file: recording,
    message,
  };
}

/**
 * The recording a pickup job is applied to: the one of the pickup's issue in `claimed`,
 * else the one recording beside it whose name carries that issue's number (undefined for a
 * job that is not a pickup). A pickup whose issue has no recording here is refused
 * (intake/takes.ts refusePickup).
 */
async function pickupMain(job: WorkerJob): Promise<string | undefined> {
  if (takeMark(job.recording).role !== 'pickup') return undefined;
  const issue = issueNumberFromName(basename(job.recording));
  let main = issue === undefined ? undefined : job.claimed[String(issue)];
  if (main === undefined && issue !== undefined) {
    const named = splitPickups(await listRecordings(dirname(job.recording))).recordings.filter((r) => issueNumberFromName(basename(r)) === issue);
    if (named.length === 1) main = basename(named[0]);
  }
  if (main === undefined) refusePickup(job.recording);
  return join(dirname(job.recording), main!);
}

async function run(job: WorkerJob, send: (m: WorkerMessage) => Promise<void>): Promise<void> {
  let phase: FailurePhase = 'internal';
  try {
    const config = await loadConfig(job.configFile, job.root);
    const dir = resolve(config.resolved.recordings);
    // the watcher journals each stage as it starts
    const stages = stageRunner({ subject: job.recording, onEvent: (e) => e.type === 'start' && void send({ type: 'stage', stage: e.stage }) });
    phase = 'probe';
    let main = job.recording;
    const { take, ctx, source } = await stages.run('match', async () => {
      await probeAudio(job.recording);
      phase = 'match';
      // the episode this file is part of: its issue's takes (one recording, take-marked
      // files, a take folder) and pickups; a pickup is applied to the episode of its issue
      const listing = await listEpisodeSources(dir, await listRecordings(dir));
      let source = sourceOf(listing, job.recording);
      // a file of a take folder that cannot be used (no issue number, several issues) fails with the folder's problem
      const folderProblem = listing.folderProblems.find((f) => dirname(job.recording) === f.file);
      if (folderProblem) throw new LetterpodError(folderProblem);
      if (!source) {
        main = (await pickupMain(job)) ?? job.recording;
        source = sourceOf(listing, main);
      }
      const index = await indexIssues(config.resolved.newsletters);
      // pinned takes (the manifest's sources, .letterpod/matches.json) are never re-identified;
      // listening is only among issues neither published, pinned, nor read by another recording here
      const manifest = await readManifest(openStore(config)).catch(() => undefined);
      const ctx = await takeContext(config, index, manifest?.manifest);
      ctx.claimed = new Set(Object.keys(job.claimed).map(Number));
      if (source && source.kind !== 'file') return { take: await matchTakeSet(source, ctx), ctx, source, listing };
      if (source) main = source.takes[0]!;
      return { take: await matchTake(main, ctx), ctx, source, listing };
    });
    const match = take;
    const other = job.claimed[String(match.issue.number)];
    const ours = new Set([...(source?.takes ?? [main]), ...(source?.pickups ?? [])].map((f) => relative(dir, f)));
    if (other && !ours.has(other) && (main === job.recording || ours.has(relative(dir, job.recording)))) {
      throw new LetterpodError({
        file: job.recording,
        problem: `issue #${match.issue.number} already has the recording ${other}`,
        fix: `Keep one reading per issue in recordings/: move one of them out, drop a corrected take under the same name as ${other}, or name both after the issue (an-${match.issue.number}-a.wav, an-${match.issue.number}-b.wav) so that they are joined as its takes`,
      });
    }
    const buildDir = join(config.resolved.build, episodeSlug(match.issue));
    await send({ type: 'matched', issue: match.issue.number, title: match.issue.title, by: match.by, buildDir });

    phase = 'build';
    const takes = 'takes' in take ? take.takes.map((t) => t.file) : [main];
    // the pickups of the issue: beside its takes, or (a recording matched by tags or listening) named for its number
    const pickups = source?.issue !== undefined ? source.pickups : splitPickups(await listRecordings(dir)).pickups.get(match.issue.number) ?? [];
    const recording = source?.path ?? main;
    const state = await buildState({ recording, issue: match.issue, buildDir, takes, pickups }, config);
    const pin = async () => {
      const at = new Date().toISOString();
      if ('takes' in take) for (const t of take.takes) await pinMatch(config.root, t.sha256, { issue: match.issue.number, by: take.by, name: basename(t.file), at });
      else await pinMatch(config.root, take.sha256, { issue: match.issue.number, by: take.by, name: basename(main), at });
    };
    if (state.state === 'current') {
      await pin();
      await send({ type: 'done', report: state.report, reused: true, buildDir });
      return;
    }
    const before = await stages.run('check', async () => {
      if ('takes' in take) {
        phase = 'probe';
        return checkTakeSet(take);
      }
      phase = 'match';
      await confirmByListening(take, ctx, (await sha256File(match.issue.source)).sha256);
      phase = 'probe';
      return checkTake(take);
    });
    phase = 'build';
    // start from an empty folder: no file of an earlier or interrupted build survives into this one
    await rm(buildDir, { recursive: true, force: true });
    const report = await buildFromPieces({
      takes,
      pickups,
      issue: match.issue,
      outDir: buildDir,
      config,
      warnings: before,
      onEvent: (e) => e.type === 'start' && void send({ type: 'stage', stage: e.stage }),
    });
    await pin();
    await send({ type: 'done', report, reused: false, buildDir });
  } catch (error) {
    await send({ type: 'failed', failure: describeFailure(error, phase, job.recording) });
  }
}

function killOwnGroup(): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // not a group leader (run by hand): at least this process goes
  }
  process.exit(1);
}

if (process.send && process.argv[2] === '--letterpod-watch-worker') {
  let finished = false;
  process.on('disconnect', () => {
    if (!finished) killOwnGroup();
  });
  const send = (m: WorkerMessage) =>
    new Promise<void>((resolve) => {
      if (!process.connected) return resolve();
      process.send!(m, undefined, {}, () => resolve());
    });
  process.once('message', (job: WorkerJob) => {
    void run(job, send).then(() => {
      finished = true;
      process.exit(0);
    });
  });
}
