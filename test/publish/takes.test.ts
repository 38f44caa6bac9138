/**
 * Issue 17: `letterpod publish` and `status` with several takes of one issue in
 * recordings/ — a take folder (`recordings/an-302/`) and take-marked files
 * (`an-302-part2.wav`, `AN302 b.wav`) — built as one episode by the same path as
 * `letterpod build` (order by listening, joined, mastered once), every piece listed with
 * its sha256 in episode.json. A take added later (with a pickup beside the folder) makes
 * the build outdated, and the next publish updates the episode under the same GUID and
 * pubDate with a new audio key. The takes are never touched.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { sha256File } from '../../src/hash.js';
import { approvalsPath, isApproved } from '../../src/publish/ledger.js';
import type { StatusReport } from '../../src/publish/status.js';
import type { Manifest } from '../../src/store/manifest.js';
import { ff } from '../helpers/audio.js';
import { letterpod, problems } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { readManifestOf, takesProject, type TakesProject } from '../takes/takes-project.js';

async function episodeJson(dir: string): Promise<EpisodeReport> {
  return JSON.parse(await readFile(join(dir, '.letterpod', 'build', 'an-302', 'episode.json'), 'utf8')) as EpisodeReport;
}

/** The chapter titles of the episode as the store serves them (the feed item's chapters file). */
async function storedChapters(dir: string, manifest: Manifest): Promise<string[]> {
  const json = JSON.parse(await readFile(join(dir, 'feed', manifest.episodes[0]!.chapters!.key), 'utf8')) as { chapters: { title: string; startTime: number }[] };
  const times = json.chapters.map((c) => c.startTime);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  return json.chapters.map((c) => c.title);
}

async function statusOf(dir: string): Promise<StatusReport['issues'][number]> {
  const s = await letterpod(['status', '--json'], dir);
  return (JSON.parse(s.stdout) as StatusReport).issues.find((i) => i.number === 302)!;
}

