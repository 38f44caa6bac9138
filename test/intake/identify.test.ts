/**
 * Finding the issue by listening (issue #3 item 6): the opening of a recording against
 * the candidate issues' texts. Narrations are flite voices (not the espeak-ng the
 * candidates are synthesized with); the "no match" cases are an issue left out of the
 * candidates and a real human reading (LibriVox sonnets) of a text that is no issue.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  distinctiveOpening,
  identifyRecording,
  MIN_MARGIN,
  MIN_SCORE,
  type Candidate,
  type Identification,
} from '../../src/intake/identify.js';
import type { FeatureVectors } from '../../src/signal/mfcc.js';
import { subsequenceDtw } from '../../src/signal/dtw.js';
import { countWords, splitSentences } from '../../src/speech/sentences.js';
import { narrate } from '../../src/demo/narrate.js';
import { ffmpeg } from '../../src/media/ffmpeg.js';
import { readIssue } from '../../src/newsletter/index.js';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

/** Unit vectors from a seeded generator: frames × 13. */
function randomVectors(frames: number, seed: number): FeatureVectors {
  let a = seed >>> 0;
  const rnd = () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 2 ** 32 - 0.5;
  };
  const D = 13;
  const data = new Float32Array(frames * D);
  for (let t = 0; t < frames; t++) {
    let norm = 0;
    for (let d = 0; d < D; d++) norm += (data[t * D + d] = rnd()) ** 2;
    for (let d = 0; d < D; d++) data[t * D + d] /= Math.sqrt(norm);
  }
  return { frames, dims: D, hopSeconds: 0.04, data };
}

/** Frames of `v` picked by index (repeats and skips = tempo changes). */
function pick(v: FeatureVectors, idx: number[]): FeatureVectors {
  const D = v.dims;
  const data = new Float32Array(idx.length * D);
  idx.forEach((k, n) => data.set(v.data.subarray(k * D, (k + 1) * D), n * D));
  return { ...v, frames: idx.length, data };
}

describe('subsequenceDtw', () => {
  it('finds the query anywhere in the recording, at another tempo, for ≈ 0 cost', () => {
    const text = randomVectors(300, 7);
    const other = randomVectors(200, 99);
    // recording: 200 frames of something else, then the text read 1.5× slower, then more noise
    const slow = Array.from({ length: 450 }, (_, k) => Math.floor(k / 1.5));
    const rec = pick({ ...text, frames: 300 + 200, data: Float32Array.from([...other.data, ...text.data]) }, [
      ...Array.from({ length: 200 }, (_, k) => k),
      ...slow.map((k) => 200 + k),
      ...Array.from({ length: 100 }, (_, k) => 100 + k),
    ]);
    const hit = subsequenceDtw(text, rec);
    expect(hit.cost).toBeLessThan(0.01);
    expect(Math.abs(hit.endFrame - (200 + 449))).toBeLessThanOrEqual(2);
    // the text read 1.6× faster (slope ½ allowed): found, though random frames have no in-betweens
    const fast = pick(text, Array.from({ length: 188 }, (_, k) => Math.min(299, Math.round(k * 1.6))));
    expect(subsequenceDtw(text, fast).cost).toBeLessThan(0.45);
    // an unrelated query costs about what unrelated frames cost (≈ 1 for random unit vectors)
    expect(subsequenceDtw(randomVectors(150, 3), rec).cost).toBeGreaterThan(0.6);
  });
});

describe('distinctiveOpening', () => {
  it('drops sentences shared between candidates and the standing boilerplate', () => {
    const intro = 'Alignment Newsletter is a weekly publication with recent content relevant to AI alignment. Find all Alignment Newsletter resources here.';
    const c = (key: string, body: string): Candidate => ({
      key,
      label: key,
      sections: [
        { id: 's1', text: intro },
        { id: 's2', text: 'Highlights' },
        { id: 's3', text: body },
      ],
    });
    const [a, b] = distinctiveOpening(
      [c('1', 'Reward models learn from comparisons. The agent learns a backflip. Thanks for reading.'), c('2', 'Debate needs honest judges. Thanks for reading.')],
      8,
    );
    expect(a).toEqual(['Reward models learn from comparisons.', 'The agent learns a backflip.']);
    expect(b).toEqual(['Debate needs honest judges.']);
    // alone, the boilerplate still goes (frequency cannot reveal it with one candidate)
    expect(distinctiveOpening([c('1', 'Debate needs honest judges.')], 100)[0]).toEqual(['Debate needs honest judges.']);
  });
});

/** The first `words` words of an issue, cut at sentence ends, as narration sections. */
function opening(sections: { id: string; text: string }[], words: number): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  let n = 0;
  for (const s of sections) {
    if (n >= words) break;
    const keep: string[] = [];
    for (const t of splitSentences(s.text)) {
      if (n >= words) break;
      keep.push(t);
      n += countWords(t);
    }
    out.push({ id: s.id, text: keep.join(' ') });
  }
  return out;
}

