/** Public URLs of store keys: the configured base URL plus the (ASCII-only) key. */
import { LetterpodError } from '../errors.js';
import { FEED_KEY, assertValidKey } from '../store/keys.js';

/** The base URL normalized by WHATWG URL (punycode host, percent-encoded path) with a trailing "/". */
export function normalizeBaseUrl(publicBaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicBaseUrl);
  } catch (cause) {
    throw new LetterpodError({
      file: 'config',
      problem: `store.publicBaseUrl is not a URL: ${JSON.stringify(publicBaseUrl)}`,
      fix: 'Set store.publicBaseUrl to the address podcast apps reach the store at, like "https://example.org/podcast/"',
      cause,
    });
  }
  url.search = '';
  url.hash = '';
  const href = url.href;
  return href.endsWith('/') ? href : `${href}/`;
}

export function publicUrl(publicBaseUrl: string, key: string): string {
  assertValidKey(key);
  return normalizeBaseUrl(publicBaseUrl) + key;
}

export function feedUrl(publicBaseUrl: string): string {
  return publicUrl(publicBaseUrl, FEED_KEY);
}
