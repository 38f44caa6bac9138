/**
 * Speech features, computed streaming: samples go in chunk by chunk (any rate, float or
 * int16), and per frame only the 40 mel band energies are kept (plus a 10 ms energy
 * track for pause detection), so an hour of audio costs tens of MB, not GB.
 *
 * `cepstra()` turns the mel energies into the vectors DTW compares: log with a floor set
 * relative to the signal's own speech level (so digital silence and a room's noise floor
 * look alike), DCT to 13 coefficients, mean/variance normalisation over speech frames
 * (cepstral mean normalisation is what makes two different voices comparable), then
 * scaled to unit length so the DTW cost is simply 1 − dot product.
 *
 * Frame k covers samples [k·hop, k·hop + window); its time is k·hop. Both signals use the
 * same convention, so offsets cancel when times are mapped through a path.
 */
import { PowerSpectrum } from './fft.js';

export interface FeatureOptions {
  hopSeconds: number;
  windowSeconds: number;
  melBands: number;
  minHz: number;
  maxHz: number;
  /** Energy track resolution (for pauses). Must divide the hop. */
  blockSeconds: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  hopSeconds: 0.02,
  // 512 samples at espeak-ng's 22 050 Hz (372 at 16 kHz): a 512-point FFT for both
  // signals, half the work of the 1024 points a 40 ms window needs, no loss in placement
  windowSeconds: 512 / 22050,
  melBands: 40,
  minHz: 100,
  maxHz: 7600,
  blockSeconds: 0.01,
};

