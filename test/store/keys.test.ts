import { describe, expect, it } from 'vitest';
import { InvalidKeyError, assertValidKey, keyProblem, keys, slugFrom } from '../../src/store/keys.js';

describe('store keys', () => {
  it('accepts the layout of DESIGN.md', () => {
    for (const key of [
      'feed.xml',
      'manifest.json',
      'episodes/an-102/an-102-0123abcd.mp3',
      'episodes/an-102/chapters-0123abcd.json',
      'artwork/cover-0123abcd.jpg',
    ]) {
      expect(keyProblem(key), key).toBeUndefined();
    }
  });

  it.each([
    ['../outside.txt', '".." segment'],
    ['episodes/../../etc/passwd', '".." segment'],
    ['episodes/./x.mp3', '"." segment'],
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'absolute'],
    ['a\\..\\b', 'contains a backslash'],
    ['a//b', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['', 'empty'],
    ['.letterpod-store/meta/x', 'segment ".letterpod-store" has characters other than A-Z a-z 0-9 . _ - or starts with "."'],
    ['episodes/ép.mp3', 'segment "ép.mp3" has characters other than A-Z a-z 0-9 . _ - or starts with "."'],
    ['a b.mp3', 'segment "a b.mp3" has characters other than A-Z a-z 0-9 . _ - or starts with "."'],
  ])('rejects %j (%s)', (key, problem) => {
    expect(keyProblem(key)).toBe(problem);
    expect(() => assertValidKey(key)).toThrow(InvalidKeyError);
  });

  it('names hashed objects with the first 8 hex digits of the sha256', () => {
    const h = 'ab'.repeat(32);
    expect(keys.audio('an-102', h)).toBe('episodes/an-102/an-102-abababab.mp3');
    expect(keys.chapters('an-102', h)).toBe('episodes/an-102/chapters-abababab.json');
    expect(keys.transcriptVtt('an-102', h)).toBe('episodes/an-102/transcript-abababab.vtt');
    expect(keys.transcriptSrt('an-102', h)).toBe('episodes/an-102/transcript-abababab.srt');
    expect(keys.cover(h, 'png')).toBe('artwork/cover-abababab.png');
    expect(() => keys.audio('an-102', 'not-a-hash')).toThrow(/sha256/);
  });

  it('derives URL-safe slugs from file names', () => {
    expect(slugFrom('an-102', 102)).toBe('an-102');
    expect(slugFrom('AN 102 – Final Take (v2)', 102)).toBe('an-102-final-take-v2');
    expect(slugFrom('Épisode', 7)).toBe('episode');
    expect(slugFrom('…', 7)).toBe('ep-7');
  });
});
