/**
 * Issue 17, takes: summaries no take reads. Issue #302 (an intro, a heading, three
 * summaries) recorded as two takes — the intro and the first summary, then the second —
 * the third never recorded. Built through the real CLI: the third is reported not read (in
 * `skipped`, no chapter, a warning naming it), decided by the aligner on the last take,
 * not given a low-confidence chapter.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
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
    expect(report.warnings.some((w) => w.includes(`"${third.title}"`) && /not read/.test(w))).toBe(true);
    // not a recording cut short ("check that the whole recording was exported"), and no chapter on weak evidence stands in for it
    expect(report.warnings.filter((w) => /low confidence|whole recording was exported/.test(w))).toEqual([]);
  });

  it('keeps the chapters of the two summaries read, each in its own take', () => {
    expect(report.chapters.map((c) => c.id)).toEqual(expect.arrayContaining([summaries[0]!.id, summaries[1]!.id]));
    expect(report.pieces!.map((p) => basename(p.file))).toEqual(names);
    // the last take's run of the text reached the end; it is listed with what it reads
    expect(report.pieces![1]!.sections).toEqual([summaries[1]!.id]);
    expect(report.warnings).toContain(`a.wav ends in "${summaries[1]!.title}", before "${summaries[2]!.title}": no take reads it (not read, no chapter)`);
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