/** A growable Float32Array (amortised doubling; no per-frame allocation). */
class GrowableF32 {
  data: Float32Array;
  length = 0;
  constructor(initial = 4096) {
    this.data = new Float32Array(initial);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Float32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
  /** Exact-size contents: a view when the slack is small, else a copy that drops it. */
  trimmed(): Float32Array {
    return this.data.length - this.length <= this.data.length / 8 ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

/**
 * Mel-scale triangular filters over FFT bins, stored sparsely: band b's weights are
 * `weights[offsets[b] … offsets[b + 1])`, for bins from `starts[b]` on (one flat array, so
 * the per-frame loop reads one buffer, not forty).
 */
export class MelFilterbank {
  readonly starts: Int32Array;
  readonly offsets: Int32Array;
  readonly weights: Float32Array;
  /** FFT bins the filters read: 0 … bins − 1. */
  readonly bins: number;
  constructor(readonly bands: number, fftSize: number, sampleRate: number, minHz: number, maxHz: number) {
    const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
    const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
    const top = Math.min(maxHz, sampleRate / 2);
    const lo = mel(minHz);
    const hi = mel(top);
    const edges: number[] = [];
    for (let b = 0; b < bands + 2; b++) edges.push(hz(lo + ((hi - lo) * b) / (bands + 1)));
    const binHz = sampleRate / fftSize;
    const nBins = fftSize / 2 + 1;
    this.starts = new Int32Array(bands);
    this.offsets = new Int32Array(bands + 1);
    const all: number[] = [];
    for (let b = 0; b < bands; b++) {
      const [l, c, r] = [edges[b], edges[b + 1], edges[b + 2]];
      const first = Math.max(0, Math.ceil(l / binHz));
      const last = Math.min(nBins - 1, Math.floor(r / binHz));
      const w: number[] = [];
      for (let k = first; k <= last; k++) {
        const f = k * binHz;
        w.push(f <= c ? (f - l) / (c - l) : (r - f) / (r - c));
      }
      // a band narrower than one bin still takes the nearest bin
      if (w.length === 0 || w.every((x) => x <= 0)) {
        this.starts[b] = Math.min(nBins - 1, Math.round(c / binHz));
        all.push(1);
      } else {
        this.starts[b] = first;
        for (const x of w) all.push(Math.max(0, x));
      }
      this.offsets[b + 1] = all.length;
    }
    this.weights = Float32Array.from(all);
    let bins = 0;
    for (let b = 0; b < bands; b++) bins = Math.max(bins, this.starts[b] + this.offsets[b + 1] - this.offsets[b]);
    this.bins = bins;
  }
  apply(power: Float64Array, out: Float32Array, outOffset: number): void {
    const w = this.weights;
    const offsets = this.offsets;
    for (let b = 0; b < this.bands; b++) {
      const end = offsets[b + 1];
      const shift = this.starts[b] - offsets[b];
      let acc = 0;
      for (let k = offsets[b]; k < end; k++) acc += w[k] * power[shift + k];
      out[outOffset + b] = acc;
    }
  }
}

/** Zeros for pushSilence, shared (only ever read): a reference calls it once per sentence. */
const SILENCE = new Float32Array(8192);

/** What the extractor produces for one signal. */
export interface MelFeatures {
  sampleRate: number;
  hopSeconds: number;
  frames: number;
  melBands: number;
  /** frames × melBands linear mel energies. */
  mel: Float32Array;
  /** Energy per block of `blockSeconds`, in dBFS (floored at −120). */
  blockSeconds: number;
  blockDb: Float32Array;
  /** Total samples seen. */
  samples: number;
}

export class MelExtractor {
  readonly opts: FeatureOptions;
  readonly sampleRate: number;
  private readonly hop: number;
  private readonly win: number;
  private readonly block: number;
  private readonly fft: PowerSpectrum;
  private readonly bank: MelFilterbank;
  private readonly window: Float64Array;
  private readonly ring: Float32Array;
  private ringPos = 0;
  /** Samples still needed before the next frame is complete. */
  private untilFrame: number;
  private prev = 0;
  private blockAcc = 0;
  private blockCount = 0;
  private total = 0;
  private readonly frame: Float64Array;
  private readonly power: Float64Array;
  private readonly mel: GrowableF32;
  private readonly blocks: GrowableF32;
  private frames = 0;
  private done = false;
  private readonly scratch = new Float32Array(8192);
  /** Consecutive exact-zero samples seen. */
  private zeros = 0;

  /** `expectedSeconds` (optional) sizes the feature buffers up front (no regrowth copies). */
  constructor(sampleRate: number, opts: Partial<FeatureOptions> = {}, expectedSeconds = 0) {
    this.opts = { ...DEFAULT_FEATURES, ...opts };
    this.sampleRate = sampleRate;
    this.hop = Math.round(this.opts.hopSeconds * sampleRate);
    this.win = Math.round(this.opts.windowSeconds * sampleRate);
    this.block = Math.round(this.opts.blockSeconds * sampleRate);
    if (Math.abs(this.hop / sampleRate - this.opts.hopSeconds) > 1e-9) {
      throw new Error(`hop ${this.opts.hopSeconds}s is not a whole number of samples at ${sampleRate} Hz`);
    }
    let n = 1;
    while (n < this.win) n <<= 1;
    this.fft = new PowerSpectrum(n);
    this.bank = new MelFilterbank(this.opts.melBands, n, sampleRate, this.opts.minHz, this.opts.maxHz);
    this.window = new Float64Array(this.win);
    for (let i = 0; i < this.win; i++) this.window[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (this.win - 1));
    this.ring = new Float32Array(this.win);
    // FFT-sized, its tail past the window zero for good: the transform's zero padding
    this.frame = new Float64Array(n);
    this.power = new Float64Array(n / 2 + 1);
    this.untilFrame = this.win;
    const frames = Math.ceil((expectedSeconds * 1.01 + 1) / this.opts.hopSeconds);
    this.mel = new GrowableF32(Math.max(1 << 16, frames * this.opts.melBands));
    this.blocks = new GrowableF32(Math.max(1 << 14, Math.ceil((expectedSeconds * 1.01 + 1) / this.opts.blockSeconds)));
  }

  /** Feed samples: Float32 in [−1, 1], or Int16 (scaled by 1/32768). */
  push(samples: Float32Array | Int16Array): void {
    if (this.done) throw new Error('MelExtractor: push after finish');
    if (samples instanceof Float32Array) {
      this.pushFloat(samples);
      return;
    }
    // one monomorphic sample loop (a loop that sees both array types runs several times slower)
    const scratch = this.scratch;
    for (let at = 0; at < samples.length; at += scratch.length) {
      const n = Math.min(scratch.length, samples.length - at);
      for (let i = 0; i < n; i++) scratch[i] = samples[at + i] * (1 / 32768);
      this.pushFloat(scratch.subarray(0, n));
    }
  }

  private pushFloat(samples: Float32Array): void {
    const win = this.win;
    const ring = this.ring;
    const block = this.block;
    let pos = this.ringPos;
    let prev = this.prev;
    let acc = this.blockAcc;
    let count = this.blockCount;
    let untilFrame = this.untilFrame;
    let zeros = this.zeros;
    const n = samples.length;
    let i = 0;
    while (i < n) {
      // a run of samples up to the next event (an energy block ends, the ring wraps, a
      // frame is complete), so the per-sample loop has no bookkeeping branches
      const end = i + Math.min(n - i, block - count, win - pos, untilFrame);
      const run = end - i;
      for (; i < end; i++) {
        const x = samples[i];
        zeros = x === 0 ? zeros + 1 : 0;
        acc += x * x;
        ring[pos++] = x - 0.97 * prev; // pre-emphasis
        prev = x;
      }
      count += run;
      untilFrame -= run;
      if (count === block) {
        this.pushBlock(acc / count);
        acc = 0;
        count = 0;
      }
      if (pos === win) pos = 0;
      // frame k is complete once sample k·hop + win − 1 has arrived
      if (untilFrame === 0) {
        this.ringPos = pos;
        // a window of digital silence (the reference's gaps): its energies are 0, no FFT
        if (zeros > win) this.emitSilentFrame();
        else this.emitFrame();
        untilFrame = this.hop;
      }
    }
    this.zeros = zeros;
    this.ringPos = pos;
    this.prev = prev;
    this.blockAcc = acc;
    this.blockCount = count;
    this.untilFrame = untilFrame;
    this.total += n;
  }

  /** Feed `seconds` of digital silence. */
  pushSilence(seconds: number): void {
    const n = Math.round(seconds * this.sampleRate);
    const chunk = SILENCE;
    for (let left = n; left > 0; left -= chunk.length) this.push(left >= chunk.length ? chunk : chunk.subarray(0, left));
  }

  get sampleCount(): number {
    return this.total;
  }

  private pushBlock(mean: number): void {
    this.blocks.push(mean > 1e-12 ? 10 * Math.log10(mean) : -120);
  }

  private emitSilentFrame(): void {
    this.mel.reserve(this.bank.bands);
    this.mel.data.fill(0, this.mel.length, this.mel.length + this.bank.bands);
    this.mel.length += this.bank.bands;
    this.frames++;
  }

  private emitFrame(): void {
    const win = this.win;
    const frame = this.frame;
    const ring = this.ring;
    const window = this.window;
    // the ring from its oldest sample: [pos, win) then [0, pos)
    const pos = this.ringPos;
    const first = win - pos;
    for (let i = 0; i < first; i++) frame[i] = ring[pos + i] * window[i];
    for (let i = first; i < win; i++) frame[i] = ring[i - first] * window[i];
    this.fft.power(frame, this.power, this.bank.bins);
    this.mel.reserve(this.bank.bands);
    this.bank.apply(this.power, this.mel.data, this.mel.length);
    this.mel.length += this.bank.bands;
    this.frames++;
  }

  /** Pad the tail so every sample is inside some frame, and return the features. */
  finish(): MelFeatures {
    if (!this.done) {
      const wanted = Math.ceil(this.total / this.hop);
      const zero = new Float32Array(1);
      const blocksWanted = Math.ceil(this.total / this.block);
      const realTotal = this.total;
      while (this.frames < wanted) this.push(zero);
      if (this.blockCount > 0 && this.blocks.length < blocksWanted) this.pushBlock(this.blockAcc / this.blockCount);
      this.blocks.length = Math.min(this.blocks.length, blocksWanted);
      this.total = realTotal;
      this.done = true;
    }
    return {
      sampleRate: this.sampleRate,
      hopSeconds: this.opts.hopSeconds,
      frames: this.frames,
      melBands: this.bank.bands,
      mel: this.mel.trimmed(),
      // exact: at 22 050 Hz a 10 ms block is 220.5 samples, rounded to 221
      blockSeconds: this.block / this.sampleRate,
      blockDb: this.blocks.trimmed(),
      samples: this.total,
    };
  }
}

export interface CepstraOptions {
  /** Number of cepstral coefficients c0 … c(n−1). */
  coefficients: number;
  /** Weight of the normalised c0 (loudness contour) in the vector; 0 drops it. */
  c0Weight: number;
  /** Log floor, in dB below the signal's typical speech frame (flattens noise and silence alike). */
  floorDb: number;
}

export const DEFAULT_CEPSTRA: CepstraOptions = { coefficients: 13, c0Weight: 1, floorDb: 40 };

/** Unit-length feature vectors, frames × dims, ready for a cosine cost. */
export interface FeatureVectors {
  frames: number;
  dims: number;
  hopSeconds: number;
  data: Float32Array;
}

/** Mel energies → floored log → DCT-II → CMVN over speech frames → unit vectors. */
export function cepstra(f: MelFeatures, opts: Partial<CepstraOptions> = {}): FeatureVectors {
  const o = { ...DEFAULT_CEPSTRA, ...opts };
  const B = f.melBands;
  const C = o.coefficients;
  const n = f.frames;
  // typical speech level: the median band-mean energy of the louder half of frames
  const frameMean = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += f.mel[t * B + b];
    frameMean[t] = s / B;
  }
  const sorted = frameMean.slice().sort();
  const speechLevel = sorted.length ? sorted[Math.floor(sorted.length * 0.75)] : 0;
  const floor = Math.max(speechLevel * 10 ** (-o.floorDb / 10), 1e-20);
  const speechThreshold = speechLevel * 10 ** (-25 / 10);

  const dct = new Float64Array(C * B);
  for (let c = 0; c < C; c++) {
    for (let b = 0; b < B; b++) dct[c * B + b] = Math.cos((Math.PI * c * (b + 0.5)) / B) * Math.sqrt((c === 0 ? 1 : 2) / B);
  }
  const out = new Float32Array(n * C);
  const logs = new Float64Array(B);
  const mel = f.mel;
  for (let t = 0; t < n; t++) {
    for (let b = 0, at = t * B; b < B; b++, at++) logs[b] = Math.log(mel[at] + floor);
    if (C === 8) dct8(dct, logs, B, out, t * 8);
    else {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += dct[c * B + b] * logs[b];
        out[t * C + c] = s;
      }
    }
  }
  // CMVN over speech frames (all frames if too few)
  const mean = new Float64Array(C);
  const sq = new Float64Array(C);
  let count = 0;
  const useAll = frameMean.filter((e) => e >= speechThreshold).length < 10;
  for (let t = 0; t < n; t++) {
    if (!useAll && frameMean[t] < speechThreshold) continue;
    count++;
    for (let c = 0; c < C; c++) {
      const v = out[t * C + c];
      mean[c] += v;
      sq[c] += v * v;
    }
  }
  const inv = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    mean[c] /= Math.max(1, count);
    const variance = sq[c] / Math.max(1, count) - mean[c] * mean[c];
    inv[c] = 1 / Math.sqrt(Math.max(variance, 1e-8));
  }
  inv[0] *= o.c0Weight;
  for (let t = 0; t < n; t++) {
    let norm = 0;
    for (let c = 0; c < C; c++) {
      const v = (out[t * C + c] - mean[c]) * inv[c];
      out[t * C + c] = v;
      norm += v * v;
    }
    const k = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < C; c++) out[t * C + c] *= k;
  }
  return { frames: n, dims: C, hopSeconds: f.hopSeconds, data: out };
}

