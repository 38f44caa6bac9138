/** One line per cleanup step for people (the review page, the terminal): what ran and what it measured, or why not. */
import type { CleanupReport } from './plan.js';

export function describeCleanup(c: CleanupReport | undefined): string[] {
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
  return lines;
}
