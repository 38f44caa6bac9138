/**
 * The truth of a partial recording and of a lead-in (compose.ts), on a composed script,
 * and the plans that produce them (corpus.ts narrated()): no aligner involved.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderScript, type Rendered, type Script } from '../../src/eval/compose.js';
import { leadInText, narrated } from '../../src/eval/corpus.js';
import { prng } from '../../src/demo/narrate.js';
import { scratch } from '../helpers/tmp.js';

const RATE = 22050;
const voice = { engine: 'espeak-ng' as const, voice: 'en-us+m3', wordsPerMinute: 170 };
const TEXTS = {
  a: 'Reward learning from human preferences works with little data.',
  b: 'Interpretability tools find circuits in small networks, but they do not yet scale to large language models.',
  c: 'This section comes after the end of the recording.',
  d: 'And so does this one.',
};

function script(cut?: Script['cut']): Script {
  const s: Script = {
    seed: 11,
    sections: Object.entries(TEXTS).map(([id, text]) => ({ id, kind: 'summary' as const, title: id, text })),
    segments: [
      { kind: 'pause', seconds: 0.5 },
      { kind: 'unscripted', label: 'lead-in', parts: [{ tts: 'Hi everyone, and welcome back. Before we start, a few announcements.', voice }] },
      { kind: 'pause', seconds: 1.0 },
      ...(['a', 'b', 'c', 'd'] as const).flatMap((id): Script['segments'] => [
        { kind: 'section', id, parts: [{ tts: TEXTS[id], voice }] },
        { kind: 'pause', seconds: 0.9 },
      ]),
    ],
  };
  if (cut) s.cut = cut;
  return s;
}

describe('truth of a lead-in and of a partial recording', () => {
  let full: Rendered;
  let cut: Rendered;
  beforeAll(async () => {
    const work = await scratch('eval-truth');
    full = await renderScript(script(), work);
    cut = await renderScript(script({ section: 'b', fraction: 0.5 }), work);
  });

  it('lead-in: from its first word to the first section\'s pause start', () => {
    const lead = full.truth.segments[0];
    expect(lead.kind).toBe('unscripted');
    expect(full.truth.leadIn).toEqual({ startSeconds: lead.startSeconds, endSeconds: full.truth.sections[0].pauseStartSeconds });
    expect(full.truth.leadIn!.startSeconds).toBeCloseTo(0.5, 1);
    expect(full.truth.leadIn!.endSeconds - full.truth.leadIn!.startSeconds).toBeGreaterThan(3);
    expect(full.truth.sections[0].startSeconds! - full.truth.leadIn!.endSeconds).toBeGreaterThanOrEqual(1.0);
    expect(full.truth.ending).toBeNull();
    expect(full.truth.sections.map((s) => s.status)).toEqual(['read', 'read', 'read', 'read']);
  });

  it('partial: the audio stops halfway through b, no fade; b is in progress, c and d after the end', () => {
    const b = full.truth.sections[1];
    const at = b.startSeconds! + 0.5 * (b.endSeconds! - b.startSeconds!);
    expect(cut.truth.durationSeconds).toBeCloseTo(at, 2);
    expect(cut.truth.ending).toEqual({ sectionId: 'b', cutSeconds: cut.truth.sections[1].endSeconds });
    expect(cut.truth.ending!.cutSeconds).toBeCloseTo(cut.truth.durationSeconds, 3);
    expect(cut.truth.sections.map((s) => [s.id, s.status, s.present])).toEqual([
      ['a', 'read', true],
      ['b', 'read', true],
      ['c', 'after-end', false],
      ['d', 'after-end', false],
    ]);
    expect(cut.truth.sections[2].startSeconds).toBeUndefined();
    // everything up to the cut is the full rendering, sample for sample; the last 100 ms is still speech
    expect(Buffer.from(cut.samples.buffer).equals(Buffer.from(full.samples.buffer, 0, cut.samples.length * 4))).toBe(true);
    let peak = 0;
    for (let i = cut.samples.length - Math.round(0.1 * RATE); i < cut.samples.length; i++) peak = Math.max(peak, Math.abs(cut.samples[i]));
    expect(peak).toBeGreaterThan(0.01);
    // truth before the cut does not move; no segment reaches past it
    expect(cut.truth.sections[0]).toEqual(full.truth.sections[0]);
    expect(cut.truth.leadIn).toEqual(full.truth.leadIn);
    for (const s of cut.truth.segments) expect(s.endSeconds).toBeLessThanOrEqual(cut.truth.durationSeconds + 1e-3); // truth times are rounded to 0.1 ms
  });

  it('a cut outside (0, 1) or in a section that is not read is refused', async () => {
    const work = await scratch('eval-truth');
    await expect(renderScript(script({ section: 'b', fraction: 1.2 }), work)).rejects.toThrow(/fraction/);
    await expect(renderScript(script({ section: 'zz', fraction: 0.5 }), work)).rejects.toThrow(/does not read/);
  });
});

describe('narrated(): lead-ins, first-sentence stumbles, cuts', () => {
  const sections = Array.from({ length: 6 }, (_, k) => ({
    id: `s${k}`,
    kind: 'summary' as const,
    title: `S${k}`,
    text: `Section number ${k} opens with this sentence. It has a second sentence too.`,
  }));

  it('a lead-in of about the asked length comes first; a cut lands 25–75 % into a middle section', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const s = narrated(sections, { voice, leadIn: 12, cut: true }, seed);
      const first = s.segments.find((g) => g.kind !== 'pause')!;
      expect(first.kind).toBe('unscripted');
      expect(s.cut).toBeDefined();
      const k = sections.findIndex((x) => x.id === s.cut!.section);
      expect(k).toBeGreaterThan(0);
      expect(k).toBeLessThan(5);
      expect(s.cut!.fraction).toBeGreaterThanOrEqual(0.25);
      expect(s.cut!.fraction).toBeLessThanOrEqual(0.75);
    }
    const words = leadInText(12, 170, prng(3)).split(/\s+/).length;
    expect(words).toBeGreaterThanOrEqual(34);
    expect(words).toBeLessThan(34 + 20);
    expect(leadInText(1, 170, prng(3))).toBe('Okay.');
    expect(narrated(sections, { voice, leadIn: 0 }, 1).segments.some((g) => g.kind === 'unscripted')).toBe(false);
  });

  it('a first-sentence stumble: a few words of the opening, a pause, then the whole section', () => {
    const s = narrated(sections, { voice, firstStumbles: 1 }, 7);
    const stumbled = s.segments.filter((g) => g.kind === 'section' && g.parts.length === 3);
    expect(stumbled.length).toBe(1);
    const g = stumbled[0] as Extract<Script['segments'][number], { kind: 'section' }>;
    const text = sections.find((x) => x.id === g.id)!.text;
    const [partial, gap, whole] = g.parts as [{ tts: string }, { pause: number }, { tts: string }];
    expect(text.startsWith(partial.tts)).toBe(true);
    expect(partial.tts.split(' ').length).toBeGreaterThanOrEqual(2);
    expect(partial.tts.split(' ').length).toBeLessThanOrEqual(4);
    expect(gap.pause).toBeGreaterThan(0);
    expect(whole.tts).toBe(text);
  });
});
