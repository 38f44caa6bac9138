/**
 * Issue 14 through `letterpod watch --json` (autoPublish, the default review.required
 * "when-warned"): a recording that reads only the first summaries of its issue gets the
 * build's warnings printed, is held (not published) and `status` lists it as waiting for
 * review; a file that is not a recording dropped in recordings/ is listed, not ignored.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';
import { SHOW } from '../publish/project.js';
import { entry, Watcher } from './helpers.js';

/** Issue 401: the demo issue's first three summaries, two sentences each. */
async function threeSummaries(n: number): Promise<string> {
  const demo = await readFile(join(projectRoot, 'demo', 'an-999.md'), 'utf8');
  const summaries = demo
    .split('\n')
    .filter((l) => l.startsWith('**['))
    .slice(0, 3)
    .map((s) => {
      const cut = s.indexOf('): ');
      return s.slice(0, cut + 3) + s.slice(cut + 3).split(/(?<=\.)\s/).slice(0, 2).join(' ');
    });
  const front = demo
    .slice(0, demo.indexOf('\n---', 4) + 4)
    .replace(/^issue: .*$/m, `issue: ${n}`)
    .replace(/^title: .*$/m, `title: "[AN #${n}]: Three summaries"`)
    .replace(/an-999/g, `an-${n}`);
  return `${front}\n\n**Newsletter #${n}**\n\nHIGHLIGHTS\n==========\n\n${summaries.join('\n\n')}\n`;
}

let dir: string;
let watcher: Watcher | undefined;
beforeAll(async () => {
  dir = await scratch('watch-review');
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  // no review setting: the default, "when-warned"
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, watch: { settleSeconds: 1, autoPublish: true } }, null, 2));
  await writeFile(join(dir, 'newsletters', 'an-401.md'), await threeSummaries(401));
  const issue = await readIssue(join(dir, 'newsletters', 'an-401.md'));
  const sections = issue.sections.filter((s) => s.text.trim());
  // the narrator stops after the second summary: "Preferences from Pauses" is not in it
  await narrate(sections.slice(0, -1).map((s) => ({ id: s.id, text: s.text })), join(dir, 'partial.wav'), { seed: 401 });
  watcher = await Watcher.start(dir);
});
afterAll(async () => {
  await watcher?.stop();
});

describe('watch: warnings reach the producer and suspect episodes wait', () => {
  it('a recording that stops early: its warnings are printed, it is held (not published) and listed as waiting for review', async () => {
    const w = watcher!;
    await writeFile(join(dir, 'recordings', 'an-401.wav'), await readFile(join(dir, 'partial.wav')));
    const held = await w.waitForLine((l) => l.event === 'held' && l.recording === 'an-401.wav', 60_000);
    const warnings = w.events('warning', 'an-401.wav').map((l) => l.message);
    console.log([...warnings, held.message].join('\n'));
    expect(warnings).toContainEqual(expect.stringMatching(/^an-401\.wav: warning #401: the recording ends \d\d:\d\d into ".+?" \(which takes about \d\d:\d\d to read\); "Preferences from Pauses" after it is not in it/));
    expect(held.message).toMatch(/^an-401\.wav: #401 held for review \(\d+ warnings? to review\): listen to .*an-401\.mp3, then letterpod approve 401 and letterpod publish$/);
    const j = await w.waitForJournal((j) => j.recordings.some((r) => r.name === 'an-401.wav' && r.state === 'built'), 10_000);
    expect(entry(j, 'an-401.wav').note).toMatch(/^held for review/);
    expect(w.events('published', 'an-401.wav')).toEqual([]);
    expect(existsSync(join(dir, 'feed', 'feed.xml')) ? await readFile(join(dir, 'feed', 'feed.xml'), 'utf8') : '').not.toContain('#401');

    const status = await letterpod(['status', '--json'], dir);
    const s = JSON.parse(status.stdout) as { issues: { number: number; state: string; warnings?: string[] }[] };
    const i401 = s.issues.find((i) => i.number === 401);
    expect(i401?.state).toBe('held for review');
    expect(i401?.warnings?.some((x) => x.startsWith('the recording ends'))).toBe(true);
    const table = await letterpod(['status'], dir);
    expect(table.stdout + table.stderr).toMatch(/held for review/);
    expect(table.stdout + table.stderr).toMatch(/the recording ends/);
  });

  it('a file that is not a recording (notes.docx) is listed by watch and status, not ignored', async () => {
    const w = watcher!;
    await writeFile(join(dir, 'recordings', 'notes.docx'), 'PK\u0003\u0004 not a recording');
    const line = await w.waitForLine((l) => l.event === 'unsupported' && l.recording === 'notes.docx', 20_000);
    console.log(line.message);
    expect(line.message).toMatch(/^notes\.docx: not a recording letterpod reads \(\.docx\)/);
    const status = await letterpod(['status'], dir);
    expect(status.stdout + status.stderr).toMatch(/notes\.docx.*not a recording letterpod reads/);
    // the watcher goes on: still running, the held take still held
    expect(w.child.exitCode).toBeNull();
    expect(w.events('published')).toEqual([]);
  });
});
