/**
 * `letterpod watch`: recordings/ as the narrator's drop folder.
 *
 * - chokidar reports files in recordings/ and its take folders (`recordings/an-102/`) that
 *   intake/files.ts takes for recordings (partial downloads, temp files, hidden files and
 *   our sidecars never are); each is processed once it is complete (settle.ts: size and
 *   mtime unchanged for `watch.settleSeconds`) and so are the other pieces of its episode
 *   (the files of its take folder, its issue's take-marked files and pickups): the worker
 *   builds the episode from all of them, so a take or pickup added later rebuilds it, and
 *   one removed rebuilds it without.
 * - A complete file whose content (sha256) is new under its name is queued in arrival
 *   order (queue.ts) and processed one at a time: matched and built in a worker process
 *   (worker.ts), then — with `watch.autoPublish` — published with the publish protocol
 *   (content objects, manifest, feed last), which keeps the episode's GUID per issue.
 * - Every state change is written to the journal (journal.ts); a failure also writes a
 *   sidecar beside the recording (sidecar.ts), removed when the recording goes through.
 * - Stopping (SIGINT/SIGTERM) kills a build in progress with all its processes and lets a
 *   publish in progress finish; the interrupted recording is `waiting` in the journal.
 *   Starting again (also after a kill -9) re-queues `waiting` and `processing` entries
 *   and picks up every file that arrived or changed meanwhile.
 *
 * The chokidar wiring is folders.ts, the arrival order arrivals.ts, the journal entry's
 * moves between states transitions.ts; this file decides when each happens.
 *
 * Recordings are only ever read.
 */
import type { FSWatcher } from 'chokidar';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { sha256File } from '../hash.js';
import { isCandidateRecording, isIgnoredFile, listRecordings, listUnsupported, unsupportedReason } from '../intake/files.js';
import { isApproved } from '../publish/ledger.js';
import { reviewReason } from '../publish/pipeline.js';
import { builtFrom } from '../publish/pickups.js';
import { listTakeFolderRecordings, takeMark } from '../intake/takes.js';
import { issueNumberFromName } from '../newsletter/file-name.js';
import { publishEpisodes } from '../publish/protocol.js';
import { openStore } from '../store/open.js';
import { arrivalOf, Arrivals, type Arrival } from './arrivals.js';
import { watchIssues, watchRecordings } from './folders.js';
import { describeFailure, type WorkerFailure, type WorkerMessage } from './worker.js';
import { killStaleWorker, startWorker, type WorkerRun } from './job.js';
import { Journal, type BuiltEntry, type FailurePhase, type JournalEntry, type ProcessingEntry, type PublishedEntry } from './journal.js';
import type { EpisodeReport } from '../episode/report.js';
import { acquireWatchLock } from './lock.js';
import type { LogFields, WatchLog } from './log.js';
import { ArrivalQueue } from './queue.js';
import { SettleDetector, sameSnapshot, snapshotOf, type FileSnapshot } from './settle.js';
import { removeSidecar, writeSidecar } from './sidecar.js';
import {
  isoNow,
  newTake,
  toBuilt,
  toFailed,
  toProcessing,
  toPublished,
  toRebuild,
  touchedTake,
  toWaiting,
  updated,
  withBuild,
  withoutSidecar,
  workerGone,
  type BuiltProcessingEntry,
  type ProcessingUpdate,
  type QueueableEntry,
} from './transitions.js';

export interface WatcherOptions {
  config: LoadedConfig;
  log: WatchLog;
  /** Override config.watch.settleSeconds. */
  settleSeconds?: number;
  /** Override config.watch.autoPublish. */
  autoPublish?: boolean;
  /** The worker module (default: worker.js beside this file). */
  workerPath?: string;
}

interface Current {
  name: string;
  run: WorkerRun | undefined;
  phase: 'build' | 'publish';
  /** The file changed or disappeared while it was processed. */
  changed: boolean;
}

/** Failure phases retried at start-up with the file unchanged (the cause may be outside the recording). */
const RETRY_AT_START: ReadonlySet<FailurePhase> = new Set(['match', 'publish', 'internal']);

/**
 * The episode a recording's name puts it in with others: its take folder's, or the issue
 * number its name carries (take-marked files and pickups of one issue go together);
 * undefined for a name without a number at the top of recordings/.
 */
