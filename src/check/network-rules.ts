/**
 * The network rules of `letterpod check`: what the feed points to, through a Fetcher —
 * enclosure size vs HEAD, Range → 206, Content-Type, the artwork's real size and shape,
 * chapters and transcripts reachable, the URLs in each episode's ID3 tag.
 */
import { artworkProblems, imageInfo } from '../feed/artwork.js';
import { itemLabel, NS, type Finding, type ParsedFeed, type Severity } from './feed.js';
import { mapLimit, type Fetcher, type ProbeResult } from './fetch.js';
import { attribute, child, children } from './xml.js';
import { collector, absoluteUrl } from './rule-helpers.js';
import { badScheme } from './static-rules.js';

// ---- what the feed points to -----------------------------------------------------------------

export interface NetworkOptions {
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Largest artwork read (bytes). Default 16 MiB. */
  maxArtworkBytes?: number;
}

const mediaType = (value: string | undefined) => value?.split(';')[0]?.trim().toLowerCase();

function failure(result: ProbeResult, what: string): string | undefined {
  if (!result.ok) return `${what}: ${result.error}`;
  if (result.status >= 400) return `${what} answered ${result.status}`;
  return undefined;
}

async function enclosureFindings(feed: ParsedFeed, fetcher: Fetcher, concurrency: number, skipped: Set<string>): Promise<Finding[]> {
  const targets: Array<{ url: string; length: number | undefined; type: string | undefined; where: string; line: number }> = [];
  const seen = new Set<string>();
  feed.items.forEach((item, i) => {
    const e = child(item, '', 'enclosure');
    const url = e ? attribute(e, 'url') : undefined;
    if (!e || !url || !absoluteUrl(url) || seen.has(url)) return;
    seen.add(url);
    const length = attribute(e, 'length');
    targets.push({
      url,
      length: length && /^\d+$/.test(length.trim()) ? Number(length) : undefined,
      type: attribute(e, 'type'),
      where: itemLabel(item, i),
      line: e.line,
    });
  });
  const results = await mapLimit(targets, concurrency, async (t) => {
    const out: Finding[] = [];
    const push = (severity: Severity, rule: string, message: string) => out.push({ severity, rule, where: t.where, message, line: t.line });
    const head = await fetcher.head(t.url);
    if (!head.ok && head.skipped) {
      skipped.add(t.url);
      return out;
    }
    const broken = failure(head, `HEAD ${t.url}`);
    if (broken || !head.ok) {
      push('error', 'enclosure.reachable', `${broken ?? 'HEAD failed'} (Apple needs HEAD to answer for every episode)`);
      return out;
    }
    const size = head.headers['content-length'];
    if (size === undefined) push('warning', 'enclosure.head-length', 'HEAD gives no Content-Length, so apps cannot check the size');
    else if (t.length !== undefined && Number(size) !== t.length) {
      push('error', 'enclosure.length-mismatch', `enclosure length is ${t.length} bytes but the file is ${size} bytes${fetcher.kind === 'http' ? ' (HEAD Content-Length)' : ''}; apps cut or reject the download`);
    }
    if (fetcher.kind !== 'http') return out;
    const served = mediaType(head.headers['content-type']);
    if (!served) push('warning', 'enclosure.content-type', 'HEAD gives no Content-Type');
    else if (served === 'application/octet-stream' || served === 'binary/octet-stream') {
      push('error', 'enclosure.content-type', `served as ${served}; iOS refuses audio without its real type (${t.type ?? 'audio/mpeg'})`);
    } else if (t.type && served !== mediaType(t.type)) push('warning', 'enclosure.content-type', `served as ${served} but the feed says ${t.type}`);
    const ranged = await fetcher.get(t.url, { range: [0, 1], maxBytes: 64 });
    const rangeBroken = failure(ranged, 'GET with Range: bytes=0-1');
    if (rangeBroken || !ranged.ok) push('error', 'enclosure.range', `${rangeBroken ?? 'Range request failed'}; Apple requires byte-range support`);
    else if (ranged.status !== 206) {
      push('error', 'enclosure.range', `Range: bytes=0-1 answered ${ranged.status}, not 206 Partial Content: the server ignores byte ranges, which Apple requires (apps cannot seek or resume)`);
    } else {
      const total = /\/(\d+)\s*$/.exec(ranged.headers['content-range'] ?? '')?.[1];
      if (total !== undefined && t.length !== undefined && Number(total) !== t.length) {
        push('error', 'enclosure.length-mismatch', `enclosure length is ${t.length} bytes but Content-Range says ${total}`);
      }
    }
    return out;
  });
  return results.flat();
}

