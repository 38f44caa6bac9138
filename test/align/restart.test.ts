/**
 * restart.ts on a real reader's voice (LibriVox, ../shared): a broken-off first attempt
 * ("From fairest crea— From fairest creatures we desire increase…") is found as the same
 * words said twice; a different short utterance in the same place (another reader, JFK) is
 * not; and `sameWords` tells a repeated stretch from an unrelated one. The voice is only
 * ever compared with itself.
 */
import { beforeAll, expect, it } from 'vitest';
import { falseStart, sameWords } from '../../src/align/restart.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { cepstra, MelExtractor, type FeatureVectors } from '../../src/signal/mfcc.js';
import { findPauses, type Pause } from '../../src/signal/pauses.js';
import { describeShared, sharedPath } from '../helpers/shared.js';

const RATE = 16000;

interface Analysed {
  v: FeatureVectors;
  recPause: Uint8Array;
  pauses: Pause[];
}

function analyse(pcm: Float32Array): Analysed {
  const x = new MelExtractor(RATE, {}, pcm.length / RATE);
  x.push(pcm);
  const mel = x.finish();
  const v = cepstra(mel, { coefficients: 8 });
  const pauses = findPauses(mel.blockDb, mel.blockSeconds).pauses;
  const recPause = new Uint8Array(v.frames);
  for (const p of pauses) for (let f = Math.ceil(p.startSeconds / v.hopSeconds); f < Math.min(v.frames, Math.floor(p.endSeconds / v.hopSeconds)); f++) recPause[f] = 1;
  return { v, recPause, pauses };
}

const silence = (seconds: number) => new Float32Array(Math.round(seconds * RATE));
function join(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The first `seconds` of speech after `from` (s) in a reading. */
function speechFrom(pcm: Float32Array, from: number, seconds: number): Float32Array {
  return pcm.slice(Math.round(from * RATE), Math.round((from + seconds) * RATE));
}

describeShared('restarts in a real reading (shared)', () => {
  let sonnet: Float32Array;
  let jfk: Float32Array;
  let onset: number;
  beforeAll(async () => {
    sonnet = await decodePcm(sharedPath('speech', 'sonnet-p001.mp3'), RATE);
    jfk = await decodePcm(sharedPath('speech', 'jfk.wav'), RATE);
    // the reading's first line: the first speech after its heading ("I") and the pause after it
    const a = analyse(sonnet);
    const afterHeading = a.pauses.find((p) => p.startSeconds > 0.3 && p.endSeconds - p.startSeconds > 0.4)!;
    onset = afterHeading.endSeconds;
  });

  it('finds a broken-off first attempt of the same words, and not another voice in its place', () => {
    const line = speechFrom(sonnet, onset, 12);
    const attempt = speechFrom(sonnet, onset, 1.1);
    const start = 1.0;
    const restartAt = start + 1.1 + 0.45;
    const withFalseStart = analyse(join(silence(start), attempt, silence(0.45), line, silence(0.5)));
    const found = falseStart({ rec: withFalseStart.v, recPause: withFalseStart.recPause, pauses: withFalseStart.pauses, seconds: restartAt, lowerSeconds: 0, maxSeconds: 2.5, minSeconds: 0.6, ratio: 0.5, peak: 0.7 });
    expect(found, 'false start found').toBeDefined();
    expect(Math.abs(found! - start)).toBeLessThan(0.15);

    const other = speechFrom(jfk, 0.3, 1.1);
    const withOther = analyse(join(silence(start), other, silence(0.45), line, silence(0.5)));
    expect(falseStart({ rec: withOther.v, recPause: withOther.recPause, pauses: withOther.pauses, seconds: restartAt, lowerSeconds: 0, maxSeconds: 2.5, minSeconds: 0.6, ratio: 0.5, peak: 0.7 })).toBeUndefined();
  });

  it('sameWords: a stretch said again is found where it was first said; an unrelated stretch is not', () => {
    const line = speechFrom(sonnet, onset, 3);
    const a = analyse(join(silence(0.5), line, silence(0.7), line, silence(0.5)));
    const hop = a.v.hopSeconds;
    const first = Math.round(0.5 / hop);
    const second = Math.round((0.5 + 3 + 0.7) / hop);
    expect(sameWords(a.v, a.recPause, second, first, Math.round(2 / hop), 0.5)).toBe(true);
    const b = analyse(join(silence(0.5), speechFrom(jfk, 0.3, 3), silence(0.7), line, silence(0.5)));
    expect(sameWords(b.v, b.recPause, second, first, Math.round(2 / hop), 0.5)).toBe(false);
  });
});
