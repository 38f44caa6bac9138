import { parseFeed } from 'podcast-partytime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { episodeTitle, parseCategory, renderFeed } from '../../src/feed/render.js';
import type { Manifest, ManifestEpisode } from '../../src/store/manifest.js';
import { sha256, testConfig } from '../store/fixtures.js';

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

const config = testConfig('/tmp/show');

describe('renderFeed', () => {
  afterEach(() => vi.useRealTimers());

  it('renders channel and items that podcast-partytime reads back', () => {
    const xml = renderFeed(config, manifest([episode(101), episode(102)]));
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
  });

  it('escapes titles and notes so they round-trip', () => {
    const title = 'Tom & Jerry’s <β> "test"';
    const notes = '<p>Cats &amp; mice — “quoted” ]]> done</p>';
    const xml = renderFeed(
      testConfig('/tmp/show', { title: 'Show <&> "Ω"' }),
      manifest([episode(101, { title, notesHtml: notes, description: 'a < b & "c" ]]> d' })]),
    );
    const f = parseFeed(xml)!;
    expect(f.title).toBe('Show <&> "Ω"');
    expect(f.items[0]!.title).toBe(`AN #101: ${title}`);
    // The HTML goes into CDATA verbatim ("]]>" split across two sections); partytime then
    // decodes entities inside it, so it reads "&amp;" back as "&".
    expect(xml).toContain(
      '<content:encoded><![CDATA[<p>Cats &amp; mice — “quoted” ]]]]><![CDATA[> done</p>]]></content:encoded>',
    );
    expect(f.items[0]!.content).toBe('<p>Cats & mice — “quoted” ]]> done</p>');
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
    expect(a).toContain('<lastBuildDate>Thu, 04 Jul 2024 08:30:00 GMT</lastBuildDate>');
    expect(parseFeed(a)!.lastBuildDate?.toISOString()).toBe('2024-07-04T08:30:00.000Z');
  });

  it('keeps descriptions within 4000 bytes and drops characters XML cannot carry', () => {
    const long = 'Ünïcödé summary, '.repeat(400) + '\u0001';
    const xml = renderFeed(config, manifest([episode(101, { description: long, title: 'Bell\u0007 issue' })]));
    const item = parseFeed(xml)!.items[0]!;
    expect(Buffer.byteLength(item.description ?? '', 'utf8')).toBeLessThanOrEqual(4000);
    expect(Buffer.byteLength(item.description ?? '', 'utf8')).toBeGreaterThan(3900);
    expect(item.title).toBe('AN #101: Bell issue');
  });

  it('renders an empty show, and omits artwork, chapters and transcripts when absent', () => {
    const xml = renderFeed(config, manifest([episode(101, { chapters: undefined, transcripts: {} })], { artwork: undefined }));
    const f = parseFeed(xml)!;
    expect(f.itunesImage).toBeUndefined();
    expect(f.items[0]!.podcastChapters).toBeUndefined();
    expect(f.items[0]!.podcastTranscripts).toBeUndefined();
    const empty = parseFeed(renderFeed(config, manifest([])));
    expect(empty?.title).toBe('Alignment Newsletter Podcast');
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
  });
});
