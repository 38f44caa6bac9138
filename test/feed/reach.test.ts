/**
 * What makes a feed reach apps: psc:chapters with short titles (read back by feedparser and
 * podcast-partytime), the Podcasting 2.0 tags apps use, an analytics prefix only in the
 * feed, the redirect feed for an old location (podcastparser and feedparser see
 * itunes:new-feed-url), serve's 301 for an old path, and WebSub pings to a local hub once
 * per publish that changed the feed.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeed as partytime } from 'podcast-partytime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/check/feed.js';
import { staticFindings } from '../../src/check/rules.js';
import { normalPlayTime, shortChapterTitle } from '../../src/feed/chapters.js';
import { renderRedirectFeed } from '../../src/feed/redirect.js';
import { renderFeed } from '../../src/feed/render.js';
import { publishEpisodes } from '../../src/publish/protocol.js';
import { createStoreServer } from '../../src/serve/server.js';
import { LocalStore } from '../../src/store/local.js';
import { parseWithPython, pythonParsers } from '../helpers/python-feeds.js';
import { makeBuild, makePng, removeDir, tempDir } from '../store/fixtures.js';
import { buildShow, showConfig } from './show.js';

const pythonMissing = Object.entries(pythonParsers).filter(([, ok]) => !ok).map(([n]) => `python3-${n}`);
const withPython = pythonMissing.length ? ` (skipped: ${pythonMissing.join(', ')} not installed; run scripts/setup.sh --test)` : '';

const LONG = 'Adversarial Examples Are Not Bugs, They Are Features: a discussion';
const FEED_OPTIONS = {
  funding: [{ url: 'https://example.org/support', text: 'Support the show' }],
  txt: [{ purpose: 'applepodcastsverify', text: 'abc-123' }],
  medium: 'podcast',
  seasons: [{ number: 1, fromIssue: 1 }, { number: 2, fromIssue: 102, name: 'Year two' }],
  enclosurePrefix: 'https://op3.dev/e/',
  chapterTitles: { maxLength: 40, short: { 'Highlights of the week in alignment research': 'Highlights' } },
  hubs: ['https://pubsubhubbub.appspot.com/'],
};

function withMarks(show: ReturnType<typeof buildShow>) {
  for (const e of show.manifest.episodes) {
    e.marks = [
      { start: 0, title: 'Intro' },
      { start: 61.5, title: 'Highlights of the week in alignment research', href: 'https://example.org/h' },
      { start: 3725.25, title: LONG },
    ];
  }
  return show;
}

describe('feed reach', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('reach');
  });
  afterAll(() => removeDir(dir));

  it('writes normal play time and short chapter titles', () => {
    expect(normalPlayTime(0)).toBe('00:00:00.000');
    expect(normalPlayTime(3725.25)).toBe('01:02:05.250');
    const short = shortChapterTitle(LONG, { maxLength: 40, short: {} });
    expect([...short].length).toBeLessThanOrEqual(40);
    expect(short).toBe('Adversarial Examples Are Not Bugs, They…');
    expect(shortChapterTitle('Highlights of the week in alignment research', FEED_OPTIONS.chapterTitles)).toBe('Highlights');
    expect(shortChapterTitle('Intro', FEED_OPTIONS.chapterTitles)).toBe('Intro');
  });

  it('renders psc:chapters, funding, seasons, txt, medium, hub and a prefixed enclosure that partytime reads; check passes', () => {
    const show = withMarks(buildShow([{ number: 101 }, { number: 102 }], { feed: FEED_OPTIONS }));
    const xml = renderFeed(show.config, show.manifest);
    expect(xml).toContain('xmlns:psc="http://podlove.org/simple-chapters"');
    expect(xml).toContain('<psc:chapter start="01:02:05.250" title="Adversarial Examples Are Not Bugs, They…"/>');
    expect(xml).toContain('<psc:chapter start="00:01:01.500" title="Highlights" href="https://example.org/h"/>');
    expect(xml).toContain('<atom:link href="https://pubsubhubbub.appspot.com/" rel="hub"/>');
    expect(xml).toContain('<podcast:txt purpose="applepodcastsverify">abc-123</podcast:txt>');
    expect(xml).toContain('<podcast:season name="Year two">2</podcast:season>');
    const feed = partytime(xml)!;
    expect(feed.podcastFunding?.[0]).toMatchObject({ url: 'https://example.org/support', message: 'Support the show' });
    expect(feed.medium).toBe('podcast');
    const i101 = feed.items.find((i) => i.podcastEpisode?.number === 101)!;
    const i102 = feed.items.find((i) => i.podcastEpisode?.number === 102)!;
    expect(i101.podcastSeason?.number).toBe(1);
    expect(i102.podcastSeason).toMatchObject({ number: 2, name: 'Year two' });
    expect(i102.itunesSeason).toBe(2);
    // the analytics prefix is in the feed only: the manifest keeps the plain key
    expect(i101.enclosure.url).toBe(`https://op3.dev/e/cdn.example.org/podcast/${show.manifest.episodes[0]!.audio!.key}`);
    const findings = staticFindings(parseFeed(Buffer.from(xml)).feed!);
    expect(findings.filter((f) => f.severity !== 'info' && f.rule.startsWith('psc'))).toEqual([]);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.skipIf(pythonMissing.length > 0)(`feedparser reads the psc chapters${withPython}`, async () => {
    const show = withMarks(buildShow([{ number: 101 }], { feed: FEED_OPTIONS }));
    const file = join(dir, 'psc.xml');
    await writeFile(file, renderFeed(show.config, show.manifest));
    const parsed = parseWithPython(file);
    expect(parsed.feedparser.items[0]!.chapters).toEqual([
      { start: '00:00:00.000', title: 'Intro' },
      { start: '00:01:01.500', title: 'Highlights' },
      { start: '01:02:05.250', title: 'Adversarial Examples Are Not Bugs, They…' },
    ]);
  });

  it('check flags psc chapters apps cannot read, a bad hub and a redirect to itself', () => {
    const show = buildShow([{ number: 101 }]);
    let xml = renderFeed(show.config, show.manifest);
    xml = xml.replace('</podcast:episode>', '</podcast:episode>\n<psc:chapters version="1.2"><psc:chapter start="0:05" title="A"/><psc:chapter start="later" title=""/><psc:chapter start="00:00:01" title="B"/></psc:chapters>');
    xml = xml.replace('<podcast:guid>', '<atom:link rel="hub" href="not a url"/><itunes:new-feed-url>https://cdn.example.org/podcast/feed.xml</itunes:new-feed-url><podcast:guid>');
    const rules = staticFindings(parseFeed(Buffer.from(xml)).feed!).map((f) => `${f.severity} ${f.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['warning psc.start', 'error psc.start', 'error psc.order', 'warning psc.first', 'error channel.hub', 'error channel.new-feed-url']));
  });

  describe('moving a feed', () => {
    let server: Server;
    let port: number;
    let redirectFile: string;
    const OLD = 'https://old-host.example/an/feed.rss';
    beforeAll(async () => {
      const show = buildShow([{ number: 101 }, { number: 102 }], { feed: { guid: '4e2b3b1a-0c5f-5d6e-9a8b-1c2d3e4f5a6b' } });
      redirectFile = join(dir, 'redirect.rss');
      await writeFile(redirectFile, renderRedirectFeed(show.config, show.manifest, OLD));
      const feedDir = join(dir, 'served');
      const { writeObjects } = await import('./show.js');
      await writeObjects(feedDir, show.objects);
      server = createStoreServer(feedDir, { log: () => undefined, redirects: ['/an/feed.rss'] });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('the redirect feed parses, names the old URL as self, keeps podcast:guid and carries itunes:new-feed-url', async () => {
      const xml = await readFile(redirectFile, 'utf8');
      const feed = partytime(xml)!;
      expect(feed.items).toHaveLength(2);
      expect(feed.guid).toBe('4e2b3b1a-0c5f-5d6e-9a8b-1c2d3e4f5a6b');
      expect(xml).toContain('<itunes:new-feed-url>https://cdn.example.org/podcast/feed.xml</itunes:new-feed-url>');
      expect(xml).toContain(`<atom:link href="${OLD}" rel="self"`);
      const findings = staticFindings(parseFeed(Buffer.from(xml)).feed!);
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(findings.find((f) => f.rule === 'channel.new-feed-url')?.severity).toBe('info');
    });

    it.skipIf(pythonMissing.length > 0)(`podcastparser and feedparser see the new location${withPython}`, () => {
      const parsed = parseWithPython(redirectFile, OLD);
      expect(parsed.podcastparser.newLocation).toBe('https://cdn.example.org/podcast/feed.xml');
      expect(parsed.podcastparser.items).toHaveLength(2);
      expect(parsed.feedparser.items).toHaveLength(2);
      expect(parsed.feedparser.bozo).toBe(false);
    });

    it('serve answers 301 to /feed.xml for a configured old path, and 404 for others', async () => {
      const get = (path: string) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
            res.resume();
            resolve(res);
          });
          req.on('error', reject);
          req.end();
        });
      const moved = await get('/an/feed.rss?utm=x');
      expect(moved.statusCode).toBe(301);
      expect(moved.headers.location).toBe('/feed.xml');
      expect((await get('/an/other.rss')).statusCode).toBe(404);
      expect((await get('/feed.xml')).statusCode).toBe(200);
    });
  });

  describe('WebSub', () => {
    let hub: Server;
    let hubUrl: string;
    const pings: { contentType?: string; body: string }[] = [];
    beforeAll(async () => {
      hub = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          pings.push({ contentType: req.headers['content-type'], body });
          res.writeHead(req.method === 'POST' ? 204 : 405).end();
        });
      });
      await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
      hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;
    });
    afterAll(async () => {
      await new Promise((resolve) => hub.close(resolve));
    });

    it('pings the hub once per publish that changed the feed, not when nothing changed; a dead hub is a warning', async () => {
      const root = join(dir, 'websub');
      await mkdir(root, { recursive: true });
      await makePng(join(root, 'cover.png'));
      const config = showConfig({ root, feed: { hubs: [hubUrl, 'http://127.0.0.1:9/dead-hub'] }, show: { image: 'cover.png' } });
      const store = new LocalStore(config.resolved.store!);
      const r1 = await makeBuild(join(root, 'builds'), { number: 101, title: 'First' });
      const first = await publishEpisodes(config, store, [r1], { now: new Date('2024-05-01T00:00:00Z') });
      expect(first.feedChanged).toBe(true);
      expect(pings).toHaveLength(1);
      expect(pings[0]!.contentType).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(pings[0]!.body))).toEqual({ 'hub.mode': 'publish', 'hub.url': 'https://cdn.example.org/podcast/feed.xml' });
      expect(first.hubPings.map((p) => p.ok)).toEqual([true, false]);
      expect(first.hubPings[1]!.problem).toMatch(/could not be reached/);
      const xml = await readFile(join(config.resolved.store!, 'feed.xml'), 'utf8');
      expect(xml).toContain(`<atom:link href="${hubUrl}" rel="hub"/>`);

      const again = await publishEpisodes(config, store, [r1], { now: new Date('2024-05-02T00:00:00Z') });
      expect(again.feedChanged).toBe(false);
      expect(again.hubPings).toEqual([]);
      expect(pings).toHaveLength(1);

      const r2 = await makeBuild(join(root, 'builds'), { number: 102, title: 'Second' });
      await publishEpisodes(config, store, [r2], { now: new Date('2024-05-03T00:00:00Z') });
      expect(pings).toHaveLength(2);
    });
  });
});
