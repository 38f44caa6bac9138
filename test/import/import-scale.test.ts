/**
 * Import of a 170-item feed written the way another host writes it (from the shared
 * summaries.csv back catalogue), then one new episode published: podcastparser, feedparser
 * and podcast-partytime see 171 items, every imported GUID and pubDate unchanged, the new
 * one on top; a second import changes nothing; a re-master of an imported issue keeps its GUID.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeed as partytime } from 'podcast-partytime';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issuesFromSummaries, summariesCsvPath } from '../../src/bench/feed.js';
import { parseFeed } from '../../src/check/feed.js';
import { staticFindings } from '../../src/check/rules.js';
import { importFeed } from '../../src/import/import-feed.js';
import { publishEpisodes } from '../../src/publish/protocol.js';
import { LocalStore } from '../../src/store/local.js';
import { readManifest } from '../../src/store/manifest.js';
import { describeShared } from '../helpers/shared.js';
import { parseWithPython, pythonParsers } from '../helpers/python-feeds.js';
import { makeBuild, makePng, removeDir, snapshot, tempDir, testConfig } from '../store/fixtures.js';
import { oldFeedXml, weeklyItems, type OldItem } from './old-feed.js';

const pythonMissing = Object.entries(pythonParsers).filter(([, ok]) => !ok).map(([n]) => `python3-${n}`);
const withPython = pythonMissing.length ? `(skipped: ${pythonMissing.join(', ')} not installed; run scripts/setup.sh --test)` : '';

describeShared('import of a 170-item back catalogue', () => {
  let dir: string;
  let items: OldItem[];
  let oldFeed: string;
  let feedDir: string;
  let importMs: number;
  let firstImport: Awaited<ReturnType<typeof importFeed>>;
  const config = () => testConfig(join(dir, 'show'), { image: join(dir, 'cover.png') });

  beforeAll(async () => {
    dir = await tempDir('import-scale');
    await makePng(join(dir, 'cover.png'));
    const issues = issuesFromSummaries(await readFile(summariesCsvPath(), 'utf8')).map((issue) => ({
      number: issue.number,
      title: issue.title,
      summary: issue.sections.find((s) => s.kind === 'summary')?.text.slice(0, 400) ?? issue.title,
    }));
    items = weeklyItems(issues);
    oldFeed = join(dir, 'old-feed.rss');
    await writeFile(oldFeed, oldFeedXml(items));
    const c = config();
    feedDir = c.resolved.store!;
    const started = performance.now();
    firstImport = await importFeed(c, new LocalStore(feedDir), oldFeed);
    importMs = performance.now() - started;
  });
  afterAll(() => removeDir(dir));

  it('brings every item in as its issue, in well under a second per hundred', async () => {
    expect(items.length).toBeGreaterThanOrEqual(170);
    expect(firstImport.addedIssues).toHaveLength(items.length);
    expect(firstImport.addedOthers).toEqual([]);
    expect(firstImport.problems).toEqual([]);
    expect(firstImport.manifestChanged && firstImport.feedChanged).toBe(true);
    console.log(`import of ${items.length} items: ${importMs.toFixed(0)} ms`);
    expect(importMs).toBeLessThan(5000);
    const manifest = (await readManifest(new LocalStore(feedDir)))!.manifest;
    for (const old of items) {
      const e = manifest.episodes.find((x) => x.number === old.number)!;
      expect(e.guid).toBe(old.guid);
      expect(e.imported?.pubDate).toBe(old.pubDate);
      expect(e.imported?.enclosure.url).toBe(old.url);
    }
    // the old show's metadata is proposed, the config untouched
    expect(firstImport.proposedConfig['show.title']).toBe('Alignment Newsletter Audio');
    expect(firstImport.proposedConfig['feed.guid']).toBe('4e2b3b1a-0c5f-5d6e-9a8b-1c2d3e4f5a6b');
    expect(config().show.title).toBe('Alignment Newsletter Podcast');
  });

  it('changes nothing when the same feed is imported again', async () => {
    const before = await snapshot(feedDir);
    const again = await importFeed(config(), new LocalStore(feedDir), oldFeed);
    expect(again.addedIssues).toEqual([]);
    expect(again.unchanged).toHaveLength(items.length);
    expect(again.manifestChanged || again.feedChanged).toBe(false);
    expect(await snapshot(feedDir)).toEqual(before);
  });

  describeShared('then one new episode and a re-master', () => {
    let xml: string;
    let newGuid: string;
    let remasteredGuid: string;
    beforeAll(async () => {
      const builds = join(dir, 'builds');
      const store = new LocalStore(feedDir);
      const r172 = await makeBuild(builds, { number: 172, title: 'A new issue after the move' });
      const published = await publishEpisodes(config(), store, [r172], { now: new Date('2026-12-01T12:00:00Z') });
      newGuid = published.episodes[0]!.guid;
      const r100 = await makeBuild(join(builds, 'remaster'), { number: 100, title: 'Re-mastered', frequency: 600 });
      const remaster = await publishEpisodes(config(), store, [r100], { now: new Date('2026-12-02T12:00:00Z') });
      expect(remaster.episodes[0]!.isNew).toBe(false);
      remasteredGuid = remaster.episodes[0]!.guid;
      xml = await readFile(join(feedDir, 'feed.xml'), 'utf8');
    });

    it('keeps the GUID of a re-mastered imported issue', () => {
      expect(remasteredGuid).toBe(items.find((x) => x.number === 100)!.guid);
      expect(xml).toContain(`<pubDate>${items.find((x) => x.number === 100)!.pubDate}</pubDate>`);
    });

    it('podcast-partytime sees 171 items, imported GUIDs and dates unchanged, the new one on top', () => {
      const feed = partytime(xml)!;
      expect(feed.items).toHaveLength(items.length + 1);
      expect(feed.items[0]!.guid).toBe(newGuid);
      const old = partytime(oldFeedXml(items))!;
      const byGuid = new Map(feed.items.map((i) => [i.guid, i]));
      for (const o of old.items) expect(byGuid.get(o.guid)?.pubDate?.getTime()).toBe(o.pubDate?.getTime());
    });

    it.skipIf(pythonMissing.length > 0)(`podcastparser and feedparser see 171 items, imported GUIDs and dates unchanged, the new one on top ${withPython}`.trim(), async () => {
      const after = parseWithPython(join(feedDir, 'feed.xml'));
      const before = parseWithPython(join(dir, 'old-feed.rss'));
      for (const parser of ['podcastparser', 'feedparser'] as const) {
        const got = after[parser].items;
        console.log(`${parser}: ${before[parser].items.length} items before, ${got.length} after`);
        expect(got).toHaveLength(items.length + 1);
        expect(got[0]!.guid).toBe(newGuid);
        const byGuid = new Map(got.map((i) => [i.guid, i.published]));
        for (const o of before[parser].items) expect(byGuid.get(o.guid), `${parser} ${o.guid}`).toBe(o.published);
      }
      expect(after.feedparser.bozo).toBe(false);
    }, 60_000);

    it('passes letterpod check without an error', () => {
      const parsed = parseFeed(Buffer.from(xml));
      const errors = staticFindings(parsed.feed!).filter((f) => f.severity === 'error');
      expect(errors).toEqual([]);
    });
  });
});
