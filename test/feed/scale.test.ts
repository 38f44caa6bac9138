/**
 * Scale: the 170 issues of ../shared/newsletters/summaries.csv as one show (notes and
 * descriptions from every summary, tiny stand-in MP3s). The feed lists them all, correctly,
 * renders fast (the figure is `npm run bench:feed`; here only a generous sanity bound), and
 * an item limit shortens the feed without touching the manifest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'podcast-partytime';
import { beforeAll, expect, it } from 'vitest';
import { buildScaleShow, scaleConfig, writeStore, type ScaleShow } from '../../src/bench/feed.js';
import { checkFeed, localFetcher } from '../../src/check/index.js';
import { renderFeed } from '../../src/feed/render.js';
import { FEED_KEY, MANIFEST_KEY } from '../../src/store/keys.js';
import { serializeManifest } from '../../src/store/manifest.js';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

describeShared('a feed of the 170 issues of summaries.csv', () => {
  let show: ScaleShow;
  let root: string;
  const base = 'https://cdn.example.org/an/';

  beforeAll(async () => {
    root = await scratch('feed-scale');
    show = buildScaleShow(await readFile(sharedPath('newsletters', 'summaries.csv'), 'utf8'), { root, publicBaseUrl: base });
    await writeStore(join(root, 'feed'), show.objects);
  });

  it('lists every episode with its exact enclosure size, unique GUIDs and URLs', () => {
    expect(show.manifest.episodes).toHaveLength(170);
    const xml = show.objects.get(FEED_KEY)!.toString('utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseFeed(xml)!;
    expect(feed.items).toHaveLength(170);
    expect(feed.items[0]!.itunesEpisode).toBe(171);
    expect(feed.items[169]!.itunesEpisode).toBe(1);
    expect(new Set(feed.items.map((i) => i.guid)).size).toBe(170);
    expect(new Set(feed.items.map((i) => i.enclosure.url)).size).toBe(170);
    for (const item of feed.items) {
      const key = item.enclosure.url.slice(base.length);
      expect(item.enclosure.length).toBe(show.objects.get(key)!.length);
      expect(item.podcastChapters?.url.startsWith(base)).toBe(true);
      expect(item.podcastTranscripts).toHaveLength(2);
      expect(item.podcastPeople?.map((p) => p.role)).toEqual(['Narrator', 'Author']);
      expect(Buffer.byteLength(item.description ?? '', 'utf8')).toBeLessThanOrEqual(4000);
      expect(item.description).toMatch(/00:00:00 /);
    }
  });

  it('renders the same bytes again, within a generous time bound', () => {
    renderFeed(show.config, show.manifest); // warm
    const start = performance.now();
    const xml = renderFeed(show.config, show.manifest);
    const ms = performance.now() - start;
    expect(xml).toBe(show.objects.get(FEED_KEY)!.toString('utf8'));
    // npm run bench:feed measures it (~40 ms here); this only catches a gross regression
    expect(ms).toBeLessThan(1000);
  });

  it('keeps only the newest N in the feed with an item limit, and every episode in the manifest', () => {
    const limited = scaleConfig(root, base, 50);
    const manifestBefore = serializeManifest(show.manifest);
    const feed = parseFeed(renderFeed(limited, show.manifest))!;
    expect(feed.items).toHaveLength(50);
    expect(feed.items.map((i) => i.itunesEpisode)).toEqual(Array.from({ length: 50 }, (_, i) => 171 - i));
    expect(serializeManifest(show.manifest)).toBe(manifestBefore);
    expect(show.manifest.episodes).toHaveLength(170);
    expect(show.objects.get(MANIFEST_KEY)!.toString('utf8')).toBe(manifestBefore);
  });

  it('passes letterpod check against the store folder with no error or warning', async () => {
    const folder = join(root, 'feed');
    const report = await checkFeed(await readFile(join(folder, FEED_KEY)), { source: 'scale', fetcher: localFetcher(folder, [base]) });
    expect(report.items).toBe(170);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
