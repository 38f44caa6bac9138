import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'podcast-partytime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NS } from '../../src/check/feed.js';
import { child, parseXml, textOf } from '../../src/check/xml.js';
import { LetterpodError } from '../../src/errors.js';
import { episodeTitle, feedEpisodes, parseCategory, renderFeed } from '../../src/feed/render.js';
import { podcastGuid } from '../../src/feed/uuid.js';
import { parseManifest, serializeManifest, type Manifest, type ManifestEpisode } from '../../src/store/manifest.js';
import { sha256, testConfig } from '../store/fixtures.js';
import { buildShow, showConfig } from './show.js';

function file(key: string, bytes: number) {
  return { key, bytes, sha256: sha256(key) };
}

function episode(number: number, over: Partial<ManifestEpisode> = {}): ManifestEpisode {
  const h = sha256(`audio ${number}`).slice(0, 8);
  return {
    number,
    slug: `an-${number}`,
    guid: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
    pubDate: `2024-0${number - 100}-10T00:00:00.000Z`,
    firstPublishedAt: '2024-06-01T00:00:00.000Z',
    updatedAt: '2024-06-01T00:00:00.000Z',
    title: `Issue ${number}`,
    description: `Summaries for issue ${number}.`,
    notesHtml: `<p>Summaries for <b>issue ${number}</b>.</p>`,
    audio: { ...file(`episodes/an-${number}/an-${number}-${h}.mp3`, 40_000 + number), durationSeconds: 1234.6 },
    chapters: file(`episodes/an-${number}/chapters-${h}.json`, 300),
    transcripts: {
      vtt: file(`episodes/an-${number}/transcript-${h}.vtt`, 500),
      srt: file(`episodes/an-${number}/transcript-${h}.srt`, 480),
    },
    source: { sha256: sha256(`src ${number}`) },
    ...over,
  };
}

function manifest(episodes: ManifestEpisode[], over: Partial<Manifest> = {}): Manifest {
  return {
    version: 1,
    channel: { fingerprint: 'x', updatedAt: '2024-01-01T00:00:00.000Z' },
    artwork: { ...file('artwork/cover-0123abcd.png', 9000), contentType: 'image/png' },
    episodes,
    ...over,
  };
}

/** Well-formed by two independent parsers: fast-xml-parser's validator and ours. */
function expectWellFormed(xml: string): void {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(() => parseXml(xml)).not.toThrow();
}

const config = testConfig('/tmp/show');

