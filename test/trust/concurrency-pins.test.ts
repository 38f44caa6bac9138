/**
 * Issue 14 end to end with real builds and the real CLI:
 * - two `letterpod publish` processes started together on one project with two new
 *   recordings: both succeed (the manifest's conditional write merges the loser; store
 *   writes are per-process temps under per-key locks), no ENOENT on a temp file, the feed
 *   lists both, no temp file is left;
 * - a take only pinned (matched and built, held for review, never published) stays its
 *   issue when renamed to a nameless file and the next issue's text (reading the same
 *   words) arrives: publish --dry-run and status still say #301.
 */
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { letterpod, problems, type CliResult } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { SHOW } from '../publish/project.js';
import { demoIssueText, listFiles, narrateIssue } from '../watch/helpers.js';

const TEMP = /\.(tmp|lptmp|part)$|\.(tmp|id3)-\d+$|\.lock$/;

let base: string;
beforeAll(async () => {
  base = await scratch('trust-concurrency');
  await mkdir(join(base, 'src'));
  for (const [k, n] of [301, 302].entries()) {
    await writeFile(join(base, 'src', `an-${n}.md`), await demoIssueText(n, k));
    await narrateIssue(join(base, 'src', `an-${n}.md`), join(base, 'src', `an-${n}.wav`), n);
  }
});

async function project(name: string, review: string, issues: number[]): Promise<string> {
  const dir = join(base, name);
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: review } }, null, 2));
  for (const n of issues) {
    await copyFile(join(base, 'src', `an-${n}.md`), join(dir, 'newsletters', `an-${n}.md`));
    await copyFile(join(base, 'src', `an-${n}.wav`), join(dir, 'recordings', `an-${n}.wav`));
  }
  return dir;
}

/** Start `letterpod publish` now; resolves when it exits. */
function startPublish(cwd: string): Promise<CliResult> {
  return letterpod(['publish'], cwd);
}

describe('two publishes at once in one project', () => {
  it('both exit 0, no ENOENT on a temp file, the feed lists both episodes once, nothing temporary is left', async () => {
    const dir = await project('twice', 'none', [301, 302]);
    const [a, b] = await Promise.all([startPublish(dir), startPublish(dir)]);
    console.log(`A: exit ${a.code}\n${a.stdout}${a.stderr}\nB: exit ${b.code}\n${b.stdout}${b.stderr}`);
    for (const r of [a, b]) {
      expect(r.stderr).not.toMatch(/ENOENT|unexpected error/);
      expect(problems(r.stderr)).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^feed: .* \(2 episodes; 2 in this run\)$/m);
    }
    // between them, each episode went out once as new
    const news = (a.stdout + b.stdout).match(/^published #30[12] from recordings\/an-30[12]\.wav: new episode$/gm) ?? [];
    expect(news.sort()).toEqual(['published #301 from recordings/an-301.wav: new episode', 'published #302 from recordings/an-302.wav: new episode']);
    const feed = await readFile(join(dir, 'feed', 'feed.xml'), 'utf8');
    expect(feed.match(/<item>/g)).toHaveLength(2);
    expect(feed).toMatch(/AN #301/);
    expect(feed).toMatch(/AN #302/);
    const guids = [...feed.matchAll(/<guid[^>]*>([^<]+)<\/guid>/g)].map((m) => m[1]);
    expect(new Set(guids).size).toBe(2);
    const manifest = JSON.parse(await readFile(join(dir, 'feed', 'manifest.json'), 'utf8')) as { episodes: { number: number }[] };
    expect(manifest.episodes.map((e) => e.number)).toEqual([301, 302]);
    expect((await listFiles(dir)).filter((f) => TEMP.test(f))).toEqual([]);
    const pins = JSON.parse(await readFile(join(dir, '.letterpod', 'matches.json'), 'utf8')) as Record<string, { issue: number }>;
    expect(Object.values(pins).map((p) => p.issue).sort()).toEqual([301, 302]);
    // and it has settled: a third publish finds nothing to do
    const again = await letterpod(['publish'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing new to publish');
  });
});

describe('a take pinned but not yet published', () => {
  let dir: string;
  let first: CliResult;
  beforeAll(async () => {
    // review "always": the take is matched by its name, built and pinned, then held, so never published
    dir = await project('pinned', 'always', [301]);
    first = await letterpod(['publish'], dir);
  });

  it('is held for review, and pinned to #301 by its content hash', async () => {
    expect(first.code).toBe(1);
    expect(problems(first.stderr)).toMatch(/^letterpod: held: recordings\/an-301\.wav \(#301\): #301 waits for review/);
    const pins = JSON.parse(await readFile(join(dir, '.letterpod', 'matches.json'), 'utf8')) as Record<string, { issue: number; by: string }>;
    expect(Object.values(pins)).toEqual([expect.objectContaining({ issue: 301, by: 'name' })]);
  });

  it('renamed to a nameless file, with #302\'s text reading the same words added, it is still #301 (dry run and status)', async () => {
    await rename(join(dir, 'recordings', 'an-301.wav'), join(dir, 'recordings', 'final take.wav'));
    // the next issue's text reads exactly like #301: listening alone could not tell them apart
    const twin = (await readFile(join(dir, 'newsletters', 'an-301.md'), 'utf8')).replace(/^issue: 301$/m, 'issue: 302').replace('[AN #301]', '[AN #302]');
    await writeFile(join(dir, 'newsletters', 'an-302.md'), twin);
    const dry = await letterpod(['publish', '--dry-run'], dir);
    console.log(`$ letterpod publish --dry-run\n${dry.stdout}${dry.stderr}exit ${dry.code}`);
    expect(dry.code).toBe(1);
    expect(problems(dry.stderr).split('\n').filter(Boolean)[0]).toMatch(/^letterpod: held: recordings\/final take\.wav \(#301\): #301 waits for review \(review\.required is "always"\)/);
    expect(dry.stdout + dry.stderr).not.toMatch(/#302|an-302/);
    expect(dry.stdout).not.toMatch(/would build/);

    const status = await letterpod(['status', '--json'], dir);
    const s = JSON.parse(status.stdout) as { issues: { number: number; state: string; recording?: string }[] };
    const i301 = s.issues.find((i) => i.number === 301);
    const i302 = s.issues.find((i) => i.number === 302);
    console.log(JSON.stringify({ i301, i302 }));
    expect(i301?.state).toBe('held for review');
    expect(JSON.stringify(i301)).toContain('final take.wav');
    expect(i302?.state).toBe('no recording');
    expect(JSON.stringify(i302)).not.toContain('final take.wav');
    // nothing was published along the way
    expect((await listFiles(dir)).some((f) => f.startsWith('feed/episodes/'))).toBe(false);
  });
});
