/**
 * A small real-input FFT (power spectrum only) for the feature front end: radix-2,
 * iterative, twiddles and bit-reversal precomputed once, no allocation per call.
 * A real signal of length N is packed into N/2 complex values, transformed, and split.
 */
export class PowerSpectrum {
  readonly size: number;
  private readonly half: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two >= 4, got ${size}`);
    this.size = size;
    const h = size >> 1;
    this.half = h;
    this.re = new Float64Array(h);
    this.im = new Float64Array(h);
    this.cos = new Float64Array(h >> 1);
    this.sin = new Float64Array(h >> 1);
    for (let k = 0; k < h >> 1; k++) {
      this.cos[k] = Math.cos((-2 * Math.PI * k) / h);
      this.sin[k] = Math.sin((-2 * Math.PI * k) / h);
    }
    this.rev = new Uint32Array(h);
    const bits = Math.log2(h);
    for (let i = 0; i < h; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.splitCos = new Float64Array(h + 1);
    this.splitSin = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.splitCos[k] = Math.cos((-2 * Math.PI * k) / size);
      this.splitSin[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /**
   * |X[k]|² for k = 0 … N/2 of the real frame `x` (length ≤ N, zero-padded), written into
   * `out` (length ≥ N/2 + 1).
   */
  power(x: Float32Array | Float64Array, out: Float32Array | Float64Array): void {
    const h = this.half;
    const re = this.re;
    const im = this.im;
    const rev = this.rev;
    const cos = this.cos;
    const sin = this.sin;
    const len = x.length;
    if (len >= 2 * h) {
      for (let i = 0; i < h; i++) {
        const r = rev[i];
        re[r] = x[2 * i];
        im[r] = x[2 * i + 1];
      }
    } else {
      for (let i = 0; i < h; i++) {
        const r = rev[i];
        const a = 2 * i;
        re[r] = a < len ? x[a] : 0;
        im[r] = a + 1 < len ? x[a + 1] : 0;
      }
    }
    // first stage (span 1): twiddle is 1
    for (let p = 0; p < h; p += 2) {
      const q = p + 1;
      const tr = re[q];
      const ti = im[q];
      re[q] = re[p] - tr;
      im[q] = im[p] - ti;
      re[p] += tr;
      im[p] += ti;
    }
    for (let span = 2; span < h; span <<= 1) {
      const step = h / (span << 1);
      for (let k = 0; k < span; k++) {
        const wr = cos[k * step];
        const wi = sin[k * step];
        for (let p = k; p < h; p += span << 1) {
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
    // split: X[k] = (Z[k] + conj(Z[h−k]))/2 + W^k (Z[k] − conj(Z[h−k]))/(2i)
    const sc = this.splitCos;
    const ss = this.splitSin;
    out[0] = (re[0] + im[0]) * (re[0] + im[0]);
    out[h] = (re[0] - im[0]) * (re[0] - im[0]);
    for (let k = 1; k < h; k++) {
      const zr = re[k];
      const zi = im[k];
      const cr = re[h - k];
      const ci = -im[h - k];
      const er = (zr + cr) * 0.5;
      const ei = (zi + ci) * 0.5;
      const or = (zi - ci) * 0.5;
      const oi = -(zr - cr) * 0.5;
      const wr = sc[k];
      const wi = ss[k];
      const xr = er + (or * wr - oi * wi);
      const xi = ei + (or * wi + oi * wr);
      out[k] = xr * xr + xi * xi;
    }
  }
}
