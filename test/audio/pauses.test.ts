/**
 * Pause shortening's plan and the episode timeline (issue 18, part 5): which spans are cut
 * (the middle of each long pause inside the kept part, what is left exactly the limit,
 * never a chapter mark inside a cut), and the one map of recording time to episode time
 * (monotonic, continuous at the cut edges, its inverse the identity on the kept speech,
 * the head trim's shift alone without cuts); the encode's cut graph on a chirp through real
 * ffmpeg (sample-exact pieces, exact length). The build: test/episode/pauses-build.
 */
import { describe, expect, it } from 'vitest';
import { describeCleanup } from '../../src/audio/cleanup/describe.js';
import type { CleanupReport } from '../../src/audio/cleanup/plan.js';
import { CUT_CROSSFADE_SAMPLES, cutGraph, episodeTimeline, planPauseCuts, PAUSE_EDGE_SECONDS } from '../../src/audio/pauses.js';
import { decodePcm, ffmpeg, fileArg } from '../../src/media/ffmpeg.js';
import { join } from 'node:path';
import { scratch } from '../helpers/tmp.js';

const TRIM = { startSeconds: 1, endSeconds: 60, headSeconds: 1, tailSeconds: 2 };
const PAUSES: [number, number][] = [
  [0, 1.4], // the head: the trim's, not cut
  [5, 8], // 3 s
  [10, 10.6], // shorter than the limit
  [20, 22.5], // 2.5 s, a chapter mark near its end
  [30, 33], // 3 s, a chapter mark in its middle
  [59.5, 62], // the tail
];

describe('planPauseCuts', () => {
  it('is off without a limit', () => {
    expect(planPauseCuts(PAUSES, TRIM, undefined).cuts).toEqual([]);
    expect(planPauseCuts(PAUSES, TRIM, null)).toEqual({ maxSeconds: null, longer: 0, shortened: 0, removedSeconds: 0, cuts: [] });
  });

  it('cuts the middle of each long pause inside the kept part, leaving the limit', () => {
    const r = planPauseCuts(PAUSES, TRIM, 1);
    expect(r.cuts).toEqual([
      { startSeconds: 5.5, endSeconds: 7.5 },
      { startSeconds: 20.5, endSeconds: 22 },
      { startSeconds: 30.5, endSeconds: 32.5 },
    ]);
    expect(r.shortened).toBe(3);
    expect(r.removedSeconds).toBe(5.5);
  });

  it('never puts a chapter mark inside a cut: before the mark when that side has room for all of it, else the side that removes more', () => {
    const pauses: [number, number][] = [...PAUSES.slice(0, 5), [40, 44], PAUSES[5]!];
    const marks = [0, 22.45, 31.2, 43.3];
    const r = planPauseCuts(pauses, TRIM, 1, marks);
    expect(r.cuts).toHaveLength(4);
    for (const m of marks) for (const c of r.cuts) expect(m <= c.startSeconds || m >= c.endSeconds).toBe(true);
    // 22.45 is after the ideal cut's end: the ideal cut
    expect(r.cuts[1]).toEqual({ startSeconds: 20.5, endSeconds: 22 });
    // 31.2 in the middle of [30, 33]: 1.05 s of room before it, 1.65 s after: after it, as much as the edge allows
    expect(r.cuts[2]).toEqual({ startSeconds: 31.2, endSeconds: 33 - PAUSE_EDGE_SECONDS });
    // 43.3 in [40, 44]: room for the whole 3 s before it, which keeps the mark's distance to the speech it opens
    expect(r.cuts[3]).toEqual({ startSeconds: 40.3, endSeconds: 43.3 });
    expect(r.removedSeconds).toBe(2 + 1.5 + 1.65 + 3);
  });
});

