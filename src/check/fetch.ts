/**
 * How `check` looks at what a feed points to: real HTTP requests (HEAD, ranged GET) for a
 * served feed, or the files of a local store folder (sizes only: a folder has no HTTP
 * semantics, so Range and Content-Type are left to the HTTP check).
 */
import { open, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export interface Probe {
  ok: true;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The body of a GET (at most the bytes asked for); empty for HEAD. */
  body: Buffer;
}

export interface ProbeFailure {
  ok: false;
  error: string;
  /** Not something this fetcher can look at (a URL outside the local folder). */
  skipped?: boolean;
}

export type ProbeResult = Probe | ProbeFailure;

export interface GetOptions {
  /** Ask for bytes start–end (inclusive) with a Range header. */
  range?: [number, number];
  /** Read at most this many bytes of the body, then hang up. Default 1 MiB. */
  maxBytes?: number;
}

export interface Fetcher {
  /** "http": real requests; "local": files of a store folder. */
  readonly kind: 'http' | 'local';
  head(url: string): Promise<ProbeResult>;
  get(url: string, options?: GetOptions): Promise<ProbeResult>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface HttpFetcherOptions {
  /** Per request (ms). Default 15 s. */
  timeoutMs?: number;
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
}

function once(url: string, method: 'HEAD' | 'GET', headers: Record<string, string>, maxBytes: number, timeoutMs: number): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    const parsed = new URL(url);
    const send = parsed.protocol === 'https:' ? httpsRequest : parsed.protocol === 'http:' ? httpRequest : undefined;
    if (!send) {
      reject(new Error(`not an http(s) URL`));
      return;
    }
    const req = send(parsed, { method, headers: { 'user-agent': 'letterpod-check', 'accept-encoding': 'identity', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolvePromise({ res, body: Buffer.concat(chunks) });
      };
      if (method === 'HEAD') {
        res.resume();
        res.on('end', finish);
        res.on('close', finish);
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        const room = maxBytes - size;
        chunks.push(room < chunk.length ? chunk.subarray(0, room) : chunk);
        size += Math.min(room, chunk.length);
        if (size >= maxBytes) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', (error) => (done ? undefined : reject(error)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Real HTTP(S) requests with node:http, redirects followed, bodies cut at maxBytes. */
export function httpFetcher(options: HttpFetcherOptions = {}): Fetcher {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const go = async (url: string, method: 'HEAD' | 'GET', get: GetOptions = {}): Promise<ProbeResult> => {
    const headers: Record<string, string> = get.range ? { range: `bytes=${get.range[0]}-${get.range[1]}` } : {};
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const { res, body } = await once(current, method, headers, get.maxBytes ?? 1024 * 1024, timeoutMs);
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location) {
          if (hop >= maxRedirects) return { ok: false, error: `more than ${maxRedirects} redirects` };
          current = new URL(location, current).href;
          continue;
        }
        const flat: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        return { ok: true, status, headers: flat, body };
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { ok: false, error: e.code ? `${e.code} (${e.message})` : e.message };
    }
  };
  return {
    kind: 'http',
    head: (url) => go(url, 'HEAD'),
    get: (url, get) => go(url, 'GET', get),
  };
}

/**
 * The files of a local store folder, for URLs under one of `baseUrls` (the store's public
 * base URL, the folder of the feed's self link). Other URLs come back `skipped`.
 */
export function localFetcher(folder: string, baseUrls: readonly string[]): Fetcher {
  const root = resolve(folder);
  const bases = [...new Set(baseUrls.map((b) => (b.endsWith('/') ? b : `${b}/`)))];
  const pathOf = (url: string): string | ProbeFailure => {
    const base = bases.find((b) => url.startsWith(b));
    if (!base) return { ok: false, skipped: true, error: `not under ${bases.join(' or ') || 'the feed\'s folder'}` };
    let rest: string;
    try {
      rest = decodeURIComponent(url.slice(base.length).split(/[?#]/)[0]!);
    } catch {
      return { ok: false, error: 'the URL has a broken %-escape' };
    }
    const path = resolve(root, rest);
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return { ok: false, error: 'points outside the store folder' };
    return path;
  };
  const probe = async (url: string, read: number): Promise<ProbeResult> => {
    const path = pathOf(url);
    if (typeof path !== 'string') return path;
    try {
      const info = await stat(path);
      if (!info.isFile()) return { ok: true, status: 404, headers: {}, body: Buffer.alloc(0) };
      let body = Buffer.alloc(0);
      if (read > 0) {
        const handle = await open(path, 'r');
        try {
          const buf = Buffer.alloc(Math.min(read, info.size));
          const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
          body = buf.subarray(0, bytesRead);
        } finally {
          await handle.close();
        }
      }
      return { ok: true, status: 200, headers: { 'content-length': String(info.size) }, body };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, status: 404, headers: {}, body: Buffer.alloc(0) };
      return { ok: false, error: `${code ?? ''} ${(error as Error).message}`.trim() };
    }
  };
  return {
    kind: 'local',
    head: (url) => probe(url, 0),
    get: (url, get = {}) => probe(url, get.maxBytes ?? 1024 * 1024),
  };
}

/** The one concurrency helper, for the rules that fetch. */
export { mapLimit } from '../async/map-limit.js';