/**
 * The DCT of one frame for 8 coefficients (the aligner's): the eight sums side by side,
 * each still taken in band order from 0, so the same doubles as one coefficient at a
 * time, but eight additions in flight instead of one chain.
 */
function dct8(dct: Float64Array, logs: Float64Array, B: number, out: Float32Array, at: number): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let b = 0; b < B; b++) {
    const l = logs[b];
    s0 += dct[b] * l;
    s1 += dct[B + b] * l;
    s2 += dct[2 * B + b] * l;
    s3 += dct[3 * B + b] * l;
    s4 += dct[4 * B + b] * l;
    s5 += dct[5 * B + b] * l;
    s6 += dct[6 * B + b] * l;
    s7 += dct[7 * B + b] * l;
  }
  out[at] = s0;
  out[at + 1] = s1;
  out[at + 2] = s2;
  out[at + 3] = s3;
  out[at + 4] = s4;
  out[at + 5] = s5;
  out[at + 6] = s6;
  out[at + 7] = s7;
}

/** Average `factor` consecutive vectors (renormalised): the coarse pass's features. */
export function pool(v: FeatureVectors, factor: number): FeatureVectors {
  const n = Math.ceil(v.frames / factor);
  const D = v.dims;
  const out = new Float32Array(n * D);
  for (let t = 0; t < v.frames; t++) {
    const o = Math.floor(t / factor) * D;
    for (let d = 0; d < D; d++) out[o + d] += v.data[t * D + d];
  }
  for (let t = 0; t < n; t++) {
    let norm = 0;
    for (let d = 0; d < D; d++) norm += out[t * D + d] ** 2;
    const k = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < D; d++) out[t * D + d] *= k;
  }
  return { frames: n, dims: D, hopSeconds: v.hopSeconds * factor, data: out };
}
