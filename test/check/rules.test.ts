import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFeed, localFetcher, type CheckReport } from '../../src/check/index.js';
import { parseRfc2822 } from '../../src/check/rules.js';
import { FEED_KEY } from '../../src/store/keys.js';
import { buildShow, writeObjects, type BuiltShow } from '../feed/show.js';
import { scratch } from '../helpers/tmp.js';

const BASE = 'https://cdn.example.org/podcast/';
const rules = (report: CheckReport, severity = 'error') => report.findings.filter((f) => f.severity === severity).map((f) => f.rule);

/** Check a feed text (static rules only). */
const staticCheck = (xml: string) => checkFeed(Buffer.from(xml), { source: 'test' });

describe('check: the feed letterpod renders', () => {
  let folder: string;
  let good: BuiltShow;

  beforeAll(async () => {
    folder = await scratch('check-good');
    good = buildShow([{ number: 101 }, { number: 102 }, { number: 103 }]);
    await writeObjects(folder, good.objects);
  });

  it('passes every rule against its store folder', async () => {
    const report = await checkFeed(await readFile(join(folder, FEED_KEY)), { source: 'good', fetcher: localFetcher(folder, [BASE]) });
    expect(report.items).toBe(3);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // and says what a folder cannot show
    expect(report.findings.map((f) => f.rule)).toContain('network.local');
  });
});

