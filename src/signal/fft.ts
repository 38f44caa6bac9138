/**
 * A small real-input FFT (power spectrum only) for the feature front end: radix-2,
 * iterative, twiddles and bit-reversal precomputed once, no allocation per call.
 * A real signal of length N is packed into N/2 complex values, transformed, and split.
 *
 * The stages are done two at a time (each pass reads and writes the arrays once for two
 * radix-2 stages), with exactly the radix-2 butterflies, twiddles and operation order of
 * one stage at a time: the spectrum is bit for bit what the plain radix-2 loop gives, so
 * features (and every alignment built on them) do not move with this speed-up.
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
  /** Zero-padded copy of a short input, so the transform itself never checks lengths. */
  private readonly padded: Float64Array;

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
    this.padded = new Float64Array(size);
  }

  /**
   * |X[k]|² for k = 0 … N/2 of the real frame `x` (length ≤ N, zero-padded), written into
   * `out` (length ≥ N/2 + 1). With `bins`, only out[0 … bins − 1] and out[N/2] are written: the mel
   * filters of a 22 050 Hz signal stop at 7600 Hz, two thirds of the way up.
   */
  power(x: Float32Array | Float64Array, out: Float32Array | Float64Array, bins = this.half + 1): void {
    let input: Float32Array | Float64Array = x;
    if (x.length < this.size) {
      this.padded.set(x);
      this.padded.fill(0, x.length);
      input = this.padded;
    }
    this.transform(input);
    this.split(out, Math.min(bins, this.half));
  }

  /** The N/2-point complex FFT of the packed input, into re/im. */
  private transform(x: Float32Array | Float64Array): void {
    const h = this.half;
    const re = this.re;
    const im = this.im;
    const rev = this.rev;
    if (h === 2) {
      // size 4: the one stage (span 1, twiddle 1)
      re[0] = x[0] + x[2];
      im[0] = x[1] + x[3];
      re[1] = x[0] - x[2];
      im[1] = x[1] - x[3];
      return;
    }
    // the bit-reversed load fused with the first two stages: the reversal turns the top
    // two bits of an index into its bottom two, so inputs i, i + h/2, i + h/4, i + 3h/4
    // land side by side at p … p + 3, the four points of one span-1-then-span-2 group
    const q = h >> 2;
    const wr = this.cos[q];
    const wi = this.sin[q];
    const one = this.cos[0];
    const zero = this.sin[0];
    for (let i = 0; i < q; i++) {
      const p = rev[i];
      const a = 2 * i;
      const b = a + h;
      const c = a + (h >> 1);
      const d = c + h;
      // span 1 (twiddle exactly 1: no multiply, as a radix-2 loop does it)
      const y1r = x[a] - x[b];
      const y1i = x[a + 1] - x[b + 1];
      const y0r = x[a] + x[b];
      const y0i = x[a + 1] + x[b + 1];
      const y3r = x[c] - x[d];
      const y3i = x[c + 1] - x[d + 1];
      const y2r = x[c] + x[d];
      const y2i = x[c + 1] + x[d + 1];
      // span 2: (p, p + 2) with W^0, (p + 1, p + 3) with W^(h/4)
      let tr = y2r * one - y2i * zero;
      let ti = y2r * zero + y2i * one;
      re[p + 2] = y0r - tr;
      im[p + 2] = y0i - ti;
      re[p] = y0r + tr;
      im[p] = y0i + ti;
      tr = y3r * wr - y3i * wi;
      ti = y3r * wi + y3i * wr;
      re[p + 3] = y1r - tr;
      im[p + 3] = y1i - ti;
      re[p + 1] = y1r + tr;
      im[p + 1] = y1i + ti;
    }
    let span = 4;
    for (; span << 1 < h; span <<= 2) this.twoStages(span);
    if (span < h) this.oneStage(span);
  }

  /** One radix-2 stage: butterflies (p, p + span) with twiddle W_h^(k·h/2span). */
  private oneStage(span: number): void {
    const h = this.half;
    const re = this.re;
    const im = this.im;
    const step = h / (span << 1);
    for (let k = 0; k < span; k++) {
      const wr = this.cos[k * step];
      const wi = this.sin[k * step];
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

  /**
   * The stages of span `s` and `2s` in one pass. Within each group of four points
   * p0 … p3 = p + 0, s, 2s, 3s: stage s pairs (p0, p1) and (p2, p3), both with the twiddle
   * of offset k; stage 2s then pairs (p0, p2) with the twiddle of offset k and (p1, p3) with
   * that of offset k + s — the same butterflies as two separate stages, in registers.
   */
  private twoStages(s: number): void {
    const h = this.half;
    const re = this.re;
    const im = this.im;
    const cos = this.cos;
    const sin = this.sin;
    const step1 = h / (s << 1);
    const step2 = h / (s << 2);
    const group = s << 2;
    for (let k = 0; k < s; k++) {
      const ar = cos[k * step1];
      const ai = sin[k * step1];
      const br = cos[k * step2];
      const bi = sin[k * step2];
      const cr = cos[(k + s) * step2];
      const ci = sin[(k + s) * step2];
      for (let p0 = k; p0 < h; p0 += group) {
        const p1 = p0 + s;
        const p2 = p1 + s;
        const p3 = p2 + s;
        // stage s
        let tr = re[p1] * ar - im[p1] * ai;
        let ti = re[p1] * ai + im[p1] * ar;
        const y1r = re[p0] - tr;
        const y1i = im[p0] - ti;
        const y0r = re[p0] + tr;
        const y0i = im[p0] + ti;
        tr = re[p3] * ar - im[p3] * ai;
        ti = re[p3] * ai + im[p3] * ar;
        const y3r = re[p2] - tr;
        const y3i = im[p2] - ti;
        const y2r = re[p2] + tr;
        const y2i = im[p2] + ti;
        // stage 2s
        tr = y2r * br - y2i * bi;
        ti = y2r * bi + y2i * br;
        re[p2] = y0r - tr;
        im[p2] = y0i - ti;
        re[p0] = y0r + tr;
        im[p0] = y0i + ti;
        tr = y3r * cr - y3i * ci;
        ti = y3r * ci + y3i * cr;
        re[p3] = y1r - tr;
        im[p3] = y1i - ti;
        re[p1] = y1r + tr;
        im[p1] = y1i + ti;
      }
    }
  }

  /** X[k] = (Z[k] + conj(Z[h−k]))/2 + W^k (Z[k] − conj(Z[h−k]))/(2i), squared magnitude. */
  private split(out: Float32Array | Float64Array, upTo: number): void {
    const h = this.half;
    const re = this.re;
    const im = this.im;
    const sc = this.splitCos;
    const ss = this.splitSin;
    out[0] = (re[0] + im[0]) * (re[0] + im[0]);
    out[h] = (re[0] - im[0]) * (re[0] - im[0]);
    for (let k = 1; k < upTo; k++) {
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
