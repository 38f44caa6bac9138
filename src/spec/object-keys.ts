/**
 * What a valid object key looks like — the same rule for the local folder and S3, for the
 * store's own keys and a configured S3 prefix. A key is ASCII-only so it can be appended
 * to the public base URL as is: segments of letters, digits, `.`, `_` and `-`, joined by
 * `/`, none empty and none starting with a dot (which rules out `.`, `..` and hidden files,
 * where the local store keeps its own state).
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

/** A store prefix without leading/trailing slashes ("" for none). */
export function normalizePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '');
}
