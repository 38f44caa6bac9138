/**
 * Sibilance: how loud the esses are against the voice. On a sample of the speech, 21 ms
 * frames (1024 samples at 48 kHz, Hann, half overlapping): a frame is sibilant when its
 * energy in 5–9 kHz exceeds its energy in 100 Hz–4 kHz; the measure is the sibilant frames'
 * mean 5–9 kHz energy against the other speech frames' mean 100 Hz–4 kHz energy (dB).
 * A voice that is bright but not spitty has sibilants well under its vowels (the espeak
 * voices: −9 to −6 dB); +10 dB of presence in 5–9 kHz lifts the measure by as much. The
 * de-esser (ffmpeg deesser, a split-band compressor on the esses) runs when the measure is
 * above the step's threshold.
 */
import { framePowers } from './spectrum.js';

export interface DeessStep {
  enabled: boolean;
  /** Run the de-esser when the sibilance measure is above this (dB). */
  maxSibilanceDb: number;
  /** deesser's intensity and its most reduction (0–1). */
  intensity: number;
  maxReduction: number;
}

const SIZE = 1024;
/** Frames more than this far (dB) under the loudest are not speech. */
const SPEECH_RANGE_DB = 40;

/** The sibilance measure (dB) of `segments` at `rate`; NaN when there is no sibilant or no voiced frame (or the rate cannot hold 9 kHz). */
export function sibilanceDb(segments: readonly Float32Array[], rate: number): number {
  if (rate < 20000) return Number.NaN;
  const size = Math.max(256, Math.min(2048, 2 ** Math.round(Math.log2((SIZE * rate) / 48000))));
  const bin = (hz: number) => Math.round((hz * size) / rate);
  const frames: { hf: number; sp: number; all: number }[] = [];
  framePowers(segments, size, (p) => {
    let hf = 0;
    let sp = 0;
    for (let k = bin(5000); k <= bin(9000); k++) hf += p[k]!;
    for (let k = bin(100); k <= bin(4000); k++) sp += p[k]!;
    frames.push({ hf, sp, all: hf + sp });
  });
  if (!frames.length) return Number.NaN;
  const top = Math.max(...frames.map((f) => f.all));
  const speech = frames.filter((f) => f.all > 0 && 10 * Math.log10(f.all / top) > -SPEECH_RANGE_DB);
  const sib = speech.filter((f) => f.hf > f.sp);
  const voiced = speech.filter((f) => f.hf <= f.sp);
  if (!sib.length || !voiced.length) return Number.NaN;
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  return Math.round(10 * Math.log10(mean(sib.map((f) => f.hf)) / mean(voiced.map((f) => f.sp))) * 10) / 10;
}

/** The de-esser for the chain. */
export function deessFilter(step: DeessStep): string {
  return `deesser=i=${step.intensity}:m=${step.maxReduction}:f=0.5`;
}
