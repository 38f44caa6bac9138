/**
 * Content-Type and Cache-Control of every kind of published object. Podcast apps are
 * strict about the first (iOS refuses audio served as binary/octet-stream); the second
 * lets hashed objects be cached for good while feed.xml stays fresh.
 */

/** Hashed keys never change content: a new hash means a new key. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_FEED = 'public, max-age=300';
/** The manifest is the publisher's state, not for podcast apps. */
export const CACHE_PRIVATE = 'private, no-store';

/**
 * The Content-Type each object is stored (and served) with.
 *
 * Chapters: the Podcasting 2.0 JSON chapters spec says the file "should be served with a
 * Content-type of 'application/json+chapters'", the same type the feed's
 * `<podcast:chapters type=…>` names (the namespace's maintainers settled on that spelling,
 * podcast-namespace#211). Apps fetch the URL from the feed and parse the body as JSON
 * whatever the header says, so the spec's type is used for both, consistently.
 */
export const CONTENT_TYPES = {
  audio: 'audio/mpeg',
  chapters: 'application/json+chapters',
  transcriptVtt: 'text/vtt; charset=utf-8',
  transcriptSrt: 'application/x-subrip; charset=utf-8',
  feed: 'application/rss+xml; charset=utf-8',
  manifest: 'application/json; charset=utf-8',
  jpeg: 'image/jpeg',
  png: 'image/png',
} as const;

/** The MIME types the feed announces in `podcast:chapters` / `podcast:transcript` (no parameters). */
export const FEED_TYPES = {
  audio: 'audio/mpeg',
  chapters: 'application/json+chapters',
  transcriptVtt: 'text/vtt',
  transcriptSrt: 'application/x-subrip',
} as const;

/** Whether two header values say the same (case and spaces around ";" and "," ignored). */
export function sameHeaderValue(a: string, b: string): boolean {
  const norm = (v: string) => v.trim().toLowerCase().replace(/\s*([;,=])\s*/g, '$1');
  return norm(a) === norm(b);
}
