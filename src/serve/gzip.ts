/**
 * gzip for text objects (feed.xml, chapters, transcripts). The compressed body is made in
 * memory so it has an exact Content-Length (HEAD included) and is cached per content
 * hash: a feed polled by every phone on the LAN is compressed once per publish.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback, constants } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** Whether Accept-Encoding allows gzip (listed, or "*", with a q-value above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of header.split(',')) {
    const [codingRaw, ...params] = part.split(';');
    const coding = codingRaw!.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (Number.isNaN(q)) q = 0;
    if (coding === 'gzip' || coding === 'x-gzip') gzipQ = q;
    else if (coding === '*') anyQ = q;
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

/** The gzip variant's ETag: weak, as another zlib could compress to other bytes. */
export function gzipEtag(sha256: string): string {
  return `W/"${sha256}-gzip"`;
}

export class GzipCache {
  private readonly entries = new Map<string, Promise<Buffer>>();

  constructor(private readonly maxEntries = 16) {}

  /** The gzip of a body whose sha256 is `sha256`; `read` is only called on a miss. */
  get(sha256: string, read: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(sha256);
    if (hit) {
      // Most recently used last.
      this.entries.delete(sha256);
      this.entries.set(sha256, hit);
      return hit;
    }
    const made = read().then((body) => gzip(body, { level: constants.Z_BEST_COMPRESSION }));
    made.catch(() => this.entries.delete(sha256));
    this.entries.set(sha256, made);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return made;
  }
}
