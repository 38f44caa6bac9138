/**
 * Issue 14: `status` computes "published" from what feed.xml lists (a publish killed between
 * manifest and feed shows as such, and the next publish converges); the build's warnings,
 * episodes held for review and files that are not recordings are shown.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/publish/status.js';
import { letterpod, problems } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { addEpisode, makeProject } from '../publish/project.js';

describe('status tells what the feed lists', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratch('trust-status');
    const config = await makeProject(dir, { type: 'local', path: 'feed', publicBaseUrl: 'https://podcast.example.org/' });
    await addEpisode(config, { number: 101 });
    expect((await letterpod(['publish'], dir)).code).toBe(0);
    await copyFile(join(dir, 'feed', 'feed.xml'), join(dir, 'feed-101.xml'));
    const ep = await addEpisode(config, { number: 102 });
    // a build with a warning, under review "none" it publishes; the warning is shown
    const report = JSON.parse(await readFile(ep.report!.files.report, 'utf8'));
    report.warnings = ['summary s3 "Second paper" was not read'];
    await writeFile(ep.report!.files.report, JSON.stringify(report));
    await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ ...JSON.parse(await readFile(join(dir, 'letterpod.config.json'), 'utf8')), review: { required: 'none' } }));
    const r = await letterpod(['publish'], dir);
    expect(r.code).toBe(0);
    expect(problems(r.stderr)).toBe('letterpod: warning #102: summary s3 "Second paper" was not read\n');
    // as if killed after the manifest, before the feed
    await copyFile(join(dir, 'feed-101.xml'), join(dir, 'feed', 'feed.xml'));
    await writeFile(join(dir, 'recordings', 'notes.docx'), 'PK');
  });

  it('an episode in the manifest that feed.xml does not list is not "published"; the next publish converges', async () => {
    const status = JSON.parse((await letterpod(['status', '--json'], dir)).stdout) as StatusReport;
    const byNumber = new Map(status.issues.map((i) => [i.number, i]));
    expect(byNumber.get(101)?.state).toBe('published');
    expect(byNumber.get(102)?.state).toBe('in the manifest, not in the feed');
    expect(byNumber.get(102)?.warnings).toEqual(['summary s3 "Second paper" was not read']);
    expect(status.recordings.find((r) => r.path.endsWith('notes.docx'))?.problem).toMatch(/not a recording letterpod reads \(\.docx\)/);
    const human = await letterpod(['status'], dir);
    expect(human.stdout).toContain('warning #102: summary s3 "Second paper" was not read');
    await writeFile(join(dir, 'recordings', 'notes.docx.part'), '');
    const again = await letterpod(['publish'], dir);
    expect(again.stdout).toMatch(/uploaded feed\.xml/);
    const after = JSON.parse((await letterpod(['status', '--json'], dir)).stdout) as StatusReport;
    expect(after.issues.find((i) => i.number === 102)?.state).toBe('published');
  });
});
