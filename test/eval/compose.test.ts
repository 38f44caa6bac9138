/**
 * The case builder's truth: section starts and pause starts where the audio says they
 * are, tempo scaling the truth, a skipped section without a start, effects at the levels
 * asked for, and real readings cut at their speech.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { frameDb, makeHum, makeNoise, renderScript, rmsDb, speechBounds, type Rendered, type Script } from '../../src/eval/compose.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

const RATE = 22050;
const voice = { engine: 'espeak-ng' as const, voice: 'en-us+m3', wordsPerMinute: 170 };

function script(effects?: Script['effects'], lead = 1.0): Script {
  const s: Script = {
    seed: 5,
    sections: [
      { id: 'a', kind: 'summary', title: 'A', text: 'Reward learning from human preferences works with little data.' },
      { id: 'b', kind: 'summary', title: 'B', text: 'This one the narrator skips entirely.' },
      { id: 'c', kind: 'summary', title: 'C', text: 'Interpretability tools find circuits in small networks. They do not yet scale.' },
    ],
    segments: [
      { kind: 'pause', seconds: lead },
      { kind: 'section', id: 'a', parts: [{ tts: 'Reward learning from human preferences works with little data.', voice }] },
      { kind: 'pause', seconds: 0.8 },
      { kind: 'unscripted', label: 'ad-lib', parts: [{ tts: 'Okay, let me take a sip of water.', voice }] },
      { kind: 'pause', seconds: 1.2 },
      {
        kind: 'section',
        id: 'c',
        parts: [
          { tts: 'Interpretability tools find circuits in small networks.', voice },
          { pause: 0.5 },
          { tts: 'Interpretability tools find circuits in small networks. They do not yet scale.', voice },
        ],
      },
      { kind: 'pause', seconds: 1.0 },
    ],
  };
  if (effects) s.effects = effects;
  return s;
}

/** First 10 ms frame at or after `from` seconds louder than `db`, in seconds. */
function firstLoud(x: Float32Array, from: number, db = -40): number {
  const levels = frameDb(x, RATE, 0.01);
  for (let f = Math.floor(from / 0.01); f < levels.length; f++) if (levels[f] > db) return f * 0.01;
  return Number.NaN;
}

describe('renderScript', () => {
  let work: string;
  let plain: Rendered;
  beforeAll(async () => {
    work = await scratch('eval-compose');
    plain = await renderScript(script(), work);
  });

  it('records pause start and first word per section; the skipped one has no start', () => {
    const [a, b, c] = plain.truth.sections;
    expect(a.present).toBe(true);
    expect(a.pauseStartSeconds).toBe(0);
    expect(a.startSeconds!).toBeGreaterThanOrEqual(1.0);
    expect(a.startSeconds!).toBeLessThan(1.3);
    expect(b).toMatchObject({ id: 'b', present: false });
    expect(b.startSeconds).toBeUndefined();
    // c's pause starts where the ad-lib ends, 1.2 s before c's first word (± TTS lead-in)
    const adLib = plain.truth.segments.find((s) => s.kind === 'unscripted')!;
    expect(c.pauseStartSeconds).toBe(adLib.endSeconds);
    expect(c.startSeconds! - c.pauseStartSeconds!).toBeGreaterThanOrEqual(1.2);
    expect(c.startSeconds! - c.pauseStartSeconds!).toBeLessThan(1.5);
    // the repeated sentence is inside c
    expect(c.endSeconds! - c.startSeconds!).toBeGreaterThan(4);
    expect(plain.truth.durationSeconds).toBeCloseTo(plain.samples.length / RATE, 6);
  });

  it('the audio agrees: silence right before each start, speech right after', () => {
    for (const s of plain.truth.sections.filter((x) => x.present)) {
      const onset = firstLoud(plain.samples, s.pauseStartSeconds! + 0.05);
      expect(Math.abs(onset - s.startSeconds!)).toBeLessThan(0.03);
    }
  });

  it('whole-file atempo 1.1 scales the truth by 1/1.1, and the audio agrees', async () => {
    const fast = await renderScript(script({ tempo: 1.1 }), work);
    expect(fast.truth.durationSeconds).toBeCloseTo(plain.truth.durationSeconds / 1.1, 1);
    for (let k = 0; k < 3; k++) {
      const p = plain.truth.sections[k];
      const f = fast.truth.sections[k];
      if (!p.present) {
        expect(f.present).toBe(false);
        continue;
      }
      expect(f.startSeconds!).toBeCloseTo(p.startSeconds! / 1.1, 3);
      expect(f.pauseStartSeconds!).toBeCloseTo(p.pauseStartSeconds! / 1.1, 3);
      // atempo's overlap-add smears an onset up to ~25 ms earlier than the scaled time
      const onset = firstLoud(fast.samples, f.pauseStartSeconds! + 0.05);
      expect(Math.abs(onset - f.startSeconds!)).toBeLessThan(0.05);
    }
  });

  it('per-part atempo changes that part only; the truth is measured after it', async () => {
    const s = script();
    const seg = s.segments[1] as Extract<Script['segments'][number], { kind: 'section' }>;
    seg.parts = [{ tts: 'Reward learning from human preferences works with little data.', voice, tempo: 0.9 }];
    const slow = await renderScript(s, work);
    const a0 = plain.truth.sections[0];
    const a1 = slow.truth.sections[0];
    expect(a1.startSeconds!).toBeCloseTo(a0.startSeconds!, 1);
    const len0 = a0.endSeconds! - a0.startSeconds!;
    const len1 = a1.endSeconds! - a1.startSeconds!;
    expect(len1 / len0).toBeGreaterThan(1.07);
    expect(len1 / len0).toBeLessThan(1.15);
    const c = slow.truth.sections[2];
    expect(Math.abs(firstLoud(slow.samples, c.pauseStartSeconds! + 0.05) - c.startSeconds!)).toBeLessThan(0.03);
  });

  it('noise and hum come out at the requested dBFS (measured in the lead-in silence)', async () => {
    const noisy = await renderScript(script({ noise: { dbfs: -45, color: 'pink' } }, 3.0), work);
    expect(rmsDb(noisy.samples, 0, Math.round(2.5 * RATE))).toBeCloseTo(-45, 0);
    const hum = await renderScript(script({ hum: { dbfs: -50 } }, 3.0), work);
    expect(rmsDb(hum.samples, 0, Math.round(2.5 * RATE))).toBeCloseTo(-50, 0);
    // the truth does not move
    expect(noisy.truth.sections[2].startSeconds! - noisy.truth.sections[0].startSeconds!).toBeCloseTo(
      plain.truth.sections[2].startSeconds! - plain.truth.sections[0].startSeconds!,
      6,
    );
  });

  it('a −10 dB level drop from 50 % lowers everything after it by 10 dB', async () => {
    const dropped = await renderScript(script({ levelDrop: { atFraction: 0.5, db: -10 } }), work);
    const n = plain.samples.length;
    expect(dropped.samples.length).toBe(n);
    const from = Math.round(0.5 * n) + RATE; // past the ramp
    expect(rmsDb(dropped.samples, from, n) - rmsDb(plain.samples, from, n)).toBeCloseTo(-10, 1);
    expect(rmsDb(dropped.samples, 0, Math.round(0.45 * n))).toBeCloseTo(rmsDb(plain.samples, 0, Math.round(0.45 * n)), 6);
  });

  it('is deterministic', async () => {
    const again = await renderScript(script(), work);
    expect(again.truth).toEqual(plain.truth);
    expect(Buffer.from(again.samples.buffer).equals(Buffer.from(plain.samples.buffer))).toBe(true);
  });
});

