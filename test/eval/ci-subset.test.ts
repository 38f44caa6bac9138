/**
 * The CI subset of the alignment evaluation (cases marked `ci` in src/eval/corpus.ts,
 * ~4 minutes of audio): a perturbed synthetic narration in a tuned voice (spoken intro,
 * ad-lib, skipped summary, noise); a held-out voice (festival kal_diphone) with a ~16 s
 * lead-in, cut partway; and real German speech as German sections, with a Spanish
 * lead-in, a re-read fragment, JFK between sections, cut partway. Same targets as
 * `npm run eval:align`: every present section found, skipped ones (and those after the
 * end) reported skipped, order kept, lead-ins ≥ 3 s reported, the ending and the
 * sections after it right, on every case; boundary error (pause rule) median ≤ 0.1 s,
 * p95 ≤ 0.3 s, max ≤ 1.0 s on the tuned cases (the held-out and real ones print theirs).
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

  it('has a skipped summary, a held-out voice, a real-speech cut, a real-speech lead-in and a heading before a first-sentence stumble, in ≤ ~7 min of audio', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
    const all = [...runs.values()];
    expect(all.some((r) => r.score.skippedTotal > 0)).toBe(true);
    expect(all.some((r) => r.split === 'heldout' && !r.real)).toBe(true);
    expect(all.some((r) => r.real && r.score.ending?.partial)).toBe(true);
    expect(all.some((r) => r.real && r.score.leadIn?.expected === true)).toBe(true);
    expect(all.some((r) => r.name === 'mix-en-gb-f2')).toBe(true);
    expect(all.reduce((a, r) => a + r.durationSeconds, 0)).toBeLessThan(7.5 * 60);
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

    it(`${c.name}: lead-in reported iff ≥ 3 s (never under 1.5 s); a partial recording's ending and the sections after it`, () => {
      const r = runs.get(c.name)!;
      const l = r.score.leadIn!;
      expect(l.right, `truth lead-in ${fmt(l.truthSeconds, 1)} s, reported ${JSON.stringify(r.leadIn)}`).toBe(true);
      const e = r.score.ending!;
      expect(e.right, `truth ending ${e.truthSectionId ?? 'none'}, reported ${JSON.stringify(r.ending)}; not after-end: ${e.wrongAfterEnd.join(', ')}`).toBe(true);
    });

    // Boundary targets are held on the tuned cases. The held-out and real cases are held to
    // everything above (nothing read is lost, skips and endings reported, order); their
    // boundary errors are printed here and reported by `npm run eval:align`, where they do
    // not yet meet the targets (see docs/benchmarks.md).
    if (c.split !== 'tune') return;
    it(`${c.name}: boundary errors within the targets`, () => {
      const s = runs.get(c.name)!.score.summary;
      const where = `${c.name}: median ${fmt(s.median)} p95 ${fmt(s.p95)} max ${fmt(s.max)}`;
      expect(s.n, where).toBeGreaterThan(0);
      expect(s.max, where).toBeLessThanOrEqual(TARGETS.maxSeconds + EPS);
      expect(s.p95, where).toBeLessThanOrEqual(TARGETS.p95Seconds + EPS);
      expect(s.median, where).toBeLessThanOrEqual(TARGETS.medianSeconds + EPS);
    });
  }

  it('pooled over the tuned cases: PASS; nothing read is lost anywhere', () => {
    const all = [...runs.values()];
    const tuned = all.filter((r) => r.split === 'tune');
    const s = summarize(tuned.flatMap((r) => r.score.errors));
    expect(verdict(tuned.map((r) => r.score)).failures, `tuned: median ${fmt(s.median)} p95 ${fmt(s.p95)} max ${fmt(s.max)}`).toEqual([]);
    expect(all.reduce((a, r) => a + r.score.misses, 0), 'read summaries declared not read').toBe(0);
    expect(all.reduce((a, r) => a + r.score.falseChapters, 0), 'unread summaries given a chapter').toBe(0);
  });
});
