/**
 * decide.ts: read, not read, or after the end — on hand-made candidates and evidence, so
 * each rule is seen to bite: strong openings are never questioned; a weak one is kept when
 * its text is heard and there is room for it, not read when nothing of it is heard or when
 * there is no room; very clear evidence overrides a short room; sections after the last
 * read one are "after the end", and become "not read" when a later one is read.
 */
import { describe, expect, it } from 'vitest';
import { decideSections, type DecideInput, type PartEvidence } from '../../src/align/decide.js';
import { alignParams } from '../../src/align/params.js';
import type { SectionCandidate } from '../../src/align/place.js';

const P = alignParams();
const G = 0.1; // typical goodness
const strong = (seconds: number): SectionCandidate => ({ seconds, goodness: G });
const weak = (seconds: number): SectionCandidate => ({ seconds, goodness: 0.3 * G });

/** Speech everywhere (no pauses): speech between a and b is b − a. */
function input(cands: SectionCandidate[][], choice: number[], expected: number[], heard: Record<number, PartEvidence>, duration = 400, pauses: { startSeconds: number; endSeconds: number }[] = []): DecideInput & { asked: number[] } {
  const asked: number[] = [];
  const silent = (a: number, b: number) => pauses.reduce((t, p) => t + Math.max(0, Math.min(b, p.endSeconds) - Math.max(a, p.startSeconds)), 0);
  return {
    asked,
    cands,
    choice,
    typicalGoodness: G,
    expectedSpeech: expected,
    minGap: (k) => 0.4 * expected[k],
    speechBetween: (a, b) => Math.max(0, b - a - silent(a, b)),
    speechEndSeconds: duration,
    pauses,
    durationSeconds: duration,
    hear: async (k) => {
      asked.push(k);
      return heard[k] ?? { ratio: 1.1, startSeconds: NaN, part: 'none', goodness: 0.02, openingRatio: 1.1, openingStartSeconds: NaN };
    },
    params: P,
  };
}

const heard = (startSeconds: number, ratio = 3): PartEvidence => ({ ratio, startSeconds, part: 'middle', goodness: 0.04, openingRatio: 1.2, openingStartSeconds: NaN });

