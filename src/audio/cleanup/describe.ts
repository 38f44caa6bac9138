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
  const d = c.declick;
  if (d) {
    lines.push(
      d.applied
        ? `clicks: ${d.found} found in ${d.sampleSeconds} s of speech (${d.perMinute} a minute), adeclick left ${d.remaining ?? '?'} of them`
        : `clicks: nothing done (${d.reason ?? 'not needed'})`,
    );
  }
  const e = c.deess;
  if (e) {
    lines.push(
      e.applied
        ? `sibilance: ${e.sibilanceDb} dB → ${e.sibilanceAfterDb ?? '?'} dB with the de-esser`
        : `sibilance: nothing done (${e.reason ?? 'not needed'})`,
    );
  }
  const l = c.level;
  if (l) {
    lines.push(
      l.applied
        ? `leveler: ${l.passages.map((p) => `${fmt(p.startSeconds)}–${fmt(p.endSeconds)} at ${p.loudnessLufs} LUFS ${p.gainDb >= 0 ? '+' : '−'}${Math.abs(p.gainDb)} dB`).join('; ')}`
        : `leveler: nothing done (${l.reason ?? 'one passage'})`,
    );
  }
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

/** Recording time as m:ss. */
function fmt(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
