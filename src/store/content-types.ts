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