describe('publish with a take folder in recordings/', () => {
  let p: TakesProject;
  let folder: string;
  let sha: Map<string, string>;
  let first: { report: EpisodeReport; manifest: Manifest; stdout: string };

  const titles = () => p.issue.sections.filter((s) => s.kind === 'summary').map((s) => s.title);

  beforeAll(async () => {
    p = await takesProject(await scratch('publish-takes'));
    folder = join(p.dir, 'recordings', 'an-302');
    await mkdir(folder);
    // names that do not say the order: b.wav reads the opening, a.wav the second summary
    await copyFile(p.takes[0]!.file, join(folder, 'b.wav'));
    await copyFile(p.takes[1]!.file, join(folder, 'a.wav'));
    sha = new Map(await Promise.all(['a.wav', 'b.wav'].map(async (n) => [n, (await sha256File(join(folder, n))).sha256] as [string, string])));
    const r = await letterpod(['publish'], p.dir);
    expect(problems(r.stderr)).toMatch(/^(letterpod: warning #302: .*\n)*$/);
    expect(r.code).toBe(0);
    first = { report: await episodeJson(p.dir), manifest: await readManifestOf(p.dir), stdout: r.stdout };
  });

  it('builds one episode from the folder: takes in the order they read, each listed with its sha256, chapters in order in the feed', async () => {
    const { report, manifest, stdout } = first;
    expect(report.pieces!.map((x) => [basename(x.file), x.role, x.sha256])).toEqual([
      ['b.wav', 'take', sha.get('b.wav')],
      ['a.wav', 'take', sha.get('a.wav')],
    ]);
    expect(stdout).toMatch(/published #302 from recordings\/an-302\/ \(a\.wav \+ b\.wav\): new episode/);
    expect(manifest.episodes.map((e) => e.number)).toEqual([302]);
    expect(manifest.episodes[0]!.audio.sha256).toBe(report.audio.sha256);
    const feed = await readFile(join(p.dir, 'feed', 'feed.xml'), 'utf8');
    expect(feed.match(/<item>/g)).toHaveLength(1);
    expect(feed).toContain(manifest.episodes[0]!.chapters!.key);
    // the summaries in the text's order, the two these takes read first (the third is not read:
    // the last take's run goes to the end of the text, so it may get a low-confidence chapter)
    const chapters = (await storedChapters(p.dir, manifest)).filter((t) => titles().includes(t));
    expect(chapters.slice(0, 2)).toEqual(titles().slice(0, 2));
    const s = await statusOf(p.dir);
    expect(s.state).toBe('published');
    expect(s.pieces).toEqual({ takes: [join(folder, 'a.wav'), join(folder, 'b.wav')], pickups: [], published: 'up to date' });
  });

  it('approve approves the recording the build joined from the takes (what publish checks)', async () => {
    const r = await letterpod(['approve', '302'], p.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/approved #302: recordings\/an-302 with newsletters\/an-302\.md/);
    const approvals = JSON.parse(await readFile(approvalsPath(p.dir), 'utf8')) as Record<string, { recordingSha256: string; audioSha256?: string }>;
    expect([approvals['302']!.recordingSha256, approvals['302']!.audioSha256]).toEqual([first.report.source.sha256, first.report.audio.sha256]);
    expect(await isApproved(p.dir, 302, first.report.source.sha256, first.report.source.issueSha256)).toBe(true);
  });

  it('a second publish with nothing changed reuses the build', async () => {
    const r = await letterpod(['publish'], p.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nothing new to publish/);
    expect((await episodeJson(p.dir)).builtAt).toBe(first.report.builtAt);
  });

  it('a take added to the folder and a pickup beside it: status says the episode is not up to date, publish updates it under the same GUID and pubDate with a new audio key', async () => {
    await copyFile(p.takes[2]!.file, join(folder, 'c.wav'));
    const s = await statusOf(p.dir);
    expect(s.state).toBe('published, build outdated');
    expect(s.pieces).toMatchObject({ published: 'outdated', why: 'the take c.wav is new' });
    const text = await letterpod(['status'], p.dir);
    expect(text.stdout).toMatch(/pieces #302: takes an-302\/a\.wav, an-302\/b\.wav, an-302\/c\.wav: the published episode is not up to date with them \(the take c\.wav is new\)/);

    const pickup = join(p.dir, 'recordings', 'an-302 fix 1.wav');
    await copyFile(p.pickup, pickup);
    const r = await letterpod(['publish'], p.dir);
    expect(problems(r.stderr)).toMatch(/^(letterpod: warning #302: .*\n)*$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/published #302 from recordings\/an-302\/ \(a\.wav \+ b\.wav \+ c\.wav\) with the pickup recordings\/an-302 fix 1\.wav: updated \(same GUID\)/);
    const report = await episodeJson(p.dir);
    expect(report.pieces!.map((x) => [basename(x.file), x.role])).toEqual([
      ['b.wav', 'take'],
      ['a.wav', 'take'],
      ['c.wav', 'take'],
      ['an-302 fix 1.wav', 'pickup'],
    ]);
    expect(report.pieces![3]!.sha256).toBe((await sha256File(p.pickup)).sha256);
    expect(report.replaced!.map((x) => [basename(x.file), x.sections])).toEqual([['an-302 fix 1.wav', [p.issue.sections.find((x) => x.kind === 'summary')!.id]]]);
    const before = first.manifest.episodes[0]!;
    const manifest = await readManifestOf(p.dir);
    const after = manifest.episodes[0]!;
    expect(manifest.episodes).toHaveLength(1);
    expect([after.guid, after.pubDate]).toEqual([before.guid, before.pubDate]);
    expect(after.audio.key).not.toBe(before.audio.key);
    expect(after.audio.sha256).toBe(report.audio.sha256);
    expect(await storedChapters(p.dir, manifest).then((c) => c.filter((t) => titles().includes(t)))).toEqual(titles());
    expect((await statusOf(p.dir)).pieces).toMatchObject({ pickups: [pickup], published: 'up to date' });
    // the takes were only read
    for (const [n, h] of sha) expect((await sha256File(join(folder, n))).sha256).toBe(h);
  });
});

describe('publish with take-marked files in recordings/', () => {
  it('joins an-302-part2.wav and AN302 b.wav into one episode instead of refusing the second as a duplicate', async () => {
    const p = await takesProject(await scratch('publish-takes-marked'));
    const part2 = join(p.dir, 'recordings', 'an-302-part2.wav');
    const b = join(p.dir, 'recordings', 'AN302 b.wav');
    await copyFile(p.takes[1]!.file, part2);
    await copyFile(p.takes[0]!.file, b);
    const r = await letterpod(['publish'], p.dir);
    expect(problems(r.stderr)).toMatch(/^(letterpod: warning #302: .*\n)*$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/published #302 from recordings\/an-302-part2\.wav \+ recordings\/AN302 b\.wav: new episode/);
    const report = await episodeJson(p.dir);
    expect(report.pieces!.map((x) => [x.file, x.role, x.sha256])).toEqual([
      [b, 'take', (await sha256File(p.takes[0]!.file)).sha256],
      [part2, 'take', (await sha256File(p.takes[1]!.file)).sha256],
    ]);
    const s = await statusOf(p.dir);
    expect([s.state, s.recording?.path, s.pieces?.published]).toEqual(['published', part2, 'up to date']);
  });
});

describe('publish with a take that re-reads a summary of the main recording', () => {
  it('uses it as a pickup (found by listening) instead of refusing it as a second recording of the issue', async () => {
    const p = await takesProject(await scratch('publish-takes-reread'));
    const main = join(p.dir, 'recordings', 'an-302.wav');
    const reread = join(p.dir, 'recordings', 'an-302 b.wav');
    await copyFile(await p.render.whole('an-302.wav'), main);
    await copyFile(await p.render.reread(1, 'an-302 b.wav'), reread);
    const hashes = await Promise.all([main, reread].map((f) => sha256File(f).then((h) => h.sha256)));
    const r = await letterpod(['publish'], p.dir);
    expect(r.code).toBe(0);
    expect(problems(r.stderr)).toMatch(/letterpod: warning #302: an-302 b\.wav re-reads what an-302\.wav reads: used as a pickup/);
    expect(problems(r.stderr)).toMatch(/^(letterpod: warning #302: .*\n)*$/);
    expect(r.stdout).toMatch(/published #302 from recordings\/an-302\.wav \+ recordings\/an-302 b\.wav: new episode/);
    const report = await episodeJson(p.dir);
    expect(report.pieces!.map((x) => [x.file, x.role, x.sha256])).toEqual([
      [main, 'take', hashes[0]],
      [reread, 'pickup', hashes[1]],
    ]);
    const second = p.issue.sections.filter((s) => s.kind === 'summary')[1]!;
    expect(report.replaced!.map((x) => [x.file, x.sections])).toEqual([[reread, [second.id]]]);
    // a second publish takes the build as current: the take used as a pickup is one of its pieces
    const again = await letterpod(['publish'], p.dir);
    expect(again.stdout).toMatch(/nothing new to publish/);
  });
});

describe('a recording matched by its tags, with a pickup named for its issue', () => {
  it('keeps the pickup with it (status and the dry run), as before take sets: not refused as a pickup without a recording', async () => {
    const p = await takesProject(await scratch('publish-takes-tags'));
    const reading = join(p.dir, 'recordings', 'reading.wav');
    const pickup = join(p.dir, 'recordings', 'an-302 fix 1.wav');
    await ff('-i', p.takes[0]!.file, '-c', 'copy', '-metadata', 'title=AN #302', reading);
    await copyFile(p.pickup, pickup);
    const s = await statusOf(p.dir);
    expect([s.recording, s.pieces]).toEqual([{ path: reading, by: 'tags' }, { takes: [reading], pickups: [pickup], published: 'not published' }]);
    const r = await letterpod(['publish', '--dry-run', '--json'], p.dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { recordings: { recording: string; status: string; pickups?: string[] }[] };
    expect(result.recordings.map((x) => [x.recording, x.status, x.pickups])).toEqual([[reading, 'would-build', [pickup]]]);
  });
});
