/**
 * Issue 14, `letterpod publish` as a batch, end to end with real builds: each recording
 * succeeds or fails on its own, failures are named with their fix, exit 1; a take named for
 * one issue that reads another is held; review holds an episode until `letterpod approve`;
 * a published take stays pinned to its issue; video files are used, other files listed.
 */
import { copyFile, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import { ff } from '../helpers/audio.js';
import { letterpod, problems, type CliResult } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { SHOW } from '../publish/project.js';

const TOPICS: Record<number, string[]> = {
  101: [
    'Reward models trained on human comparisons can be gamed by a policy that finds their blind spots.',
    'The authors measure how quickly the gap between proxy reward and true reward opens during training.',
    'Larger reward models delay the divergence but do not remove it.',
  ],
  102: [
    'Interpretability of chess engines shows that the network represents board threats before it moves.',
    'Probing the residual stream recovers which pieces are attacked in ninety percent of positions.',
    'The probe fails on rare endgames, where the network relies on memorized patterns.',
  ],
  103: [
    'Debate between two language models helps a weak judge answer hard reading questions correctly.',
    'When both debaters argue honestly the judge accuracy rises from sixty to eighty percent.',
    'A deceptive debater wins less often than expected, because quotes from the text can be checked.',
  ],
};

function issueText(n: number): string {
  const [a, b, c] = TOPICS[n]!;
  return [
    '---', `title: "[AN #${n}]: Issue ${n}"`, `issue: ${n}`, `url: https://example.org/an/${n}`, '---', '',
    'HIGHLIGHTS', '==========', '',
    `**[First paper of ${n}](https://example.org/p/${n}/1)** *(Ada Byron)* (summarized by Rohin): ${a} ${b}`, '',
    `**[Second paper of ${n}](javascript:alert(${n}))** *(Alan Turing)* (summarized by Rohin): ${c} ${a}`, '',
  ].join('\n');
}

async function project(name: string, review: string): Promise<string> {
  const dir = join(base, name);
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: review } }, null, 2));
  for (const n of [101, 102, 103]) await writeFile(join(dir, 'newsletters', `an-${n}.md`), issueText(n));
  return dir;
}

let base: string;
const readings: Record<number, string> = {};
beforeAll(async () => {
  base = await scratch('trust-batch');
  await mkdir(join(base, 'src'), { recursive: true });
  for (const n of [101, 102]) {
    const file = join(base, 'src', `an-${n}.md`);
    await writeFile(file, issueText(n));
    const issue = await readIssue(file);
    readings[n] = join(base, 'src', `reading-${n}.wav`);
    await narrate(issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text })), readings[n]!, { seed: n });
  }
});

function lines(r: CliResult): string[] {
  return problems(r.stderr).trim().split('\n').filter(Boolean);
}

