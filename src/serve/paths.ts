/**
 * From a request target to a store key, or a refusal. Pure: no file system access.
 *
 * Hostile syntax (backslashes, NUL and other control bytes, "." / ".." segments, encoded
 * slashes, bad percent-encoding) is a 400. A well-formed name that is not a public object
 * — not a valid store key (dotfiles: the store's own state and temp files), manifest.json
 * (the publisher's private state, denied on S3 too), a partial download — is a 404, as is
 * any folder (no listings).
 */
import { MANIFEST_KEY, keyProblem } from '../store/keys.js';

export type Target =
  | { kind: 'root' }
  | { kind: 'key'; key: string }
  | { kind: 'refused'; status: 400 | 404; why: string };

/** Names of files being written by other tools (rsync, browsers, editors). */
const PARTIAL = /\.(part|partial|tmp|temp|swp|crdownload)$|~$/i;

/** Why `key` must not be served, or undefined when it is a public object's key. */
export function unservable(key: string): string | undefined {
  const problem = keyProblem(key);
  if (problem) return `not a store key (${problem})`;
  if (key === MANIFEST_KEY) return 'the manifest is private';
  if (key.split('/').some((segment) => PARTIAL.test(segment))) return 'a temporary or partial file';
  return undefined;
}

export function parseTarget(url: string | undefined): Target {
  if (!url || !url.startsWith('/')) return { kind: 'refused', status: 400, why: 'not an origin-form request target' };
  const cut = url.search(/[?#]/);
  const path = cut < 0 ? url : url.slice(0, cut);
  if (path === '/') return { kind: 'root' };
  if (path.includes('\\')) return { kind: 'refused', status: 400, why: 'backslash' };
  const segments: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'refused', status: 400, why: 'bad percent-encoding' };
    }
    if (/[\u0000-\u001f\u007f]/.test(segment)) return { kind: 'refused', status: 400, why: 'control character' };
    if (segment.includes('/') || segment.includes('\\')) return { kind: 'refused', status: 400, why: 'encoded separator' };
    if (segment === '.' || segment === '..') return { kind: 'refused', status: 400, why: 'dot segment' };
    segments.push(segment);
  }
  const key = segments.join('/');
  const why = unservable(key);
  return why ? { kind: 'refused', status: 404, why } : { kind: 'key', key };
}
