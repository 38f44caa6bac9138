/** Shared by the alignment tests: a hand-written 5-section text and result checks. */
import { expect } from 'vitest';
import type { Alignment, AlignSection } from '../../src/align/index.js';
import { splitSentences } from '../../src/speech/sentences.js';
import type { Narration } from '../../src/demo/narrate.js';
import type { FeatureVectors } from '../../src/signal/mfcc.js';

export const FIVE: AlignSection[] = [
  {
    id: 's1',
    text: 'Welcome to the Alignment Newsletter, episode one hundred. This week we look at reward learning, interpretability, and a new benchmark for robustness.',
  },
  { id: 's2', text: 'Highlights.' },
  {
    id: 's3',
    text: 'Learning from human preferences, by Paul Christiano and others. The authors train a reward model from pairwise comparisons of short video clips. An agent then optimizes the learned reward. With under an hour of human time, the agent learns a backflip.',
  },
  {
    id: 's4',
    text: 'My opinion: this is a neat demonstration that preference learning scales to tasks where writing down a reward is hard. I would like to see how it behaves when the human makes mistakes.',
  },
  {
    id: 's5',
    text: 'Other progress in AI. A survey of adversarial examples covers attacks, defenses, and the debate about whether robust features exist. It is long, but the taxonomy in section three is worth reading. Thanks for listening, and see you next week.',
  },
];

export function startErrors(a: Alignment, n: Narration): number[] {
  return a.sections.map((s, k) => s.startSeconds - n.starts[k].startSeconds);
}

export function summary(errors: number[]): { max: number; median: number } {
  const abs = errors.map(Math.abs).sort((x, y) => x - y);
  return { max: abs[abs.length - 1], median: abs[Math.floor(abs.length / 2)] };
}

/** The structural promises every alignment keeps. */
export function checkShape(a: Alignment, sections: AlignSection[]): void {
  expect(a.sections.map((s) => s.id)).toEqual(sections.map((s) => s.id));
  for (let k = 0; k < a.sections.length; k++) {
    const s = a.sections[k];
    expect(s.confidence).toBeGreaterThanOrEqual(0);
    expect(s.confidence).toBeLessThanOrEqual(1);
    if (k > 0) expect(s.startSeconds).toBeGreaterThan(a.sections[k - 1].startSeconds);
    expect(s.endSeconds).toBe(k + 1 < a.sections.length ? a.sections[k + 1].startSeconds : a.durationSeconds);
  }
  // sentences: as many as the splitter gives, in order, inside their section
  expect(a.sentences.length).toBe(sections.reduce((n, s) => n + Math.max(1, splitSentences(s.text).length), 0));
  let prev = -1;
  for (const t of a.sentences) {
    const sec = a.sections.find((s) => s.id === t.sectionId)!;
    expect(t.startSeconds).toBeGreaterThanOrEqual(sec.startSeconds);
    expect(t.endSeconds).toBeLessThanOrEqual(sec.endSeconds + 1e-9);
    expect(t.endSeconds).toBeGreaterThanOrEqual(t.startSeconds);
    expect(t.startSeconds).toBeGreaterThan(prev);
    prev = t.startSeconds;
  }
  for (const s of a.sections) expect(a.sentences.find((t) => t.sectionId === s.id)!.startSeconds).toBe(s.startSeconds);
}


/** A smooth random walk of unit vectors (like speech features: neighbours are similar). */
export function walk(n: number, dims: number, seed: number): FeatureVectors {
  let s = seed;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const data = new Float32Array(n * dims);
  const cur = new Float64Array(dims).map(() => rnd());
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      cur[d] = 0.8 * cur[d] + rnd();
      norm += cur[d] * cur[d];
    }
    for (let d = 0; d < dims; d++) data[i * dims + d] = cur[d] / Math.sqrt(norm);
  }
  return { frames: n, dims, hopSeconds: 0.02, data };
}