describe('decideSections', () => {
  it('never questions a section whose opening matched clearly', async () => {
    const x = input([[strong(0)], [strong(60)], [strong(120)]], [0, 0, 0], [60, 60, 60], {});
    const d = await decideSections(x);
    expect(d.status).toEqual(['read', 'read', 'read']);
    expect(x.asked).toEqual([]);
    expect(d.uncertain).toEqual([false, false, false]);
  });

  it('keeps a weakly matched section whose text is heard where there is room for it, flagged uncertain', async () => {
    const x = input([[strong(0)], [weak(61)], [strong(120)]], [0, 0, 0], [60, 60, 60], { 1: heard(60.5) });
    const d = await decideSections(x);
    expect(d.status).toEqual(['read', 'read', 'read']);
    expect(d.uncertain[1]).toBe(true);
    expect(x.cands[1][d.choice[1]].seconds).toBe(61);
  });

  it('declares not read a section with room but no part of its text heard (a foreign reading in its place)', async () => {
    const x = input([[strong(0)], [weak(80)], [strong(130)]], [0, 0, 0], [50, 50, 50], {});
    const d = await decideSections(x);
    expect(d.status).toEqual(['read', 'not-read', 'read']);
    expect(d.choice[1]).toBe(-1);
    expect(d.reasons[1]).toMatch(/no part of its text heard/);
  });

  it('declares not read a section that has no room, even when a part seems heard', async () => {
    // s1 ends where s3 starts: s2 (60 s of speech) cannot fit in the 5 s left
    const x = input([[strong(0)], [weak(62)], [strong(65)]], [0, 0, 0], [60, 60, 60], { 1: heard(62, 2.5) });
    const d = await decideSections(x);
    expect(d.status[1]).toBe('not-read');
    expect(d.reasons[1]).toMatch(/no room/);
  });

  it('gives the room to the later section of a run whose text stands out more, when only one of them fits', async () => {
    // s1 (20 s) at 0, s4 at 32.5: 12.5 s left after s1 — half of s2's 25 s, all of s3's 2 s;
    // s2's end barely heard (ratio 2.01), s3's opening clearly (2.75)
    const cands = () => [[strong(0)], [weak(14)], [weak(27)], [strong(32.5)]];
    const x = input(cands(), [0, 0, 0, 0], [20, 25, 2, 20], { 1: heard(14, 2.01), 2: { ...heard(27.5, 2.75), part: 'opening' } });
    const d = await decideSections(x);
    expect(d.status).toEqual(['read', 'not-read', 'read', 'read']);
    expect(d.reasons[1]).toMatch(/goes to section 3/);
    expect(x.cands[2][d.choice[2]].seconds).toBe(27);
    // …not when the earlier one stands out more: it keeps the room
    const y = input(cands(), [0, 0, 0, 0], [20, 25, 2, 20], { 1: heard(14, 3), 2: { ...heard(27.5, 2.75), part: 'opening' } });
    expect((await decideSections(y)).status).toEqual(['read', 'read', 'not-read', 'read']);
  });

  it('declares not read a section whose text is heard only where too little time is left before the next one', async () => {
    // room overall (48 s of speech, s1 needs 20: 28 s for s2's 25), but s2's opening is
    // heard at 40 s — 8 s before s3, a third of its time: a phrase alike, not s2
    const late = input([[strong(0)], [weak(40)], [strong(48)]], [0, 0, 0], [20, 25, 20], { 1: { ...heard(40, 2.1), part: 'opening' } });
    const d = await decideSections(late);
    expect(d.status).toEqual(['read', 'not-read', 'read']);
    expect(d.reasons[1]).toMatch(/leaves it 0\.32 of its expected speech/);
    // heard where it has its time, or heard very clearly, it is kept
    const early = input([[strong(0)], [weak(22)], [strong(48)]], [0, 0, 0], [20, 25, 20], { 1: { ...heard(22, 2.1), part: 'opening' } });
    expect((await decideSections(early)).status[1]).toBe('read');
    const clear = input([[strong(0)], [weak(40)], [strong(48)]], [0, 0, 0], [20, 25, 20], { 1: { ...heard(40, 2 * P.partMatchRatio + 0.1), part: 'opening' } });
    expect((await decideSections(clear)).status[1]).toBe('read');
  });

  it('keeps a section heard very clearly with half the room (a false "not read" is worse), but not with none', async () => {
    // s1 needs 60 s; 14 s are left before s3: a quarter of s2's 60 s
    const short = input([[strong(0)], [weak(62)], [strong(74)]], [0, 0, 0], [60, 60, 60], { 1: heard(62, 2 * P.partMatchRatio + 0.5) });
    expect((await decideSections(short)).status[1]).toBe('read');
    const plain = input([[strong(0)], [weak(62)], [strong(74)]], [0, 0, 0], [60, 60, 60], { 1: heard(62, P.partMatchRatio + 0.5) });
    expect((await decideSections(plain)).status[1]).toBe('not-read');
    const none = input([[strong(0)], [weak(62)], [strong(65)]], [0, 0, 0], [60, 60, 60], { 1: heard(62, 2 * P.partMatchRatio + 0.5) });
    expect((await decideSections(none)).status[1]).toBe('not-read');
  });

  it('places a kept section where its heard part puts it when its opening candidate is out of the window', async () => {
    const x = input([[strong(0)], [weak(300)], [strong(120)]], [0, -1, 0], [50, 50, 50], { 1: heard(58) });
    const d = await decideSections(x);
    expect(d.status[1]).toBe('read');
    expect(x.cands[1][d.choice[1]].seconds).toBe(58);
  });

  it('sections after the last read one are after the end of the recording; they turn "not read" when a later one is read', async () => {
    const cut = input([[strong(0)], [strong(60)], [weak(100)], [weak(104)]], [0, 0, 0, 0], [60, 60, 60, 60], {}, 105);
    const d = await decideSections(cut);
    expect(d.status).toEqual(['read', 'read', 'after-end', 'after-end']);

    const skipped = input([[strong(0)], [strong(60)], [weak(100)], [weak(124)]], [0, 0, 0, 0], [60, 60, 30, 60], { 3: heard(122) }, 200);
    const e = await decideSections(skipped);
    expect(e.status).toEqual(['read', 'read', 'not-read', 'read']);
  });

  describe('the last section read heard to its end (a complete recording with closing words, or a cut one?)', () => {
    // s0 (60 s) at 0, s1 (60 s) at 60, s2 not heard anywhere
    const x = (duration: number, lastWords: DecideInput['lastWords']) => ({
      ...input([[strong(0)], [strong(60)], [weak(duration - 2)]], [0, 0, 0], [60, 60, 60], {}, duration),
      lastWords,
    });
    it("declares the rest not read when s1's last words match clearly after most of its expected speech, with more said after them", async () => {
      const asked: number[] = [];
      const d = await decideSections(x(140, async (k) => (asked.push(k), { ratio: 3, endsAt: 118 })));
      expect(d.status).toEqual(['read', 'read', 'not-read']);
      expect(asked).toEqual([1]);
    });
    it('leaves it after the end when nothing is said after the last words (a recording that stops right there)', async () => {
      expect((await decideSections(x(140, async () => ({ ratio: 3, endsAt: 139 })))).status).toEqual(['read', 'read', 'after-end']);
      // (counted from where the last words have surely ended, not from their earliest end)
      expect((await decideSections(x(140, async () => ({ ratio: 3, endsAt: 136, endsBy: 139 })))).status).toEqual(['read', 'read', 'after-end']);
      expect((await decideSections(x(140, async () => ({ ratio: 3, endsAt: 136 })))).status).toEqual(['read', 'read', 'not-read']);
    });
    it("leaves it after the end when the last words' best place does not stand out", async () => {
      expect((await decideSections(x(140, async () => ({ ratio: 1.5, endsAt: 118 })))).status).toEqual(['read', 'read', 'after-end']);
    });
    it('leaves it after the end when that place leaves s1 less than most of its expected speech (words not in a cut recording still find a best place)', async () => {
      expect((await decideSections(x(100, async () => ({ ratio: 4, endsAt: 95 })))).status).toEqual(['read', 'read', 'after-end']);
    });
  });

  describe('a recording cut a second into a section', () => {
    // s0 (10 s) at 1, the heading s1 (1 s) at 12, then a pause like the one before it and
    // 2 s of speech before the recording stops; s2 and s3 are not heard
    const pauses = [
      { startSeconds: 0, endSeconds: 1 },
      { startSeconds: 10.5, endSeconds: 12 },
      { startSeconds: 13, endSeconds: 14.5 },
    ];
    it('gives the next section its chapter when more is said after the last one than it holds', async () => {
      const d = await decideSections(input([[strong(1)], [strong(12)], [weak(5)], [weak(6)]], [0, 0, 0, 0], [10, 1, 10, 10], {}, 16.5, pauses));
      expect(d.status).toEqual(['read', 'read', 'read', 'after-end']);
      expect(d.uncertain[2]).toBe(true);
      expect(d.reasons[2]).toMatch(/in progress when the recording stops/);
    });
    it('leaves it after the end when the last section holds what is said', async () => {
      const d = await decideSections(input([[strong(1)], [strong(12)], [weak(5)], [weak(6)]], [0, 0, 0, 0], [10, 3, 10, 10], {}, 16.5, pauses));
      expect(d.status).toEqual(['read', 'read', 'after-end', 'after-end']);
    });
  });

  it('moves a weak in-window candidate to where its opening is heard when the whole-text path agrees', async () => {
    // s0 at 0, s1 at 60 (clear); s2 weakly matched at 70 (inside s1) but its opening is
    // heard at 80, where the whole-text path puts it too
    const ev: PartEvidence = { ratio: 2.5, startSeconds: 80, part: 'opening', goodness: 0.04, openingRatio: 2.5, openingStartSeconds: 80 };
    const x = input([[strong(0)], [strong(60)], [weak(70)]], [0, 0, 0], [50, 18, 12], { 2: ev }, 96);
    const agreeing = await decideSections({ ...x, pathEstimate: (k) => (k === 2 ? 80.3 : NaN) });
    expect(agreeing.status[2]).toBe('read');
    expect(x.cands[2][agreeing.choice[2]].seconds).toBe(80);
    const y = input([[strong(0)], [strong(60)], [weak(70)]], [0, 0, 0], [50, 18, 12], { 2: ev }, 96);
    const elsewhere = await decideSections({ ...y, pathEstimate: (k) => (k === 2 ? 90 : NaN) });
    expect(y.cands[2][elsewhere.choice[2]].seconds).toBe(70);
  });

  it('does not trust a clear-looking opening match that does not stand out from the section\'s other candidates (a voice that matches everything alike)', async () => {
    // typical goodness itself is at the level of chance here: s1's best match (G) has rivals
    // at 0.9 G elsewhere; nothing of its text is heard between its neighbours → not read
    const alike = (t: number): SectionCandidate[] => [strong(t), { seconds: t + 20, goodness: 0.9 * G }, { seconds: t - 15, goodness: 0.85 * G }];
    const x = input([[strong(0)], alike(80), [strong(130)]], [0, 0, 0], [50, 50, 50], {});
    const d = await decideSections(x);
    expect(x.asked).toEqual([1]);
    expect(d.status).toEqual(['read', 'not-read', 'read']);
    // the same match standing out (rivals at a third of it) is trusted without asking
    const y = input([[strong(0)], [strong(80), { seconds: 100, goodness: 0.3 * G }, { seconds: 65, goodness: 0.3 * G }], [strong(130)]], [0, 0, 0], [50, 50, 50], {});
    expect((await decideSections(y)).status).toEqual(['read', 'read', 'read']);
    expect(y.asked).toEqual([]);
  });

  it('moves a section whose candidate does not stand out to where its opening stands out in the window, wherever the path puts it', async () => {
    const alike = (t: number): SectionCandidate[] => [strong(t), { seconds: t - 30, goodness: 0.95 * G }, { seconds: t - 20, goodness: 0.9 * G }];
    const ev: PartEvidence = { ratio: 2.4, startSeconds: 66, part: 'middle', goodness: 0.04, openingRatio: 2.2, openingStartSeconds: 62 };
    const x = input([[strong(0)], alike(100)], [0, 0], [55, 45], { 1: ev }, 120);
    const d = await decideSections({ ...x, pathEstimate: () => 70 });
    expect(d.status).toEqual(['read', 'read']);
    expect(x.cands[1][d.choice[1]].seconds).toBe(62);
  });

  describe('the last section, its opening heard where little is left (in progress when the recording stops?)', () => {
    // s0 (52 s) at 0; s1 (20 s) weakly matched at 45, its opening heard there; 60 s recorded
    const ev: PartEvidence = { ratio: 2.5, startSeconds: 45, part: 'opening', goodness: 0.04, openingRatio: 2.5, openingStartSeconds: 45 };
    const run = (lastWords?: DecideInput['lastWords']) => {
      const x = input([[strong(0)], [weak(45)]], [0, 0], [52, 20], { 1: ev }, 60);
      return decideSections({ ...x, pathEstimate: () => NaN, ...(lastWords ? { lastWords } : {}) });
    };
    it('keeps it in progress when nothing says the section before goes on past it', async () => {
      expect((await run()).status).toEqual(['read', 'read']);
      expect((await run(async () => ({ ratio: 3, endsAt: 44 }))).status).toEqual(['read', 'read']);
      // (last words found there but not standing out: no evidence)
      expect((await run(async () => ({ ratio: 1.5, endsAt: 59.5 }))).status).toEqual(['read', 'read']);
    });
    it('declares it not read when the section before is heard ending with the recording (a phrase alike inside it)', async () => {
      const asked: [number, number][] = [];
      const d = await run(async (k, from) => (asked.push([k, from]), { ratio: 3, endsAt: 59.5 }));
      expect(d.status).toEqual(['read', 'not-read']);
      expect(d.reasons[1]).toMatch(/last words are heard after/);
      // searched from the section before's earliest end, not only after the opening
      expect(asked).toEqual([[0, 0.4 * 52]]);
    });
    it('not read when the section before is heard to its end and more is said after that (closing words)', async () => {
      const d = await run(async () => ({ ratio: 3, endsAt: 55 }));
      expect(d.status).toEqual(['read', 'not-read']);
      expect(d.reasons[1]).toMatch(/heard to its end/);
    });
  });
});
