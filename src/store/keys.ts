/**
 * Object keys: what a valid key looks like (the same rule for the local folder and S3) and
 * the names of the published objects (DESIGN.md "Store layout").
 *
 * A key is ASCII-only so it can be appended to the public base URL as is: segments of
 * letters, digits, `.`, `_` and `-`, joined by `/`, none empty and none starting with a dot
 * (which rules out `.`, `..` and hidden files, where the local store keeps its own state).
 */
import { LetterpodError } from '../errors.js';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 1024;

/** A key was rejected: it could escape the store's folder or is not URL-safe. */
export class InvalidKeyError extends LetterpodError {
  readonly key: string;
  constructor(key: string, why: string) {
    super({
      file: JSON.stringify(key),
      problem: `invalid store key (${why})`,
      fix: 'Keys are relative paths of ASCII letters, digits, ".", "_" and "-" segments, without ".." or a leading "/"',
    });
    this.name = 'InvalidKeyError';
    this.key = key;
  }
}

/** Why `key` is not a valid object key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'empty';
  if (key.length > MAX_KEY_LENGTH) return `longer than ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) return 'absolute';
  if (key.includes('\\')) return 'contains a backslash';
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty path segment';
    if (segment === '..' || segment === '.') return `"${segment}" segment`;
    if (!SEGMENT.test(segment)) return `segment "${segment}" has characters other than A-Z a-z 0-9 . _ - or starts with "."`;
  }
  return undefined;
}

export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new InvalidKeyError(key, problem);
}

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