describe('check flags a broken feed: missing enclosure length, duplicate GUID, non-square artwork', () => {
  let report: CheckReport;

  beforeAll(async () => {
    const folder = await scratch('check-broken');
    const show = buildShow(
      [
        { number: 101, guid: 'same-guid' },
        { number: 102, guid: 'same-guid' },
        { number: 103 },
      ],
      { artwork: [2000, 1400] },
    );
    await writeObjects(folder, show.objects);
    const enclosure = show.manifest.episodes.find((e) => e.number === 103)!.audio;
    const xml = show.xml.replace(`length="${enclosure.bytes}" `, '');
    expect(xml).not.toBe(show.xml);
    report = await checkFeed(Buffer.from(xml), { source: 'broken', fetcher: localFetcher(folder, [BASE]) });
  });

  it('reports each as an error, naming the item', () => {
    expect(report.errors).toBe(3);
    const byRule = new Map(report.findings.map((f) => [f.rule, f]));
    expect(byRule.get('enclosure.length')).toMatchObject({ severity: 'error', where: 'item 1 (AN #103: Issue 103)' });
    expect(byRule.get('enclosure.length')!.message).toMatch(/no length/);
    expect(byRule.get('guid.unique')).toMatchObject({ severity: 'error', where: 'item 3 (AN #101: Issue 101)' });
    expect(byRule.get('guid.unique')!.message).toMatch(/"same-guid" is also the guid of item 2 \(AN #102: Issue 102\)/);
    expect(byRule.get('artwork.square')).toMatchObject({ severity: 'error', where: 'channel' });
    expect(byRule.get('artwork.square')!.message).toMatch(/not square \(2000×1400 px\)/);
    // errors come first, each with the line in feed.xml
    expect(report.findings.slice(0, 3).every((f) => f.severity === 'error' && typeof f.line === 'number')).toBe(true);
  });
});

describe('check: artwork', () => {
  it.each([
    [[1000, 1000], 'artwork.size', /too small \(1000×1000 px; at least 1400×1400\)/],
    [[3200, 3200], 'artwork.size', /too large/],
  ] as const)('flags %j artwork', async (size, rule, message) => {
    const folder = await scratch('check-art');
    const show = buildShow([{ number: 101 }], { artwork: [size[0], size[1]] });
    await writeObjects(folder, show.objects);
    const report = await checkFeed(Buffer.from(show.xml), { source: 'art', fetcher: localFetcher(folder, [BASE]) });
    expect(rules(report)).toEqual([rule]);
    expect(report.findings[0]!.message).toMatch(message);
  });

  it('flags artwork that is missing from the store, or not an image', async () => {
    const folder = await scratch('check-art2');
    const show = buildShow([{ number: 101 }]);
    await writeObjects(folder, show.objects);
    const key = show.manifest.artwork!.key;
    const missing = await checkFeed(Buffer.from(show.xml.replaceAll(key, 'artwork/gone.png')), { source: 'x', fetcher: localFetcher(folder, [BASE]) });
    expect(rules(missing)).toEqual(['artwork.reachable']);
    const notImage = await checkFeed(Buffer.from(show.xml.replaceAll(key, show.manifest.episodes[0]!.chapters!.key.replace('.json', '.json'))), {
      source: 'x',
      fetcher: localFetcher(folder, [BASE]),
    });
    expect(rules(notImage)).toContain('artwork.format');
  });
});

describe('check: sizes against the files', () => {
  it('flags an enclosure length that is not the file size, and a missing file', async () => {
    const folder = await scratch('check-size');
    const show = buildShow([{ number: 101 }, { number: 102 }]);
    await writeObjects(folder, show.objects);
    const [a, b] = show.manifest.episodes;
    let xml = show.xml.replace(`length="${a!.audio.bytes}"`, `length="${a!.audio.bytes + 1}"`);
    xml = xml.replace(b!.audio.key, 'episodes/an-102/gone.mp3');
    const report = await checkFeed(Buffer.from(xml), { source: 'x', fetcher: localFetcher(folder, [BASE]) });
    expect(rules(report).sort()).toEqual(['enclosure.length-mismatch', 'enclosure.reachable']);
    expect(report.findings.find((f) => f.rule === 'enclosure.length-mismatch')!.message).toContain(`${a!.audio.bytes + 1} bytes but the file is ${a!.audio.bytes} bytes`);
  });

  it('notes URLs outside the folder instead of guessing', async () => {
    const show = buildShow([{ number: 101 }]);
    const report = await checkFeed(Buffer.from(show.xml), { source: 'x', fetcher: localFetcher('/nonexistent', ['https://elsewhere.example/']) });
    expect(report.errors).toBe(0);
    expect(report.findings.find((f) => f.rule === 'network.skipped')!.message).toMatch(/^5 URLs outside the feed's folder not checked/);
  });
});

describe('check: the rules over the feed document', () => {
  const good = buildShow([{ number: 101 }, { number: 102 }]);
  const base = good.xml;

  it('finds nothing to report in a good feed but what it could not check', async () => {
    const report = await staticCheck(base);
    expect(report.findings.map((f) => f.rule)).toEqual(['network.offline']);
  });

  const cases: Array<[string, (xml: string) => string, string, string]> = [
    ['an unescaped &', (x) => x.replace('<title>AN #102: Issue 102</title>', '<title>Tom & Jerry</title>'), 'error', 'xml.well-formed'],
    ['a non-UTF-8 declaration', (x) => x.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'error', 'xml.encoding'],
    ['no itunes:category', (x) => x.replace(/\s*<itunes:category[\s\S]*<\/itunes:category>/, ''), 'error', 'channel.category'],
    ['an unknown category', (x) => x.replace('text="Science"', 'text="Sciences"'), 'error', 'channel.category'],
    ['a subcategory of another category', (x) => x.replace('text="Mathematics"', 'text="Philosophy"'), 'error', 'channel.category'],
    ['explicit "maybe"', (x) => x.replace('<itunes:explicit>false</itunes:explicit>\n    <itunes:category', '<itunes:explicit>maybe</itunes:explicit>\n    <itunes:category'), 'error', 'channel.explicit'],
    ['explicit "clean"', (x) => x.replace('<itunes:explicit>false</itunes:explicit>\n    <itunes:category', '<itunes:explicit>clean</itunes:explicit>\n    <itunes:category'), 'warning', 'channel.explicit'],
    ['no atom:link self', (x) => x.replace(/<atom:link [^>]*\/>/, ''), 'error', 'channel.self'],
    ['no language', (x) => x.replace('<language>en</language>', ''), 'error', 'channel.language'],
    ['no itunes:image', (x) => x.replace(/<itunes:image [^>]*\/>/, ''), 'error', 'channel.image'],
    ['a podcast:guid that is no UUID', (x) => x.replace(/<podcast:guid>[^<]*</, '<podcast:guid>my-show<'), 'error', 'channel.guid'],
    ['no podcast:guid', (x) => x.replace(/<podcast:guid>[^<]*<\/podcast:guid>/, ''), 'warning', 'channel.guid'],
    ['podcast:locked "maybe"', (x) => x.replace('>no</podcast:locked>', '>maybe</podcast:locked>'), 'error', 'channel.locked'],
    ['itunes under a wrong-case URI', (x) => x.replace('http://www.itunes.com/dtds/podcast-1.0.dtd', 'http://www.itunes.com/DTDs/Podcast-1.0.dtd'), 'error', 'namespace.itunes'],
    ['the podcast namespace under its old URI', (x) => x.replace('https://podcastindex.org/namespace/1.0', 'https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md'), 'warning', 'namespace.podcast'],
    ['an item without title', (x) => x.replace('<title>AN #102: Issue 102</title>', ''), 'error', 'item.title'],
    ['an item without enclosure', (x) => x.replace(/<enclosure [^>]*\/>/, ''), 'error', 'enclosure.missing'],
    ['enclosure length 0', (x) => x.replace(/length="\d+"/, 'length="0"'), 'error', 'enclosure.length'],
    ['enclosure length "12 kB"', (x) => x.replace(/length="\d+"/, 'length="12 kB"'), 'error', 'enclosure.length'],
    ['an enclosure without type', (x) => x.replace(/ type="audio\/mpeg"/, ''), 'error', 'enclosure.type'],
    ['a non-ASCII enclosure URL', (x) => x.replace(/(<enclosure url="[^"]*)\.mp3/, '$1-ü.mp3'), 'error', 'enclosure.ascii'],
    ['an item without guid', (x) => x.replace(/<guid [^>]*>[^<]*<\/guid>/, ''), 'error', 'guid.missing'],
    ['the same enclosure twice', (x) => x.replace(/(<enclosure url="[^"]*")([\s\S]*?<enclosure url=")[^"]*"/, '$1$2' + /<enclosure url="([^"]*)"/.exec(x)![1] + '"'), 'error', 'enclosure.unique'],
    ['an ISO date as pubDate', (x) => x.replace(/<pubDate>[^<]*<\/pubDate>(\s*<enclosure)/, '<pubDate>2024-01-19</pubDate>$1'), 'error', 'item.pubDate'],
    ['a pubDate with the wrong weekday', (x) => x.replace(/<pubDate>\w{3},/g, '<pubDate>Mon,'), 'error', 'item.pubDate'],
    ['a description over 4000 bytes', (x) => x.replace('<description>Summaries for issue 102.</description>', `<description>${'ε'.repeat(2001)}</description>`), 'error', 'item.description'],
    ['itunes:duration "1h"', (x) => x.replace(/<itunes:duration>\d+</, '<itunes:duration>1h<'), 'error', 'item.duration'],
    ['itunes:episode "two"', (x) => x.replace('<itunes:episode>102<', '<itunes:episode>two<'), 'error', 'item.episode'],
    ['itunes:episodeType "extra"', (x) => x.replace('<itunes:episodeType>full<', '<itunes:episodeType>extra<'), 'error', 'item.episodeType'],
    ['a transcript without type', (x) => x.replace(' type="text/vtt"', ''), 'error', 'transcript.attributes'],
    ['chapters of another type', (x) => x.replace('type="application/json+chapters"', 'type="application/json"'), 'warning', 'chapters.type'],
    ['a person role outside the taxonomy', (x) => x.replace('role="narrator"', 'role="wizard"'), 'warning', 'person.taxonomy'],
    ['no channel description', (x) => x.replace(/<description>Recorded summaries[^<]*<\/description>/, ''), 'error', 'channel.description'],
  ];

  for (const [what, mutate, severity, rule] of cases) {
    it(`flags ${what}`, async () => {
      const xml = mutate(base);
      expect(xml).not.toBe(base);
      const report = await staticCheck(xml);
      expect(report.findings.filter((f) => f.severity === severity).map((f) => f.rule)).toContain(rule);
    });
  }

  it('warns about http:// URLs, and only notes them on a loopback host', async () => {
    const plain = await staticCheck(buildShow([{ number: 101 }], { publicBaseUrl: 'http://podcast.example.org/' }).xml);
    expect(rules(plain, 'warning').sort()).toEqual(['https.artwork', 'https.enclosure', 'https.episode-files', 'https.feed']);
    const local = await staticCheck(buildShow([{ number: 101 }], { publicBaseUrl: 'http://localhost:8080/' }).xml);
    expect(local.warnings).toBe(0);
    expect(rules(local, 'info')).toContain('https.enclosure');
  });

  it('refuses what is not an RSS feed', async () => {
    expect(rules(await staticCheck('<feed xmlns="http://www.w3.org/2005/Atom"/>'))).toEqual(['rss.root']);
    expect(rules(await staticCheck('<rss version="2.0"/>'))).toEqual(['rss.channel']);
    const utf16 = await checkFeed(Buffer.from('\ufeff<rss/>', 'utf16le'), { source: 'x' });
    expect(utf16.findings[0]!.message).toMatch(/UTF-16/);
  });
});

describe('parseRfc2822', () => {
  it('reads the dates apps write and refuses the rest', () => {
    expect(parseRfc2822('Sat, 10 Feb 2024 00:00:00 GMT')).toEqual({ date: new Date('2024-02-10T00:00:00Z') });
    expect(parseRfc2822('10 Feb 2024 01:30 +0130')).toEqual({ date: new Date('2024-02-10T00:00:00Z') });
    expect(parseRfc2822('Wed, 08 Jan 2020 13:00:02 EST')).toEqual({ date: new Date('2020-01-08T18:00:02Z') });
    expect(parseRfc2822('2024-02-10T00:00:00Z')).toHaveProperty('problem');
    expect(parseRfc2822('Sun, 10 Feb 2024 00:00:00 GMT')).toEqual({ problem: '10 Feb 2024 is a Sat, not a Sun' });
    expect(parseRfc2822('Sat, 31 Feb 2024 00:00:00 GMT')).toEqual({ problem: 'the date or time is out of range' });
    expect(parseRfc2822('Sat, 10 Fév 2024 00:00:00 GMT')).toHaveProperty('problem');
  });
});
