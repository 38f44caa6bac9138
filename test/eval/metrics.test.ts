/** The evaluation's scoring: the pause rule, quantiles, misses, skipped sections, order. */
import { describe, expect, it } from 'vitest';
import { boundaryError, quantile, scoreCase, summarize, TARGETS, verdict, type TruthLike } from '../../src/eval/metrics.js';

describe('boundaryError (a mark inside the pause before the first word counts as 0)', () => {
  const t = { pauseStartSeconds: 10, startSeconds: 11.5 };
  it('is 0 anywhere in [pauseStart, start]', () => {
    expect(boundaryError(10, t)).toBe(0);
    expect(boundaryError(10.7, t)).toBe(0);
    expect(boundaryError(11.5, t)).toBe(0);
  });
  it('is the distance to the pause when the mark is early, to the first word when late', () => {
    expect(boundaryError(9.6, t)).toBeCloseTo(0.4, 9);
    expect(boundaryError(11.8, t)).toBeCloseTo(0.3, 9);
    expect(boundaryError(0, t)).toBeCloseTo(10, 9);
  });
  it('without a pause (pauseStart = start) it is the plain distance', () => {
    expect(boundaryError(5.25, { pauseStartSeconds: 5, startSeconds: 5 })).toBeCloseTo(0.25, 9);
    expect(boundaryError(4.5, { pauseStartSeconds: 5, startSeconds: 5 })).toBeCloseTo(0.5, 9);
  });
});

describe('quantile / summarize', () => {
  it('interpolates between order statistics (type 7)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([5], 0.95)).toBe(5);
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantile(oneToTwenty, 0.95)).toBeCloseTo(19.05, 9);
    expect(quantile(oneToTwenty, 0)).toBe(1);
    expect(quantile(oneToTwenty, 1)).toBe(20);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('summarize gives n, median, p95, max', () => {
    const errors = [...Array(19).fill(0), 2];
    const s = summarize(errors);
    expect(s).toMatchObject({ n: 20, median: 0, max: 2 });
    expect(s.p95).toBeCloseTo(0.1, 9);
  });
});

describe('scoreCase', () => {
  const truth: TruthLike[] = [
    { id: 's1', kind: 'intro', present: true, pauseStartSeconds: 0, startSeconds: 0.8 },
    { id: 's2', kind: 'heading', present: true, pauseStartSeconds: 10, startSeconds: 11 },
    { id: 's3', kind: 'summary', present: false },
    { id: 's4', kind: 'summary', present: true, pauseStartSeconds: 12, startSeconds: 13.2 },
    { id: 's5', kind: 'summary', present: true, pauseStartSeconds: 30, startSeconds: 31 },
  ];

  it('scores chapter boundaries, reports headings apart, and credits a correctly skipped section', () => {
    const s = scoreCase(truth, [
      { id: 's1', startSeconds: 0.5, skipped: false },
      { id: 's2', startSeconds: 11.4, skipped: false },
      { id: 's3', startSeconds: 12.5, skipped: true },
      { id: 's4', startSeconds: 12.5, skipped: false },
      { id: 's5', startSeconds: 31.25, skipped: false },
    ]);
    expect(s.errors.length).toBe(3);
    expect(s.errors[0]).toBe(0);
    expect(s.errors[1]).toBe(0);
    expect(s.errors[2]).toBeCloseTo(0.25, 9);
    expect(s.headingErrors.length).toBe(1);
    expect(s.headingErrors[0]).toBeCloseTo(0.4, 9);
    expect(s.misses).toBe(0);
    expect(s.skippedTotal).toBe(1);
    expect(s.skippedCorrect).toBe(1);
    expect(s.falseChapters).toBe(0);
    expect(s.orderOk).toBe(true); // the skipped section's mark does not count for order
  });

  it('a missing `skipped` is false: a v1 alignment gives the skipped summary a chapter', () => {
    const s = scoreCase(truth, [
      { id: 's1', startSeconds: 0.5 },
      { id: 's2', startSeconds: 11 },
      { id: 's3', startSeconds: 11.9 },
      { id: 's4', startSeconds: 13.2 },
      { id: 's5', startSeconds: 31 },
    ]);
    expect(s.skippedCorrect).toBe(0);
    expect(s.falseChapters).toBe(1);
    expect(s.errors).toEqual([0, 0, 0]);
    expect(verdict([s]).pass).toBe(false);
    expect(verdict([s]).failures.join()).toMatch(/not reported skipped/);
  });

  it('a present section reported skipped (or absent) is a miss and has no error', () => {
    const s = scoreCase(truth, [
      { id: 's1', startSeconds: 0.5, skipped: false },
      { id: 's2', startSeconds: 11, skipped: false },
      { id: 's3', startSeconds: 12, skipped: true },
      { id: 's4', startSeconds: 13, skipped: true },
    ]);
    expect(s.misses).toBe(2); // s4 reported skipped, s5 absent
    expect(s.errors).toEqual([0]);
    expect(s.orderOk).toBe(false); // s5 missing from the output
    expect(verdict([s]).pass).toBe(false);
  });

  it('marks that do not increase break the order', () => {
    const s = scoreCase(truth, [
      { id: 's1', startSeconds: 0.5, skipped: false },
      { id: 's2', startSeconds: 14, skipped: false },
      { id: 's3', startSeconds: 14, skipped: true },
      { id: 's4', startSeconds: 13, skipped: false },
      { id: 's5', startSeconds: 31, skipped: false },
    ]);
    expect(s.orderOk).toBe(false);
    expect(verdict([s]).failures.join()).toMatch(/out of order/);
  });
});

describe('verdict', () => {
  const truthOf = (n: number): TruthLike[] =>
    Array.from({ length: n }, (_, k) => ({ id: `s${k}`, kind: 'summary', present: true, pauseStartSeconds: 10 * k, startSeconds: 10 * k + 1 }));
  const withErrors = (errors: number[]) =>
    scoreCase(
      truthOf(errors.length),
      errors.map((e, k) => ({ id: `s${k}`, startSeconds: 10 * k + 1 + e, skipped: false })),
    );

  it('passes at the targets and fails just beyond each', () => {
    expect(TARGETS).toEqual({ medianSeconds: 0.1, p95Seconds: 0.3, maxSeconds: 1.0 });
    expect(verdict([withErrors([0, 0.05, 0.1, 0.1, 0.1])]).pass).toBe(true);
    expect(verdict([withErrors([0.2, 0.2, 0.2])]).failures.join()).toMatch(/median/);
    // 20 values: p95 interpolates between the 19th and 20th
    const p95bad = [...Array(18).fill(0), 0.5, 0.5];
    expect(verdict([withErrors(p95bad)]).failures.join()).toMatch(/p95/);
    const maxbad = [...Array(39).fill(0), 1.2];
    const v = verdict([withErrors(maxbad)]);
    expect(v.failures.join()).toMatch(/max/);
    expect(v.failures.join()).not.toMatch(/p95|median/);
  });

  it('pools errors over cases', () => {
    expect(verdict([withErrors([0, 0]), withErrors([0.05])]).pass).toBe(true);
    expect(verdict([withErrors([0, 0]), withErrors([3])]).pass).toBe(false);
    expect(verdict([]).pass).toBe(false);
  });
});