function show(name: string, r: Identification): string {
  const top = r.scores.slice(0, 3).map((s) => `${s.key}:${s.score.toFixed(3)}`);
  return `${name}: best=${r.best?.key ?? '—'} margin=${r.margin.toFixed(3)} [${top.join(' ')}] listened ${r.listenedSeconds.toFixed(0)} s`;
}

describeShared('identifyRecording on real issues (shared)', () => {
  const CANDIDATES = ['an-082.md', 'an-088.md', 'an-091.md', 'an-092.md', 'an-095.md', 'an-098.md', 'an-102.txt'];
  const candidates: Candidate[] = [];
  const issues = new Map<string, { id: string; text: string }[]>();
  let dir = '';

  beforeAll(async () => {
    dir = await scratch('identify');
    for (const f of [...CANDIDATES, 'an-087.md']) {
      const issue = await readIssue(sharedPath('newsletters', f));
      const sections = issue.sections.map((s) => ({ id: s.id, text: s.text }));
      issues.set(f, sections);
      if (CANDIDATES.includes(f)) candidates.push({ key: String(issue.number), label: `AN #${issue.number} (${f})`, sections });
    }
    expect(candidates.map((c) => c.key)).toEqual(['82', '88', '91', '92', '95', '98', '102']);
  });

  const clearWinner = (r: Identification, key: string) => {
    expect(r.best?.key, show('winner', r)).toBe(key);
    expect(r.scores[0].key).toBe(key);
    expect(r.best!.score).toBeGreaterThanOrEqual(MIN_SCORE);
    expect(r.margin).toBeGreaterThanOrEqual(MIN_MARGIN);
    // clearly, not by a hair: the winner scores well over twice the runner-up
    expect(r.scores[0].score).toBeGreaterThan(2 * r.scores[1].score);
  };

  it('picks AN #92 from its narrated opening', async () => {
    const wav = join(dir, 'opening-92.wav');
    await narrate(opening(issues.get('an-092.md')!, 520), wav, { engine: 'flite', voice: 'kal16', seed: 92, noiseDb: -60 });
    const r = await identifyRecording(wav, candidates);
    console.log(show('AN #92 (kal16)', r));
    expect(r.scores.map((s) => s.key).sort()).toEqual(candidates.map((c) => c.key).sort());
    expect(r.listenedSeconds).toBeLessThanOrEqual(180.01);
    clearWinner(r, '92');
  });

  it('picks AN #102 (plain text, no number in it) when the narrator opens with an unscripted intro', async () => {
    const wav = join(dir, 'intro-102.wav');
    const adlib = {
      id: 'adlib',
      text:
        "Hi, this is the Alignment Newsletter podcast. I'm recording this one a bit late, so apologies for that, " +
        'and thanks to everyone who wrote in about last week. Okay, let us get into it.',
    };
    await narrate([adlib, ...opening(issues.get('an-102.txt')!, 480)], wav, { engine: 'flite', voice: 'rms', seed: 102, noiseDb: -55 });
    const r = await identifyRecording(wav, candidates);
    console.log(show('AN #102 with intro (rms)', r));
    clearWinner(r, '102');
  });

  it('matches nothing for an issue that is not among the candidates', async () => {
    const wav = join(dir, 'opening-87.wav');
    await narrate(opening(issues.get('an-087.md')!, 520), wav, { engine: 'flite', voice: 'kal16', seed: 87, noiseDb: -60 });
    const r = await identifyRecording(wav, candidates);
    console.log(show('AN #87, not a candidate', r));
    expect(r.best, show('AN #87', r)).toBeUndefined();
    expect(r.scores[0].score).toBeLessThan(MIN_SCORE);
  });

  it('matches nothing for a human reading of another text (LibriVox sonnets)', async () => {
    const wav = join(dir, 'sonnets.wav');
    const inputs = ['sonnet-p001.mp3', 'sonnet-p002.mp3', 'sonnet-p003.mp3'].flatMap((f) => ['-i', sharedPath('speech', f)]);
    await ffmpeg([...inputs, '-filter_complex', '[0:a][1:a][2:a]concat=n=3:v=0:a=1', '-ac', '1', '-ar', '22050', wav]);
    const r = await identifyRecording(wav, candidates);
    console.log(show('LibriVox sonnets', r));
    expect(r.best, show('sonnets', r)).toBeUndefined();
    expect(r.scores[0].score).toBeLessThan(MIN_SCORE);
  });

  it('stops when asked', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(identifyRecording(join(dir, 'sonnets.wav'), candidates, { signal: ac.signal })).rejects.toThrow('stop');
  });
});
