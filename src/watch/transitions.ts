/**
 * The moves of a journal entry between its states, as typed functions: each takes the
 * state(s) it may start from and returns the state it leads to, with the fields that state
 * has (journal.ts) and without those it no longer has (a worker's pid, a stage, a failure
 * that is being retried). The watcher decides when; these say what.
 *
 *   new take ──► waiting ──► processing ──► built ─(autoPublish)─► waiting ──► …
 *                   ▲            │ ├──────► published
 *                   │            │ └──────► failed ──(retry)──► waiting
 *                   └────────────┘ interrupted (stop, kill, the file changed)
 *   built / published ──(a pickup of its issue removed)──► waiting (rebuilt without it)
 */
import type { FileSnapshot } from './settle.js';
import type {
  BuiltEntry,
  EntryBuild,
  EntryEpisode,
  EntryError,
  FailedEntry,
  JournalEntry,
  ProcessingEntry,
  PublishedEntry,
  WaitingEntry,
} from './journal.js';

export function isoNow(): string {
  return new Date().toISOString();
}

/** A complete file whose content is new under its name: a take of its own, queued. */
export function newTake(take: {
  name: string;
  path: string;
  snapshot: FileSnapshot;
  sha256: string;
  arrivalMs: number;
  /** When its first event was seen, if it was. */
  seenAt: string | undefined;
  /** The entry of an earlier take under this name. */
  previous: JournalEntry | undefined;
  now: string;
}): WaitingEntry {
  const { name, path, snapshot, sha256, arrivalMs, previous, now } = take;
  return {
    name,
    path,
    state: 'waiting',
    arrivedAt: new Date(arrivalMs).toISOString(),
    arrivalMs,
    ...snapshot,
    mtime: new Date(snapshot.mtimeMs).toISOString(),
    sha256,
    attempts: 0,
    takes: (previous?.takes ?? 0) + 1,
    firstSeenAt: previous?.firstSeenAt ?? take.seenAt ?? now,
    queuedAt: now,
    updatedAt: now,
    ...(previous?.sidecar ? { sidecar: previous.sidecar } : {}),
    ...(previous ? { note: `take ${(previous.takes ?? 0) + 1} (replaces a ${previous.state} take)` } : {}),
  };
}

/** The same content, touched (copied over itself, its times changed): the new times, the same state. */
export function touchedTake<E extends JournalEntry>(entry: E, snapshot: FileSnapshot, now: string): E {
  return { ...entry, ...snapshot, mtime: new Date(snapshot.mtimeMs).toISOString(), updatedAt: now };
}

/** The states an entry can be queued from (a published take is done until a new take comes). */
export type QueueableEntry = WaitingEntry | ProcessingEntry | BuiltEntry | FailedEntry;

/**
 * Back in the queue: interrupted (its stage and worker go), a build to publish (its build
 * stays), a failure to retry (the failure stays until the retry runs).
 */
export function toWaiting(entry: QueueableEntry, note: string, now = isoNow()): WaitingEntry {
  if (entry.state === 'processing') {
    const { stage: _stage, workerPid: _pid, ...rest } = entry;
    return { ...rest, state: 'waiting', note, updatedAt: now };
  }
  return { ...entry, state: 'waiting', note, updatedAt: now };
}

/**
 * A recording built (or published) before, queued to be built again because a piece of
 * its episode went (a pickup removed): its build and episode go with the old build; the
 * issue it was matched to stays.
 */
export function toRebuild(entry: BuiltEntry | PublishedEntry, note: string, now = isoNow()): WaitingEntry {
  const { builtAt: _b, build: _build, ...rest } = entry;
  const { publishedAt: _p, episode: _e, ...base } = rest as typeof rest & Partial<Pick<PublishedEntry, 'publishedAt' | 'episode'>>;
  return { ...base, state: 'waiting', note, updatedAt: now };
}

/** A processing run starts: one more attempt; the failure and note of before go. */
export function toProcessing(entry: WaitingEntry, now = isoNow()): ProcessingEntry {
  const { error: _error, failedAt: _failedAt, note: _note, ...rest } = entry;
  return { ...rest, state: 'processing', stage: 'start', attempts: entry.attempts + 1, startedAt: now, updatedAt: now };
}

/** What a processing run learns while it runs: its stage, its worker, its issue, its build. */
export type ProcessingUpdate = Partial<Pick<ProcessingEntry, 'stage' | 'workerPid' | 'issue' | 'issueTitle' | 'matchedBy' | 'builtAt' | 'build'>>;

export function updated<E extends ProcessingEntry>(entry: E, changes: ProcessingUpdate, now = isoNow()): E {
  return { ...entry, ...changes, updatedAt: now };
}

/** The worker exited: its pid goes. */
export function workerGone(entry: ProcessingEntry): ProcessingEntry {
  const { workerPid: _pid, ...rest } = entry;
  return rest;
}

/** A processing entry whose worker built it: what `built` and `published` need. */
export type BuiltProcessingEntry = ProcessingEntry & Pick<BuiltEntry, 'issue' | 'issueTitle' | 'builtAt' | 'build'>;

/** The worker built the take (or found its build current). */
export function withBuild(entry: ProcessingEntry, build: { issue: number; issueTitle: string; builtAt: string; build: EntryBuild }, now = isoNow()): BuiltProcessingEntry {
  return { ...entry, ...build, updatedAt: now };
}

/** Built, not published: waits for `letterpod publish`, or for review (`note` says which). */
export function toBuilt(entry: BuiltProcessingEntry, note: string, now = isoNow()): BuiltEntry {
  const { stage: _stage, workerPid: _pid, ...rest } = entry;
  return { ...rest, state: 'built', note, updatedAt: now };
}

export function toPublished(entry: BuiltProcessingEntry, episode: EntryEpisode, now = isoNow()): PublishedEntry {
  const { stage: _stage, workerPid: _pid, ...rest } = entry;
  return { ...rest, state: 'published', publishedAt: now, episode, updatedAt: now };
}

/** The run failed: why, and when (the sidecar is added once it is written). */
export function toFailed(entry: ProcessingEntry, error: EntryError, at: Date): FailedEntry {
  const { stage: _stage, workerPid: _pid, ...rest } = entry;
  return { ...rest, state: 'failed', failedAt: at.toISOString(), updatedAt: at.toISOString(), error: { ...error } };
}

/** The recording went through: its error note is gone. */
export function withoutSidecar(entry: JournalEntry, now = isoNow()): JournalEntry {
  const { sidecar: _sidecar, ...rest } = entry;
  return { ...rest, updatedAt: now };
}
