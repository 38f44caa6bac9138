import { describe, expect, it } from 'vitest';
import { countWords, splitSentences } from '../../src/speech/sentences.js';

describe('splitSentences', () => {
  it('splits at sentence ends, not at abbreviations, initials or decimals', () => {
    expect(
      splitSentences(
        'CEB Improves Model Robustness, by Ian Fischer et al. summarized by Rohin. It runs 1.8 times faster, e.g. on CPUs. See Dr. Smith and J. R. Tolkien! Really? Yes.',
      ),
    ).toEqual([
      'CEB Improves Model Robustness, by Ian Fischer et al. summarized by Rohin.',
      'It runs 1.8 times faster, e.g. on CPUs.',
      'See Dr. Smith and J. R. Tolkien!',
      'Really?',
      'Yes.',
    ]);
  });

  it('keeps closing quotes with their sentence and handles text without final punctuation', () => {
    expect(splitSentences('He said "stop." Then he left')).toEqual(['He said "stop."', 'Then he left']);
    expect(splitSentences('  Highlights  ')).toEqual(['Highlights']);
    expect(splitSentences('')).toEqual([]);
  });

  it('splits an over-long sentence at semicolons', () => {
    const half = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    expect(splitSentences(`${half}; ${half}.`)).toHaveLength(2);
  });

  it('counts words', () => {
    expect(countWords("It's 1.8 times the state-of-the-art, isn't it?")).toBe(7);
  });
});