describe('renderFeed', () => {
  afterEach(() => vi.useRealTimers());

  it('renders channel and items that podcast-partytime reads back', () => {
    const xml = renderFeed(config, manifest([episode(101), episode(102)]));
    expectWellFormed(xml);
    const feed = parseFeed(xml);
    expect(feed).not.toBeNull();
    const f = feed!;
    expect(f.title).toBe('Alignment Newsletter Podcast');
    expect(f.description).toBe('Recorded summaries of the Alignment Newsletter.');
    expect(f.link).toBe('https://example.org/alignment-newsletter');
    expect(f.language).toBe('en');
    expect(f.explicit).toBe(false);
    expect(f.itunesType).toBe('episodic');
    expect(f.owner).toEqual({ name: 'Podcast Producer', email: 'producer@example.org' });
    expect(f.itunesCategory).toEqual(['Society & Culture > Philosophy']);
    expect(f.itunesImage).toBe('https://cdn.example.org/podcast/artwork/cover-0123abcd.png');
    expect(f.generator).toBe('letterpod');
    expect(f.locked).toBe(false);
    expect(f.pubsub?.self).toBe('https://cdn.example.org/podcast/feed.xml');
    // UUIDv5 of "cdn.example.org/podcast/feed.xml" (checked with Python's uuid.uuid5).
    expect(f.guid).toBe('5a2a64e7-a299-516f-9bbb-200275b9fe5d');

    expect(f.items.map((i) => i.guid)).toEqual(['00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000101']);
    const [newest] = f.items;
    expect(newest!.title).toBe('AN #102: Issue 102');
    expect(newest!.pubDate?.toISOString()).toBe('2024-02-10T00:00:00.000Z');
    expect(newest!.enclosure).toEqual({
      url: `https://cdn.example.org/podcast/${episode(102).audio.key}`,
      length: 40_102,
      type: 'audio/mpeg',
    });
    expect(newest!.duration).toBe(1235);
    expect(newest!.itunesEpisode).toBe(102);
    expect(newest!.itunesEpisodeType).toBe('full');
    expect(newest!.description).toBe('Summaries for issue 102.');
    expect(newest!.content).toBe('<p>Summaries for <b>issue 102</b>.</p>');
    expect(newest!.podcastChapters).toEqual({
      url: `https://cdn.example.org/podcast/${episode(102).chapters!.key}`,
      type: 'application/json+chapters',
    });
    expect(newest!.podcastTranscripts?.map((t) => [t.url, t.rel])).toEqual([
      [`https://cdn.example.org/podcast/${episode(102).transcripts.vtt!.key}`, 'captions'],
      [`https://cdn.example.org/podcast/${episode(102).transcripts.srt!.key}`, 'captions'],
    ]);
    expect(newest!.podcastTranscripts?.[0]?.type).toBe('text/vtt');
    // The raw tags, as other apps read them.
    expect(xml).toContain('<guid isPermaLink="false">00000000-0000-4000-8000-000000000102</guid>');
    expect(xml).toContain('<pubDate>Sat, 10 Feb 2024 00:00:00 GMT</pubDate>');
    expect(xml).toContain('<itunes:duration>1235</itunes:duration>');
    expect(xml).toContain('type="application/x-subrip" rel="captions"');
    expect(xml).toContain('<podcast:locked owner="producer@example.org">no</podcast:locked>');
    expect(xml).toContain('<itunes:explicit>false</itunes:explicit>');
    expect(xml).toContain('<itunes:category text="Society &amp; Culture">');
    expect(xml).toContain('xmlns:podcast="https://podcastindex.org/namespace/1.0"');
    expect(xml).toContain('<atom:link href="https://cdn.example.org/podcast/feed.xml" rel="self" type="application/rss+xml"/>');
  });

  it('round-trips every channel and item field of a fully configured show', () => {
    const { xml, manifest: m } = buildShow([{ number: 101 }, { number: 102, title: 'Two’s & <three>' }]);
    expectWellFormed(xml);
    const f = parseFeed(xml)!;
    expect(f.copyright).toBe('Rohin Shah');
    expect(f.author).toBe('Alignment Newsletter');
    expect(f.itunesCategory).toEqual(['Science > Mathematics']);
    expect(f.image).toEqual({ url: f.itunesImage, title: 'Alignment Newsletter Podcast', link: 'https://example.org/alignment-newsletter' });
    expect(f.podcastOwner).toBe('producer@example.org');
    expect(f.guid).toBe(podcastGuid('https://cdn.example.org/podcast/feed.xml'));
    // lastBuildDate: the newest updatedAt of what the feed shows, not the render time
    expect(f.lastBuildDate?.toISOString()).toBe(m.episodes[1]!.updatedAt);
    expect(f.pubDate?.toISOString()).toBe(m.episodes[1]!.pubDate);

    const item = f.items[0]!;
    const source = m.episodes[1]!;
    expect(item.title).toBe('AN #102: Two’s & <three>');
    expect(item.link).toBe('https://example.org/an/102');
    expect(item.author).toBe('Alignment Newsletter');
    expect(item.explicit).toBe(false);
    expect(item.enclosure).toEqual({ url: `https://cdn.example.org/podcast/${source.audio.key}`, length: source.audio.bytes, type: 'audio/mpeg' });
    expect(item.duration).toBe(Math.round(source.audio.durationSeconds));
    expect(item.podcastEpisode).toEqual({ number: 102 });
    expect(item.podcastTranscripts).toEqual([
      { url: `https://cdn.example.org/podcast/${source.transcripts.vtt!.key}`, type: 'text/vtt', language: 'en', rel: 'captions' },
      { url: `https://cdn.example.org/podcast/${source.transcripts.srt!.key}`, type: 'application/srt', language: 'en', rel: 'captions' },
    ]);
    expect(item.podcastPeople).toEqual([
      { name: 'Robert Miles', role: 'Narrator', group: 'Cast' },
      { name: 'Rohin Shah', role: 'Author', group: 'Writing', img: 'https://example.org/rohin.jpg', href: 'https://rohinshah.com/' },
    ]);
    // the raw person tags carry the taxonomy's lower-case names
    expect(xml).toContain('<podcast:person role="narrator" group="cast">Robert Miles</podcast:person>');
    expect(xml).toContain('<itunes:title>Two’s &amp; &lt;three&gt;</itunes:title>');
  });

  it('follows the config: title pattern, explicit, serial, locked, a kept podcast:guid', () => {
    const guid = '917393e3-1b1e-5cef-ace4-edaa54e1f810';
    const { xml } = buildShow([{ number: 7, title: 'Seven' }], {
      show: { episodeTitle: '{title} (#{number})', explicit: true, type: 'serial' },
      feed: { locked: true, guid },
    });
    const f = parseFeed(xml)!;
    expect(f.items[0]!.title).toBe('Seven (#7)');
    expect(f.explicit).toBe(true);
    expect(f.items[0]!.explicit).toBe(true);
    expect(f.itunesType).toBe('serial');
    expect(f.locked).toBe(true);
    expect(f.guid).toBe(guid);
  });

  it('names no people when the config has none, and gives issue 0 no itunes:episode', () => {
    const { xml } = buildShow([{ number: 0 }], { show: { narrator: undefined, newsletterAuthor: undefined, people: {} } });
    const f = parseFeed(xml)!;
    expect(f.items[0]!.podcastPeople).toBeUndefined();
    expect(f.items[0]!.itunesEpisode).toBeUndefined();
    expect(xml).not.toContain('<itunes:episode>');
    expect(xml).toContain('<podcast:episode>0</podcast:episode>');
  });

  it('escapes titles and notes so they round-trip', () => {
    const title = 'Tom & Jerry’s <β> "test"';
    const notes = '<p>Cats &amp; mice — “quoted” ]]> done</p>';
    const xml = renderFeed(
      testConfig('/tmp/show', { title: 'Show <&> "Ω"' }),
      manifest([episode(101, { title, notesHtml: notes, description: 'a < b & "c" ]]> d' })]),
    );
    expectWellFormed(xml);
    const f = parseFeed(xml)!;
    expect(f.title).toBe('Show <&> "Ω"');
    expect(f.items[0]!.title).toBe(`AN #101: ${title}`);
    // The HTML goes into CDATA verbatim ("]]>" split across two sections); partytime then
    // decodes entities inside it, so it reads "&amp;" back as "&". Our parser keeps it exact.
    expect(xml).toContain('<content:encoded><![CDATA[<p>Cats &amp; mice — “quoted” ]]]]><![CDATA[> done</p>]]></content:encoded>');
    expect(f.items[0]!.content).toBe('<p>Cats & mice — “quoted” ]]> done</p>');
    const item = child(child(parseXml(xml).root, '', 'channel')!, '', 'item')!;
    expect(textOf(child(item, NS.content, 'encoded')!)).toBe(notes);
    expect(textOf(child(item, '', 'title')!)).toBe(`AN #101: ${title}`);
    expect(f.items[0]!.description).toBe('a < b & "c" ]]> d');
    expect(xml).toContain('<itunes:title>Tom &amp; Jerry’s &lt;β&gt; &quot;test&quot;</itunes:title>');
  });

  it('pins lastBuildDate to the newest change, so renders at different times are byte-identical', () => {
    const m = manifest([episode(101), episode(102, { updatedAt: '2024-07-04T08:30:00.000Z' })]);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const a = renderFeed(config, m);
    vi.setSystemTime(new Date('2031-06-01T12:34:56Z'));
    const b = renderFeed(config, m);
    expect(a).toBe(b);
    // and after the manifest went through the store (serialize → parse)
    expect(renderFeed(config, parseManifest(serializeManifest(m), 'manifest.json'))).toBe(a);
    expect(a).toContain('<lastBuildDate>Thu, 04 Jul 2024 08:30:00 GMT</lastBuildDate>');
    expect(parseFeed(a)!.lastBuildDate?.toISOString()).toBe('2024-07-04T08:30:00.000Z');
  });

  it('moves lastBuildDate with content only', () => {
    const base = manifest([episode(101), episode(102)]);
    const before = renderFeed(config, base);
    const edited = manifest([episode(101, { notesHtml: '<p>fixed</p>', updatedAt: '2024-08-01T00:00:00.000Z' }), episode(102)]);
    const after = renderFeed(config, edited);
    expect(after).not.toBe(before);
    expect(parseFeed(after)!.lastBuildDate?.toISOString()).toBe('2024-08-01T00:00:00.000Z');
    expect(parseFeed(before)!.lastBuildDate?.toISOString()).toBe('2024-06-01T00:00:00.000Z');
  });

  it('keeps descriptions within 4000 bytes and drops characters XML cannot carry', () => {
    const long = 'Ünïcödé summary, '.repeat(400) + '\u0001';
    const xml = renderFeed(config, manifest([episode(101, { description: long, title: 'Bell\u0007 issue\ud800' })]));
    expectWellFormed(xml);
    const item = parseFeed(xml)!.items[0]!;
    expect(Buffer.byteLength(item.description ?? '', 'utf8')).toBeLessThanOrEqual(4000);
    expect(Buffer.byteLength(item.description ?? '', 'utf8')).toBeGreaterThan(3900);
    expect(item.title).toBe('AN #101: Bell issue\ufffd');
  });

  it('renders an empty show, and omits artwork, chapters and transcripts when absent', () => {
    const xml = renderFeed(config, manifest([episode(101, { chapters: undefined, transcripts: {} })], { artwork: undefined }));
    expectWellFormed(xml);
    const f = parseFeed(xml)!;
    expect(f.itunesImage).toBeUndefined();
    expect(f.items[0]!.podcastChapters).toBeUndefined();
    expect(f.items[0]!.podcastTranscripts).toBeUndefined();
    const emptyXml = renderFeed(config, manifest([]));
    expectWellFormed(emptyXml);
    expect(parseXml(emptyXml).root.local).toBe('rss');
  });

  it('refuses a category Apple does not know, naming the config file', () => {
    const bad = { ...config, show: { ...config.show, category: 'Technolgy' } };
    expect(() => renderFeed(bad, manifest([episode(101)]))).toThrow(LetterpodError);
    expect(() => renderFeed(bad, manifest([episode(101)]))).toThrow(/letterpod\.config\.json: show\.category: "Technolgy" is not an Apple Podcasts category; did you mean "Technology"/);
  });
});