async function artworkFindings(feed: ParsedFeed, fetcher: Fetcher, maxBytes: number, skipped: Set<string>): Promise<Finding[]> {
  const image = child(feed.channel, NS.itunes, 'image');
  const href = image ? attribute(image, 'href') : undefined;
  if (!image || !href || !absoluteUrl(href)) return [];
  const { findings, push } = collector('channel', image);
  const got = await fetcher.get(href, { maxBytes });
  if (!got.ok && got.skipped) {
    skipped.add(href);
    return findings;
  }
  const broken = failure(got, `GET ${href}`);
  if (broken || !got.ok) {
    push('error', 'artwork.reachable', broken ?? 'artwork not readable');
    return findings;
  }
  if (fetcher.kind === 'http') {
    const head = await fetcher.head(href);
    const refused = failure(head, `HEAD ${href}`);
    if (refused) push('error', 'artwork.head', `${refused} (PSP-1: the artwork server must answer HEAD)`);
  }
  const info = imageInfo(got.body);
  if (!info) {
    push('error', 'artwork.format', `the artwork at ${href} is neither a JPEG nor a PNG (or its header is damaged)`);
    return findings;
  }
  for (const problem of artworkProblems(info, new URL(href).pathname)) push('error', `artwork.${problem.kind}`, `the artwork ${problem.message}`);
  if (fetcher.kind === 'http') {
    const served = mediaType(got.headers['content-type']);
    if (served && served !== info.contentType) push('warning', 'artwork.content-type', `the artwork is a ${info.format.toUpperCase()} served as ${served}`);
  }
  return findings;
}

async function episodeFileFindings(feed: ParsedFeed, fetcher: Fetcher, concurrency: number, skipped: Set<string>): Promise<Finding[]> {
  const targets: Array<{ url: string; kind: 'chapters' | 'transcript'; where: string; line: number }> = [];
  const seen = new Set<string>();
  feed.items.forEach((item, i) => {
    for (const [kind, local] of [['chapters', 'chapters'], ['transcript', 'transcript']] as const) {
      for (const e of children(item, NS.podcast, local)) {
        const url = attribute(e, 'url');
        if (!url || !absoluteUrl(url) || seen.has(url)) continue;
        seen.add(url);
        targets.push({ url, kind, where: itemLabel(item, i), line: e.line });
      }
    }
  });
  const results = await mapLimit(targets, concurrency, async (t): Promise<Finding[]> => {
    const got = t.kind === 'chapters' ? await fetcher.get(t.url, { maxBytes: 4 * 1024 * 1024 }) : await fetcher.head(t.url);
    if (!got.ok && got.skipped) {
      skipped.add(t.url);
      return [];
    }
    const broken = failure(got, `${t.kind === 'chapters' ? 'GET' : 'HEAD'} ${t.url}`);
    if (broken || !got.ok) return [{ severity: 'warning', rule: `${t.kind}.reachable`, where: t.where, message: broken ?? 'not readable', line: t.line }];
    if (t.kind !== 'chapters') return [];
    let json: unknown;
    try {
      json = JSON.parse(got.body.toString('utf8'));
    } catch {
      return [{ severity: 'warning', rule: 'chapters.json', where: t.where, message: `the chapters file ${t.url} is not JSON`, line: t.line }];
    }
    const doc = json as { version?: unknown; chapters?: unknown };
    const ok =
      typeof doc?.version === 'string' &&
      Array.isArray(doc.chapters) &&
      doc.chapters.every((c) => typeof (c as { startTime?: unknown })?.startTime === 'number');
    if (!ok) return [{ severity: 'warning', rule: 'chapters.json', where: t.where, message: `the chapters file ${t.url} lacks "version" or "chapters" with numeric startTime (JSON chapters 1.2)`, line: t.line }];
    const bad: Finding[] = [];
    for (const c of doc.chapters as { url?: unknown; img?: unknown; title?: unknown }[]) {
      for (const field of ['url', 'img'] as const) {
        const scheme = typeof c[field] === 'string' ? badScheme(c[field] as string) : undefined;
        if (scheme) bad.push({ severity: 'error', rule: 'url.scheme', where: t.where, line: t.line, message: `chapter "${String(c.title ?? '')}" in ${t.url} has a ${scheme} ${field} (${String(c[field]).slice(0, 60)}): only http(s) URLs` });
      }
    }
    return bad;
  });
  return results.flat();
}

