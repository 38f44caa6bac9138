/**
 * Content-Type and Cache-Control of a served object.
 *
 * The publisher's own choice wins: LocalStore.put records the Content-Type and
 * Cache-Control it was given (content-types.ts constants) next to the object, and the
 * server sends exactly those, as S3 would. The functions here are only the fallback for a
 * file without that record (copied in by hand, or the store's hidden folder not synced):
 * the type from the name, using the same constants, and "immutable" only when the name
 * carries the first 8 hex digits of the content's own sha256 — which is then literally
 * true — else the feed's short max-age.
 */
import { CACHE_FEED, CACHE_IMMUTABLE, CONTENT_TYPES } from '../store/content-types.js';
import { FEED_KEY } from '../store/keys.js';

const BY_EXTENSION: Record<string, string> = {
  mp3: CONTENT_TYPES.audio,
  // The only public JSON objects are chapters (manifest.json is never served).
  json: CONTENT_TYPES.chapters,
  vtt: CONTENT_TYPES.transcriptVtt,
  srt: CONTENT_TYPES.transcriptSrt,
  jpg: CONTENT_TYPES.jpeg,
  jpeg: CONTENT_TYPES.jpeg,
  png: CONTENT_TYPES.png,
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

export function contentTypeFor(key: string): string {
  if (key === FEED_KEY) return CONTENT_TYPES.feed;
  const dot = key.lastIndexOf('.');
  const ext = dot < 0 ? '' : key.slice(dot + 1).toLowerCase();
  return BY_EXTENSION[ext] ?? 'application/octet-stream';
}

export function cacheControlFor(key: string, sha256: string): string {
  if (key === FEED_KEY) return CACHE_FEED;
  const name = key.slice(key.lastIndexOf('/') + 1);
  const m = /-([0-9a-f]{8})\.[A-Za-z0-9]+$/.exec(name);
  return m && sha256.startsWith(m[1]!) ? CACHE_IMMUTABLE : CACHE_FEED;
}

/** Text is worth gzipping; audio and images are compressed already. */
export function isCompressible(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type.endsWith('+xml') || type.endsWith('/xml') || type.includes('json') || type === 'application/x-subrip';
}