describe('item limit', () => {
  const episodes = [101, 102, 103, 104, 105].map((n) => ({ number: n, pubDate: `2024-0${n - 100}-01T00:00:00.000Z` }));

  it('keeps the newest N in the feed and every episode in the manifest', () => {
    const { xml, manifest: m, config: c } = buildShow(episodes, { feed: { itemLimit: 2 } });
    expect(m.episodes).toHaveLength(5);
    expect(parseFeed(xml)!.items.map((i) => i.itunesEpisode)).toEqual([105, 104]);
    expect(feedEpisodes(c, m).map((e) => e.number)).toEqual([105, 104]);
    expect(parseFeed(buildShow(episodes).xml)!.items).toHaveLength(5);
  });

  it('does not move lastBuildDate (or change a byte) when an episode outside the limit changes', () => {
    const limited = showConfig({ feed: { itemLimit: 2 } });
    const { manifest: m } = buildShow(episodes);
    const before = renderFeed(limited, m);
    const old = m.episodes[0]!;
    const edited: Manifest = { ...m, episodes: [{ ...old, notesHtml: '<p>re-mastered</p>', updatedAt: '2025-01-01T00:00:00.000Z' }, ...m.episodes.slice(1)] };
    expect(renderFeed(limited, edited)).toBe(before);
    expect(renderFeed(showConfig(), edited)).toContain('<lastBuildDate>Wed, 01 Jan 2025 00:00:00 GMT</lastBuildDate>');
  });

  it('is validated by the config schema', () => {
    expect(() => showConfig({ feed: { itemLimit: 0 } })).toThrow(/feed\.itemLimit/);
    expect(() => showConfig({ feed: { guid: 'not-a-uuid' } })).toThrow(/feed\.guid/);
  });
});

describe('helpers', () => {
  it('fills the episode title pattern', () => {
    expect(episodeTitle('AN #{number}: {title}', { number: 7, title: 'A $& B' })).toBe('AN #7: A $& B');
    expect(episodeTitle('{title} ({number}) {number}', { number: 7, title: 'T' })).toBe('T (7) 7');
  });

  it('parses "Category > Subcategory"', () => {
    expect(parseCategory('Technology')).toEqual([{ text: 'Technology' }]);
    expect(parseCategory('Society & Culture > Philosophy')).toEqual([{ text: 'Society & Culture', subcats: [{ text: 'Philosophy' }] }]);
    expect(parseCategory(' Society  & Culture >Philosophy ')).toEqual([{ text: 'Society & Culture', subcats: [{ text: 'Philosophy' }] }]);
  });
});
