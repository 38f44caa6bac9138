/**
 * `letterpod publish` from a project folder: recordings/ + newsletters/ become feed/ with
 * a feed.xml that podcast-partytime parses, exact enclosure lengths, and a second publish
 * that changes no file.
 */
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeed } from 'podcast-partytime';
import { beforeAll, describe, expect, it } from 'vitest';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import { letterpod, problems } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';
import { snapshot } from '../store/fixtures.js';

describe('letterpod publish (local store)', () => {
  let dir: string;
  let first: { code: number | null; stdout: string; stderr: string };
  beforeAll(async () => {
    dir = await scratch('publish');
    await mkdir(join(dir, 'newsletters'), { recursive: true });
    await mkdir(join(dir, 'recordings'), { recursive: true });
    // the issue text's name says nothing; the recording's name carries the number in another spelling
    await copyFile(join(projectRoot, 'demo', 'an-999.md'), join(dir, 'newsletters', 'demo-issue.md'));
    const issue = await readIssue(join(dir, 'newsletters', 'demo-issue.md'));
    const sections = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
    await narrate(sections, join(dir, 'recordings', 'Alignment Newsletter 999.wav'), { seed: 7 });
    first = await letterpod(['publish'], dir);
  });

  it('publishes the episode and a feed that podcast-partytime parses', async () => {
    expect(problems(first.stderr)).toBe('');
    expect(first.code).toBe(0);
    const xml = await readFile(join(dir, 'feed', 'feed.xml'), 'utf8');
    const feed = parseFeed(xml);
    expect(feed).not.toBeNull();
    expect(feed!.title).toBe('Alignment Newsletter Podcast');
    expect(feed!.items).toHaveLength(1);
    const item = feed!.items[0]!;
    expect(item.title).toBe('AN #999: A demo issue for letterpod, about listening machines');
    expect(item.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.duration).toBeGreaterThan(100);
    expect(item.podcastChapters?.type).toBe('application/json+chapters');
    expect(item.content).toContain('Teaching Agents to Ask Before Acting');
  });

  it('every enclosure length equals its file size in the store', async () => {
    const feed = parseFeed(await readFile(join(dir, 'feed', 'feed.xml'), 'utf8'))!;
    for (const item of feed.items) {
      const url = new URL(item.enclosure!.url);
      expect(url.href.startsWith('http://localhost:8080/episodes/an-999/')).toBe(true);
      const file = join(dir, 'feed', decodeURIComponent(url.pathname));
      expect(item.enclosure!.length).toBe((await stat(file)).size);
      expect(item.enclosure!.type).toBe('audio/mpeg');
    }
  });

  it('a second publish with nothing new changes no file', async () => {
    const before = await snapshot(join(dir, 'feed'));
    const again = await letterpod(['publish'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing new to publish');
    expect(again.stdout).not.toContain('built');
    expect(await snapshot(join(dir, 'feed'))).toEqual(before);
  });
});
