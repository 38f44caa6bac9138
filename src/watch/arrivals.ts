/**
 * Arrival order: when each take arrived, so a burst of files dropped together is built in
 * the order they were dropped, whichever settles first.
 *
 * While watching, takes arrive in the order the kernel reports their first event
 * (chokidar's `raw` events; its `add` events come in directory order, and birth times are
 * too coarse to order files copied in one go): `note`. Files found by the initial scan
 * arrived while no watcher ran and go by their birth time (`found`, `arrivalOf`). A take
 * is noted here until it is queued (or found to lead nowhere); meanwhile a later take
 * that is ready waits for it a little (`earlierPending`).
 */
import { isoNow } from './transitions.js';

export interface Arrival {
  /** First event (ISO) and its clock time (ms). */
  seenAt: string;
  seenMs: number;
  /** When the take arrived (see JournalEntry.arrivalMs). */
  arrivalMs: number;
  /** Its `seen` line was logged. */
  logged: boolean;
}

/** How long an earlier arrival still settling holds up a later one that is ready (beyond the settle window). */
export const HOLD_FOR_EARLIER_MS = 2000;

/**
 * When a take found on disk arrived: a new file (or one renamed into place) by its birth
 * time; a file rewritten in place (the journal knows its inode) by its mtime.
 */
export function arrivalOf(known: { ino: number } | undefined, st: { ino: number; birthtimeMs: number; mtimeMs: number }): number {
  if (known && known.ino === st.ino) return st.mtimeMs;
  return st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
}

/** Takes seen but not yet queued: when they were first seen, and when they arrived. */
export class Arrivals {
  private readonly byName = new Map<string, Arrival>();
  /** The last live arrival time handed out (they strictly increase in event order). */
  private lastArrivalMs = 0;

  /** A live event for `name`: its arrival, noted now unless it was already. */
  note(name: string): Arrival {
    let arrival = this.byName.get(name);
    if (!arrival) {
      const arrivalMs = Math.max(Date.now(), this.lastArrivalMs + 0.001);
      this.lastArrivalMs = arrivalMs;
      arrival = { seenAt: isoNow(), seenMs: Date.now(), arrivalMs, logged: false };
      this.byName.set(name, arrival);
    }
    return arrival;
  }

  /** A take found by the initial scan, which arrived at `arrivalMs` (arrivalOf). */
  found(name: string, arrivalMs: number): void {
    this.byName.set(name, { seenAt: isoNow(), seenMs: Date.now(), arrivalMs, logged: false });
  }

  get(name: string): Arrival | undefined {
    return this.byName.get(name);
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  /**
   * Whether a take that arrived before `before` is still to come (seen less than
   * `settleMs` + HOLD_FOR_EARLIER_MS ago, not queued yet): the queue waits for it. Takes
   * whose window passed and that are no longer on their way (`onTheWay`: settling or being
   * hashed) were events that led nowhere, and are forgotten.
   */
  earlierPending(before: number, settleMs: number, take: { queued(name: string): boolean; onTheWay(name: string): boolean }): boolean {
    const limit = settleMs + HOLD_FOR_EARLIER_MS;
    let pending = false;
    for (const [name, a] of this.byName) {
      if (take.queued(name)) continue;
      const fresh = Date.now() - a.seenMs < limit;
      if (!fresh && !take.onTheWay(name)) {
        this.byName.delete(name); // an event that led nowhere
        continue;
      }
      if (fresh && a.arrivalMs < before) pending = true;
    }
    return pending;
  }
}