describe('episodeTimeline', () => {
  const cuts = planPauseCuts(PAUSES, TRIM, 1).cuts;
  const offset = 4.2;
  const tl = episodeTimeline(TRIM, cuts, offset);
  const grid = Array.from({ length: 7000 }, (_, i) => -1 + i * 0.01);

  it('without cuts is the head trim and music offset, clipped to the kept part and the episode, to the millisecond', () => {
    const plain = episodeTimeline(TRIM, [], offset, 70);
    // (what the build's clock was before pause shortening)
    const clock = (t: number) => Math.round(Math.min(70, Math.min(TRIM.endSeconds, Math.max(TRIM.startSeconds, t)) - TRIM.startSeconds + offset) * 1000) / 1000;
    for (const t of grid) expect(plain.toEpisode(t)).toBe(clock(t));
  });

  it('is monotonic, continuous at the cut edges, and shorter by the cuts', () => {
    let prev = -Infinity;
    for (const t of grid) {
      const e = tl.toEpisode(t);
      expect(e).toBeGreaterThanOrEqual(prev);
      prev = e;
    }
    for (const c of cuts) {
      expect(Math.abs(tl.toEpisode(c.startSeconds - 1e-6) - tl.toEpisode(c.endSeconds + 1e-6))).toBeLessThanOrEqual(0.001);
      expect(tl.toEpisode((c.startSeconds + c.endSeconds) / 2)).toBe(tl.toEpisode(c.startSeconds));
    }
    expect(tl.speechSeconds).toBeCloseTo(59 - 5.5, 9);
    expect(tl.toEpisode(TRIM.endSeconds)).toBeCloseTo(offset + 53.5, 3);
    // after the first cut by 2 s, after all three by 5.5 s
    expect(tl.toEpisode(10)).toBeCloseTo(10 - 1 + offset - 2, 3);
    expect(tl.toEpisode(40)).toBeCloseTo(40 - 1 + offset - 5.5, 3);
  });

  it('has toRecording as its inverse on the kept speech, and nothing over the music', () => {
    for (const t of grid) {
      // (a cut's two edges are one instant of the episode: its inverse is the far edge)
      if (t < TRIM.startSeconds || t > TRIM.endSeconds || cuts.some((c) => t > c.startSeconds - 0.001 && t < c.endSeconds)) continue;
      const back = tl.toRecording(tl.toEpisode(t));
      expect(back).toBeDefined();
      expect(Math.abs(back! - t)).toBeLessThanOrEqual(0.0011);
    }
    expect(tl.toRecording(offset - 0.1)).toBeUndefined();
    expect(tl.toRecording(offset + tl.speechSeconds + 0.1)).toBeUndefined();
  });
});

describe('the review page and terminal line', () => {
  const base: CleanupReport = {
    preset: 'podcast',
    highpassHz: 80,
    roomTone: { seconds: 3, windows: 4, levelDbfs: -60 },
    hum: { applied: false, reason: 'off', mainsHz: null, lines: [] },
    noise: { applied: false, reason: 'off' },
    filters: null,
  };

  it('says what pause shortening removed, and nothing when it is off', () => {
    expect(describeCleanup(base).join('\n')).not.toMatch(/pauses:/);
    const lines = describeCleanup({ ...base, pauses: planPauseCuts(PAUSES, TRIM, 1) });
    expect(lines[lines.length - 1]).toBe('pauses: 3 of 3 longer than 1 s shortened to it, 5.5 s removed');
  });
});

describe('cutGraph through ffmpeg', () => {
  it('keeps every sample outside the crossfades, shortens by exactly the cuts, and crossfades without a jump', async () => {
    const dir = await scratch('pause-cuts');
    const input = join(dir, 'chirp.wav');
    const output = join(dir, 'cut.wav');
    const rate = 44100;
    await ffmpeg(['-y', '-filter_complex', `aevalsrc=0.5*sin(2*PI*(100+20*t)*t):s=${rate}:d=12[a]`, '-map', '[a]', '-c:a', 'pcm_f32le', fileArg(input)]);
    // seven cuts, the stream starting 0.5 s into the "recording"
    const trimStart = 0.5;
    const cuts = [1, 2.2, 3.1, 5, 7.25, 9, 10.5].map((t, k) => ({ startSeconds: t + trimStart, endSeconds: t + trimStart + 0.1 + 0.15 * k }));
    const graph = cutGraph(cuts, trimStart, rate, 'in', 'out')!;
    await ffmpeg(['-y', '-i', fileArg(input), '-filter_complex', [`[0:a:0]anull[in]`, ...graph].join(';'), '-map', '[out]', '-c:a', 'pcm_f32le', fileArg(output)]);
    const [x, y] = await Promise.all([decodePcm(input, rate), decodePcm(output, rate)]);
    const removed = cuts.map((c) => Math.round((c.endSeconds - trimStart) * rate) - Math.round((c.startSeconds - trimStart) * rate));
    expect(y.length).toBe(x.length - removed.reduce((a, b) => a + b, 0));
    // output sample i is input sample i + (removed before it), away from the seams
    const half = CUT_CROSSFADE_SAMPLES / 2;
    let gone = 0;
    let worstJump = 0;
    const seams: number[] = [];
    cuts.forEach((c, k) => {
      seams.push(Math.round((c.startSeconds - trimStart) * rate) - gone);
      gone += removed[k]!;
    });
    gone = 0;
    let next = 0;
    for (let i = 0; i < y.length; i++) {
      while (next < seams.length && i >= seams[next]! + half) gone += removed[next++]!;
      const near = seams.some((s) => Math.abs(i - s) <= half);
      if (!near) expect(Math.abs(y[i]! - x[i + gone]!)).toBeLessThanOrEqual(1e-6);
      if (i > 0) worstJump = Math.max(worstJump, Math.abs(y[i]! - y[i - 1]!));
    }
    // the chirp's own steepest step: 0.5 · 2π · 580 Hz / 44.1 kHz ≈ 0.041, up to √2 times that
    // mid-crossfade (equal power on two unrelated phases); a hard cut would jump up to 1
    expect(worstJump).toBeLessThanOrEqual(0.08);
  });
});
