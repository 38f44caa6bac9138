/**
 * Analytics prefixes for enclosure URLs (OP3, Podtrac and the like): the feed lists
 * `prefix + URL` so the prefix service counts the download and redirects to the file. The
 * store and the manifest keep the plain URL; only the feed carries the prefix.
 */

/** `https://host/a.mp3` → `<prefix>host/a.mp3`; an http URL follows the prefix whole (its scheme kept). */
export function prefixedEnclosure(url: string, prefix: string | undefined): string {
  if (!prefix) return url;
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return url.startsWith('https://') ? base + url.slice('https://'.length) : base + url;
}
