/** The evaluation's scoring: the pause rule, quantiles, misses, skipped sections, order, lead-ins, endings, the per-split summary. */
import { describe, expect, it } from 'vitest';
import { boundaryError, quantile, scoreCase, scoreEnding, scoreLeadIn, summarize, TARGETS, verdict, type ReportedLike, type TruthLike } from '../../src/eval/metrics.js';
import { overall, type CaseRun } from '../../src/eval/run.js';

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

describe('lead-in', () => {
  const lead = (seconds: number) => ({ startSeconds: 1, endSeconds: 1 + seconds });
  it('one of ≥ 3 s must be reported', () => {
    expect(scoreLeadIn(lead(3), { startSeconds: 1.1, endSeconds: 3.9 })).toMatchObject({ expected: true, reported: true, right: true });
    expect(scoreLeadIn(lead(3), null)).toMatchObject({ expected: true, reported: false, right: false });
    expect(scoreLeadIn(lead(25), undefined).right).toBe(false);
  });
  it('one under 1.5 s (or none) must not be', () => {
    expect(scoreLeadIn(lead(1.49), null)).toMatchObject({ expected: false, right: true });
    expect(scoreLeadIn(lead(1.49), { startSeconds: 1, endSeconds: 2.4 })).toMatchObject({ expected: false, right: false });
    expect(scoreLeadIn(null, { startSeconds: 0.5, endSeconds: 4 }).right).toBe(false);
    expect(scoreLeadIn(null, null)).toMatchObject({ truthSeconds: 0, expected: false, right: true });
  });
  it('between 1.5 and 3 s either answer is fine', () => {
    expect(scoreLeadIn(lead(1.5), null)).toMatchObject({ expected: undefined, right: true });
    expect(scoreLeadIn(lead(2.9), { startSeconds: 1, endSeconds: 3.8 })).toMatchObject({ expected: undefined, right: true, endError: expect.closeTo(-0.1, 9) });
  });
});

describe('ending (partial recordings)', () => {
  const truth: TruthLike[] = [
    { id: 'a', kind: 'summary', present: true, status: 'read', pauseStartSeconds: 0, startSeconds: 1 },
    { id: 'b', kind: 'summary', present: true, status: 'read', pauseStartSeconds: 20, startSeconds: 21 },
    { id: 'c', kind: 'summary', present: false, status: 'after-end' },
    { id: 'd', kind: 'summary', present: false, status: 'after-end' },
  ];
  const rep = (c: string, d: string): ReportedLike[] => [
    { id: 'a', startSeconds: 1, skipped: false, status: 'read' },
    { id: 'b', startSeconds: 21, skipped: false, status: 'read' },
    { id: 'c', startSeconds: 40, skipped: true, status: c },
    { id: 'd', startSeconds: 40, skipped: true, status: d },
  ];
  const partial = { sectionId: 'b', cutSeconds: 40 };

  it('right: the section in progress named, every later one after-end', () => {
    expect(scoreEnding(partial, truth, { sectionId: 'b', notInRecording: ['c', 'd'] }, rep('after-end', 'after-end'))).toMatchObject({ partial: true, right: true, wrongAfterEnd: [] });
  });
  it('wrong: another section named, no ending, or a later section called not-read', () => {
    expect(scoreEnding(partial, truth, { sectionId: 'a' }, rep('after-end', 'after-end')).right).toBe(false);
    expect(scoreEnding(partial, truth, null, rep('after-end', 'after-end')).right).toBe(false);
    const e = scoreEnding(partial, truth, { sectionId: 'b' }, rep('not-read', 'after-end'));
    expect(e).toMatchObject({ right: false, wrongAfterEnd: ['c'] });
  });
  it('a complete recording must have no ending', () => {
    expect(scoreEnding(null, truth, null, rep('not-read', 'not-read'))).toMatchObject({ partial: false, right: true });
    expect(scoreEnding(null, truth, { sectionId: 'b' }, rep('not-read', 'not-read'))).toMatchObject({ partial: false, right: false, reportedSectionId: 'b' });
  });
  it('after-end sections reported skipped count as skips reported, and the verdict fails on a wrong ending or lead-in', () => {
    const good = scoreCase(truth, rep('after-end', 'after-end'), { truth: { leadIn: null, ending: partial }, reported: { leadIn: null, ending: { sectionId: 'b' } } });
    expect(good.skippedTotal).toBe(2);
    expect(good.skippedCorrect).toBe(2);
    expect(good.misses).toBe(0);
    expect(verdict([good]).pass).toBe(true);
    const badEnd = scoreCase(truth, rep('not-read', 'after-end'), { truth: { leadIn: null, ending: partial }, reported: { leadIn: null, ending: { sectionId: 'b' } } });
    expect(verdict([badEnd]).failures.join()).toMatch(/ending/);
    const badLead = scoreCase(truth, rep('after-end', 'after-end'), { truth: { leadIn: { startSeconds: 0, endSeconds: 0.5 }, ending: partial }, reported: { leadIn: { startSeconds: 0, endSeconds: 0.6 }, ending: { sectionId: 'b' } } });
    expect(verdict([badLead]).failures.join()).toMatch(/lead-in/);
    // an after-end section given a chapter is a false chapter
    const kept = scoreCase(truth, [...rep('after-end', 'after-end').slice(0, 3), { id: 'd', startSeconds: 45, skipped: false, status: 'read' }]);
    expect(kept.falseChapters).toBe(1);
  });
});

