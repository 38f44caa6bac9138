/**
 * Dynamic time warping inside a band. Rows are reference frames (i), columns recording
 * frames (j); row i may only use columns [lo[i], hi[i]). The band is monotone (lo and hi
 * never decrease), which is what both a diagonal band and a band grown around a coarser
 * path look like. Memory: one byte of back-pointer per band cell plus two rows of
 * accumulated cost; the cost is 1 − dot(a_i, b_j) of unit vectors (1 − cosine).
 *
 * Steps: (i−1, j−1) adding twice the cell's cost, (i−1, j) and (i, j−1) adding it once
 * ("symmetric2"): every path then carries the same total weight n + m, so a diagonal is
 * not cheaper just for being shorter. (With weight 1 on the diagonal the path cuts
 * corners: after a hold — a pause — it leaves the held frame early to save the vertical
 * steps a faster stretch needs later, drifting tens of frames.) The path runs from (0, 0)
 * to (n−1, m−1).
 */
import type { FeatureVectors } from './mfcc.js';

export interface Band {
  lo: Int32Array;
  hi: Int32Array;
}

export interface DtwPath {
  /** For each reference frame, the first and last recording frame on the path. */
  first: Int32Array;
  last: Int32Array;
  /** Mean cell cost of the path within each reference row. */
  rowCost: Float32Array;
  /** Sum of cell costs along the path / path length. */
  meanCost: number;
  /** Cells evaluated (the band's area). */
  cells: number;
}

/** Cost of one cell: 1 − dot product of unit vectors. */
export function cellCost(a: FeatureVectors, i: number, b: FeatureVectors, j: number): number {
  const D = a.dims;
  let s = 0;
  const ai = i * D;
  const bj = j * D;
  for (let d = 0; d < D; d++) s += a.data[ai + d] * b.data[bj + d];
  return 1 - s;
}

/**
 * Narrowing of a line band towards its anchors: the half-width is at most `start` frames
 * at the first anchor and `end` at the second, growing by `growth` frames per row away
 * from them (up to the band's radius). A known anchor then holds the path near it.
 */
export interface BandTaper {
  start: number;
  end: number;
  growth: number;
}

/** A band of half-width `radius` frames around the straight line through two anchor points. */
export function lineBand(
  n: number,
  m: number,
  radius: number,
  anchor0: { i: number; j: number } = { i: 0, j: 0 },
  anchor1: { i: number; j: number } = { i: n - 1, j: m - 1 },
  taper?: BandTaper,
): Band {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const slope = anchor1.i > anchor0.i ? (anchor1.j - anchor0.j) / (anchor1.i - anchor0.i) : m / Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const c = anchor0.j + (i - anchor0.i) * slope;
    const r = taper
      ? Math.min(radius, taper.start + taper.growth * Math.max(0, i - anchor0.i), taper.end + taper.growth * Math.max(0, anchor1.i - i))
      : radius;
    lo[i] = Math.max(0, Math.min(m - 1, Math.floor(c - r)));
    // rows after the second anchor (text the recording does not reach) may run to the end
    hi[i] = Math.max(lo[i] + 1, Math.min(m, taper && i > anchor1.i ? m : Math.ceil(c + r) + 1));
  }
  return fixBand(lo, hi, m);
}

/**
 * The band for a finer pass: each fine row gets the columns its coarse row's path used,
 * scaled by `factor`, widened by `radius` fine frames on both sides.
 */
export function bandAroundPath(coarse: DtwPath, factor: number, n: number, m: number, radius: number): Band {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const rows = coarse.first.length;
  for (let i = 0; i < n; i++) {
    const I = Math.min(rows - 1, Math.floor(i / factor));
    lo[i] = Math.max(0, Math.min(m - 1, coarse.first[I] * factor - radius));
    hi[i] = Math.max(lo[i] + 1, Math.min(m, (coarse.last[I] + 1) * factor + radius));
  }
  return fixBand(lo, hi, m);
}

/** Make a band monotone and make it contain both corners. */
function fixBand(lo: Int32Array, hi: Int32Array, m: number): Band {
  const n = lo.length;
  lo[0] = 0;
  hi[n - 1] = m;
  for (let i = 1; i < n; i++) if (lo[i] < lo[i - 1]) lo[i] = lo[i - 1];
  for (let i = n - 2; i >= 0; i--) if (hi[i] > hi[i + 1]) hi[i] = hi[i + 1];
  // rows must overlap their predecessor so a path exists
  for (let i = 1; i < n; i++) if (lo[i] > hi[i - 1]) lo[i] = hi[i - 1];
  for (let i = 0; i < n; i++) if (hi[i] <= lo[i]) hi[i] = Math.min(m, lo[i] + 1);
  return { lo, hi };
}

export function bandCells(band: Band): number {
  let s = 0;
  for (let i = 0; i < band.lo.length; i++) s += band.hi[i] - band.lo[i];
  return s;
}

