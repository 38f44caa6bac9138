/**
 * Conditional GET/HEAD (RFC 9110 §13) as pure functions: If-None-Match and
 * If-Modified-Since decide a 304, If-Range decides whether a Range is honoured.
 */

interface EntityTag {
  weak: boolean;
  opaque: string;
}

function parseTag(text: string): EntityTag | undefined {
  const m = /^(W\/)?"([^"]*)"$/.exec(text.trim());
  return m ? { weak: m[1] !== undefined, opaque: m[2]! } : undefined;
}

/** The entity tags of an If-None-Match list; "*" is returned as such. */
function parseTagList(header: string): EntityTag[] | '*' {
  if (header.trim() === '*') return '*';
  const out: EntityTag[] = [];
  for (const m of header.matchAll(/(W\/)?"([^"]*)"/g)) out.push({ weak: m[1] !== undefined, opaque: m[2]! });
  return out;
}

/**
 * Whether the client's cached copy is current (→ 304). `etag` is the selected
 * representation's tag as sent in the ETag header. If-None-Match takes precedence; only
 * without it is If-Modified-Since looked at (RFC 9110 §13.2.2).
 */
export function notModified(
  headers: { ifNoneMatch?: string; ifModifiedSince?: string },
  etag: string,
  lastModifiedMs: number,
): boolean {
  if (headers.ifNoneMatch !== undefined) {
    const tags = parseTagList(headers.ifNoneMatch);
    if (tags === '*') return true;
    const current = parseTag(etag);
    // Weak comparison: the opaque parts are equal, W/ or not.
    return current !== undefined && tags.some((t) => t.opaque === current.opaque);
  }
  if (headers.ifModifiedSince !== undefined) {
    const since = Date.parse(headers.ifModifiedSince);
    if (Number.isNaN(since)) return false;
    // HTTP dates have whole seconds.
    return Math.floor(lastModifiedMs / 1000) * 1000 <= since;
  }
  return false;
}

/**
 * Whether a Range may be honoured given If-Range (RFC 9110 §13.1.5): an entity tag must
 * match the current one by strong comparison; a date must be exactly the Last-Modified
 * sent. On a mismatch the whole, current representation is sent instead.
 */
export function rangeStillValid(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const sent = parseTag(value);
    const current = parseTag(etag);
    return sent !== undefined && current !== undefined && !sent.weak && !current.weak && sent.opaque === current.opaque;
  }
  const date = Date.parse(value);
  return !Number.isNaN(date) && date === Date.parse(lastModified);
}
