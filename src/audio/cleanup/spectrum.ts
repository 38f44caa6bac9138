/**
 * Power spectra of short sample windows (room tone, speech): Hann-windowed frames through
 * the project's FFT (signal/fft.ts) and Welch's averaged periodogram. Small inputs only (seconds of audio),
 * never the whole recording.
 */
import { PowerSpectrum as RealPowerSpectrum } from '../../signal/fft.js';

/**
 * Calls `visit` with the power spectrum (|X[k]|², k = 0 … size/2, the project's one FFT:
 * signal/fft.ts) of every Hann-windowed frame of `size` samples, half overlapping, in
 * `segments` (frames never straddle two segments). The array is reused between calls.
 */
export function framePowers(segments: readonly Float32Array[], size: number, visit: (power: Float64Array) => void): void {
  const hann = hannWindow(size);
  const spectrum = new RealPowerSpectrum(size);
  const frame = new Float64Array(size);
  const power = new Float64Array(size / 2 + 1);
  for (const seg of segments) {
    for (let at = 0; at + size <= seg.length; at += size / 2) {
      for (let i = 0; i < size; i++) frame[i] = seg[at + i]! * hann[i]!;
      spectrum.power(frame, power);
      visit(power);
    }
  }
}

function hannWindow(size: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
}

export interface PowerSpectrum {
  sampleRate: number;
  /** FFT length; bin k is at k · sampleRate / size Hz. */
  size: number;
  /** Mean power per bin (size/2 + 1 bins), of a sine of amplitude A: A²/4 at its bin (Hann-corrected). */
  power: Float64Array;
  /** How many windows were averaged. */
  frames: number;
}

/**
 * Welch's estimate over `segments` (each a run of samples; windows never straddle two
 * segments, so joined pauses add no edges): Hann windows of `size`, half overlapping.
 */
export function welch(segments: readonly Float32Array[], sampleRate: number, size: number): PowerSpectrum {
  const wsum = hannWindow(size).reduce((t, w) => t + w, 0);
  const power = new Float64Array(size / 2 + 1);
  let frames = 0;
  framePowers(segments, size, (p) => {
    for (let k = 0; k <= size / 2; k++) power[k] += p[k]! / (wsum * wsum);
    frames++;
  });
  if (frames) for (let k = 0; k < power.length; k++) power[k] /= frames;
  return { sampleRate, size, power, frames };
}

export const db = (p: number): number => 10 * Math.log10(p + 1e-20);

/** Mean power (dB) of the bins from `lo` to `hi` Hz. */
export function bandDb(s: PowerSpectrum, lo: number, hi: number): number {
  const a = Math.max(0, Math.ceil((lo * s.size) / s.sampleRate));
  const b = Math.min(s.power.length - 1, Math.floor((hi * s.size) / s.sampleRate));
  let sum = 0;
  for (let k = a; k <= b; k++) sum += s.power[k]!;
  return db(sum / Math.max(1, b - a + 1));
}

/** Power (dB) in a line at `hz`: the sum of the bins within ±`halfWidth` Hz (a Hann line spreads over ~3 bins). */
export function lineDb(s: PowerSpectrum, hz: number, halfWidth = 2): number {
  const a = Math.max(0, Math.floor(((hz - halfWidth) * s.size) / s.sampleRate));
  const b = Math.min(s.power.length - 1, Math.ceil(((hz + halfWidth) * s.size) / s.sampleRate));
  let sum = 0;
  for (let k = a; k <= b; k++) sum += s.power[k]!;
  return db(sum);
}

/** The largest power of two ≤ n. */
export function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}