/**
 * Cell costs 1 − dot(a_i, b_j) for j in [from, to) into `out` (summed in dimension order,
 * so every cell gets exactly the value cellCost gives; 8 dimensions (the aligner's) and 13
 * (identification's) unrolled). The one cost kernel: every DTW here and the local search use it.
 */
export function rowCosts(A: Float32Array, i: number, B: Float32Array, from: number, to: number, D: number, out: Float64Array): void {
  const ai = i * D;
  if (D === 13) {
    const a0 = A[ai], a1 = A[ai + 1], a2 = A[ai + 2], a3 = A[ai + 3], a4 = A[ai + 4], a5 = A[ai + 5], a6 = A[ai + 6];
    const a7 = A[ai + 7], a8 = A[ai + 8], a9 = A[ai + 9], a10 = A[ai + 10], a11 = A[ai + 11], a12 = A[ai + 12];
    for (let j = from, k = 0, bj = from * 13; j < to; j++, k++, bj += 13) {
      out[k] =
        1 -
        (0 + a0 * B[bj] + a1 * B[bj + 1] + a2 * B[bj + 2] + a3 * B[bj + 3] + a4 * B[bj + 4] + a5 * B[bj + 5] + a6 * B[bj + 6] +
          a7 * B[bj + 7] + a8 * B[bj + 8] + a9 * B[bj + 9] + a10 * B[bj + 10] + a11 * B[bj + 11] + a12 * B[bj + 12]);
    }
    return;
  }
  if (D === 8) {
    const a0 = A[ai], a1 = A[ai + 1], a2 = A[ai + 2], a3 = A[ai + 3];
    const a4 = A[ai + 4], a5 = A[ai + 5], a6 = A[ai + 6], a7 = A[ai + 7];
    for (let j = from, k = 0, bj = from * 8; j < to; j++, k++, bj += 8) {
      out[k] = 1 - (0 + a0 * B[bj] + a1 * B[bj + 1] + a2 * B[bj + 2] + a3 * B[bj + 3] + a4 * B[bj + 4] + a5 * B[bj + 5] + a6 * B[bj + 6] + a7 * B[bj + 7]);
    }
    return;
  }
  for (let j = from, k = 0; j < to; j++, k++) {
    let s = 0;
    const bj = j * D;
    for (let d = 0; d < D; d++) s += A[ai + d] * B[bj + d];
    out[k] = 1 - s;
  }
}

const DIAG = 0;
const UP = 1; // from (i−1, j)
const LEFT = 2; // from (i, j−1)

/**
 * `skipCost` (default: none) caps the cost of the non-diagonal steps: a stretch of
 * recording with no text (an intro, an ad-lib, foreign speech) can be crossed on one
 * reference row, and a stretch of text the narrator skipped on one recording column, at
 * this fixed cost per frame, instead of being forced onto the nearest words. It should lie
 * between the cost of matched frames and that of unrelated ones.
 */
