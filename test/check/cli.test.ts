/** `letterpod check` as a user runs it: the compiled CLI, its output and exit code. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/check/index.js';
import { FEED_KEY } from '../../src/store/keys.js';
import { letterpod } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { buildShow, writeObjects } from '../feed/show.js';
import { serveShow, type TestServer } from './server.js';

describe('letterpod check', () => {
  let project: string;
  let broken: string;

  beforeAll(async () => {
    // a project whose local store holds a good feed (the default target)
    project = await scratch('check-cli');
    const good = buildShow([{ number: 101 }, { number: 102 }], { publicBaseUrl: 'https://cdn.example.org/an/' });
    await writeObjects(join(project, 'feed'), good.objects);
    const config = {
      show: {
        title: 'Alignment Newsletter Podcast',
        description: 'Summaries.',
        author: 'Alignment Newsletter',
        owner: { name: 'P', email: 'p@example.org' },
        link: 'https://example.org/',
      },
      store: { type: 'local', path: 'feed', publicBaseUrl: 'https://cdn.example.org/an/' },
    };
    await writeFile(join(project, 'letterpod.config.json'), JSON.stringify(config));
    // a folder with a feed missing an enclosure length, a duplicate GUID and non-square artwork
    broken = await scratch('check-cli-broken');
    const bad = buildShow([{ number: 101, guid: 'dup' }, { number: 102, guid: 'dup' }], { artwork: [1600, 1400] });
    await writeObjects(broken, bad.objects);
    await writeFile(join(broken, FEED_KEY), bad.xml.replace(/ length="\d+"/, ''));
  });

  it('checks the configured store\'s feed by default and exits 0 when nothing is wrong', async () => {
    const result = await letterpod(['check'], project);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/feed\.xml: 2 episodes\n/);
    expect(result.stdout).toMatch(/\n0 errors, 0 warnings, \d+ notes?\n$/);
  });

  it('prints each finding with its severity and exits 1 on errors', async () => {
    const result = await letterpod(['check', join(broken, FEED_KEY)], project);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('error   '))).toHaveLength(3);
    expect(result.stdout).toMatch(/^error {3}item 1 \(AN #102: Issue 102\): <enclosure> has no length .*\[enclosure\.length, line \d+\]$/m);
    expect(result.stdout).toMatch(/^error {3}item 2 \(AN #101: Issue 101\): guid "dup" is also the guid of item 1 .*\[guid\.unique, line \d+\]$/m);
    expect(result.stdout).toMatch(/^error {3}channel: the artwork is not square \(1600×1400 px\) \[artwork\.square, line \d+\]$/m);
    expect(result.stdout).toMatch(/\n3 errors, 0 warnings, \d+ notes?\n$/);
  });

  it('prints JSON with --json (a folder works as well as its feed.xml)', async () => {
    const result = await letterpod(['check', broken, '--json'], project);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.errors).toBe(3);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule).sort()).toEqual(['artwork.square', 'enclosure.length', 'guid.unique']);
  });

  it('checks only the document with --offline', async () => {
    const result = await letterpod(['check', broken, '--offline', '--json'], project);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule).sort()).toEqual(['enclosure.length', 'guid.unique']);
    expect(report.findings.map((f) => f.rule)).toContain('network.offline');
  });

  it('says which file is missing, in one line, exit 1', async () => {
    const result = await letterpod(['check', join(broken, 'nope.xml')], project);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^letterpod: .*nope\.xml: feed not found\. /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe('with a feed URL', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await serveShow([{ number: 101 }]);
    });

    it('requests HEAD and Range for real, and fails a server without Range', async () => {
      const good = await letterpod(['check', `${server.url('good')}feed.xml`], project);
      expect(good.code).toBe(0);
      const bad = await letterpod(['check', `${server.url('norange')}feed.xml`, '--json'], project);
      expect(bad.code).toBe(1);
      const report = JSON.parse(bad.stdout) as CheckReport;
      expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['enclosure.range']);
    });

    it('says when the feed itself cannot be fetched', async () => {
      const result = await letterpod(['check', `${server.url('good')}missing.xml`], project);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/missing\.xml: feed not readable \(HTTP 404\)/);
    });
  });
});
