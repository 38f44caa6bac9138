/**
 * When is a dropped file complete? When its size and mtime (and inode and ctime, so a
 * same-size replacement is noticed too) have not changed for `settleMs`, observed by
 * polling from the first event on; every file-system event for the path restarts the
 * window. An empty file is never complete (uploaders and browsers create the name first
 * and fill it later): it is dropped from tracking until its next event.
 *
 * A writer that pauses for longer than the window makes a file look complete; when it
 * resumes writing, the file changes again and is processed again as a new take.
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export interface FileSnapshot {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export function snapshotOf(st: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): FileSnapshot {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

export function sameSnapshot(a: FileSnapshot | undefined, b: FileSnapshot | undefined): boolean {
  return Boolean(a && b) && a!.size === b!.size && a!.mtimeMs === b!.mtimeMs && a!.ctimeMs === b!.ctimeMs && a!.ino === b!.ino;
}

export interface SettleOptions {
  /** How long size and mtime must stay unchanged (ms). */
  settleMs: number;
  /** How often a tracked file is stat'ed (ms). Default: a quarter of settleMs, 50–500 ms. */
  pollMs?: number;
  /** The file is complete: called once per settle (a later touch starts a new one). */
  onComplete: (path: string, snapshot: FileSnapshot) => void;
  /** The file disappeared (or is not a regular file) while settling. */
  onGone?: (path: string) => void;
  /** The file stayed empty for the whole window; it is tracked again at its next event. */
  onEmpty?: (path: string) => void;
  now?: () => number;
}

interface Tracked {
  snapshot: FileSnapshot | undefined;
  since: number;
  /** An event arrived since the last poll: restart the window. */
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  polling: boolean;
}

export class SettleDetector {
  private readonly tracked = new Map<string, Tracked>();
  private readonly settleMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: SettleOptions) {
    this.settleMs = Math.max(0, opts.settleMs);
    this.pollMs = opts.pollMs ?? Math.min(500, Math.max(50, Math.round(this.settleMs / 4)));
    this.now = opts.now ?? Date.now;
  }

  /** Something happened to `path` (it appeared or changed): (re)start its settle window. */
  touch(path: string): void {
    if (this.closed) return;
    const t = this.tracked.get(path);
    if (t) {
      t.dirty = true;
      return;
    }
    this.tracked.set(path, { snapshot: undefined, since: this.now(), dirty: false, timer: undefined, polling: false });
    void this.poll(path);
  }

  /** Stop tracking `path` (it was removed, or is handled elsewhere). */
  forget(path: string): void {
    const t = this.tracked.get(path);
    if (t?.timer) clearTimeout(t.timer);
    this.tracked.delete(path);
  }

  /** Paths still settling. */
  settling(): string[] {
    return [...this.tracked.keys()];
  }

  isSettling(path: string): boolean {
    return this.tracked.has(path);
  }

  close(): void {
    this.closed = true;
    for (const path of [...this.tracked.keys()]) this.forget(path);
  }

  private schedule(path: string, t: Tracked): void {
    t.timer = setTimeout(() => void this.poll(path), this.pollMs);
  }

  private async poll(path: string): Promise<void> {
    const t = this.tracked.get(path);
    if (!t || t.polling) return;
    t.timer = undefined;
    t.polling = true;
    let st: Stats | undefined;
    try {
      st = await stat(path);
    } catch {
      st = undefined;
    }
    t.polling = false;
    if (this.tracked.get(path) !== t) return; // forgotten meanwhile
    if (!st || !st.isFile()) {
      this.forget(path);
      this.opts.onGone?.(path);
      return;
    }
    const snapshot = snapshotOf(st);
    const now = this.now();
    if (t.dirty || !sameSnapshot(t.snapshot, snapshot)) {
      t.snapshot = snapshot;
      t.since = now;
      t.dirty = false;
    } else if (now - t.since >= this.settleMs) {
      this.forget(path);
      if (snapshot.size === 0) this.opts.onEmpty?.(path);
      else this.opts.onComplete(path, snapshot);
      return;
    }
    this.schedule(path, t);
  }
}
