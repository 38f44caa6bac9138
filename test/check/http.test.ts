/**
 * `check` over real HTTP (a node:http server in the test): HEAD sizes, Range → 206,
 * Content-Type, artwork fetched and measured.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFeed, httpFetcher, type CheckReport } from '../../src/check/index.js';
import { serveShow, type Mode, type TestServer } from './server.js';

describe('check over HTTP', () => {
  let server: TestServer;
  const reports = new Map<Mode, CheckReport>();

  beforeAll(async () => {
    server = await serveShow([{ number: 101 }, { number: 102 }]);
    const http = httpFetcher({ timeoutMs: 5000 });
    for (const mode of ['good', 'norange', 'octet', 'short', 'nohead'] as const) {
      const feed = await http.get(`${server.url(mode)}feed.xml`, { maxBytes: 1 << 20 });
      if (!feed.ok || feed.status !== 200) throw new Error(`feed of ${mode} not served`);
      reports.set(mode, await checkFeed(feed.body, { source: mode, fetcher: http }));
    }
  });

  const errors = (mode: Mode) => reports.get(mode)!.findings.filter((f) => f.severity === 'error').map((f) => f.rule);

  it('finds nothing wrong with a server that answers HEAD and Range', () => {
    const report = reports.get('good')!;
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // it really asked: HEAD and a ranged GET per enclosure, the artwork, chapters, transcripts
    expect(server.log.filter((l) => l.startsWith('HEAD /good/episodes/') && l.endsWith('.mp3'))).toHaveLength(2);
    expect(server.log.filter((l) => l.startsWith('GET /good/episodes/') && l.endsWith('bytes=0-1'))).toHaveLength(2);
    expect(server.log.filter((l) => /^(HEAD|GET) \/good\/artwork\/cover-\w+\.png$/.test(l))).toHaveLength(2);
    expect(server.log.filter((l) => /^HEAD \/good\/episodes\/.*\.(vtt|srt)$/.test(l))).toHaveLength(4);
  });

  it('flags a server that ignores Range (200 instead of 206)', () => {
    expect(errors('norange')).toEqual(['enclosure.range', 'enclosure.range']);
    expect(reports.get('norange')!.findings[0]!.message).toMatch(/answered 200, not 206 Partial Content/);
  });

  it('flags audio served as application/octet-stream', () => {
    expect(errors('octet')).toEqual(['enclosure.content-type', 'enclosure.content-type']);
  });

  it('flags an enclosure length the server contradicts (HEAD and Content-Range)', () => {
    expect(errors('short')).toEqual(['enclosure.length-mismatch', 'enclosure.length-mismatch', 'enclosure.length-mismatch', 'enclosure.length-mismatch']);
    expect(reports.get('short')!.findings[0]!.message).toMatch(/enclosure length is \d+ bytes but the file is \d+ bytes \(HEAD Content-Length\)/);
  });

  it('flags a server that refuses HEAD, for enclosures and artwork', () => {
    expect(errors('nohead').sort()).toEqual(['artwork.head', 'enclosure.reachable', 'enclosure.reachable']);
    expect(reports.get('nohead')!.findings.find((f) => f.rule === 'enclosure.reachable')!.message).toMatch(/answered 405/);
  });

  it('reports an unreachable host as an error, not a crash', async () => {
    const show = await (await fetch(`${server.url('good')}feed.xml`)).text();
    const xml = show.replaceAll(server.url('good'), 'http://127.0.0.1:9/');
    const report = await checkFeed(Buffer.from(xml), { source: 'x', fetcher: httpFetcher({ timeoutMs: 2000 }) });
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['artwork.reachable', 'enclosure.reachable', 'enclosure.reachable']);
    expect(report.findings[0]!.message).toMatch(/ECONNREFUSED/);
  });
});

describe('check over HTTP: artwork', () => {
  it('reads the real size from the served image', async () => {
    const server = await serveShow([{ number: 101 }], { artwork: [1500, 1400] });
    const http = httpFetcher();
    const feed = await http.get(`${server.url('good')}feed.xml`);
    const report = await checkFeed(feed.ok ? feed.body : Buffer.alloc(0), { source: 'art', fetcher: http });
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.message])).toEqual([
      ['artwork.square', 'the artwork is not square (1500×1400 px)'],
    ]);
  });
});
