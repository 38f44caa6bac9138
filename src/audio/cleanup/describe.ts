/** One line per cleanup step for people (the review page, the terminal): what ran and what it measured, or why not. */
import type { CleanupReport } from './plan.js';
import type { PauseReport } from '../pauses.js';

export function describeCleanup(c: (CleanupReport & { pauses?: PauseReport }) | undefined): string[] {
  if (!c) return [];
  const lines = [`preset ${c.preset}; high-pass ${c.highpassHz === null ? 'off' : `${c.highpassHz} Hz`}; room tone measured on ${c.roomTone.seconds} s of pauses (${c.roomTone.windows} windows)`];
  const h = c.hum;
  lines.push(
    h.applied
      ? `hum: ${h.mainsHz} Hz mains, notched ${h.lines.map((l) => `${l.hz} Hz${l.reductionDb !== undefined ? ` (−${l.reductionDb} dB)` : ''}`).join(', ')}`
      : `hum: nothing done (${h.reason ?? 'none found'})`,
  );
  const n = c.noise;
  lines.push(
    n.applied
      ? `noise: room tone ${n.floorBeforeDbfs} → ${n.floorAfterDbfs} dBFS (−${n.reductionDb} dB), afftdn floor ${n.profile?.floorDb} dB with the room tone's profile`
      : `noise: nothing done (${n.reason ?? 'not needed'})`,
  );
  const p = c.pauses;
  if (p && p.maxSeconds !== null) {
    lines.push(
      p.shortened
        ? `pauses: ${p.shortened} of ${p.longer} longer than ${p.maxSeconds} s shortened to it, ${p.removedSeconds} s removed`
        : `pauses: none longer than ${p.maxSeconds} s${p.longer ? ` that could be shortened (${p.longer} hold a chapter mark)` : ''}`,
    );
  }
  return lines;
}
