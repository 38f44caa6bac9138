import { describe, expect, it } from 'vitest';
import { findPauses, SECTION_SNAP, snapToPause, speechMask, type Pause } from '../../src/signal/pauses.js';

/** 10 ms energy track: speech (−20 dB) except in the given silent spans (−70 dB noise). */
function track(seconds: number, silent: [number, number][]): Float32Array {
  const db = new Float32Array(Math.round(seconds * 100)).fill(-20);
  for (let i = 0; i < db.length; i++) db[i] += (i * 37) % 7; // some wobble
  for (const [a, b] of silent) for (let i = Math.round(a * 100); i < Math.round(b * 100); i++) db[i] = -70 + ((i * 13) % 5);
  return db;
}

describe('findPauses', () => {
  it('finds pauses and the speech span; ignores gaps shorter than the minimum', () => {
    const db = track(20, [
      [0, 1],
      [5, 5.08], // a stop closure, not a pause
      [8, 9.5],
      [12, 12.3],
      [19, 20],
    ]);
    const p = findPauses(db, 0.01);
    expect(p.speechStart).toBeCloseTo(1, 2);
    expect(p.speechEnd).toBeCloseTo(19, 2);
    expect(p.pauses.map((x) => [x.startSeconds, x.endSeconds].map((v) => Math.round(v * 100) / 100))).toEqual([
      [0, 1],
      [8, 9.5],
      [12, 12.3],
      [19, 20],
    ]);
    expect(p.thresholdDb).toBeGreaterThan(-65);
    expect(p.thresholdDb).toBeLessThan(-25);
  });

  it('as identification uses it: exact levels over every block, no blip removal, a speech mask', () => {
    const db = track(20, [
      [0, 1],
      [5, 5.08], // shorter than 0.15 s: speech
      [8, 9.5],
      [9.52, 11], // a 20 ms blip at 9.5: kept (no blip removal)
      [19, 20],
    ]);
    for (let i = 300; i < 400; i++) db[i] = -120; // digital silence, counted in the floor
    const opts = { minPauseSeconds: 0.15, minSpeechSeconds: 0, floorAboveDb: -Infinity, localSeconds: 0, levels: 'exact' } as const;
    const p = findPauses(db, 0.01, opts);
    const sorted = Float32Array.from(db).sort();
    expect(p.floorDb).toBe(sorted[Math.floor(0.05 * db.length)]);
    expect(p.speechDb).toBe(sorted[Math.floor(0.9 * db.length)]);
    const mask = speechMask(p.pauses, db.length, 0.01);
    const spans: [number, number][] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i] && (i === 0 || !mask[i - 1])) spans.push([i, i]);
    for (const s of spans) while (s[1] < mask.length && mask[s[1]]) s[1]++;
    expect(spans).toEqual([
      [100, 300],
      [400, 800],
      [950, 952],
      [1100, 1900],
    ]);
    // the aligner's settings remove that blip
    expect(findPauses(db, 0.01).pauses.some((x) => x.startSeconds <= 9.5 && x.endSeconds >= 9.52)).toBe(true);
  });
});