export function episodeGroup(name: string): string | undefined {
  const slash = name.indexOf('/');
  const top = slash >= 0 ? name.slice(0, slash) : name;
  const issue = issueNumberFromName(top);
  if (issue !== undefined) return `#${issue}`;
  return slash >= 0 ? `${top}/` : undefined;
}

function mb(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1000))} KB`;
}

export class RecordingWatcher {
  readonly config: LoadedConfig;
  readonly settleSeconds: number;
  readonly autoPublish: boolean;
  readonly recordingsDir: string;
  private readonly log: WatchLog;
  private readonly workerPath: string | undefined;
  private journal!: Journal;
  private releaseLock: (() => Promise<void>) | undefined;
  private readonly settle: SettleDetector;
  private readonly queue = new ArrivalQueue();
  /** Takes seen but not yet queued: when they were first seen, and when they arrived. */
  private readonly arrivals = new Arrivals();
  private recordingsWatcher: FSWatcher | undefined;
  private issuesWatcher: FSWatcher | undefined;
  private ready = false;
  private readonly initial: string[] = [];
  private current: Current | undefined;
  private processing: Promise<void> = Promise.resolve();
  private pumpTimer: NodeJS.Timeout | undefined;
  private issuesTimer: NodeJS.Timeout | undefined;
  private readonly unlinkTimers = new Map<string, NodeJS.Timeout>();
  /** Per name: the completion being handled (hashing), so two do not race. */
  private readonly completing = new Map<string, Promise<void>>();
  private stopping = false;
  private idle = true;
  /** Resolves when the initial scan is done and its files are settling. */
  private readyPromise: Promise<void> | undefined;
  /** Recordings waiting from before this start (announced once the folder is watched). */
  private resumedAtStart = 0;

  constructor(opts: WatcherOptions) {
    this.config = opts.config;
    this.log = opts.log;
    this.workerPath = opts.workerPath;
    this.settleSeconds = opts.settleSeconds ?? opts.config.watch.settleSeconds;
    this.autoPublish = opts.autoPublish ?? opts.config.watch.autoPublish;
    this.recordingsDir = resolve(opts.config.resolved.recordings);
    this.settle = new SettleDetector({
      settleMs: this.settleSeconds * 1000,
      onComplete: (path, snapshot) => this.completed(path, snapshot),
      onGone: (path) => this.arrivals.delete(this.nameOf(path)),
      onEmpty: (path) => {
        this.arrivals.delete(this.nameOf(path));
        this.emit('warning', this.nameOf(path), `${this.nameOf(path)} is empty: waiting for its content`);
      },
    });
  }

  /** A recording's name in the journal: its path in recordings/ (`an-102.wav`, or `an-102/a.wav` in a take folder). */
  private nameOf(path: string): string {
    return relative(this.recordingsDir, resolve(path)).split(sep).join('/');
  }

  private emit(event: Parameters<WatchLog['event']>[0], recording: string | undefined, message: string, fields: LogFields = {}): void {
    this.log.event(event, message, { ...(recording ? { recording } : {}), ...fields });
  }

  /** Take the project, read the journal, re-queue what was interrupted and start watching. */
  async start(): Promise<void> {
    const root = this.config.root;
    this.releaseLock = await acquireWatchLock(root);
    try {
      this.journal = await Journal.open(root, (error) => this.emit('warning', undefined, `could not write the journal: ${error.message}`));
      await mkdir(this.recordingsDir, { recursive: true });
      let resumed = 0;
      for (const entry of this.journal.entries()) {
        if (entry.state === 'processing') {
          killStaleWorker(entry.workerPid);
          this.journal.set(toWaiting(entry, 'interrupted (the watcher stopped): resumed'));
          resumed++;
        } else if (entry.state === 'waiting') resumed++;
      }
      await this.journal.save();
      this.resumedAtStart = resumed;

      this.readyPromise = new Promise<void>((resolveReady, reject) => {
        const dir = this.recordingsDir;
        this.recordingsWatcher = watchRecordings(dir, {
          raw: (name) => {
            // the kernel's order of events: the arrival order of a burst
            if (!this.ready || this.stopping) return;
            if (isCandidateRecording(basename(name))) this.arrivals.note(name);
            else void this.noteUnsupported(join(dir, name));
          },
          add: (path) => this.seen(path, 'add'),
          change: (path) => this.seen(path, 'change'),
          unlink: (path) => this.unlinked(path),
          ready: () => void this.initialScanDone().then(resolveReady, reject),
          error: (error) => this.emit('warning', undefined, `watching ${dir}: ${error.message}`),
        });
      });
      await this.readyPromise;

      const issuesDir = this.config.resolved.newsletters;
      const issuesChanged = () => {
        if (this.issuesTimer) clearTimeout(this.issuesTimer);
        this.issuesTimer = setTimeout(() => {
          this.issuesTimer = undefined;
          this.retryFailed('newsletters/ changed', new Set(['match', 'build', 'internal']));
        }, Math.max(1000, this.settleSeconds * 1000));
      };
      this.issuesWatcher = watchIssues(issuesDir, issuesChanged, (error) => this.emit('warning', undefined, `watching ${issuesDir}: ${error.message}`));
    } catch (error) {
      await this.closeWatchers();
      await this.releaseLock?.();
      throw error;
    }
  }

  /** Files in recordings/ that are not recordings, already listed. */
  private readonly unsupportedSeen = new Set<string>();

  /** A file in recordings/ that is not a recording: listed once, never silently ignored. */
  private async noteUnsupported(path: string): Promise<void> {
    const name = this.nameOf(path);
    if (isIgnoredFile(basename(path)) || this.unsupportedSeen.has(name)) return;
    try {
      if (!(await stat(path)).isFile()) return;
    } catch {
      return;
    }
    this.unsupportedSeen.add(name);
    this.emit('unsupported', name, `${name}: ${unsupportedReason(name)}`);
  }

  /** After the initial scan: journal entries whose file is gone are dropped; the files found settle, by birth time. */
  private async initialScanDone(): Promise<void> {
    for (const path of await listUnsupported(this.recordingsDir)) await this.noteUnsupported(path);
    // chokidar reads the folder before it starts watching it: a recording that arrived in
    // between is in neither its scan nor its events, but it is in the folder now
    const reported = new Set(this.initial.map((p) => this.nameOf(p)));
    const onDisk = [...(await listRecordings(this.recordingsDir)), ...(await listTakeFolderRecordings(this.recordingsDir))];
    for (const path of onDisk) if (!reported.has(this.nameOf(path))) this.initial.push(path);
    const found: string[] = [];
    for (const path of this.initial) {
      const name = this.nameOf(path);
      try {
        const st = await stat(path);
        this.arrivals.found(name, arrivalOf(this.journal.get(name), st));
        found.push(path);
      } catch {
        // gone meanwhile
      }
    }
    this.initial.length = 0;
    const names = new Set(found.map((p) => this.nameOf(p)));
    for (const entry of this.journal.entries()) {
      if (!names.has(entry.name)) await this.forgetRecording(entry.name, join(this.recordingsDir, entry.name), 'is no longer in recordings/');
    }
    // only now is a file dropped in seen as it arrives, in the order it arrives: say so now
    // (a burst dropped before this goes by birth times, which can tie)
    this.emit(
      'watching',
      undefined,
      `watching ${this.recordingsDir} (complete after ${this.settleSeconds} s unchanged; ${this.autoPublish ? 'publishing each build' : 'building; publish with `letterpod publish`'})`,
      { dir: this.recordingsDir, settleSeconds: this.settleSeconds, autoPublish: this.autoPublish, pid: process.pid },
    );
    const resumed = this.resumedAtStart;
    if (resumed) this.emit('resumed', undefined, `${resumed} recording${resumed === 1 ? '' : 's'} waiting from before: resuming`, { count: resumed });
    this.ready = true;
    for (const path of found) this.seen(path, 'add');
  }

  /** chokidar saw a candidate appear or change. */
  private seen(path: string, kind: 'add' | 'change'): void {
    if (this.stopping) return;
    if (!this.ready) {
      this.initial.push(path);
      return;
    }
    const name = this.nameOf(path);
    const pending = this.unlinkTimers.get(name);
    if (pending) {
      clearTimeout(pending);
      this.unlinkTimers.delete(name);
    }
    const arrival = this.arrivals.note(name);
    if (kind === 'add' && !arrival.logged && !this.journal.get(name)) {
      arrival.logged = true;
      this.emit('seen', name, `${name} appeared: waiting until it is complete`);
    }
    if (this.current?.name === name) void this.checkCurrentChanged(path);
    this.queue.remove(name);
    this.settle.touch(path);
  }

  /** The recording being processed was written to: when its content really changed, stop building the old one. */
  private async checkCurrentChanged(path: string): Promise<void> {
    const current = this.current;
    const entry = this.journal.get(this.nameOf(path));
    if (!current || !entry) return;
    const now = await stat(path).then(snapshotOf, () => undefined);
    if (now && sameSnapshot(now, entry)) return;
    if (this.current !== current) return;
    current.changed = true;
    if (current.phase === 'build' && current.run) {
      this.emit('interrupted', current.name, `${current.name} changed while it was being built: starting over when the new take is complete`);
      current.run.abort();
    }
  }

  private unlinked(path: string): void {
    const name = this.nameOf(path);
    this.settle.forget(path);
    this.queue.remove(name);
    this.arrivals.delete(name);
    const old = this.unlinkTimers.get(name);
    if (old) clearTimeout(old);
    // a replace by rename shows up as unlink + add: decide a moment later
    this.unlinkTimers.set(
      name,
      setTimeout(() => {
        this.unlinkTimers.delete(name);
        void stat(path).then(
          () => this.seen(path, 'add'),
          async () => {
            if (this.current?.name === name) {
              this.current.changed = true;
              this.current.run?.abort();
            }
            const gone = this.journal.get(name);
            await this.forgetRecording(name, path, 'was removed from recordings/');
            this.retryFailed(`${name} was removed`, new Set(['match']));
            // a pickup's (or a take's) episode is built again without it (the original, when it was the only pickup)
            if (gone?.issue !== undefined && (takeMark(name).role === 'pickup' || episodeGroup(name) !== undefined)) this.rebuildIssue(gone.issue, `${name} was removed`);
          },
        );
      }, 500),
    );
  }

  /**
   * Queue a recording of issue `issue` (built or published) to be built again: a pickup or
   * a take of it went. One job builds the episode from all its pieces in recordings/, so
   * nothing is queued when one of them is queued (or settling) already.
   */
  private rebuildIssue(issue: number, reason: string): void {
    if (this.stopping) return;
    const takes = this.journal.entries().filter((e) => e.issue === issue && takeMark(e.name).role !== 'pickup');
    if (takes.some((e) => this.queue.has(e.name) || this.settle.isSettling(e.path))) return;
    for (const entry of takes) {
      if (entry.state !== 'built' && entry.state !== 'published') continue;
      if (this.current?.name === entry.name) continue;
      this.emit('queued', entry.name, `${reason}: building #${issue} again from ${entry.name}`, { issue });
      const waiting = toRebuild(entry, reason);
      this.journal.set(waiting);
      void this.journal.save();
      this.enqueue(waiting);
      return;
    }
  }

  /** Drop a recording that is gone from the journal, with its sidecar. */
  private async forgetRecording(name: string, path: string, why: string): Promise<void> {
    const entry = this.journal.get(name);
    if (!entry) return;
    this.journal.delete(name);
    await this.journal.save();
    let sidecar = false;
    try {
      sidecar = await removeSidecar(path);
    } catch {
      // leave it
    }
    this.emit('removed', name, `${name} ${why}${sidecar ? '; its error note was removed' : ''}`, { state: entry.state });
  }

  /** The settle detector found `path` complete. */
  private completed(path: string, snapshot: FileSnapshot): void {
    const name = this.nameOf(path);
    const before = this.completing.get(name) ?? Promise.resolve();
    const next = before
      .then(() => this.handleComplete(name, path, snapshot))
      .catch((error: unknown) => this.emit('warning', name, `${name}: ${(error as Error).message}`));
    this.completing.set(name, next);
    void next.finally(() => {
      if (this.completing.get(name) === next) this.completing.delete(name);
    });
  }

  private async handleComplete(name: string, path: string, snapshot: FileSnapshot): Promise<void> {
    if (this.stopping) return;
    const arrival = this.arrivals.get(name);
    try {
      await this.handleTake(name, path, snapshot, arrival);
    } finally {
      if (this.arrivals.get(name) === arrival) this.arrivals.delete(name);
    }
  }

  private async handleTake(name: string, path: string, snapshot: FileSnapshot, arrival: Arrival | undefined): Promise<void> {
    const entry = this.journal.get(name);
    if (entry && sameSnapshot(entry, snapshot)) return this.resume(entry, false);
    const { sha256 } = await sha256File(path);
    const st = await stat(path).catch(() => undefined);
    const after = st ? snapshotOf(st) : undefined;
    if (!st || !after || !sameSnapshot(after, snapshot)) {
      // changed while it was hashed: settle again
      if (after) this.seen(path, 'change');
      return;
    }
    if (this.stopping) return;
    const now = isoNow();
    if (entry && entry.sha256 === sha256) {
      // touched, same content: keep its state, note the new times
      const touched = touchedTake(entry, snapshot, now);
      this.journal.set(touched);
      await this.journal.save();
      return this.resume(touched, true);
    }
    const arrivalMs = arrival?.arrivalMs ?? arrivalOf(this.journal.get(name), st);
    const fresh = newTake({ name, path, snapshot, sha256, arrivalMs, seenAt: arrival?.seenAt, previous: entry, now });
    this.journal.set(fresh);
    await this.journal.save();
    const what = entry ? `a new take of ${name}` : name;
    this.emit('complete', name, `${what} is complete (${mb(snapshot.size)}, sha256 ${sha256.slice(0, 12)}): queued`, {
      size: snapshot.size,
      sha256,
      take: fresh.takes,
      arrivedAt: fresh.arrivedAt,
    });
    this.enqueue(fresh);
  }

  /** A complete file whose content the journal already has: carry on from its state. */
  private resume(entry: JournalEntry, touched: boolean): void {
    switch (entry.state) {
      case 'waiting':
      case 'processing':
        this.enqueue(entry);
        return;
      case 'built':
        if (this.autoPublish) {
          this.emit('queued', entry.name, `${entry.name} is built but not published: queued to publish`);
          this.enqueue(entry);
        }
        return;
      case 'published':
        return;
      case 'failed': {
        const phase = entry.error?.phase ?? 'internal';
        if (touched || RETRY_AT_START.has(phase) || (phase === 'build' && this.issuesNewerThan(entry.failedAt))) {
          this.emit('retry', entry.name, `${entry.name} failed before (${entry.error?.problem ?? 'unknown'}): trying again`);
          this.enqueue(entry);
        }
        return;
      }
    }
  }

  /** Whether an issue text changed after `iso` (a failed build may have been the text's fault). */
  private issuesNewerThan(iso: string | undefined): boolean {
    if (!iso) return true;
    const since = Date.parse(iso);
    const dir = this.config.resolved.newsletters;
    try {
      // sync on purpose: a handful of issue texts, read only when a failed build is resumed
      return readdirSync(dir).some((name) => {
        try {
          return statSync(join(dir, name)).mtimeMs > since;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  }

  /** Retry failed recordings whose failure may have had an outside cause that just changed. */
  private retryFailed(reason: string, phases: ReadonlySet<FailurePhase>): void {
    if (this.stopping) return;
    for (const entry of this.journal.entries()) {
      if (entry.state !== 'failed' || !phases.has(entry.error?.phase ?? 'internal')) continue;
      if (this.queue.has(entry.name) || this.settle.isSettling(entry.path) || this.current?.name === entry.name) continue;
      this.emit('retry', entry.name, `${reason}: trying ${entry.name} again`);
      this.enqueue(entry);
    }
  }

  private enqueue(entry: QueueableEntry): void {
    if (this.stopping) return;
    if (entry.state !== 'waiting') {
      const waiting = toWaiting(entry, entry.note ?? 'queued');
      this.journal.set(waiting);
      void this.journal.save();
    }
    this.queue.push(entry.name, entry.arrivalMs);
    this.schedulePump();
  }

  private schedulePump(delayMs = 150): void {
    if (this.pumpTimer || this.current || this.stopping) return;
    // a short pause lets files that completed together line up in arrival order
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, delayMs);
  }

  /** An earlier arrival that is still settling (or being hashed) and will be ready soon: the queue waits for it. */
  private earlierArrivalPending(before: number): boolean {
    return this.arrivals.earlierPending(before, this.settleSeconds * 1000, {
      queued: (name) => this.queue.has(name),
      onTheWay: (name) => this.settle.isSettling(join(this.recordingsDir, name)) || this.completing.has(name),
    });
  }

  /** Another piece of `name`'s episode that is still settling or being hashed, if any. */
  private groupPending(name: string): string | undefined {
    const group = episodeGroup(name);
    if (group === undefined) return undefined;
    const others = [...this.settle.settling().map((p) => this.nameOf(p)), ...this.completing.keys()];
    return others.find((o) => o !== name && episodeGroup(o) === group);
  }

  private pump(): void {
    if (this.current || this.stopping) return;
    // a take waits for the other pieces of its episode that are still being written: a take
    // folder (or an issue's take-marked files and pickups) is complete when every file is.
    // The wait is per episode: the first queued recording whose episode is complete goes,
    // so a slow copy into one take folder holds up no other issue
    const queued = this.queue.list();
    const ready = queued.find((n) => !this.groupPending(n));
    if (queued.length > 0 && (ready === undefined || this.earlierArrivalPending(this.queue.seqOf(ready)!))) {
      this.schedulePump(100);
      return;
    }
    const name = ready;
    if (name !== undefined) this.queue.remove(name);
    if (name === undefined) {
      if (!this.idle && this.settle.settling().length === 0) {
        this.idle = true;
        this.emit('idle', undefined, 'nothing left to do: waiting for recordings');
      }
      return;
    }
    this.idle = false;
    this.processing = this.process(name)
      .catch((error: unknown) => this.emit('warning', name, `${name}: ${(error as Error).message}`))
      .finally(() => {
        this.current = undefined;
        this.schedulePump(0);
      });
  }

  private async process(name: string): Promise<void> {
    const entry = this.journal.get(name);
    if (!entry || entry.state !== 'waiting') return;
    const now = await stat(entry.path).then(snapshotOf, () => undefined);
    if (!now) return; // removed: the unlink handler forgets it
    if (!sameSnapshot(now, entry) || this.settle.isSettling(entry.path)) {
      this.seen(entry.path, 'change'); // it changed since it was queued: settle again
      return;
    }
    const current: Current = { name, run: undefined, phase: 'build', changed: false };
    this.current = current;
    let live: ProcessingEntry = toProcessing(entry);
    /** Whether the journal still holds this take (not a newer one, and not removed). */
    const mine = () => {
      const e = this.journal.get(name);
      return e !== undefined && e.takes === entry.takes && e.sha256 === entry.sha256;
    };
    const write = async (next: JournalEntry) => {
      if (mine()) {
        this.journal.set(next);
        await this.journal.save();
      }
    };
    const update = async (changes: ProcessingUpdate) => {
      live = updated(live, changes);
      await write(live);
    };
    await update({});
    this.emit('processing', name, `${name}: processing (attempt ${live.attempts})`, { arrivedAt: live.arrivedAt, attempt: live.attempts });

    const claimed: Record<string, string> = {};
    for (const other of this.journal.entries()) {
      // a pickup stands for no issue: it is applied to the episode of the recording that does
      if (other.name !== name && other.issue !== undefined && takeMark(other.name).role !== 'pickup' && ['waiting', 'processing', 'built', 'published'].includes(other.state)) {
        claimed[String(other.issue)] = other.name;
      }
    }
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'stage') {
        void update({ stage: m.stage });
        this.emit('stage', name, `${name}: ${m.stage}`, { stage: m.stage });
      } else if (m.type === 'matched') {
        void update({ issue: m.issue, issueTitle: m.title, matchedBy: m.by });
        this.emit('matched', name, `${name} is issue #${m.issue} "${m.title}" (by ${m.by})`, { issue: m.issue, by: m.by });
      }
    };
    if (this.stopping) {
      this.journal.set(toWaiting(live, 'interrupted by the stop: resumes at the next start'));
      await this.journal.save();
      return;
    }
    const run = startWorker({ root: this.config.root, configFile: this.config.file, recording: entry.path, claimed }, onMessage, this.workerPath);
    current.run = run;
    await update({ workerPid: run.pid });
    const outcome = await run.result;
    current.run = undefined;
    live = workerGone(live);

    if (outcome.kind === 'aborted' || (current.changed && outcome.kind !== 'done')) {
      if (!mine()) return; // removed, or a newer take is queued
      const why = this.stopping ? 'interrupted by the stop: resumes at the next start' : 'the file changed while it was built';
      this.journal.set(toWaiting(live, why));
      await this.journal.save();
      if (this.stopping) this.emit('interrupted', name, `${name}: build stopped; it resumes when letterpod watch starts again`);
      return;
    }
    if (outcome.kind === 'failed') {
      if (mine()) await this.fail(name, live, outcome.failure);
      return;
    }

    const { report, reused } = outcome;
    if (!builtFrom(report, entry.sha256)) {
      // the recording was replaced during the build: this build is of another take
      if (mine()) {
        this.journal.set(toWaiting(live, 'the file changed while it was built'));
        await this.journal.save();
      }
      this.emit('interrupted', name, `${name} changed during its build: starting over`);
      this.seen(entry.path, 'change');
      return;
    }
    const now2 = isoNow();
    let built: BuiltProcessingEntry = withBuild(live, {
      issue: report.issue.number,
      issueTitle: report.issue.title,
      builtAt: reused ? (report.builtAt ?? now2) : now2,
      build: { dir: outcome.buildDir, audio: report.files.audio, audioBytes: report.audio.bytes, audioSha256: report.audio.sha256 ?? '', reused },
    });
    live = built;
    await write(built);
    this.emit(reused ? 'reused' : 'built', name, `${name}: ${reused ? 'build is current' : 'built'} #${report.issue.number} (${mb(report.audio.bytes)} MP3, ${report.chapters.length} chapters)`, {
      issue: report.issue.number,
      audioBytes: report.audio.bytes,
      buildDir: outcome.buildDir,
    });
    // every warning of the build reaches the producer
    for (const w of report.warnings) this.emit('warning', name, `${name}: warning #${report.issue.number}: ${w}`, { issue: report.issue.number });
    const review = reviewReason(this.config, report);
    if (this.autoPublish && review && !(await isApproved(this.config.root, report.issue.number, report.source.sha256, report.source.issueSha256))) {
      const held = toBuilt(built, `held for review (${review}): letterpod approve ${report.issue.number}, then letterpod publish`);
      this.emit('held', name, `${name}: #${report.issue.number} held for review (${review}): listen to ${report.files.audio}, then letterpod approve ${report.issue.number} and letterpod publish`, { issue: report.issue.number });
      if (mine()) {
        await write(held);
        await this.succeeded(name, held);
        await this.coalesce(name, report, held);
      }
      return;
    }

    if (!this.autoPublish) {
      const waits = toBuilt(built, 'waits for `letterpod publish`');
      if (mine()) {
        await write(waits);
        await this.succeeded(name, waits);
        await this.coalesce(name, report, waits);
      }
      return;
    }

    current.phase = 'publish';
    built = updated(built, { stage: 'publish' });
    live = built;
    await write(built);
    this.emit('stage', name, `${name}: publish`, { stage: 'publish' });
    let episode;
    try {
      const result = await publishEpisodes(this.config, openStore(this.config), [report]);
      episode = result.episodes.find((e) => e.number === report.issue.number);
      if (!episode) throw new Error(`the publish did not report issue #${report.issue.number}`);
    } catch (error) {
      if (mine()) await this.fail(name, built, describeFailure(error, 'publish', entry.path));
      return;
    }
    const published = toPublished(built, {
      guid: episode.guid,
      slug: episode.slug,
      audioUrl: episode.audioUrl,
      audioBytes: report.audio.bytes,
      firstPublish: episode.isNew,
    });
    this.emit(
      'published',
      name,
      `${name}: published #${episode.number} ${episode.isNew ? 'as a new episode' : episode.changed ? 'again (same GUID)' : '(unchanged)'} (guid ${episode.guid})`,
      { issue: episode.number, guid: episode.guid, audioUrl: episode.audioUrl, audioBytes: report.audio.bytes, firstPublish: episode.isNew },
    );
    if (!mine()) return; // a newer take is queued: it is published next
    this.journal.set(published);
    await this.journal.save();
    await this.succeeded(name, published);
    await this.coalesce(name, report, published);
  }

  /**
   * One job per episode: the build of `name` was made from every piece of its episode, so
   * the other pieces queued meanwhile (a take folder's takes complete together) that it
   * was made from — same content (sha256 in the report's pieces), unchanged since queued —
   * take its outcome (built, held or published, with the same build and episode) instead
   * of a job each that would find the build current and publish it "(unchanged)". A piece
   * the build was not made from keeps its job (it rebuilds the episode with it).
   */
  private async coalesce(name: string, report: EpisodeReport, done: BuiltEntry | PublishedEntry): Promise<void> {
    const group = episodeGroup(name);
    if (group === undefined || this.stopping) return;
    for (const other of this.queue.list()) {
      if (other === name || episodeGroup(other) !== group) continue;
      const e = this.journal.get(other);
      if (!e || e.state !== 'waiting' || !builtFrom(report, e.sha256)) continue;
      const now = await stat(e.path).then(snapshotOf, () => undefined);
      // changed (or gone) since it was queued, or meanwhile dequeued: its own job decides
      if (!now || !sameSnapshot(now, e) || this.settle.isSettling(e.path) || this.journal.get(other) !== e || !this.queue.has(other)) continue;
      this.queue.remove(other);
      const withIt = withBuild(toProcessing(e), { issue: done.issue, issueTitle: done.issueTitle, builtAt: done.builtAt, build: { ...done.build, reused: true } });
      const next = done.state === 'published' ? toPublished(withIt, done.episode) : toBuilt(withIt, done.note ?? 'waits for `letterpod publish`');
      this.journal.set(next);
      await this.journal.save();
      const what = done.state === 'published' ? `published with it (guid ${done.episode.guid})` : done.note ? `built with it; ${done.note}` : 'built with it';
      this.emit('coalesced', other, `${other}: in the build of ${name}, #${done.issue}: ${what}`, { issue: done.issue, with: name, state: next.state });
      await this.succeeded(other, next);
    }
  }

  private async succeeded(name: string, entry: JournalEntry): Promise<void> {
    let removed = false;
    try {
      removed = await removeSidecar(entry.path);
    } catch (error) {
      this.emit('warning', name, `could not remove the error note of ${name}: ${(error as Error).message}`);
    }
    if (entry.sidecar || removed) {
      if (this.journal.get(name)) {
        this.journal.set(withoutSidecar(entry));
        await this.journal.save();
      }
      if (removed) this.emit('sidecar-removed', name, `${name} went through: removed its error note`);
    }
  }

  private async fail(name: string, live: ProcessingEntry, failure: WorkerFailure): Promise<void> {
    if (!this.journal.get(name)) return;
    const at = new Date();
    let entry = toFailed(live, failure, at);
    try {
      entry = { ...entry, sidecar: await writeSidecar(live.path, failure, at, this.autoPublish) };
    } catch (error) {
      this.emit('warning', name, `could not write the error note beside ${name}: ${(error as Error).message}`);
    }
    this.journal.set(entry);
    await this.journal.save();
    this.emit('failed', name, `${name}: ${failure.problem}. ${failure.fix}`, {
      phase: failure.phase,
      problem: failure.problem,
      fix: failure.fix,
      file: failure.file,
      sidecar: entry.sidecar,
    });
  }

  /** Kill a build in progress at once (a second Ctrl-C); the journal keeps it `processing`, so the next start resumes it. */
  abortNow(): void {
    this.current?.run?.abort();
  }

  /**
   * Stop: no new work; a build in progress is killed (with its ffmpegs) and goes back to
   * `waiting`; a publish in progress is finished first. Then the journal is written and
   * the lock released.
   */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const current = this.current;
    this.emit(
      'stopping',
      current?.name,
      current?.phase === 'publish' ? `${reason}: stopping after the publish of ${current.name} (again to stop now)` : `${reason}: stopping`,
      { signal: reason },
    );
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    if (this.issuesTimer) clearTimeout(this.issuesTimer);
    for (const timer of this.unlinkTimers.values()) clearTimeout(timer);
    this.unlinkTimers.clear();
    this.settle.close();
    if (current?.phase === 'build') current.run?.abort();
    await this.readyPromise?.catch(() => undefined);
    await this.closeWatchers();
    await this.processing;
    await Promise.all([...this.completing.values()]);
    await this.journal?.save();
    await this.releaseLock?.();
    this.releaseLock = undefined;
    const waiting = this.journal?.entries().filter((e) => e.state === 'waiting').length ?? 0;
    this.emit('stopped', undefined, `stopped${waiting ? ` (${waiting} waiting: they resume at the next start)` : ''}`, { waiting });
  }

  private async closeWatchers(): Promise<void> {
    await Promise.all([this.recordingsWatcher?.close(), this.issuesWatcher?.close()]);
  }
}