export function dtw(a: FeatureVectors, b: FeatureVectors, band: Band, onRow?: (i: number) => void, diagWeight = 2, skipCost = Infinity): DtwPath {
  const n = a.frames;
  const m = b.frames;
  if (n === 0 || m === 0) throw new Error('dtw: empty sequence');
  if (a.dims !== b.dims) throw new Error('dtw: feature dimensions differ');
  const { lo, hi } = band;
  const D = a.dims;
  const A = a.data;
  const B = b.data;
  const offsets = new Float64Array(n + 1);
  let maxW = 0;
  for (let i = 0; i < n; i++) {
    const w = hi[i] - lo[i];
    offsets[i + 1] = offsets[i] + w;
    if (w > maxW) maxW = w;
  }
  const cells = offsets[n];
  if (cells > 2 ** 31 - 1) throw new Error(`dtw: band too large (${cells} cells)`);
  const back = new Uint8Array(cells);
  let prev = new Float64Array(maxW);
  let cur = new Float64Array(maxW);
  let prevLo = 0;
  let prevHi = 0;
  const costs = new Float64Array(maxW);
  for (let i = 0; i < n; i++) {
    const l = lo[i];
    const h = hi[i];
    const w = h - l;
    const off = offsets[i] | 0;
    rowCosts(A, i, B, l, h, D, costs);
    // the cells of this row with a predecessor in the previous row, diagonal and vertical
    const dFrom = i > 0 ? Math.max(l, prevLo + 1) : h;
    const dTo = i > 0 ? Math.min(h, prevHi + 1) : h;
    const uFrom = i > 0 ? Math.max(l, prevLo) : h;
    const uTo = i > 0 ? Math.min(h, prevHi) : h;
    // the cells with all three predecessors (most of a row) take a loop without range
    // tests; the few at the row's ends (no diagonal, vertical or left neighbour) take the
    // general one. Same candidates in the same order, same ties: the same path.
    const kFrom = Math.min(w, Math.max(1, dFrom - l, uFrom - l));
    const kTo = Math.max(kFrom, Math.min(dTo, uTo) - l);
    for (let k = 0; k < w; k++) {
      if (k === kFrom && kTo > kFrom) {
        let left = cur[k - 1];
        let up = prev[l + k - 1 - prevLo]; // the diagonal neighbour: the last cell's vertical one
        for (let p = l + k - prevLo; k < kTo; k++, p++) {
          const c = costs[k];
          const step = c < skipCost ? c : skipCost;
          let best = up + diagWeight * c;
          let dir = DIAG;
          up = prev[p];
          const v = up + step;
          if (v < best) {
            best = v;
            dir = UP;
          }
          const x = left + step;
          if (x < best) {
            best = x;
            dir = LEFT;
          }
          cur[k] = best;
          back[off + k] = dir;
          left = best;
        }
        if (k === w) break;
      }
      const j = l + k;
      const c = costs[k];
      const step = c < skipCost ? c : skipCost;
      let best = Infinity;
      let dir = DIAG;
      if (j >= dFrom && j < dTo) best = prev[j - 1 - prevLo] + diagWeight * c;
      if (j >= uFrom && j < uTo) {
        const v = prev[j - prevLo] + step;
        if (v < best) {
          best = v;
          dir = UP;
        }
      }
      if (k > 0) {
        const v = cur[k - 1] + step;
        if (v < best) {
          best = v;
          dir = LEFT;
        }
      }
      if (i === 0 && j === 0) best = c;
      cur[k] = best;
      back[off + k] = dir;
    }
    const t = prev;
    prev = cur;
    cur = t;
    prevLo = l;
    prevHi = h;
    if (onRow && (i & 1023) === 0) onRow(i);
  }
  if (hi[n - 1] !== m) throw new Error('dtw: band does not reach the last column');
  // backtrack
  const first = new Int32Array(n).fill(-1);
  const last = new Int32Array(n).fill(-1);
  const rowSum = new Float64Array(n);
  const rowCount = new Int32Array(n);
  let i = n - 1;
  let j = m - 1;
  let total = 0;
  let steps = 0;
  for (;;) {
    const c = cellCost(a, i, b, j);
    total += c;
    steps++;
    rowSum[i] += c;
    rowCount[i]++;
    first[i] = j;
    if (last[i] < 0) last[i] = j;
    if (i === 0 && j === 0) break;
    const dir = back[offsets[i] + j - lo[i]];
    if (dir === DIAG) {
      i--;
      j--;
    } else if (dir === UP) i--;
    else j--;
    if (i < 0 || j < 0) throw new Error('dtw: path left the matrix');
  }
  const rowCost = new Float32Array(n);
  for (let r = 0; r < n; r++) rowCost[r] = rowCount[r] ? rowSum[r] / rowCount[r] : 1;
  return { first, last, rowCost, meanCost: total / steps, cells };
}

/** Map a reference frame to a recording frame along the path (its first matched column). */
export function mapFrame(path: DtwPath, i: number): number {
  const n = path.first.length;
  return path.first[Math.max(0, Math.min(n - 1, i))];
}

/**
 * Subsequence DTW: the whole query against any stretch of the recording (free start and
 * end). Steps into (i, j): from (i−1, j−1), (i−1, j−2) [recording slower], or (i−2, j−1)
 * through (i−1, j) [recording faster] — every query frame is charged exactly once, so the
 * result is a mean over the query's frames, and the local slope stays within ½…2.
 * Memory: five rows of the recording's length. Returns the mean cost and where the
 * match ends (recording frame).
 */
export function subsequenceDtw(query: FeatureVectors, rec: FeatureVectors): { cost: number; endFrame: number } {
  const n = query.frames;
  const m = rec.frames;
  if (query.dims !== rec.dims) throw new Error('subsequenceDtw: feature dimensions differ');
  if (n === 0 || m === 0) return { cost: Infinity, endFrame: -1 };
  let d2 = new Float64Array(m).fill(Infinity); // accumulated, row i−2
  let d1 = new Float64Array(m).fill(Infinity); // row i−1
  let d0 = new Float64Array(m); // row i
  let c1 = new Float64Array(m); // cell costs, row i−1
  let c0 = new Float64Array(m); // row i
  for (let i = 0; i < n; i++) {
    rowCosts(query.data, i, rec.data, 0, m, query.dims, c0);
    if (i === 0) d0.set(c0);
    else {
      d0[0] = Infinity;
      for (let j = 1; j < m; j++) {
        let best = d1[j - 1];
        const fast = d2[j - 1] + c1[j];
        if (fast < best) best = fast;
        if (j >= 2 && d1[j - 2] < best) best = d1[j - 2];
        d0[j] = best + c0[j];
      }
    }
    [d2, d1, d0] = [d1, d0, d2];
    [c1, c0] = [c0, c1];
  }
  let cost = Infinity;
  let endFrame = -1;
  for (let j = 0; j < m; j++) {
    if (d1[j] < cost) {
      cost = d1[j];
      endFrame = j;
    }
  }
  return { cost: cost / n, endFrame };
}
