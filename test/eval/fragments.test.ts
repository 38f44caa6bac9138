/**
 * Fragment spans of the real readings (src/eval/fragments.ts): the split of a pause track
 * into known fragments, the correlation check, and the detection on real LibriVox audio
 * with the validation figure printed and asserted.
 */
import { describe, expect, it } from 'vitest';
import { fragmentTexts, MIN_R, MIN_R_VERSE, pearson, readingFragments, spansFromLevels } from '../../src/eval/fragments.js';
import { describeShared } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

/** 10 ms frame levels: speech (−20 dB, with a short −50 dB comma dip inside the longest fragment) and −60 dB pauses. */
function levels(fragmentSeconds: number[], pauseSeconds: number[], commaAt?: number): Float32Array {
  const frames: number[] = Array(50).fill(-60);
  fragmentSeconds.forEach((d, k) => {
    const n = Math.round(d / 0.01);
    for (let i = 0; i < n; i++) frames.push(k === commaAt && i >= n / 2 && i < n / 2 + 20 ? -60 : -20);
    if (k < pauseSeconds.length) for (let i = 0; i < Math.round(pauseSeconds[k] / 0.01); i++) frames.push(-60);
  });
  for (let i = 0; i < 50; i++) frames.push(-60);
  return Float32Array.from(frames);
}

describe('spansFromLevels', () => {
  it('puts the boundaries at the pauses between fragments, not at a comma pause inside one', () => {
    const durations = [1.0, 3.0, 2.0, 4.0, 1.5];
    const chars = [12, 38, 25, 50, 18];
    // the comma inside fragment 3 (0.2 s) is as long as the shortest real boundary (0.2 s)
    const { spans, boundaryMeanPause, otherMeanPause } = spansFromLevels(levels(durations, [0.6, 0.2, 0.8, 0.5], 3), chars);
    expect(spans.length).toBe(5);
    let t = 0.5;
    const pauses = [0.6, 0.2, 0.8, 0.5];
    durations.forEach((d, k) => {
      expect(spans[k][0]).toBeCloseTo(t, 2);
      expect(spans[k][1]).toBeCloseTo(t + d, 2);
      t += d + (pauses[k] ?? 0);
    });
    expect(boundaryMeanPause).toBeCloseTo(0.525, 2);
    expect(otherMeanPause).toBeCloseTo(0.2, 2);
  });

  it('refuses when there are fewer pauses than boundaries', () => {
    expect(() => spansFromLevels(levels([1, 1], [0.5]), [10, 10, 10])).toThrow(/pauses/);
  });
});

describe('pearson', () => {
  it('is 1 for a line, −1 for a falling one, ~0 for unrelated values', () => {
    expect(pearson([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(Math.abs(pearson([1, 2, 3, 4, 5, 6], [2, 1, 2, 1, 2, 1.5]))).toBeLessThan(0.5);
  });
});

describeShared('fragment spans of the real readings', () => {
  it('reading-es: 32 spans in order, durations correlate with characters (r ≥ 0.8)', async () => {
    const root = await scratch('fragments');
    const f = await readingFragments('reading-es', root);
    console.log(`reading-es: r = ${f.r.toFixed(3)}, mean boundary pause ${f.boundaryMeanPause} s vs other pauses ${f.otherMeanPause} s`);
    expect(f.fragments.length).toBe((await fragmentTexts('reading-es')).length);
    expect(f.r).toBeGreaterThanOrEqual(MIN_R);
    expect(f.boundaryMeanPause).toBeGreaterThan(1.5 * f.otherMeanPause);
    for (let k = 0; k < f.fragments.length; k++) {
      const g = f.fragments[k];
      expect(g.endSeconds).toBeGreaterThan(g.startSeconds);
      if (k > 0) expect(g.startSeconds).toBeGreaterThan(f.fragments[k - 1].endSeconds);
    }
    expect(f.fragments[f.fragments.length - 1].endSeconds).toBeLessThan(70.3);
    // the longest text is the longest fragment: "Sabes cuánto te quiere y te admira…" vs "y,"
    const longest = f.fragments.reduce((a, g, k) => (g.chars > f.fragments[a].chars ? k : a), 0);
    const shortest = f.fragments.reduce((a, g, k) => (g.chars < f.fragments[a].chars ? k : a), 0);
    const dur = (k: number) => f.fragments[k].endSeconds - f.fragments[k].startSeconds;
    expect(dur(longest)).toBeGreaterThan(3 * dur(shortest));
  });

  it('sonnet I: 15 spans (heading first), a short heading, r ≥ the verse threshold, boundary pauses ≥ 3× the others', async () => {
    const root = await scratch('fragments');
    const f = await readingFragments('sonnet-p001', root);
    console.log(`sonnet-p001: r = ${f.r.toFixed(3)}, mean boundary pause ${f.boundaryMeanPause} s vs other pauses ${f.otherMeanPause} s`);
    expect(f.fragments.length).toBe(15);
    expect(f.r).toBeGreaterThanOrEqual(MIN_R_VERSE);
    expect(f.boundaryMeanPause).toBeGreaterThan(3 * f.otherMeanPause);
    const heading = f.fragments[0];
    expect(heading.endSeconds - heading.startSeconds).toBeLessThan(1);
    for (const line of f.fragments.slice(1)) expect(line.endSeconds - line.startSeconds).toBeGreaterThan(1.5);
  });
});