describe('effects generators', () => {
  it('noise of every colour has the exact RMS; hum too; both are seeded', () => {
    for (const color of ['white', 'pink', 'brown'] as const) {
      expect(rmsDb(makeNoise(RATE * 2, -42, color, 3))).toBeCloseTo(-42, 6);
    }
    expect(rmsDb(makeHum(RATE * 2, RATE, -47))).toBeCloseTo(-47, 2);
    expect(makeNoise(1000, -40, 'white', 9)).toEqual(makeNoise(1000, -40, 'white', 9));
    expect(makeNoise(1000, -40, 'white', 9)).not.toEqual(makeNoise(1000, -40, 'white', 10));
  });
});

describeShared('real readings as parts', () => {
  it('speechBounds finds the first and last word of a LibriVox reading and of JFK', async () => {
    for (const [file, on, off] of [
      ['sonnet-p001.mp3', 0.35, 0.6],
      ['jfk.wav', 0.1, 0.6],
    ] as const) {
      const x = await decodePcm(sharedPath('speech', file), RATE);
      const b = speechBounds(x, RATE);
      const start = b.start / RATE;
      const levels = frameDb(x, RATE, 0.01);
      // quieter before the start than just after it
      const before = Math.max(...Array.from(levels.slice(Math.max(0, Math.floor(start / 0.01) - 15), Math.floor(start / 0.01) - 2)));
      const after = Math.max(...Array.from(levels.slice(Math.floor(start / 0.01), Math.floor(start / 0.01) + 10)));
      expect(after - before, file).toBeGreaterThan(8);
      expect(start, file).toBeGreaterThan(on - 0.35);
      expect(start, file).toBeLessThan(on + off);
      expect(b.end).toBeGreaterThan(b.start + 5 * RATE);
      expect(b.end).toBeLessThanOrEqual(x.length);
    }
  });

  it('a real section spliced after unscripted foreign speech: truth = its first word, pause = the end of the insert', async () => {
    const work = await scratch('eval-compose-real');
    const r = await renderScript(
      {
        seed: 1,
        sections: [{ id: 'sonnet-1', kind: 'summary', title: 'I', text: 'I\nFrom fairest creatures we desire increase,' }],
        segments: [
          { kind: 'pause', seconds: 0.5 },
          { kind: 'unscripted', label: 'jfk', parts: [{ file: 'speech/jfk.wav' }] },
          { kind: 'pause', seconds: 1.0 },
          { kind: 'section', id: 'sonnet-1', parts: [{ file: 'speech/sonnet-p001.mp3' }] },
        ],
      },
      work,
    );
    const s = r.truth.sections[0];
    const jfk = r.truth.segments[0];
    expect(s.pauseStartSeconds).toBe(jfk.endSeconds);
    // 1.0 s of silence plus the room tone kept around each cut
    expect(s.startSeconds! - s.pauseStartSeconds!).toBeGreaterThanOrEqual(1.0);
    expect(s.startSeconds! - s.pauseStartSeconds!).toBeLessThan(1.3);
    const onset = firstLoud(r.samples, s.pauseStartSeconds! + 0.1, -35);
    expect(Math.abs(onset - s.startSeconds!)).toBeLessThan(0.05);
  });
});
