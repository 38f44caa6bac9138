/** Time formats used in artifacts: HH:MM:SS for show notes, WebVTT and SRT cue times. */

function parts(seconds: number): { h: number; m: number; s: number; ms: number } {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  return {
    h: Math.floor(totalMs / 3_600_000),
    m: Math.floor(totalMs / 60_000) % 60,
    s: Math.floor(totalMs / 1000) % 60,
    ms: totalMs % 1000,
  };
}

const two = (n: number): string => String(n).padStart(2, '0');
const three = (n: number): string => String(n).padStart(3, '0');

/** 00:00:00 — the shape Spotify and YouTube turn into chapters (whole seconds, floored). */
export function hms(seconds: number): string {
  const { h, m, s } = parts(Math.floor(Math.max(0, seconds)));
  return `${two(h)}:${two(m)}:${two(s)}`;
}

/** 00:01:02.345 */
export function vttTime(seconds: number): string {
  const { h, m, s, ms } = parts(seconds);
  return `${two(h)}:${two(m)}:${two(s)}.${three(ms)}`;
}

/** 00:01:02,345 */
export function srtTime(seconds: number): string {
  return vttTime(seconds).replace('.', ',');
}
