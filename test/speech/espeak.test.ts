import { describe, expect, it } from 'vitest';
import { cutAtBreaks, synthesizePieces } from '../../src/speech/espeak.js';

describe('cutAtBreaks', () => {
  const rate = 1000;
  const speech = (n: number) => new Int16Array(n).fill(100);
  const join = (...parts: Int16Array[]) => {
    const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const zeros = (n: number) => new Int16Array(n);

  it('cuts at the long silences and trims each piece', () => {
    const s = join(zeros(50), speech(300), zeros(200) /* natural pause */, speech(100), zeros(2000), speech(400), zeros(2100), speech(50), zeros(30));
    const pieces = cutAtBreaks(s, 3, rate)!;
    expect(pieces.map((p) => p.length)).toEqual([600, 400, 50]);
  });

  it('refuses when a break is missing or doubled (ambiguous)', () => {
    const s = join(speech(300), zeros(2000), speech(400), zeros(300), speech(50));
    expect(cutAtBreaks(s, 3, rate)).toBeUndefined();
    const t = join(speech(300), zeros(2000), speech(400), zeros(2000), speech(50));
    expect(cutAtBreaks(t, 2, rate)).toBeUndefined();
  });
});

describe('synthesizePieces (espeak-ng)', () => {
  it('returns one piece per text, in order, longer for longer texts, empty for unspeakable', async () => {
    const texts = ['Hello.', '—', 'This sentence is quite a bit longer than the first one.', 'Two words.', 'The end of the test, finally.'];
    const got: { i: number; n: number }[] = [];
    const stats = await synthesizePieces(texts, { voice: 'en-us', wordsPerMinute: 175, batchWords: 8 }, (i, s, rate) => {
      expect(rate).toBe(22050);
      got.push({ i, n: s.length });
    });
    expect(got.map((g) => g.i)).toEqual([0, 1, 2, 3, 4]);
    expect(got[1].n).toBe(0);
    expect(got[0].n).toBeGreaterThan(0.2 * 22050);
    expect(got[2].n).toBeGreaterThan(2 * got[0].n);
    expect(got[2].n).toBeGreaterThan(got[3].n);
    expect(stats.processes).toBeGreaterThanOrEqual(2);
    // same piece alone vs in a batch: same length within 10 %
    let alone = 0;
    await synthesizePieces([texts[2]], { voice: 'en-us', wordsPerMinute: 175 }, (_i, s) => (alone = s.length));
    expect(Math.abs(alone - got[2].n) / alone).toBeLessThan(0.1);
  });
});

describe('synthesizePieces: launcher errors', () => {
  const texts = ['First sentence here.', 'And a second one.'];
  it('reports a missing espeak-ng binary clearly', async () => {
    const saved = process.env.ESPEAK_PATH;
    process.env.ESPEAK_PATH = '/nonexistent/espeak-ng';
    try {
      await expect(synthesizePieces(texts, { voice: 'en-us', wordsPerMinute: 175 }, () => {})).rejects.toThrow(/espeak-ng was not found/);
    } finally {
      if (saved === undefined) delete process.env.ESPEAK_PATH;
      else process.env.ESPEAK_PATH = saved;
    }
  });
  it('reports an espeak-ng failure with its exit status', async () => {
    const saved = process.env.ESPEAK_PATH;
    process.env.ESPEAK_PATH = '/bin/false';
    try {
      await expect(synthesizePieces(texts, { voice: 'en-us', wordsPerMinute: 175 }, () => {})).rejects.toThrow(/failed \(exit 1\)/);
    } finally {
      if (saved === undefined) delete process.env.ESPEAK_PATH;
      else process.env.ESPEAK_PATH = saved;
    }
  });
  it('stops when aborted', async () => {
    const ac = new AbortController();
    const p = synthesizePieces(texts, { voice: 'en-us', wordsPerMinute: 175, signal: ac.signal }, () => {});
    ac.abort(new Error('stop now'));
    await expect(p).rejects.toThrow(/stop now/);
  });
});
