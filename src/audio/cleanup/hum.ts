/**
 * Mains hum: which 50 or 60 Hz lines (the fundamental and its harmonics) stand out of the
 * room tone's spectrum, and a notch for each of those only. A recording without hum gets no
 * filter at all, so it passes this step bit for bit.
 */
import { db, floorPow2, welch, type PowerSpectrum } from './spectrum.js';
import type { HumStep } from './presets.js';

export interface HumLine {
  /** Where the line was found (Hz). */
  hz: number;
  harmonic: number;
  /** Its level (dBFS of a sine of that power) and how far it stands above the spectrum around it (dB). */
  levelDbfs: number;
  prominenceDb: number;
}

export interface HumFinding {
  /** 50 or 60, or null when no mains line stands out. */
  mainsHz: 50 | 60 | null;
  lines: HumLine[];
}

/** Bins of the spectrum within ±`half` Hz of `hz`. */
function binRange(s: PowerSpectrum, hz: number, half: number): [number, number] {
  const k = (f: number) => (f * s.size) / s.sampleRate;
  return [Math.max(1, Math.floor(k(hz - half))), Math.min(s.power.length - 1, Math.ceil(k(hz + half)))];
}

/** The line near `hz` (±1.5 Hz, mains drifts little): its refined frequency, power and prominence. */
function lineAt(s: PowerSpectrum, hz: number): { hz: number; power: number; prominenceDb: number } {
  const [a, b] = binRange(s, hz, 1.5);
  let peak = a;
  for (let k = a; k <= b; k++) if (s.power[k]! > s.power[peak]!) peak = k;
  // a Hann-windowed sine spreads over ~4 bins: its power is their sum
  let power = 0;
  for (let k = peak - 2; k <= peak + 2; k++) power += s.power[k] ?? 0;
  // the spectrum around it: median of the bins 5–25 Hz away on both sides
  const around: number[] = [];
  for (const [lo, hi] of [binRange(s, hz - 15, 10), binRange(s, hz + 15, 10)]) for (let k = lo; k <= hi; k++) around.push(s.power[k]!);
  around.sort((x, y) => x - y);
  const floor = around[Math.floor(around.length / 2)] ?? 0;
  // parabolic interpolation on the log spectrum for the frequency
  const l = db(s.power[peak - 1] ?? 0), c = db(s.power[peak]!), r = db(s.power[peak + 1] ?? 0);
  const d = l - 2 * c + r === 0 ? 0 : (0.5 * (l - r)) / (l - 2 * c + r);
  return { hz: ((peak + Math.max(-0.5, Math.min(0.5, d))) * s.sampleRate) / s.size, power, prominenceDb: db(s.power[peak]!) - db(floor) };
}

/** The mains lines in the room tone (segments at `sampleRate`). */
export function detectHum(segments: readonly Float32Array[], sampleRate: number, step: HumStep): HumFinding {
  const longest = Math.max(0, ...segments.map((x) => x.length));
  // ~0.7 s windows (1.5 Hz bins at 48 kHz) when the pauses allow, never below 0.17 s
  const size = Math.max(8192, Math.min(floorPow2(sampleRate * 0.75), floorPow2(longest)));
  if (longest < size) return { mainsHz: null, lines: [] };
  const s = welch(segments, sampleRate, size);
  const family = (mains: 50 | 60): HumLine[] => {
    const lines: HumLine[] = [];
    for (let h = 1; h <= step.maxHarmonic && mains * h + 30 < sampleRate / 2; h++) {
      const line = lineAt(s, mains * h);
      if (line.prominenceDb >= step.minProminenceDb) {
        lines.push({ hz: round2(line.hz), harmonic: h, levelDbfs: round1(db(line.power * 2)), prominenceDb: round1(line.prominenceDb) });
      }
    }
    return lines;
  };
  const f50 = family(50);
  const f60 = family(60);
  const score = (ls: HumLine[]) => ls.length * 1000 + ls.reduce((a, l) => a + l.prominenceDb, 0);
  // a family needs a line among its first four (300 Hz is the 6th of 50 and the 5th of 60)
  const real = (ls: HumLine[]) => ls.some((l) => l.harmonic <= 4);
  const pick = [[50, f50], [60, f60]].filter(([, ls]) => real(ls as HumLine[])).sort((x, y) => score(y[1] as HumLine[]) - score(x[1] as HumLine[]))[0];
  if (!pick) return { mainsHz: null, lines: [] };
  return { mainsHz: pick[0] as 50 | 60, lines: pick[1] as HumLine[] };
}

/** Notch width (Hz): deep at the line (mains drifts ±0.1 Hz), nothing of speech beside it. */
const NOTCH_WIDTH_HZ = 3;

/** One notch per line found; undefined when none was. */
export function humFilters(h: HumFinding): string | undefined {
  if (h.lines.length === 0) return undefined;
  return h.lines.map((l) => `bandreject=f=${l.hz}:width_type=h:width=${NOTCH_WIDTH_HZ}`).join(',');
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
