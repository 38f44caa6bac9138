import { describe, expect, it } from 'vitest';
import { issueNumberFromName } from '../../src/newsletter/index.js';

describe('issueNumberFromName', () => {
  it.each([
    ['an-102.txt', 102],
    ['AN102.md', 102],
    ['Alignment Newsletter 102.md', 102],
    ['an_102_final_v2.md', 102],
    ['an-102.wav', 102],
    ['AN102.flac', 102],
    ['Alignment Newsletter 102.mp3', 102],
    ['an_102_final_v2.m4a', 102],
    ['an-079.md', 79],
    ['AN #92.md', 92],
    ['alignment-newsletter-7.mp3', 7],
    ['recordings/2020/an-85-take-3.wav', 85],
    ['/abs/path/An 100 (final).flac', 100],
    ['an-102-2020-06-03.wav', 102],
    ['episode-5.mp3', 5],
    ['2020 recording 87.wav', 87],
  ])('%s → %s', (name, expected) => {
    expect(issueNumberFromName(name)).toBe(expected);
  });

  it.each([
    'recording.wav',
    'final_v2.mp3',
    'take 2020.wav',
    '2020-05-06.wav',
    'plan-0.md',
    'an-0.md',
    'notes.md',
    '',
  ])('%s → undefined', (name) => {
    expect(issueNumberFromName(name)).toBeUndefined();
  });

  it('does not read "an" inside a word', () => {
    expect(issueNumberFromName('plan-12-draft-3.md')).toBeUndefined();
    expect(issueNumberFromName('human-12.md')).toBe(12);
  });
});