describe('a batch is a batch', () => {
  let dir: string;
  let first: CliResult;
  beforeAll(async () => {
    dir = await project('batch', 'none');
    // good: a video file with #101's reading as its sound
    await ff('-f', 'lavfi', '-i', 'color=c=black:s=64x64:r=5', '-i', readings[101]!, '-shortest', '-c:v', 'libx264', '-c:a', 'aac', '-pix_fmt', 'yuv420p', join(dir, 'recordings', 'AN 101 zoom recording.mp4'));
    // bad: #102's reading as an MP3, cut in half (an interrupted upload)
    await ff('-i', readings[102]!, '-c:a', 'libmp3lame', '-b:a', '64k', join(base, 'an-102-full.mp3'));
    const full = await readFile(join(base, 'an-102-full.mp3'));
    await writeFile(join(dir, 'recordings', 'an-102.mp3'), full.subarray(0, Math.floor(full.length / 2)));
    // bad: a text file named like a recording
    await writeFile(join(dir, 'recordings', 'an-103.wav'), 'not audio at all\n');
    // listed: not a recording
    await writeFile(join(dir, 'recordings', 'script.docx'), 'PK');
    first = await letterpod(['publish'], dir);
  });

  it('publishes the good one, names each failure with its fix, lists the other file, exits 1', async () => {
    console.log(`$ letterpod publish\n${first.stdout}${first.stderr}exit ${first.code}`);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^published #101 from recordings\/AN 101 zoom recording\.mp4: new episode$/m);
    const err = lines(first);
    expect(err).toContainEqual(expect.stringMatching(/^letterpod: failed: recordings\/an-102\.mp3 ends after \d+ s of the \d+ s its header claims: the upload or export looks incomplete\. Copy or export the whole recording again/));
    expect(err).toContainEqual(expect.stringMatching(/^letterpod: failed: recordings\/an-103\.wav: not an audio file ffmpeg can read .*Export it again/));
    expect(err).toContainEqual(expect.stringMatching(/^letterpod: skipped: recordings\/script\.docx: not a recording letterpod reads \(\.docx\)/));
    expect(err.at(-1)).toBe('letterpod: 1 published, 2 failed (exit code 1)');
    const feed = await readFile(join(dir, 'feed', 'feed.xml'), 'utf8');
    expect(feed.match(/<item>/g)).toHaveLength(1);
    expect(feed).not.toMatch(/javascript:/i);
    const slugDir = join(dir, 'feed', 'episodes', 'an-101');
    const chapters = (await readdir(slugDir)).find((n) => n.startsWith('chapters-'))!;
    expect(await readFile(join(slugDir, chapters), 'utf8')).not.toMatch(/javascript:/i);
    const mp3 = (await readdir(slugDir)).find((n) => n.endsWith('.mp3'))!;
    expect((await readFile(join(slugDir, mp3))).includes(Buffer.from('javascript:'))).toBe(false);
    // nothing half-written is left: no temp files in the store or the builds
    const all = await readdir(dir, { recursive: true });
    expect(all.filter((n) => /\.(part|tmp|lptmp)$|\.tmp-\d+$/.test(String(n)))).toEqual([]);
    // recordings are never modified
    expect(await readFile(join(dir, 'recordings', 'an-103.wav'), 'utf8')).toBe('not audio at all\n');
  });

  it('a pinned take stays its issue: renamed to a nameless file, with #104\'s text added, publish changes nothing', async () => {
    await rename(join(dir, 'recordings', 'AN 101 zoom recording.mp4'), join(dir, 'recordings', 'final take.mp4'));
    await writeFile(join(dir, 'newsletters', 'an-104.md'), issueText(103).replaceAll('103', '104'));
    for (const f of ['an-102.mp3', 'an-103.wav', 'script.docx']) await rename(join(dir, 'recordings', f), join(base, `moved-${f}`));
    const again = await letterpod(['publish'], dir);
    expect(problems(again.stderr)).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing new to publish');
    expect(again.stdout).toMatch(/published #101 from recordings\/final take\.mp4: unchanged/);
  });
});

describe('name and content must agree; review holds until approved', () => {
  it('an-103.wav holding #102\'s reading is held, saying which issue it reads', async () => {
    const dir = await project('mismatch', 'none');
    await copyFile(readings[102]!, join(dir, 'recordings', 'an-103.wav'));
    const r = await letterpod(['publish'], dir);
    expect(r.code).toBe(1);
    expect(lines(r)[0]).toMatch(/^letterpod: held: recordings\/an-103\.wav \(#103\): an-103\.wav reads like #102 \(score 0\.\d\d\), not #103 \(score 0\.\d\d\)\. Rename it after the issue it reads .* letterpod approve 103$/);
    // nothing published: stdout is only the closing summary, with the take held
    expect(r.stdout).toMatch(/^\nsummary:\n {2}episode .*\n {2}#103 +— +— +— +0 +held +—\n$/);
  });

  it('review.required "always": held with the path to listen to; approve; then it publishes', async () => {
    const dir = await project('review', 'always');
    await copyFile(readings[101]!, join(dir, 'recordings', 'an-101.wav'));
    const held = await letterpod(['publish'], dir);
    expect(held.code).toBe(1);
    expect(lines(held)[0]).toMatch(/^letterpod: held: recordings\/an-101\.wav \(#101\): #101 waits for review \(review\.required is "always"\)\. Review it \(letterpod review 101\) or listen to .*an-101\.mp3 .*letterpod approve 101$/);
    const status = await letterpod(['status', '--json'], dir);
    const issue101 = (JSON.parse(status.stdout) as { issues: { number: number; state: string; warnings?: string[] }[] }).issues.find((i) => i.number === 101);
    expect(issue101?.state).toBe('held for review');
    const ok = await letterpod(['approve', '101'], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^approved #101: recordings\/an-101\.wav/);
    const approvals = JSON.parse(await readFile(join(dir, '.letterpod', 'approvals.json'), 'utf8')) as Record<string, { recordingSha256: string; issueSha256: string }>;
    expect(approvals['101']?.recordingSha256).toMatch(/^[0-9a-f]{64}$/);
    const published = await letterpod(['publish'], dir);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/published #101 from recordings\/an-101\.wav: new episode/);
  });
});
