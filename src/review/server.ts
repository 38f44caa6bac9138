/**
 * The review page's server (node:http, no framework). It serves a fixed set of routes and
 * nothing else: the two page shells, the page's script and style (assets/review/, shipped
 * with letterpod), the episodes' data as JSON, and each built episode's MP3 (with HTTP
 * Range, so the browser can seek). No path of the project is ever taken from the URL: an
 * episode is named by its number, and the server finds its build itself — so there is no
 * path to traverse. Writes (corrections, approval) need the per-run token, sent by the page
 * in a header; on a loopback address, requests must name a loopback host (a page of another
 * site that rebinds its name to 127.0.0.1 gets nothing).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LetterpodError } from '../errors.js';
import { contentRange, parseRange } from '../serve/ranges.js';
import { EpisodeNotFound, type ReviewEpisodes } from './episodes.js';

/** The page's own files, shipped beside dist/ (../../assets/review from src/review and dist/review alike). */
export const ASSETS_DIR = fileURLToPath(new URL('../../assets/review/', import.meta.url));

const ASSETS: Record<string, string> = {
  'review.js': 'text/javascript; charset=utf-8',
  'review.css': 'text/css; charset=utf-8',
};

/** Header the page sends the token in. */
export const TOKEN_HEADER = 'x-letterpod-token';
const MAX_BODY = 1 << 20;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // the token is in the page's address: never send it on to a site a show-notes link opens
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
};

export interface ReviewServerOptions {
  episodes: ReviewEpisodes;
  /** The per-run secret every write must carry. */
  token: string;
  /** Accept only loopback Host headers (the server listens on a loopback address). */
  loopbackOnly: boolean;
  assetsDir?: string;
  /** Called after a correction was saved or an episode approved (the CLI prints it). */
  onChange?: (what: string) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function pageShell(kind: 'index' | 'episode', episode?: number): string {
  const title = kind === 'index' ? 'letterpod review' : `letterpod review — #${episode}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/review.css">
</head>
<body data-page="${kind}"${episode !== undefined ? ` data-episode="${episode}"` : ''}>
<main id="app"><p class="loading">Loading…</p></main>
<script src="/assets/review.js"></script>
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function loopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

async function sendAudio(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { size } = await stat(path);
  const range = parseRange(req.headers.range, size);
  const headers = { ...SECURITY_HEADERS, 'Content-Type': 'audio/mpeg', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    res.end();
    return;
  }
  const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, size - 1];
  res.writeHead(range.kind === 'range' ? 206 : 200, {
    ...headers,
    'Content-Length': String(size === 0 ? 0 : end - start + 1),
    ...(range.kind === 'range' ? { 'Content-Range': contentRange(start, end, size) } : {}),
  });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(path, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

export function createReviewServer(opts: ReviewServerOptions): Server {
  const assetsDir = opts.assetsDir ?? ASSETS_DIR;
  const { episodes } = opts;
  // one write at a time: a save and an approval never interleave
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = writes.then(fn, fn);
    writes = next.catch(() => undefined);
    return next;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (opts.loopbackOnly && !loopbackHost(req.headers.host)) throw new HttpError(421, 'this server answers only to localhost / 127.0.0.1');
    const url = new URL(req.url ?? '/', 'http://review.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    let m: RegExpMatchArray | null;

    if (path === '/' || path === '/index.html') {
      if (!read) throw new HttpError(405, 'only GET');
      return send(res, 200, 'text/html; charset=utf-8', pageShell('index'));
    }
    if (path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return;
    }
    if ((m = path.match(/^\/episodes\/(\d{1,6})$/))) {
      if (!read) throw new HttpError(405, 'only GET');
      return send(res, 200, 'text/html; charset=utf-8', pageShell('episode', Number(m[1])));
    }
    if ((m = path.match(/^\/assets\/([a-z]+\.(?:js|css))$/)) && Object.hasOwn(ASSETS, m[1]!)) {
      if (!read) throw new HttpError(405, 'only GET');
      return send(res, 200, ASSETS[m[1]!]!, await readFile(`${assetsDir}/${m[1]}`));
    }
    if ((m = path.match(/^\/audio\/(\d{1,6})\.mp3$/))) {
      if (!read) throw new HttpError(405, 'only GET');
      return sendAudio(req, res, await episodes.audioPath(Number(m[1])));
    }
    if (path === '/api/episodes') {
      if (!read) throw new HttpError(405, 'only GET');
      return sendJson(res, 200, { episodes: await episodes.list() });
    }
    if ((m = path.match(/^\/api\/episodes\/(\d{1,6})$/))) {
      if (!read) throw new HttpError(405, 'only GET');
      return sendJson(res, 200, await episodes.view(Number(m[1])));
    }
    if ((m = path.match(/^\/api\/episodes\/(\d{1,6})\/(corrections|approve)$/))) {
      if (method !== 'POST') throw new HttpError(405, 'only POST');
      if (!tokenMatches(req.headers[TOKEN_HEADER], opts.token)) {
        throw new HttpError(403, 'a missing or wrong token: open the address letterpod review printed (it carries the token)');
      }
      const number = Number(m[1]);
      if (m[2] === 'corrections') {
        const body = (await readBody(req)) as { sections?: unknown } | null;
        if (!body || typeof body !== 'object' || typeof body.sections !== 'object' || body.sections === null) {
          throw new HttpError(400, 'send {"sections": {…}}');
        }
        const view = await serial(() => episodes.saveCorrections(number, body.sections));
        opts.onChange?.(`#${number}: corrections saved to ${view.corrections.file}${view.corrections.applied.length ? ` (${view.corrections.applied.join('; ')})` : ' (none: the automatic chapters)'}`);
        return sendJson(res, 200, view);
      }
      const approved = await serial(() => episodes.approve(number));
      opts.onChange?.(`#${number}: approved; letterpod publish publishes it`);
      return sendJson(res, 200, approved);
    }
    throw new HttpError(404, 'not found');
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message });
      if (error instanceof EpisodeNotFound) return sendJson(res, 404, { error: error.message, problem: error.problem, fix: error.fix });
      if (error instanceof LetterpodError) return sendJson(res, 400, { error: error.message, problem: error.problem, fix: error.fix, file: error.file });
      sendJson(res, 500, { error: (error as Error)?.message ?? String(error) });
    });
  });
}
