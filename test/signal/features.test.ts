import { describe, expect, it } from 'vitest';
import { PowerSpectrum } from '../../src/signal/fft.js';
import { cepstra, MelExtractor, pool } from '../../src/signal/mfcc.js';

function tone(seconds: number, rate: number, hz: number, amp: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
  return s;
}

describe('PowerSpectrum', () => {
  it('matches a direct DFT', () => {
    const N = 256;
    const x = new Float64Array(N).map((_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 2.1) + ((i * 7919) % 13) / 20);
    const out = new Float64Array(N / 2 + 1);
    new PowerSpectrum(N).power(x, out);
    for (const k of [0, 1, 5, 17, 64, 127, 128]) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < N; n++) {
        re += x[n] * Math.cos((-2 * Math.PI * k * n) / N);
        im += x[n] * Math.sin((-2 * Math.PI * k * n) / N);
      }
      expect(out[k]).toBeCloseTo(re * re + im * im, 6);
    }
  });
});

describe('MelExtractor + cepstra', () => {
  const rate = 16000;
  // 1 s silence, 1 s of 440 Hz tone, 1 s silence, 1 s of 2500 Hz tone
  const signal = new Float32Array(4 * rate);
  signal.set(tone(1, rate, 440, 0.5), rate);
  signal.set(tone(1, rate, 2500, 0.5), 3 * rate);

  function extract(chunk: number) {
    const x = new MelExtractor(rate);
    for (let i = 0; i < signal.length; i += chunk) x.push(signal.subarray(i, i + chunk));
    return x.finish();
  }

  it('counts frames and energy blocks from the hop, streamed in any chunking', () => {
    const a = extract(1000);
    const b = extract(4096 + 17);
    expect(a.frames).toBe(200); // 4 s / 20 ms
    expect(a.blockDb.length).toBe(400); // 4 s / 10 ms
    expect(Array.from(b.mel)).toEqual(Array.from(a.mel));
    // a 0.5-amplitude sine has mean square 0.125: −9.03 dBFS; silence is floored
    expect(Math.abs(a.blockDb[150] + 9.03)).toBeLessThan(0.2);
    expect(a.blockDb[50]).toBe(-120);
  });

  it('puts a tone’s energy in the mel band that contains it', () => {
    const f = extract(1000);
    const frame = 75; // inside the 440 Hz tone
    const bands = f.mel.subarray(frame * f.melBands, (frame + 1) * f.melBands);
    const peak = bands.indexOf(Math.max(...bands));
    // mel centre of band b for 40 bands over 100–7600 Hz
    const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
    const lo = mel(100);
    const hi = mel(7600);
    const centre = (b: number) => 700 * (10 ** ((lo + ((hi - lo) * (b + 1)) / 41) / 2595) - 1);
    expect(Math.abs(centre(peak) - 440)).toBeLessThan(60);
  });

  it('gives tone frames vectors unlike silence and unlike another tone', () => {
    const v = cepstra(extract(1000));
    const d = v.dims;
    expect(d).toBe(13);
    // unit length
    expect(dot(v.data, 75, v.data, 75, d)).toBeCloseTo(1, 5);
    // same tone, different frames: nearly identical
    expect(1 - dot(v.data, 70, v.data, 80, d)).toBeLessThan(0.01);
    // tone vs silence, tone vs other tone: far apart (cosine cost > 0.5)
    expect(1 - dot(v.data, 75, v.data, 25, d)).toBeGreaterThan(0.5);
    expect(1 - dot(v.data, 75, v.data, 175, d)).toBeGreaterThan(0.5);
    // pooling keeps unit vectors and the same contrasts at 160 ms
    const c = pool(v, 8);
    expect(c.frames).toBe(25);
    expect(dot(c.data, 9, c.data, 9, d)).toBeCloseTo(1, 5);
    expect(1 - dot(c.data, 9, c.data, 3, d)).toBeGreaterThan(0.5);
  });

  it('works at the reference rate (22050 Hz, int16) with the same frame timing', () => {
    const r = 22050;
    const x = new MelExtractor(r);
    const s = new Int16Array(2 * r);
    const t = tone(1, r, 440, 0.5);
    for (let i = 0; i < t.length; i++) s[r + i] = Math.round(t[i] * 32767);
    x.push(s);
    const f = x.finish();
    expect(f.frames).toBe(100);
    expect(f.blockDb[49]).toBe(-120);
    expect(Math.abs(f.blockDb[150] + 9.03)).toBeLessThan(0.2);
  });
});