describe('snapToPause', () => {
  // a heading section: pause, "HIGHLIGHTS" (9.0–9.8), a long 2 s pause, then the body
  const pauses: Pause[] = [
    { startSeconds: 7.0, endSeconds: 7.3 },
    { startSeconds: 8.6, endSeconds: 9.0 },
    { startSeconds: 9.8, endSeconds: 11.8 },
    { startSeconds: 14.0, endSeconds: 14.4 },
  ];

  it('takes the pause right before the estimate, not the longer one after the title', () => {
    for (const estimate of [9.0, 9.05, 9.3]) {
      const s = snapToPause(pauses, estimate, SECTION_SNAP);
      expect(s.pause).toEqual(pauses[1]);
      expect(s.seconds).toBeCloseTo(9.0 - SECTION_SNAP.leadSeconds, 6);
    }
  });

  it('an estimate inside a pause snaps to that pause’s end', () => {
    const s = snapToPause(pauses, 10.5, SECTION_SNAP);
    expect(s.pause).toEqual(pauses[2]);
    expect(s.seconds).toBeCloseTo(11.8 - SECTION_SNAP.leadSeconds, 6);
    expect(s.distance).toBe(0);
  });

  it('a slightly early estimate snaps forward to the pause just ahead', () => {
    const s = snapToPause(pauses, 13.8, SECTION_SNAP);
    expect(s.pause).toEqual(pauses[3]);
    expect(s.seconds).toBeCloseTo(14.3, 6);
  });

  it('never jumps to a far pause: with none in reach it keeps the estimate', () => {
    // 11.8 ends 1.55 s before, 14.0 starts 0.65 s after: both out of reach
    const s = snapToPause(pauses, 13.35, SECTION_SNAP);
    expect(s.pause).toBeUndefined();
    expect(s.seconds).toBe(13.35);
  });

  it('the mark never goes before the pause starts', () => {
    const short = [{ startSeconds: 3.0, endSeconds: 3.05 }];
    const s = snapToPause(short, 3.1, { ...SECTION_SNAP, minPauseSeconds: 0 });
    expect(s.seconds).toBeCloseTo(3.0, 6);
  });
});

describe('a sound in a pause running into the speech (an inhale, a buzz)', () => {
  /** 2 s of speech, a pause of room tone (−70 dB) with `sound` (s) of a −57 dB sound (under the speech threshold) at its end, then speech. */
  function withSound(sound: number): Float32Array {
    const db = track(6, [[2, 3.5]]);
    for (let i = Math.round((3.5 - sound) * 100); i < 350; i++) db[i] = -57;
    return db;
  }
  it('is marked where it starts, and a section mark goes before it, not into it', () => {
    const p = findPauses(withSound(0.5), 0.01).pauses.find((x) => x.startSeconds > 1)!;
    // the sound is below the speech threshold: part of the pause, but where it starts is kept
    expect(p.endSeconds).toBeCloseTo(3.5, 2);
    expect(p.soundSeconds).toBeCloseTo(3.0, 2);
    expect(snapToPause([p], 3.4, SECTION_SNAP).seconds).toBeCloseTo(3.0 - SECTION_SNAP.leadSeconds, 2);
    // a sentence mark (no beforeSound) stays at the speech
    expect(snapToPause([p], 3.4, { ...SECTION_SNAP, beforeSound: false }).seconds).toBeCloseTo(3.5 - SECTION_SNAP.leadSeconds, 2);
  });
  it('is not marked when it is too short, or when it fills the whole pause', () => {
    expect(findPauses(withSound(0.05), 0.01).pauses.find((x) => x.startSeconds > 1)!.soundSeconds).toBeUndefined();
    expect(findPauses(withSound(1.5), 0.01).pauses.find((x) => x.startSeconds > 1)!.soundSeconds).toBeUndefined();
  });
  it('is not marked for a faint pre-onset after digital silence, under the room floor (a synthesizer\'s, 50 dB under the speech)', () => {
    // (room tone at −70 dB in the other pauses: the recording's floor)
    const db = track(8, [[0, 1], [2, 3.5], [5, 6.5]]);
    for (let i = 200; i < 330; i++) db[i] = -120;
    for (let i = 330; i < 350; i++) db[i] = -65;
    const p = findPauses(db, 0.01).pauses.find((x) => x.startSeconds > 1.5)!;
    expect(p.endSeconds).toBeCloseTo(3.5, 2);
    expect(p.soundSeconds).toBeUndefined();
  });
  it('is not marked in a plain pause', () => {
    expect(findPauses(track(6, [[2, 3.5]]), 0.01).pauses.find((x) => x.startSeconds > 1)!.soundSeconds).toBeUndefined();
  });
});

