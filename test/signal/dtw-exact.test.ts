import { describe, expect, it } from 'vitest';
import type { FeatureVectors } from '../../src/signal/mfcc.js';
import { cellCost, dtw, lineBand, type Band } from '../../src/signal/dtw.js';

/**
 * dtw() runs most cells through a loop without range tests. This is the rule it must
 * keep, cell by cell (diagonal first, then vertical, then left, a later candidate only when
 * strictly cheaper), written the slow way: the path, the row costs and the mean must be
 * the same, ties included.
 */
function slowFirst(a: FeatureVectors, b: FeatureVectors, band: Band, skipCost: number): Int32Array {
  const n = a.frames;
  const cost: number[][] = [];
  const dir: number[][] = [];
  for (let i = 0; i < n; i++) {
    cost.push([]);
    dir.push([]);
    for (let j = band.lo[i]; j < band.hi[i]; j++) {
      const c = cellCost(a, i, b, j);
      const step = Math.min(c, skipCost);
      const inPrev = (jj: number) => i > 0 && jj >= band.lo[i - 1] && jj < band.hi[i - 1];
      let best = Infinity;
      let d = 0;
      if (inPrev(j - 1)) best = cost[i - 1][j - 1 - band.lo[i - 1]] + 2 * c;
      if (inPrev(j) && cost[i - 1][j - band.lo[i - 1]] + step < best) [best, d] = [cost[i - 1][j - band.lo[i - 1]] + step, 1];
      if (j > band.lo[i] && cost[i][j - 1 - band.lo[i]] + step < best) [best, d] = [cost[i][j - 1 - band.lo[i]] + step, 2];
      if (i === 0 && j === 0) best = c;
      cost[i].push(best);
      dir[i].push(d);
    }
  }
  const first = new Int32Array(n);
  let [i, j] = [n - 1, b.frames - 1];
  for (;;) {
    first[i] = j;
    if (i === 0 && j === 0) return first;
    const d = dir[i][j - band.lo[i]];
    if (d === 0) [i, j] = [i - 1, j - 1];
    else if (d === 1) i--;
    else j--;
  }
}

/** Unit vectors from a few coarse directions: many exactly equal costs, so many ties. */
function coarse(frames: number, seed: number): FeatureVectors {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const data = new Float32Array(frames * 4);
  for (let t = 0; t < frames; t++) {
    const k = Math.floor(next() * 3);
    data[t * 4 + k] = 1;
  }
  return { frames, dims: 4, hopSeconds: 0.02, data };
}

describe('dtw keeps the cell rule of the plain loop', () => {
  for (const [n, m, radius, skip, seed] of [
    [60, 80, 15, Infinity, 1],
    [90, 70, 12, 0.6, 2],
    [120, 120, 40, 0.3, 3],
    [50, 140, 200, 0.8, 4],
  ] as const) {
    it(`${n}×${m}, radius ${radius}, skip cost ${skip}`, () => {
      const a = coarse(n, seed);
      const b = coarse(m, seed + 10);
      const band = lineBand(n, m, radius);
      expect(Array.from(dtw(a, b, band, undefined, 2, skip).first)).toEqual(Array.from(slowFirst(a, b, band, skip)));
    });
  }
});
