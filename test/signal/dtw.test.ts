import { describe, expect, it } from 'vitest';
import type { FeatureVectors } from '../../src/signal/mfcc.js';
import { walk } from '../align/helpers.js';
import { bandAroundPath, dtw, lineBand } from '../../src/signal/dtw.js';
import { pool } from '../../src/signal/mfcc.js';


/** B[j] = A[warp(j)] with a known, non-linear monotone warp. */
function warped(a: FeatureVectors, warp: (j: number) => number, m: number): FeatureVectors {
  const data = new Float32Array(m * a.dims);
  for (let j = 0; j < m; j++) data.set(a.data.subarray(warp(j) * a.dims, (warp(j) + 1) * a.dims), j * a.dims);
  return { ...a, frames: m, data };
}

describe('dtw', () => {
  const n = 3000;
  const a = walk(n, 13, 7);
  // recording: slower at first (×1.3), then faster (×0.8), with a 150-frame pause-like hold
  const warpOf = (j: number): number => {
    if (j < 1300) return Math.floor(j / 1.3); // frames 0..999
    if (j < 1450) return 999; // hold
    return Math.min(n - 1, 1000 + Math.floor((j - 1450) * 1.25));
  };
  const m = 1450 + Math.ceil((n - 1000) / 1.25);
  const b = warped(a, warpOf, m);

  /** Where the true warp first shows reference frame i. */
  function trueFirst(i: number): number {
    for (let j = 0; j < m; j++) if (warpOf(j) >= i) return j;
    return m - 1;
  }

  it('recovers a known warp inside a diagonal band', () => {
    const path = dtw(a, b, lineBand(n, m, 600));
    let worst = 0;
    for (let i = 0; i < n; i += 7) worst = Math.max(worst, Math.abs(path.first[i] - trueFirst(i)));
    expect(worst).toBeLessThanOrEqual(1);
    expect(path.meanCost).toBeLessThan(0.05);
    // monotone
    for (let i = 1; i < n; i++) expect(path.first[i]).toBeGreaterThanOrEqual(path.last[i - 1]);
  });

  it('coarse-to-fine gives the same path with a fraction of the cells', () => {
    const full = dtw(a, b, lineBand(n, m, 600));
    const coarse = dtw(pool(a, 8), pool(b, 8), lineBand(Math.ceil(n / 8), Math.ceil(m / 8), 75));
    const fine = dtw(a, b, bandAroundPath(coarse, 8, n, m, 20));
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(fine.first[i] - full.first[i]));
    expect(worst).toBeLessThanOrEqual(1);
    expect(fine.cells + coarse.cells).toBeLessThan(full.cells / 3);
  });

  it('fails when the band cannot hold the warp (the test can fail)', () => {
    // the true path runs up to ~450 frames off the diagonal: a ±20 band cannot follow it
    const path = dtw(a, b, lineBand(n, m, 20));
    let worst = 0;
    for (let i = 0; i < n; i += 7) worst = Math.max(worst, Math.abs(path.first[i] - trueFirst(i)));
    expect(worst).toBeGreaterThan(50);
  });
});
