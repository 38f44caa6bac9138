/** The festival engine of the synthetic narrator (src/demo/narrate.ts): deterministic, the voice and pace asked for. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../src/demo/narrate.js';
import { scratch } from '../helpers/tmp.js';

const RATE = 22050;
const TEXT = 'Reward learning from human preferences works with surprisingly little data.';
const hasKed = existsSync('/usr/share/festival/voices/english/ked_diphone') && existsSync('/usr/share/festival/voices/english/kal_diphone');

describe.skipIf(!hasKed)('festival synthesis', () => {
  it('is deterministic, speaks with the voice asked for, and paces with wordsPerMinute', async () => {
    const dir = await scratch('festival');
    const a = await synthesize(TEXT, dir, 'a', { engine: 'festival', voice: 'ked_diphone' }, RATE);
    const b = await synthesize(TEXT, dir, 'b', { engine: 'festival', voice: 'ked_diphone' }, RATE);
    expect(a.length).toBeGreaterThan(2 * RATE);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const kal = await synthesize(TEXT, dir, 'c', { engine: 'festival', voice: 'kal_diphone' }, RATE);
    expect(Buffer.from(kal.buffer).equals(Buffer.from(a.buffer))).toBe(false);
    const slow = await synthesize(TEXT, dir, 'd', { engine: 'festival', voice: 'ked_diphone', wordsPerMinute: 120 }, RATE);
    expect(slow.length / a.length).toBeGreaterThan(1.2);
    let peak = 0;
    for (const v of a) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeGreaterThan(0.05);
  });

  it('refuses a voice name that is not a plain name (it goes into a Scheme expression)', async () => {
    const dir = await scratch('festival');
    await expect(synthesize(TEXT, dir, 'e', { engine: 'festival', voice: 'kal_diphone) (quit' }, RATE)).rejects.toThrow(/plain name/);
  });
});