describe('overall: ALL / TUNE / HELD-OUT / REAL SPEECH and the gap', () => {
  const truthOf = (n: number): TruthLike[] =>
    Array.from({ length: n }, (_, k) => ({ id: `s${k}`, kind: 'summary', present: true, status: 'read', pauseStartSeconds: 10 * k, startSeconds: 10 * k + 1 }));
  const run = (name: string, split: 'tune' | 'heldout', real: boolean, errors: number[]): CaseRun => {
    const reported = errors.map((e, k) => ({ id: `s${k}`, startSeconds: 10 * k + 1 + e, skipped: false, status: 'read' }));
    return {
      name,
      split,
      real,
      voice: 'v',
      durationSeconds: 60,
      sections: errors.length,
      wallSeconds: 1,
      reported,
      score: scoreCase(truthOf(errors.length), reported, { truth: { leadIn: null, ending: null }, reported: { leadIn: null, ending: null } }),
    };
  };

  it('every part must pass on its own; a held-out p95 well above the tune one is a gap problem', () => {
    const o = overall([run('t1', 'tune', false, [0, 0, 0, 0]), run('t2', 'tune', true, [0, 0.05]), run('h1', 'heldout', false, [0, 0.6, 0.6]), run('h2', 'heldout', true, [0])]);
    expect(o.parts.map((p) => p.label)).toEqual(['ALL', 'TUNE', 'HELD-OUT', 'REAL SPEECH']);
    const by = new Map(o.parts.map((p) => [p.label, p]));
    expect(by.get('TUNE')!.verdict.pass).toBe(true);
    expect(by.get('HELD-OUT')!.verdict.pass).toBe(false);
    expect(by.get('REAL SPEECH')!.verdict.pass).toBe(true);
    expect(by.get('HELD-OUT')!.n).toBe(4);
    expect(o.pass).toBe(false);
    expect(o.gapProblem).toBe(true);
    expect(o.lines.join('\n')).toMatch(/GAP tune → held-out: .*PROBLEM/);
    expect(o.lines[0]).toMatch(/^ALL .* lead-ins right 4\/4, endings right 0\/0 → FAIL/);
  });

  it('no gap and PASS when held-out is as good as tune', () => {
    const o = overall([run('t1', 'tune', false, [0, 0.05]), run('h1', 'heldout', true, [0, 0.02])]);
    expect(o.gapProblem).toBe(false);
    expect(o.pass).toBe(true);
    expect(o.lines.join('\n')).toMatch(/no gap/);
  });
});
