import { describe, expect, it } from 'vitest';
import { PowerSpectrum } from '../../src/signal/fft.js';
import { MelExtractor } from '../../src/signal/mfcc.js';

/**
 * The textbook form PowerSpectrum is an optimisation of: bit-reversed load, one radix-2
 * stage at a time, the same twiddle tables, then the real-signal split. The fused
 * version must give the very same doubles (alignments are compared bit for bit across
 * versions, and a last-bit change in a mel energy can move a DTW decision).
 */
function plainPower(x: Float64Array, n: number): Float64Array {
  const h = n / 2;
  const re = new Float64Array(h);
  const im = new Float64Array(h);
  const bits = Math.log2(h);
  for (let i = 0; i < h; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    re[r] = 2 * i < x.length ? x[2 * i] : 0;
    im[r] = 2 * i + 1 < x.length ? x[2 * i + 1] : 0;
  }
  for (let p = 0; p < h; p += 2) {
    const tr = re[p + 1];
    const ti = im[p + 1];
    re[p + 1] = re[p] - tr;
    im[p + 1] = im[p] - ti;
    re[p] += tr;
    im[p] += ti;
  }
  for (let span = 2; span < h; span *= 2) {
    const step = h / (2 * span);
    for (let k = 0; k < span; k++) {
      const j = k * step; // the table entry the class uses, computed the same way
      const wr = Math.cos((-2 * Math.PI * j) / h);
      const wi = Math.sin((-2 * Math.PI * j) / h);
      for (let p = k; p < h; p += 2 * span) {
        const q = p + span;
        const tr = re[q] * wr - im[q] * wi;
        const ti = re[q] * wi + im[q] * wr;
        re[q] = re[p] - tr;
        im[q] = im[p] - ti;
        re[p] += tr;
        im[p] += ti;
      }
    }
  }
  const out = new Float64Array(h + 1);
  out[0] = (re[0] + im[0]) * (re[0] + im[0]);
  out[h] = (re[0] - im[0]) * (re[0] - im[0]);
  for (let k = 1; k < h; k++) {
    const cr = re[h - k];
    const ci = -im[h - k];
    const er = (re[k] + cr) * 0.5;
    const ei = (im[k] + ci) * 0.5;
    const or = (im[k] - ci) * 0.5;
    const oi = -(re[k] - cr) * 0.5;
    const wr = Math.cos((-2 * Math.PI * k) / n);
    const wi = Math.sin((-2 * Math.PI * k) / n);
    const xr = er + (or * wr - oi * wi);
    const xi = ei + (or * wi + oi * wr);
    out[k] = xr * xr + xi * xi;
  }
  return out;
}

/** A deterministic noisy test frame (no Math.random: failures must reproduce). */
function frame(length: number, seed: number): Float64Array {
  let s = seed;
  return new Float64Array(length).map(() => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

describe('PowerSpectrum is the plain radix-2 FFT, bit for bit', () => {
  for (const n of [4, 8, 16, 64, 256, 512, 1024, 2048]) {
    it(`N = ${n}, full and zero-padded frames`, () => {
      const fft = new PowerSpectrum(n);
      const out = new Float64Array(n / 2 + 1);
      for (const [length, seed] of [[n, 1], [n, 2], [Math.max(1, Math.floor(n * 0.73)), 3], [1, 4]]) {
        const x = frame(length, seed);
        fft.power(x, out);
        expect(Array.from(out)).toEqual(Array.from(plainPower(x, n)));
      }
    });
  }

  it('writes only the bins asked for (and the ends)', () => {
    const fft = new PowerSpectrum(512);
    const x = frame(372, 5);
    const out = new Float64Array(257).fill(-1);
    fft.power(x, out, 177);
    const all = plainPower(x, 512);
    expect(Array.from(out.subarray(0, 177))).toEqual(Array.from(all.subarray(0, 177)));
    expect(out[200]).toBe(-1);
    expect(out[256]).toBe(all[256]);
  });
});

describe('MelExtractor streaming', () => {
  it('gives the same features for int16 pieces with silences, however they are chunked', () => {
    const rate = 22050;
    const speech = new Int16Array(3 * rate).map((_, i) => Math.round(8000 * Math.sin(i * 0.05) * Math.sin(i * 0.0007)));
    const run = (chunk: number) => {
      const x = new MelExtractor(rate);
      x.pushSilence(0.3);
      for (let i = 0; i < speech.length; i += chunk) x.push(speech.subarray(i, i + chunk));
      x.pushSilence(0.6);
      x.push(speech.subarray(0, rate));
      return x.finish();
    };
    const a = run(speech.length);
    for (const chunk of [1, 221, 4096 + 3]) {
      const b = run(chunk);
      expect(b.frames).toBe(a.frames);
      expect(Buffer.from(b.mel.buffer, b.mel.byteOffset, b.mel.byteLength).equals(Buffer.from(a.mel.buffer, a.mel.byteOffset, a.mel.byteLength))).toBe(true);
      expect(Array.from(b.blockDb)).toEqual(Array.from(a.blockDb));
    }
    // the silence between the pieces is exactly zero energy
    const f = Math.round(3.5 / 0.02);
    expect(Array.from(a.mel.subarray(f * a.melBands, (f + 1) * a.melBands)).every((v) => v === 0)).toBe(true);
  });
});
