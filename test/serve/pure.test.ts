/** The pure parts of `serve`: Range, conditional requests, request targets, gzip negotiation, addresses. */
import { describe, expect, it } from 'vitest';
import { lanBaseUrl, listenUrls, publicBaseUrlNote } from '../../src/serve/addresses.js';
import { notModified, rangeStillValid } from '../../src/serve/conditional.js';
import { acceptsGzip } from '../../src/serve/gzip.js';
import { cacheControlFor, contentTypeFor } from '../../src/serve/media-types.js';
import { parseTarget } from '../../src/serve/paths.js';
import { parseRange } from '../../src/serve/ranges.js';
import { CACHE_FEED, CACHE_IMMUTABLE } from '../../src/store/content-types.js';

describe('parseRange', () => {
  const size = 1000;
  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, 999],
    ['bytes=-100', 900, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=990-5000', 990, 999],
    ['bytes=999-999', 999, 999],
    ['BYTES=1-2', 1, 2],
    [' bytes = 5-6 ', 5, 6],
    ['bytes=0-9,', 0, 9],
    ['bytes=0-99999999999999999999999', 0, 999],
  ])('%s → %i-%i', (header, start, end) => {
    expect(parseRange(header, size)).toEqual({ kind: 'range', start, end });
  });

  it.each(['bytes=1000-', 'bytes=1000-2000', 'bytes=-0', 'bytes=99999999999999999999-'])('%s is unsatisfiable', (header) => {
    expect(parseRange(header, size)).toEqual({ kind: 'unsatisfiable' });
  });

  it('any range of an empty file is unsatisfiable', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each([undefined, '', 'bytes', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=5-1', 'bytes=1-2,4-5', 'bytes=0x1-2', 'bytes=+1-2',
    'bytes=1.5-2', 'items=0-1', 'bytes=1--2', 'bytes=--1', 'bytes=0-1-2'])('%j is ignored (whole file)', (header) => {
    expect(parseRange(header, size)).toEqual({ kind: 'whole' });
  });
});

describe('conditional requests', () => {
  const etag = '"abc"';
  const mtime = Date.parse('2024-05-01T12:00:00.500Z');
  it('If-None-Match compares weakly, takes lists and *', () => {
    expect(notModified({ ifNoneMatch: '"abc"' }, etag, mtime)).toBe(true);
    expect(notModified({ ifNoneMatch: 'W/"abc"' }, etag, mtime)).toBe(true);
    expect(notModified({ ifNoneMatch: '"x", "abc"' }, etag, mtime)).toBe(true);
    expect(notModified({ ifNoneMatch: '*' }, etag, mtime)).toBe(true);
    expect(notModified({ ifNoneMatch: '"abd"' }, etag, mtime)).toBe(false);
    expect(notModified({ ifNoneMatch: 'abc' }, etag, mtime)).toBe(false);
  });
  it('If-Modified-Since is only used without If-None-Match, at whole seconds', () => {
    expect(notModified({ ifModifiedSince: 'Wed, 01 May 2024 12:00:00 GMT' }, etag, mtime)).toBe(true);
    expect(notModified({ ifModifiedSince: 'Wed, 01 May 2024 11:59:59 GMT' }, etag, mtime)).toBe(false);
    expect(notModified({ ifModifiedSince: 'garbage' }, etag, mtime)).toBe(false);
    expect(notModified({ ifNoneMatch: '"other"', ifModifiedSince: 'Wed, 01 May 2030 12:00:00 GMT' }, etag, mtime)).toBe(false);
  });
  it('If-Range needs a strong match, or the exact Last-Modified', () => {
    const lm = 'Wed, 01 May 2024 12:00:00 GMT';
    expect(rangeStillValid(undefined, etag, lm)).toBe(true);
    expect(rangeStillValid('"abc"', etag, lm)).toBe(true);
    expect(rangeStillValid('W/"abc"', etag, lm)).toBe(false);
    expect(rangeStillValid('"old"', etag, lm)).toBe(false);
    expect(rangeStillValid(lm, etag, lm)).toBe(true);
    expect(rangeStillValid('Wed, 01 May 2024 11:00:00 GMT', etag, lm)).toBe(false);
    expect(rangeStillValid('junk', etag, lm)).toBe(false);
  });
});

