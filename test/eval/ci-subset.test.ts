/**
 * The CI subset of the alignment evaluation (cases marked `ci` in src/eval/corpus.ts):
 * a perturbed synthetic narration (spoken intro, ad-lib, skipped summary, noise), a
 * tempo/hum/level-drop one, and real LibriVox sonnets with a German reading spliced in as
 * unscripted speech. Same targets as `npm run eval:align`: every present section found,
 * the skipped summary reported skipped, order kept, boundary error (pause rule) median
 * ≤ 0.1 s, p95 ≤ 0.3 s, max ≤ 1.0 s — pooled, and on the real-speech case alone.
 * Cases are built (deterministically) into .cache/eval/ and reused.
 */
import { beforeAll, expect, it } from 'vitest';
import { CORPUS } from '../../src/eval/corpus.js';
import { fmt, summarize, TARGETS, verdict } from '../../src/eval/metrics.js';
import { build, caseRow, header, overall, problems, runCase, type CaseRun } from '../../src/eval/run.js';
import { describeShared, projectRoot } from '../helpers/shared.js';
import { join } from 'node:path';

const cases = CORPUS.filter((c) => c.ci);
const EPS = 1e-9;

describeShared('alignment evaluation, CI subset', () => {
  const runs = new Map<string, CaseRun>();
  beforeAll(async () => {
    const root = process.env.LETTERPOD_EVAL_CACHE ?? join(projectRoot, '.cache', 'eval');
    for (const c of cases) {
      const built = await build(c, root);
      runs.set(c.name, await runCase(c, built, { inProcess: true }));
    }
    console.log(`${header()}\n${[...runs.values()].map(caseRow).join('\n')}\n${overall([...runs.values()]).lines.join('\n')}`);
    const p = [...runs.values()].flatMap((r) => problems(r));
    if (p.length) console.log(p.join('\n'));
  });

  it('has a perturbed synthetic case with a skipped summary and a real-speech case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => c.real)).toBe(true);
    expect([...runs.values()].some((r) => r.score.skippedTotal > 0)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.name}: every present section found, skipped ones reported skipped, in order`, () => {
      const r = runs.get(c.name)!;
      expect(r.error).toBeUndefined();
      const missed = r.score.sections.filter((s) => s.scored && s.miss).map((s) => s.id);
      expect(missed, 'present sections reported skipped').toEqual([]);
      const kept = r.score.sections.filter((s) => s.falseChapter).map((s) => s.id);
      expect(kept, 'skipped sections given a chapter').toEqual([]);
      expect(r.score.skippedCorrect).toBe(r.score.skippedTotal);
      expect(r.score.orderOk).toBe(true);
    });

    it(`${c.name}: boundary errors within the targets`, () => {
      const s = runs.get(c.name)!.score.summary;
      const where = `${c.name}: median ${fmt(s.median)} p95 ${fmt(s.p95)} max ${fmt(s.max)}`;
      expect(s.n, where).toBeGreaterThan(0);
      expect(s.max, where).toBeLessThanOrEqual(TARGETS.maxSeconds + EPS);
      expect(s.p95, where).toBeLessThanOrEqual(TARGETS.p95Seconds + EPS);
      expect(s.median, where).toBeLessThanOrEqual(TARGETS.medianSeconds + EPS);
    });
  }

  it('pooled over the subset, and over its real speech alone: PASS', () => {
    const all = [...runs.values()];
    const real = all.filter((r) => r.real);
    const v = verdict(all.map((r) => r.score));
    const vr = verdict(real.map((r) => r.score));
    const s = summarize(all.flatMap((r) => r.score.errors));
    expect(v.failures, `pooled median ${fmt(s.median)} p95 ${fmt(s.p95)} max ${fmt(s.max)}`).toEqual([]);
    expect(vr.failures).toEqual([]);
  });
});
