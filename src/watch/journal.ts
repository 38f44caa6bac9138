/**
 * The watcher's journal, `.letterpod/state.json` in the project root: every recording it
 * has seen in recordings/ with its state and what it was made of. Written atomically
 * (a temp file in the same folder, fsynced, renamed over the journal), so a reader — or
 * a watcher restarted after a kill — always sees a whole journal, old or new.
 *
 *   {
 *     "version": 1,
 *     "updatedAt": "2026-11-20T17:00:02.113Z",
 *     "recordings": [                      // in arrival order
 *       { "name": "an-102.wav", "path": "/…/recordings/an-102.wav", "state": "published",
 *         "arrivedAt": "…", "arrivalMs": …,
 *         "size": 31457324, "mtime": "…", "mtimeMs": …, "ctimeMs": …, "ino": …,
 *         "sha256": "…", "issue": 102, "issueTitle": "…", "matchedBy": "name",
 *         "attempts": 1, "takes": 1, "firstSeenAt": "…", "queuedAt": "…", "startedAt": "…",
 *         "builtAt": "…", "publishedAt": "…", "updatedAt": "…",
 *         "build": {…}, "episode": { "guid": "…", "audioUrl": "…", … } },
 *       { "name": "an-103.wav", "state": "failed", …,
 *         "error": { "phase": "match", "problem": "…", "fix": "…", "message": "…" },
 *         "sidecar": "/…/recordings/an-103.wav.letterpod-error.txt" }
 *     ]
 *   }
 *
 * States: `waiting` (complete, queued), `processing` (being matched, built or published;
 * `stage` says which), `built` (waits for `letterpod publish`), `published`, `failed`
 * (`error` says why; a sidecar beside the recording says the same). Each state is its own
 * type with the fields it has (JournalEntry); the moves between them are the typed
 * functions of transitions.ts.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic as writeFileDurably } from '../files/atomic-write.js';
import { LetterpodError } from '../errors.js';
import { runningWatcher, type LockInfo } from './lock.js';

export const JOURNAL_VERSION = 1;

export type RecordingState = JournalEntry['state'];

/** Where a recording failed: reading it, finding its issue, building, or publishing. */
export type FailurePhase = 'probe' | 'match' | 'build' | 'publish' | 'internal';

/** Why a take failed (the worker's failure, as the sidecar says it too). */
export interface EntryError {
  phase: FailurePhase;
  problem: string;
  fix: string;
  file?: string;
  message: string;
}

/** A take's build: its folder and MP3. */
export interface EntryBuild {
  dir: string;
  audio: string;
  audioBytes: number;
  audioSha256: string;
  reused: boolean;
}

/** A take's episode in the store. */
export interface EntryEpisode {
  guid: string;
  slug: string;
  audioUrl: string;
  audioBytes: number;
  firstPublish: boolean;
}

/** What every entry has, whatever its state: the take, where it came from and its history. */
interface EntryBase {
  /** Its path in recordings/: `an-102.wav`, or `an-102/a.wav` in a take folder (unique). */
  name: string;
  path: string;
  /**
   * When this take arrived: the file's creation (birth) time, or for a file rewritten in
   * place, its first write seen. The queue and the journal are in this order.
   */
  arrivedAt: string;
  arrivalMs: number;
  /** The take's size, mtime, ctime and inode when it was found complete. */
  size: number;
  mtime: string;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
  /** Once matched (by the worker, or a build of an earlier run). */
  issue?: number;
  issueTitle?: string;
  matchedBy?: 'name' | 'tags' | 'listening';
  /** Processing runs of this take (a run interrupted by a stop or kill counts). */
  attempts: number;
  /** Different contents seen under this name. */
  takes: number;
  firstSeenAt: string;
  queuedAt?: string;
  /** When the last processing run started. */
  startedAt?: string;
  updatedAt: string;
  /** The `<name>.letterpod-error.txt` of a failure: kept until the recording goes through. */
  sidecar?: string;
  /** For people: "waits for letterpod publish", "interrupted: resumes at the next start", … */
  note?: string;
}

/** Complete and queued. */
export interface WaitingEntry extends EntryBase {
  state: 'waiting';
  /** A built take queued to be published keeps its build. */
  builtAt?: string;
  build?: EntryBuild;
  /** A failed take queued again keeps its failure until it is processed. */
  failedAt?: string;
  error?: EntryError;
}

/** Being matched, built or published by this watcher (or by one that was killed). */
export interface ProcessingEntry extends EntryBase {
  state: 'processing';
  /** start, then the worker's stages (match, probe, analyse, master, artifacts), then publish. */
  stage: string;
  startedAt: string;
  /** While the worker runs: the build process (its own process group). */
  workerPid?: number;
  /** Once the worker built it (or a build queued to publish had it). */
  builtAt?: string;
  build?: EntryBuild;
}

/** Built; waits for `letterpod publish` (or for review, `note` says which). */
export interface BuiltEntry extends EntryBase {
  state: 'built';
  issue: number;
  issueTitle: string;
  builtAt: string;
  build: EntryBuild;
}