describe('parseTarget', () => {
  it.each([
    ['/feed.xml', 'feed.xml'],
    ['/feed.xml?x=1', 'feed.xml'],
    ['/episodes/an-1/an-1-0123abcd.mp3', 'episodes/an-1/an-1-0123abcd.mp3'],
    ['/episodes/an%2D1/x.mp3', 'episodes/an-1/x.mp3'],
  ])('%s → %s', (url, key) => {
    expect(parseTarget(url)).toEqual({ kind: 'key', key });
  });
  it('/ is the root', () => expect(parseTarget('/')).toEqual({ kind: 'root' }));
  it.each(['/..', '/../etc/passwd', '/a/../../b', '/%2e%2e/x', '/%2E%2e/x', '/a%2f..%2fb', '/a%2Fb', '/a\\b', '/..%5cx', '/x%00.mp3',
    '/x%0a', '/%', '/%zz', '/./feed.xml', 'feed.xml', 'http://host/feed.xml', '*', ''])('%j → 400', (url) => {
    expect(parseTarget(url)).toMatchObject({ kind: 'refused', status: 400 });
  });
  it.each(['/manifest.json', '/.letterpod-store/meta/feed.xml.json', '/.tmp-1', '/episodes/.x.mp3.123.tmp', '/episodes/x.mp3.part',
    '/episodes/x.tmp', '/episodes/', '/episodes//x', '//etc/passwd', '/caf%C3%A9.mp3', '/a b'])('%j → 404', (url) => {
    expect(parseTarget(url)).toMatchObject({ kind: 'refused', status: 404 });
  });
});

describe('types and caching fallback (files without the store sidecar)', () => {
  const sha = '0123abcd' + '0'.repeat(56);
  it('content types come from content-types.ts', () => {
    expect(contentTypeFor('feed.xml')).toBe('application/rss+xml; charset=utf-8');
    expect(contentTypeFor('episodes/a/a-0123abcd.mp3')).toBe('audio/mpeg');
    expect(contentTypeFor('episodes/a/chapters-0123abcd.json')).toBe('application/json+chapters');
    expect(contentTypeFor('episodes/a/t.vtt')).toBe('text/vtt; charset=utf-8');
    expect(contentTypeFor('episodes/a/t.srt')).toBe('application/x-subrip; charset=utf-8');
    expect(contentTypeFor('artwork/c.JPG')).toBe('image/jpeg');
    expect(contentTypeFor('artwork/c.png')).toBe('image/png');
    expect(contentTypeFor('notes.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('x.bin')).toBe('application/octet-stream');
  });
  it('immutable only when the name carries the content hash', () => {
    expect(cacheControlFor('feed.xml', sha)).toBe(CACHE_FEED);
    expect(cacheControlFor('episodes/a/a-0123abcd.mp3', sha)).toBe(CACHE_IMMUTABLE);
    expect(cacheControlFor('episodes/a/a-ffffffff.mp3', sha)).toBe(CACHE_FEED);
    expect(cacheControlFor('episodes/a/a.mp3', sha)).toBe(CACHE_FEED);
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['*;q=0.5, gzip;q=0', false],
    ['identity', false],
    ['deflate', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('addresses', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
      { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
    ],
  } as unknown as Parameters<typeof listenUrls>[2];
  it('lists loopback and LAN addresses for 0.0.0.0, only the given host otherwise', () => {
    const urls = listenUrls('0.0.0.0', 8080, ifaces);
    expect(urls).toEqual(['http://127.0.0.1:8080/', 'http://192.168.1.20:8080/']);
    expect(lanBaseUrl(urls)).toBe('http://192.168.1.20:8080/');
    expect(listenUrls('127.0.0.1', 9000, ifaces)).toEqual(['http://127.0.0.1:9000/']);
    expect(listenUrls('::1', 9000, ifaces)).toEqual(['http://[::1]:9000/']);
  });
  it('notes when the feed links do not lead here', () => {
    const urls = listenUrls('0.0.0.0', 8080, ifaces);
    expect(publicBaseUrlNote('http://192.168.1.20:8080/', urls, ['box'])).toBeUndefined();
    expect(publicBaseUrlNote('http://box:8080/', urls, ['box'])).toBeUndefined();
    expect(publicBaseUrlNote('http://localhost:8080/', urls, ['box'])).toMatch(/cannot reach.*http:\/\/192\.168\.1\.20:8080\//);
    expect(publicBaseUrlNote('https://cdn.example.org/podcast/', urls, ['box'])).toMatch(/not this server/);
    expect(publicBaseUrlNote('http://192.168.1.20:9999/', urls, ['box'])).toMatch(/not this server/);
    // Only loopback to listen on: localhost links are right.
    expect(publicBaseUrlNote('http://localhost:8080/', ['http://127.0.0.1:8080/'], ['box'])).toBeUndefined();
  });
});
