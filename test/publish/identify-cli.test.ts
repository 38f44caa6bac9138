/**
 * A recording whose name says nothing: `align` (and `build`, `publish`) find its issue by
 * listening, among the unpublished issues in newsletters/; a recording of a text that is
 * not there is refused with the candidates and their scores.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import { letterpod, problems } from '../helpers/cli.js';
import { describeShared, projectRoot, sharedPath } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

async function narrateOpening(issueFile: string, out: string, seed: number): Promise<void> {
  const issue = await readIssue(issueFile);
  // the first minute or so: intro and the first summaries
  const sections = issue.sections.filter((s) => s.text.trim()).slice(0, 4).map((s) => ({ id: s.id, text: s.text.split(/(?<=\.)\s/).slice(0, 6).join(' ') }));
  await narrate(sections, out, { seed, voice: 'kal16' });
}

describeShared('identifying the issue by listening (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratch('identify-cli');
    await mkdir(join(dir, 'newsletters'), { recursive: true });
    await mkdir(join(dir, 'recordings'), { recursive: true });
    await copyFile(join(projectRoot, 'demo', 'an-999.md'), join(dir, 'newsletters', 'an-999.md'));
    for (const n of ['081', '086', '092', '095']) await copyFile(sharedPath('newsletters', `an-${n}.md`), join(dir, 'newsletters', `an-${n}.md`));
    await narrateOpening(sharedPath('newsletters', 'an-092.md'), join(dir, 'final take.wav'), 5);
    await narrateOpening(sharedPath('newsletters', 'an-093.md'), join(dir, 'other take.wav'), 6);
  });

  it('align finds the issue of a recording named "final take.wav"', async () => {
    const r = await letterpod(['align', 'final take.wav', '--json'], dir);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { issue: { number: number }; chapters: { id: string }[] };
    expect(out.issue.number).toBe(92);
    expect(out.chapters.length).toBeGreaterThan(0);
  });

  it('a recording of an issue that is not in newsletters/ is refused, naming the candidates', async () => {
    const r = await letterpod(['align', 'other take.wav', '--json'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('other take.wav');
    expect(line).toMatch(/listening found no clear match \(scores: AN #\d+ [\d.]+/);
    expect(line).toMatch(/Rename it after its issue/);
  });
});
