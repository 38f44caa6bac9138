/**
 * `letterpod import` and `letterpod redirect-feed` as a user runs them: a real process on a
 * real project, its output and exit code, the config file left untouched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterpod } from '../helpers/cli.js';
import { makeProject } from '../publish/project.js';
import { removeDir, tempDir } from '../store/fixtures.js';
import { oldFeedXml, weeklyItems } from './old-feed.js';

describe('letterpod import (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('import-cli');
    await makeProject(dir, { type: 'local', path: 'feed', publicBaseUrl: 'https://cdn.example.org/an/' });
    const items = weeklyItems([1, 2, 3].map((n) => ({ number: n, title: `Issue ${n}`, summary: `Summary ${n}.` })));
    await writeFile(join(dir, 'old.rss'), oldFeedXml([...items, items[1]!]));
  });
  afterAll(() => removeDir(dir));

  it('imports, reports the duplicate, proposes the old channel without touching the config, and is a no-op the second time', async () => {
    const config = await readFile(join(dir, 'letterpod.config.json'), 'utf8');
    const first = await letterpod(['import', 'old.rss'], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 issue episodes and 0 other items added');
    expect(first.stdout).toMatch(/item 4 \(AN #2: Issue 2\): duplicate GUID/);
    expect(first.stdout).toContain('show.title: "Alignment Newsletter Audio"');
    expect(first.stdout).toContain('manifest written; feed written');
    expect(await readFile(join(dir, 'letterpod.config.json'), 'utf8')).toBe(config);
    const xml = await readFile(join(dir, 'feed', 'feed.xml'), 'utf8');
    expect(xml).toContain('http://old-host.example/an/an-2.mp3');

    const second = await letterpod(['import', 'old.rss', '--json'], dir);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout) as { addedIssues: number[]; unchanged: string[]; manifestChanged: boolean; feedChanged: boolean };
    expect(json).toMatchObject({ addedIssues: [], manifestChanged: false, feedChanged: false });
    expect(json.unchanged).toHaveLength(3);
  });

  it('writes the redirect feed for the old location', async () => {
    const r = await letterpod(['redirect-feed', '--old-url', 'https://old-host.example/an/feed.rss', '--out', 'old-location.rss'], dir);
    expect(r.code).toBe(0);
    const xml = await readFile(join(dir, 'old-location.rss'), 'utf8');
    expect(xml).toContain('<itunes:new-feed-url>https://cdn.example.org/an/feed.xml</itunes:new-feed-url>');
    const check = await letterpod(['check', join(dir, 'old-location.rss'), '--offline', '--json'], dir);
    expect(check.stdout).toContain('channel.new-feed-url');
  });

  it('refuses a bad --concurrency with exit 2', async () => {
    const r = await letterpod(['import', 'old.rss', '--concurrency', '0'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--concurrency 0');
  });
});