/** URLs in an ID3v2 tag (WXXX/W*** frames, also inside CHAP; the COMM text when it is a URL). */
export function id3Urls(head: Buffer): string[] {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return [];
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const version = head[3]!;
  const urls: string[] = [];
  const walk = (buf: Buffer, from: number, to: number) => {
    let at = from;
    while (at + 10 <= to) {
      const id = buf.toString('latin1', at, at + 4);
      if (!/^[A-Z0-9]{4}$/.test(id)) break;
      const len = version === 4 ? ((buf[at + 4]! & 0x7f) << 21) | ((buf[at + 5]! & 0x7f) << 14) | ((buf[at + 6]! & 0x7f) << 7) | (buf[at + 7]! & 0x7f) : buf.readUInt32BE(at + 4);
      const body = buf.subarray(at + 10, Math.min(to, at + 10 + len));
      if (id === 'WXXX') {
        // encoding, description (terminated), URL (latin1)
        const enc = body[0];
        let k = 1;
        if (enc === 1 || enc === 2) {
          while (k + 1 < body.length && !(body[k] === 0 && body[k + 1] === 0)) k += 2;
          k += 2;
        } else {
          while (k < body.length && body[k] !== 0) k++;
          k += 1;
        }
        urls.push(body.toString('latin1', k).replace(/\0+$/, ''));
      } else if (id.startsWith('W')) {
        urls.push(body.toString('latin1').replace(/\0+$/, ''));
      } else if (id === 'COMM') {
        const t = (body[0] === 1 ? body.subarray(4).toString('utf16le') : body.subarray(4).toString('latin1')).replace(/[\0\ufeff]/g, ' ').trim();
        if (/^\s*[a-z][a-z0-9+.-]*:\S/i.test(t)) urls.push(t);
      } else if (id === 'CHAP') {
        let k = 0;
        while (k < body.length && body[k] !== 0) k++;
        walk(buf, at + 10 + k + 1 + 16, at + 10 + len);
      }
      at += 10 + len;
    }
  };
  walk(head, 10, Math.min(head.length, 10 + size));
  return urls;
}

async function tagFindings(feed: ParsedFeed, fetcher: Fetcher, concurrency: number): Promise<Finding[]> {
  const targets = feed.items
    .map((item, i) => ({ url: attribute(child(item, '', 'enclosure') ?? item, 'url'), where: itemLabel(item, i), line: item.line }))
    .filter((t): t is { url: string; where: string; line: number } => Boolean(t.url && absoluteUrl(t.url)));
  const results = await mapLimit(targets, concurrency, async (t): Promise<Finding[]> => {
    const got = await fetcher.get(t.url, { range: [0, 512 * 1024 - 1], maxBytes: 512 * 1024 });
    if (!got.ok) return [];
    return id3Urls(got.body)
      .map((u) => ({ u, scheme: badScheme(u) }))
      .filter((x) => x.scheme)
      .map((x) => ({ severity: 'error' as const, rule: 'url.scheme', where: t.where, line: t.line, message: `the MP3's ID3 tag holds a ${x.scheme} URL (${x.u.slice(0, 60)}): only http(s) URLs` }));
  });
  return results.flat();
}

/** Every rule that looks at what the feed points to, through `fetcher`. */
export async function networkFindings(feed: ParsedFeed, fetcher: Fetcher, options: NetworkOptions = {}): Promise<Finding[]> {
  const concurrency = options.concurrency ?? 8;
  const skipped = new Set<string>();
  const findings = [
    ...(await artworkFindings(feed, fetcher, options.maxArtworkBytes ?? 16 * 1024 * 1024, skipped)),
    ...(await enclosureFindings(feed, fetcher, concurrency, skipped)),
    ...(await episodeFileFindings(feed, fetcher, concurrency, skipped)),
    ...(await tagFindings(feed, fetcher, concurrency)),
  ];
  if (fetcher.kind === 'local') {
    findings.push({
      severity: 'info',
      rule: 'network.local',
      where: 'feed',
      message: 'checked against the local files: sizes only; Range (206), HEAD and Content-Type need the served feed, e.g. letterpod check http://…/feed.xml',
    });
  }
  if (skipped.size) {
    const first = [...skipped][0]!;
    findings.push({ severity: 'info', rule: 'network.skipped', where: 'feed', message: `${skipped.size} URL${skipped.size === 1 ? '' : 's'} outside the feed's folder not checked (e.g. ${first})` });
  }
  return findings;
}
