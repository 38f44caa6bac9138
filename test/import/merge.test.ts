/** Which issue an imported item stands for, and what the manifest accepts for an imported episode. */
import { describe, expect, it } from 'vitest';
import { issueNumberOf, readSourceFeed, durationSeconds } from '../../src/import/read-feed.js';
import { mergeImport } from '../../src/import/merge.js';
import { emptyManifest, parseManifest, serializeManifest } from '../../src/store/manifest.js';
import { oldFeedXml, weeklyItems } from './old-feed.js';

describe('import: reading items', () => {
  it('takes the issue number from the title, else a full episode\'s itunes:episode; trailers and bonus items have none', () => {
    expect(issueNumberOf('AN #102: Learning to summarize', '7', 'full')).toBe(102);
    expect(issueNumberOf('Alignment Newsletter Issue 55', undefined, undefined)).toBe(55);
    expect(issueNumberOf('A conversation with Rohin', '12', 'full')).toBe(12);
    expect(issueNumberOf('A conversation with Rohin', '12', 'bonus')).toBeUndefined();
    expect(issueNumberOf('Welcome (trailer)', undefined, 'trailer')).toBeUndefined();
    expect(issueNumberOf('Untitled', 'x', undefined)).toBeUndefined();
  });

  it('reads itunes:duration in its three shapes', () => {
    expect(durationSeconds('1500')).toBe(1500);
    expect(durationSeconds('25:13')).toBe(1513);
    expect(durationSeconds('01:02:03')).toBe(3723);
    expect(durationSeconds('soon')).toBeUndefined();
  });

  it('keeps the issue of an item that collides with an existing episode as an item of its own, reported', () => {
    const items = weeklyItems([{ number: 5, title: 'Five', summary: 'S.' }]);
    const feed = readSourceFeed(Buffer.from(oldFeedXml([items[0]!, { ...items[0]!, guid: 'another-guid', title: 'AN #5: Five again' }])), 'old.rss');
    const merged = mergeImport(emptyManifest(new Date('2024-01-01T00:00:00Z')), feed);
    expect(merged.addedIssues).toEqual([5]);
    expect(merged.addedOthers).toEqual(['another-guid']);
    expect(merged.problems[0]!.problem).toMatch(/issue #5 already has an episode/);
    // what was merged survives the manifest's own schema, byte for byte
    const text = serializeManifest(merged.manifest);
    expect(serializeManifest(parseManifest(text, 'test'))).toBe(text);
  });

  it('refuses a manifest episode with neither stored audio nor an imported enclosure', () => {
    const items = weeklyItems([{ number: 5, title: 'Five', summary: 'S.' }]);
    const merged = mergeImport(emptyManifest(new Date('2024-01-01T00:00:00Z')), readSourceFeed(Buffer.from(oldFeedXml(items)), 'old.rss'));
    const json = JSON.parse(serializeManifest(merged.manifest)) as { episodes: Record<string, unknown>[] };
    delete json.episodes[0]!.imported;
    expect(() => parseManifest(JSON.stringify(json), 'manifest.json')).toThrow(/needs audio in the store or an imported enclosure/);
  });
});
