/**
 * An HTTP server (node:http) for the local store, for podcast apps on the LAN: GET and
 * HEAD of the public objects with the Content-Type and Cache-Control the publisher gave
 * them, a strong ETag (the content's sha256, the store's own ETag), conditional requests,
 * a single byte Range, and gzip for text. `/` redirects to /feed.xml, so a feed has one
 * URL (the one it names itself by). One log line per request: method, path, status, body
 * bytes — no query string, no headers.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { notModified, rangeStillValid } from './conditional.js';
import { GzipCache, acceptsGzip, gzipEtag } from './gzip.js';
import { isCompressible } from './media-types.js';
import { StoreObjects, type OpenObject } from './objects.js';
import { parseTarget } from './paths.js';
import { contentRange, parseRange, unsatisfiedRange } from './ranges.js';

export interface StoreServerOptions {
  /** Where the per-request lines go. Default: stderr. */
  log?: (line: string) => void;
  /** Larger text files are sent uncompressed. Default 8 MiB. */
  gzipMaxBytes?: number;
  /**
   * Old paths of a feed that moved here (serve.redirects): answered 301 with /feed.xml, so
   * apps that follow permanent redirects update the subscription.
   */
  redirects?: readonly string[];
}

const ALLOW = 'GET, HEAD';
const FEED_PATH = '/feed.xml';

/** A request path fit for a log line: no query, printable ASCII only, bounded. */
function loggedPath(url: string | undefined): string {
  const path = (url ?? '').split(/[?#]/, 1)[0]!;
  const printable = path.replace(/[^\x21-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable || '-';
}

/** A request header as one string (repeated fields joined as a list). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Body bytes handed to the socket. */
  sent: number;
}

function sendSmall(ex: Exchange, status: number, headers: OutgoingHttpHeaders, text: string): void {
  const body = Buffer.from(text ? `${text}\n` : '');
  ex.res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, ...headers });
  if (ex.req.method === 'HEAD') {
    ex.res.end();
    return;
  }
  ex.sent += body.length;
  ex.res.end(body);
}

async function readAll(object: OpenObject): Promise<Buffer> {
  const body = Buffer.alloc(object.size);
  let offset = 0;
  while (offset < object.size) {
    const { bytesRead } = await object.handle.read(body, offset, object.size - offset, offset);
    // Truncated in place while open: fail this request rather than cache a partial body.
    if (bytesRead === 0) throw new Error('file shrank while being read');
    offset += bytesRead;
  }
  return body;
}

export function createStoreServer(root: string, options: StoreServerOptions = {}): Server {
  const objects = new StoreObjects(root);
  const gzipped = new GzipCache();
  const gzipMaxBytes = options.gzipMaxBytes ?? 8 * 1024 * 1024;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const redirects = new Set(options.redirects ?? []);

  async function serveObject(ex: Exchange, object: OpenObject): Promise<boolean> {
    const { req, res } = ex;
    const isGet = req.method === 'GET';
    const etag = `"${object.sha256}"`;
    const lastModified = new Date(object.mtimeMs).toUTCString();
    const compressible = isCompressible(object.contentType);

    // Range is defined for GET only; If-Range turns a stale range into the whole file.
    const range = isGet ? parseRange(header(req, 'range'), object.size) : { kind: 'whole' as const };
    const ranged = range.kind !== 'whole' && rangeStillValid(header(req, 'if-range'), etag, lastModified);
    const gzip = !ranged && compressible && object.size <= gzipMaxBytes && acceptsGzip(header(req, 'accept-encoding'));

    const headers: OutgoingHttpHeaders = {
      ETag: gzip ? gzipEtag(object.sha256) : etag,
      'Last-Modified': lastModified,
      'Cache-Control': object.cacheControl,
      'Accept-Ranges': 'bytes',
      ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
    };
    const conditions = { ifNoneMatch: header(req, 'if-none-match'), ifModifiedSince: header(req, 'if-modified-since') };
    if (notModified(conditions, headers.ETag as string, object.mtimeMs)) {
      res.writeHead(304, headers);
      res.end();
      return false;
    }
    headers['Content-Type'] = object.contentType;
    headers['X-Content-Type-Options'] = 'nosniff';

    if (ranged && range.kind === 'unsatisfiable') {
      sendSmall(ex, 416, { ...headers, 'Content-Range': unsatisfiedRange(object.size), 'Content-Type': 'text/plain; charset=utf-8' }, 'Range Not Satisfiable');
      return false;
    }
    if (gzip) {
      const body = await gzipped.get(object.sha256, () => readAll(object));
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      if (isGet) ex.sent += body.length;
      res.end(isGet ? body : undefined);
      return false;
    }
    const [status, start, end] = ranged && range.kind === 'range' ? [206, range.start, range.end] : [200, 0, object.size - 1];
    if (status === 206) headers['Content-Range'] = contentRange(start, end, object.size);
    headers['Content-Length'] = end - start + 1;
    res.writeHead(status, headers);
    if (!isGet || end < start) {
      res.end();
      return false;
    }
    const stream = object.handle.createReadStream({ start, end });
    stream.on('data', (chunk: Buffer | string) => (ex.sent += chunk.length));
    try {
      await pipeline(stream, res);
    } catch {
      // The client went away mid-body (pipeline closed the file); nothing else to do.
    }
    return true;
  }

  async function handle(ex: Exchange): Promise<void> {
    const { req } = ex;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendSmall(ex, 405, { Allow: ALLOW }, 'Method Not Allowed');
      return;
    }
    const requested = (req.url ?? '').split(/[?#]/, 1)[0]!;
    if (redirects.has(requested)) {
      sendSmall(ex, 301, { Location: FEED_PATH }, `Moved Permanently: ${FEED_PATH}`);
      return;
    }
    const target = parseTarget(req.url);
    if (target.kind === 'root') {
      sendSmall(ex, 302, { Location: FEED_PATH }, `Found: ${FEED_PATH}`);
      return;
    }
    if (target.kind === 'refused') {
      sendSmall(ex, target.status, {}, target.status === 400 ? 'Bad Request' : 'Not Found');
      return;
    }
    const object = await objects.open(target.key);
    if (!object) {
      sendSmall(ex, 404, {}, 'Not Found');
      return;
    }
    let streamOwnsFile = false;
    try {
      streamOwnsFile = await serveObject(ex, object);
    } finally {
      if (!streamOwnsFile) await object.handle.close();
    }
  }

  return createServer((req, res) => {
    const ex: Exchange = { req, res, sent: 0 };
    const started = Date.now();
    res.on('close', () => {
      const aborted = res.writableFinished ? '' : ' (aborted)';
      log(`${req.method ?? '-'} ${loggedPath(req.url)} ${res.statusCode} ${ex.sent}${aborted} ${req.socket.remoteAddress ?? '-'} ${Date.now() - started}ms`);
    });
    handle(ex).catch((error: unknown) => {
      if (!res.headersSent) {
        sendSmall(ex, 500, {}, 'Internal Server Error');
      } else {
        res.destroy();
      }
      log(`error serving ${loggedPath(req.url)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).name}`);
    });
  });
}
