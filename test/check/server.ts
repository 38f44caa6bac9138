/**
 * A small node:http server for check tests: serves a show's store objects under
 * /<mode>/<key>, where the mode picks how well it behaves:
 *   good     HEAD and Range (206) answered, real Content-Types
 *   norange  Range ignored: always 200 with the whole file (what Apple refuses)
 *   octet    audio served as application/octet-stream (what iOS refuses)
 *   short    audio bodies and Content-Length 7 bytes short of the feed's length
 *   nohead   HEAD answered 405
 * /<mode>/feed.xml is the show rendered with that mode's base URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { afterAll } from 'vitest';
import { buildShow, type EpisodeInput, type ShowOptions } from '../feed/show.js';

export const MODES = ['good', 'norange', 'octet', 'short', 'nohead'] as const;
export type Mode = (typeof MODES)[number];

const TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.png': 'image/png',
  '.json': 'application/json+chapters',
  '.vtt': 'text/vtt; charset=utf-8',
  '.srt': 'application/x-subrip; charset=utf-8',
  '.xml': 'application/rss+xml; charset=utf-8',
};

export interface TestServer {
  url(mode: Mode): string;
  /** Requests seen, "METHOD /path range". */
  log: string[];
}

export async function serveShow(episodes: readonly EpisodeInput[], options: ShowOptions & { artwork?: [number, number] } = {}): Promise<TestServer> {
  const feeds = new Map<string, Buffer>();
  let objects = new Map<string, Buffer>();
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, mode, ...rest] = url.pathname.split('/');
    const key = rest.join('/');
    log.push(`${req.method} ${url.pathname} ${req.headers.range ?? ''}`.trim());
    let body = key === 'feed.xml' ? feeds.get(mode ?? '') : objects.get(key);
    if (!body || !MODES.includes(mode as Mode)) {
      res.writeHead(404).end();
      return;
    }
    if (mode === 'nohead' && req.method === 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const ext = extname(key);
    let type = TYPES[ext] ?? 'application/octet-stream';
    if (mode === 'octet' && ext === '.mp3') type = 'application/octet-stream';
    if (mode === 'short' && ext === '.mp3') body = body.subarray(0, body.length - 7);
    const headers: Record<string, string | number> = { 'content-type': type, 'accept-ranges': mode === 'norange' ? 'none' : 'bytes' };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && mode !== 'norange') {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      const part = body.subarray(start, end + 1);
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': part.length });
      res.end(req.method === 'HEAD' ? undefined : part);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = (mode: Mode) => `http://127.0.0.1:${port}/${mode}/`;
  for (const mode of MODES) {
    const show = buildShow(episodes, { ...options, publicBaseUrl: url(mode) });
    objects = show.objects; // the same objects whatever the base URL
    feeds.set(mode, Buffer.from(show.xml));
  }
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, log };
}
