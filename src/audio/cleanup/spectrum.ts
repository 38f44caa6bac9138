/**
 * Power spectra of short sample windows (room tone, speech): an in-place radix-2 FFT and
 * Welch's averaged periodogram with a Hann window. Small inputs only (seconds of audio),
 * never the whole recording.
 */

/** In-place complex FFT of length n (a power of two). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
      const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a] = re[a]! + xr; im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
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
  const hann = new Float64Array(size);
  let wsum = 0;
  for (let i = 0; i < size; i++) {
    hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
    wsum += hann[i]!;
  }
  const power = new Float64Array(size / 2 + 1);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let frames = 0;
  for (const seg of segments) {
    for (let at = 0; at + size <= seg.length; at += size / 2) {
      for (let i = 0; i < size; i++) {
        re[i] = seg[at + i]! * hann[i]!;
        im[i] = 0;
      }
      fft(re, im);
      for (let k = 0; k <= size / 2; k++) power[k] += (re[k]! * re[k]! + im[k]! * im[k]!) / (wsum * wsum);
      frames++;
    }
  }
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
