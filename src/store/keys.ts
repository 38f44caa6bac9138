/**
 * Object keys: the names of the published objects (DESIGN.md "Store layout"); what a
 * valid key looks like is spec/object-keys.ts (re-exported here for the store's users).
 */
import { LetterpodError } from '../errors.js';
import { assertValidKey, InvalidKeyError, keyProblem } from '../spec/object-keys.js';

export { assertValidKey, InvalidKeyError, keyProblem };

/** The first 8 hex digits of a sha256: the part of a content hash that goes into keys. */
export function hash8(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new LetterpodError({ problem: `not a sha256 hex digest: ${JSON.stringify(sha256)}`, fix: 'This is a bug in letterpod; please report it' });
  }
  return sha256.slice(0, 8);
}

/**
 * A key-safe episode slug from a file name ("an-102.mp3" → "an-102"); `ep-<number>` when
 * nothing usable remains.
 */
export function slugFrom(name: string, issueNumber: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || `ep-${issueNumber}`;
}

export const FEED_KEY = 'feed.xml';
export const MANIFEST_KEY = 'manifest.json';

export const keys = {
  audio: (slug: string, sha256: string) => `episodes/${slug}/${slug}-${hash8(sha256)}.mp3`,
  chapters: (slug: string, sha256: string) => `episodes/${slug}/chapters-${hash8(sha256)}.json`,
  transcriptVtt: (slug: string, sha256: string) => `episodes/${slug}/transcript-${hash8(sha256)}.vtt`,
  transcriptSrt: (slug: string, sha256: string) => `episodes/${slug}/transcript-${hash8(sha256)}.srt`,
  cover: (sha256: string, ext: 'jpg' | 'png') => `artwork/cover-${hash8(sha256)}.${ext}`,
};
