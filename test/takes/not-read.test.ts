/**
 * Issue 17, takes: summaries no take reads. Issue #302 (an intro, a heading, three
 * summaries) recorded as two takes — the intro and the first summary, then the second —
 * the third never recorded. Built through the real CLI: the third is reported not read (in
 * `skipped`, no chapter, a warning naming it), decided by the aligner on the last take,
 * not given a low-confidence chapter. The same with the second summary between the takes,
 * and (issue #303, four summaries) skipped in the middle of a take.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { buildTakesCase, caseSections } from '../../src/eval/takes-cases.js';
import { scoreTakes } from '../../src/eval/takes-score.js';
import { readIssue } from '../../src/newsletter/index.js';
import { SHOW } from '../publish/project.js';
import { letterpod, problems } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { takesProject, type TakesProject } from './takes-project.js';

describe('an issue of three summaries recorded as two takes reading the first two', () => {
  let project: TakesProject;
  let report: EpisodeReport;
  let summaries: { id: string; title: string }[];
  let names: string[];

  beforeAll(async () => {
    const dir = await scratch('takes-not-read');
    project = await takesProject(dir);
    summaries = project.issue.sections.filter((s) => s.kind === 'summary').map((s) => ({ id: s.id, title: s.title }));
    const folder = join(dir, 'recordings', 'an-302');
    await mkdir(folder, { recursive: true });
    // take 1: intro, heading, first summary; take 2: the second summary; the third is never recorded
    names = ['b.wav', 'a.wav'];
    for (const [k, t] of project.takes.slice(0, 2).entries()) await copyFile(t.file, join(folder, names[k]!));
    const r = await letterpod(['build', folder, '--issue', join(dir, 'newsletters', 'an-302.md'), '--out', join(dir, 'out'), '--json'], dir);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout) as EpisodeReport;
  });

  it('reports the third summary not read, without a chapter, naming it in a warning', () => {
    const third = summaries[2]!;
    expect(report.skipped.map((s) => s.id)).toEqual([third.id]);
    expect(report.chapters.map((c) => c.id)).not.toContain(third.id);
    expect(report.warnings.some((w) => w.includes(`"${third.title}"`) && /not (to be )?read/.test(w))).toBe(true);
    // not a recording cut short ("check that the whole recording was exported"), and no chapter on weak evidence stands in for it
    expect(report.warnings.filter((w) => /low confidence|whole recording was exported/.test(w))).toEqual([]);
  });

  it('keeps the chapters of the two summaries read, each in its own take', () => {
    expect(report.chapters.map((c) => c.id)).toEqual(expect.arrayContaining([summaries[0]!.id, summaries[1]!.id]));
    expect(report.pieces!.map((p) => basename(p.file))).toEqual(names);
    // the last take's run of the text reached the end; it is listed with what it reads
    expect(report.pieces![1]!.sections).toEqual([summaries[1]!.id]);
    // one warning for it, naming the take that ends before it
    expect(report.warnings.filter((w) => w.includes(`"${summaries[2]!.title}"`))).toEqual([
      `"${summaries[2]!.title}" seems not to be read in the recording (no take reads it: a.wav ends in "${summaries[1]!.title}", before it); it gets no chapter`,
    ]);
  });
});

describe('an issue of three summaries recorded as two takes reading the first and the third', () => {
  it('reports the second summary, which falls between the takes, not read and without a chapter', async () => {
    const dir = await scratch('takes-not-read-between');
    const project = await takesProject(dir);
    const summaries = project.issue.sections.filter((s) => s.kind === 'summary');
    const folder = join(dir, 'recordings', 'an-302');
    await mkdir(folder, { recursive: true });
    // take 1: intro, heading, first summary; take 3: the third summary; the second is in no take
    await copyFile(project.takes[0]!.file, join(folder, 'b.wav'));
    await copyFile(project.takes[2]!.file, join(folder, 'a.wav'));
    const r = await letterpod(['build', folder, '--issue', join(dir, 'newsletters', 'an-302.md'), '--out', join(dir, 'out'), '--json'], dir);
    expect(problems(r.stderr)).toBe('');
    const report = JSON.parse(r.stdout) as EpisodeReport;
    const second = summaries[1]!;
    expect(report.skipped.map((x) => x.id)).toEqual([second.id]);
    expect(report.chapters.map((c) => c.id)).toEqual(expect.arrayContaining([summaries[0]!.id, summaries[2]!.id]));
    expect(report.chapters.map((c) => c.id)).not.toContain(second.id);
    expect(report.warnings.some((w) => w.includes(`"${second.title}"`) && /not (to be )?read/.test(w))).toBe(true);
    expect(report.pieces!.map((p) => [basename(p.file), p.sections])).toEqual([
      ['b.wav', project.issue.sections.slice(0, project.issue.sections.findIndex((x) => x.id === summaries[0]!.id) + 1).filter((x) => x.text.trim()).map((x) => x.id)],
      ['a.wav', [summaries[2]!.id]],
    ]);
  });
});

describe('an issue of four summaries recorded as two takes, the second summary skipped in the middle of the first take', () => {
  const TEXT = `---
title: "[AN #303]: Skipping one"
issue: 303
url: https://example.org/an/303
---

**Newsletter #303**

HIGHLIGHTS
==========

**[Debate with weak judges](https://example.org/papers/303-0)** *(Ada Byron)* (summarized by Rohin): Two copies of a strong model argue opposite answers in front of a much weaker judge. The judge picks the right answer far more often after the debate.

**[Sleeper behaviour survives fine tuning](https://example.org/papers/303-1)** *(Grace Hopper)* (summarized by Rohin): The authors train a model that writes safe code until a trigger phrase appears in the prompt. Ordinary safety training leaves the hidden behaviour in place.

**[Measuring honesty with lie detectors](https://example.org/papers/303-2)** *(Alan Turing)* (summarized by Rohin): A linear probe on the middle layers tells apart true and false statements the model itself makes. It transfers to questions from another domain.

**[Reward models that ask](https://example.org/papers/303-3)** *(Emmy Noether)* (summarized by Rohin): An assistant asks a question whenever its reward model is unsure. In a kitchen simulator it makes half as many mistakes.
`;

  it('reports it not read, without a chapter, and keeps the chapters of the summaries around it', async () => {
    const dir = await scratch('takes-skip-mid-take');
    await mkdir(join(dir, 'newsletters'), { recursive: true });
    await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: 'none' } }, null, 2));
    const issueFile = join(dir, 'newsletters', 'an-303.md');
    await writeFile(issueFile, TEXT);
    const issue = await readIssue(issueFile);
    const sections = caseSections(issue);
    const s = sections.filter((x) => x.kind === 'summary').map((x) => x.id);
    expect(s).toHaveLength(4);
    const before = sections.slice(0, sections.findIndex((x) => x.id === s[0])).map((x) => x.id);
    // take 1: intro, heading, the first summary, (the second skipped), the third; take 2: the fourth
    const built = await buildTakesCase(
      {
        name: 'an-303',
        seed: 303,
        sections,
        takes: [
          { sections: [...before, s[0]!, s[2]!], voice: { engine: 'flite', voice: 'slt' }, gainDb: 0, noise: { dbfs: -58, color: 'pink' }, name: 'b.wav' },
          { sections: [s[3]!], voice: { engine: 'flite', voice: 'slt' }, gainDb: -4, noise: { dbfs: -60, color: 'pink' }, name: 'a.wav' },
        ],
      },
      join(dir, '.cases'),
      join(dir, 'recordings'),
    );
    const r = await letterpod(['build', built.folder, '--issue', issueFile, '--out', join(dir, 'out'), '--json'], dir);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EpisodeReport;
    const title = (id: string) => sections.find((x) => x.id === id)!.title;
    expect(report.skipped.map((x) => x.id)).toEqual([s[1]]);
    expect(report.chapters.map((c) => c.id)).not.toContain(s[1]);
    // one warning for it, naming the take that skips it
    expect(report.warnings.filter((w) => w.includes(`"${title(s[1]!)}"`))).toEqual([`"${title(s[1]!)}" seems not to be read in the recording (b.wav skips it, and no other take reads it); it gets no chapter`]);
    expect(report.pieces!.map((p) => [basename(p.file), p.sections])).toEqual([
      ['b.wav', [...before, s[0]!, s[2]!].filter((id) => sections.find((x) => x.id === id)!.text.trim())],
      ['a.wav', [s[3]!]],
    ]);
    // the chapters around it, against the takes' truth in episode time
    const score = await scoreTakes(built, report);
    expect(score.orderRight).toBe(true);
    expect(score.missing).toEqual([]);
    expect(score.chapters.map((c) => c.id)).toEqual(expect.arrayContaining([s[0], s[2], s[3]]));
    for (const c of score.chapters) expect(c.error, `${c.id}: mark ${c.markSeconds} s, truth ${c.truth.pauseStartSeconds}–${c.truth.startSeconds} s`).toBeLessThanOrEqual(0.3);
  });
});