export interface PublishedEntry extends EntryBase {
  state: 'published';
  issue: number;
  issueTitle: string;
  builtAt: string;
  build: EntryBuild;
  publishedAt: string;
  episode: EntryEpisode;
}

/** `error` says why; a sidecar beside the recording (`sidecar`, unless it could not be written) says the same. */
export interface FailedEntry extends EntryBase {
  state: 'failed';
  failedAt: string;
  error: EntryError;
  /** A failed publish keeps its build. */
  builtAt?: string;
  build?: EntryBuild;
}

/** One recording in the journal, by state; watch/transitions.ts moves an entry between them. */
export type JournalEntry = WaitingEntry | ProcessingEntry | BuiltEntry | PublishedEntry | FailedEntry;

export interface JournalDocument {
  version: typeof JOURNAL_VERSION;
  updatedAt: string;
  /** In arrival order. */
  recordings: JournalEntry[];
}

export interface JournalView extends JournalDocument {
  /** The journal's path. */
  file: string;
  /** The watcher running on this project now, if any (entries in `processing` without one were interrupted). */
  watcher: LockInfo | undefined;
}

export function journalPath(root: string): string {
  return join(root, '.letterpod', 'state.json');
}

/** Arrival order; names (naturally ordered) break ties. */
export function byArrival(a: Pick<JournalEntry, 'arrivalMs' | 'name'>, b: Pick<JournalEntry, 'arrivalMs' | 'name'>): number {
  return a.arrivalMs - b.arrivalMs || a.name.localeCompare(b.name, 'en', { numeric: true });
}

function emptyJournal(): JournalDocument {
  return { version: JOURNAL_VERSION, updatedAt: new Date(0).toISOString(), recordings: [] };
}

async function loadDocument(file: string): Promise<JournalDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyJournal();
    throw e;
  }
  let doc: JournalDocument;
  try {
    doc = JSON.parse(text) as JournalDocument;
  } catch (cause) {
    throw new LetterpodError({
      file,
      problem: `the watch journal is not valid JSON (${(cause as Error).message})`,
      fix: 'Delete it: letterpod watch rebuilds it from recordings/ (builds and the store are unaffected)',
      cause,
    });
  }
  if (!doc || doc.version !== JOURNAL_VERSION || !Array.isArray(doc.recordings)) {
    throw new LetterpodError({
      file,
      problem: `the watch journal has an unknown format (version ${JSON.stringify((doc as { version?: unknown })?.version)})`,
      fix: 'Delete it: letterpod watch rebuilds it from recordings/ (builds and the store are unaffected)',
    });
  }
  doc.recordings.sort(byArrival);
  return doc;
}

/**
 * The journal of the project rooted at `root` (the config file's folder), for
 * `letterpod status`: every recording the watcher knows, in arrival order, and whether a
 * watcher runs now. A project where watch never ran gives an empty list.
 */
export async function readJournal(root: string): Promise<JournalView> {
  const file = journalPath(root);
  const doc = await loadDocument(file);
  return { ...doc, file, watcher: await runningWatcher(root) };
}

/**
 * Write `text` to `file` atomically and durably (files/atomic-write.ts, fsynced), through a
 * hidden temp file: in recordings/ (error sidecars) the watcher never picks up hidden files.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tempPath = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFileDurably(file, text, { fsync: true, mkdir: true, tempPath });
}

/**
 * The watcher's in-memory journal; `save()` writes it (writes are serialized and
 * coalesced). A failed write (a full disk) goes to `onError` and the state stays in
 * memory for the next save; `save()` itself never rejects.
 */
export class Journal {
  private saving: Promise<void> = Promise.resolve();
  private pending = false;

  private constructor(
    readonly file: string,
    private readonly doc: JournalDocument,
    private readonly onError: (error: Error) => void,
  ) {}

  static async open(root: string, onError: (error: Error) => void = () => {}): Promise<Journal> {
    const file = journalPath(root);
    return new Journal(file, await loadDocument(file), onError);
  }

  get(name: string): JournalEntry | undefined {
    return this.doc.recordings.find((e) => e.name === name);
  }

  entries(): JournalEntry[] {
    return [...this.doc.recordings];
  }

  /** Insert or replace the entry of `entry.name`. */
  set(entry: JournalEntry): void {
    const i = this.doc.recordings.findIndex((e) => e.name === entry.name);
    if (i >= 0) this.doc.recordings[i] = entry;
    else this.doc.recordings.push(entry);
    this.doc.recordings.sort(byArrival);
  }

  delete(name: string): boolean {
    const i = this.doc.recordings.findIndex((e) => e.name === name);
    if (i < 0) return false;
    this.doc.recordings.splice(i, 1);
    return true;
  }

  /** Write the journal (after any write in flight); resolves when this state is on disk. */
  save(): Promise<void> {
    if (this.pending) return this.saving;
    this.pending = true;
    this.saving = this.saving.then(async () => {
      this.pending = false;
      this.doc.updatedAt = new Date().toISOString();
      try {
        await writeFileAtomic(this.file, JSON.stringify(this.doc, null, 2) + '\n');
      } catch (error) {
        this.onError(error as Error);
      }
    });
    return this.saving;
  }
}
