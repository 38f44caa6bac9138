/**
 * Speech cleanup: the filters every recording gets before it is measured and encoded, and
 * the head/tail trim. A 2-pole high-pass at 80 Hz removes rumble, handling noise and any DC
 * offset (its gain at 0 Hz is zero, so no separate DC filter is needed). Silence before the
 * first and after the last speech is cut down to a pad; chapter and transcript times move
 * with it (and with the intro music, when there is one).
 */

export interface CleanupSettings {
  enabled: boolean;
  highpassHz: number;
  /** Silence kept before the first and after the last speech (s). */
  padSeconds: number;
}

export const DEFAULT_CLEANUP: CleanupSettings = { enabled: true, highpassHz: 80, padSeconds: 0.5 };

/** The filter chain for the recording, or undefined when cleanup is off. */
export function cleanupFilters(c: CleanupSettings): string | undefined {
  if (!c.enabled) return undefined;
  return `highpass=f=${c.highpassHz}:poles=2`;
}

export interface TrimWindow {
  /** Kept part of the recording (s). */
  startSeconds: number;
  endSeconds: number;
  /** Cut at the head and at the tail (s). */
  headSeconds: number;
  tailSeconds: number;
}

/** Trimming only pays off above this much (s): less is left alone. */
const MIN_TRIM_SECONDS = 0.05;

/**
 * What to keep of a recording whose speech runs from `speechStart` to `speechEnd`: the
 * speech plus `pad` on either side. Nothing is cut when cleanup is off.
 */
export function trimWindow(c: CleanupSettings, durationSeconds: number, speechStart: number, speechEnd: number): TrimWindow {
  const whole = { startSeconds: 0, endSeconds: durationSeconds, headSeconds: 0, tailSeconds: 0 };
  if (!c.enabled || !Number.isFinite(speechStart) || !Number.isFinite(speechEnd) || speechEnd <= speechStart) return whole;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  let start = Math.max(0, speechStart - c.padSeconds);
  let end = Math.min(durationSeconds, speechEnd + c.padSeconds);
  if (start < MIN_TRIM_SECONDS) start = 0;
  if (durationSeconds - end < MIN_TRIM_SECONDS) end = durationSeconds;
  return { startSeconds: r3(start), endSeconds: r3(end), headSeconds: r3(start), tailSeconds: r3(durationSeconds - end) };
}
