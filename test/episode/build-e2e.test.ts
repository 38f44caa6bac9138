/**
 * The whole build through the real CLI on synthesized narrations whose section starts are
 * known: chapters per summary within 0.5 s, loudness on target measured by ffmpeg on the
 * final MP3, chapters readable by music-metadata.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureEbur128 } from '../../src/audio/loudness.js';
import { DEFAULT_CHAPTER_TITLES, shortChapterTitle } from '../../src/episode/chapter-titles.js';
import { narrate, type Narration } from '../../src/demo/narrate.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import { readIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { letterpod } from '../helpers/cli.js';
import { describeShared, projectRoot, sharedPath } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

interface Built {
  issue: Issue;
  narration: Narration;
  report: EpisodeReport;
  stdout: string;
}

async function buildNarrated(issueFile: string, name: string, seed: number): Promise<Built> {
  const dir = await scratch(name);
  const issue = await readIssue(issueFile);
  const recording = join(dir, `${name}.wav`);
  const sections = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
  const narration = await narrate(sections, recording, { seed });
  const r = await letterpod(['build', recording, '--issue', issueFile, '--out', join(dir, 'out'), '--json'], dir);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { issue, narration, report: JSON.parse(r.stdout) as EpisodeReport, stdout: r.stdout };
}

function checkEpisode(get: () => Built): void {
  it('gives every summary a chapter, starting within 0.5 s of where the narrator starts it (in the trimmed episode)', () => {
    const { issue, narration, report } = get();
    // the episode starts at the recording's first speech less the pad: truth moves with it
    const shift = report.quality.speechOffsetSeconds - report.quality.trimmedHeadSeconds;
    const truth = new Map(narration.starts.map((s) => [s.id, s.startSeconds + shift]));
    const summaries = issue.sections.filter((s) => s.kind === 'summary');
    expect(summaries.length).toBeGreaterThan(0);
    const chapterIds = report.chapters.map((c) => c.id);
    for (const s of summaries) expect(chapterIds).toContain(s.id);
    const errors = report.chapters.slice(1).map((c) => Math.abs(c.startSeconds - (truth.get(c.id) as number)));
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.5);
    expect(report.chapters[0]?.startSeconds).toBe(0);
    for (let i = 1; i < report.chapters.length; i++) {
      expect(report.chapters[i]!.startSeconds).toBeGreaterThan(report.chapters[i - 1]!.startSeconds);
      expect(report.chapters[i - 1]!.endSeconds).toBe(report.chapters[i]!.startSeconds);
    }
  });

  it('hits -16 LUFS ±0.5 with true peak ≤ -1.0 dBTP, measured by ffmpeg on the final MP3', async () => {
    const { report } = get();
    const measured = await measureEbur128(report.audio.path);
    expect(Math.abs(measured.integratedLufs - -16)).toBeLessThanOrEqual(0.5);
    expect(measured.truePeakDbtp).toBeLessThanOrEqual(-1.0);
    expect(report.loudness.output).toEqual(measured);
    expect(report.loudness.mode).toBe('linear');
  });

  it('writes chapters music-metadata reads back with their player titles (no longer than 40 characters), and the other artifacts', async () => {
    const { report } = get();
    const meta = await parseFile(report.audio.path, { includeChapters: true });
    const playerTitles = report.chapters.map((c) => shortChapterTitle(c.title, DEFAULT_CHAPTER_TITLES));
    for (const t of playerTitles) expect([...t].length).toBeLessThanOrEqual(40);
    expect(meta.format.chapters?.map((c) => c.title)).toEqual(playerTitles);
    expect(meta.format.chapters?.map((c) => c.start)).toEqual(report.chapters.map((c) => Math.round(c.startSeconds * 1000) / 1000));
    expect(meta.format.sampleRate).toBe(44100);
    expect(meta.format.codecProfile).toBe('CBR');
    const json = JSON.parse(await readFile(report.files.chapters, 'utf8')) as { version: string; chapters: { title: string; startTime: number }[] };
    expect(json.version).toBe('1.2.0');
    expect(json.chapters.map((c) => c.title)).toEqual(playerTitles);
    const notes = await readFile(report.files.notes, 'utf8');
    for (const c of report.chapters.slice(1)) expect(notes).toContain(c.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
    expect(notes).toContain('00:00:00');
    const vtt = await readFile(report.files.transcriptVtt!, 'utf8');
    expect(vtt.startsWith('WEBVTT\n')).toBe(true);
    const onDisk = JSON.parse(await readFile(report.files.report, 'utf8')) as EpisodeReport;
    expect(onDisk.audio.sha256).toBe(report.audio.sha256);
  });
}

describe('build: the demo issue, narrated by flite', () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildNarrated(join(projectRoot, 'demo', 'an-999.md'), 'demo', 999);
  });
  checkEpisode(() => built);

  it('prints the DESIGN.md document on stdout', () => {
    const { report } = built;
    expect(report.issue).toMatchObject({ number: 999, title: 'A demo issue for letterpod, about listening machines' });
    expect(report.audio).toMatchObject({ sampleRate: 44100, channels: 1, bitrateKbps: 96 });
    expect(report.audio.bytes).toBeGreaterThan(100_000);
    expect(Object.keys(report.files).sort()).toEqual(['audio', 'chapters', 'notes', 'report', 'transcriptSrt', 'transcriptVtt']);
    expect(report.chapters.map((c) => c.title)).toEqual([
      'Introduction',
      'Teaching Agents to Ask Before Acting',
      'Reading the Margins of a Language Model',
      'Preferences from Pauses',
      'How Fast Do Benchmarks Saturate?',
      'A Field Guide to Reward Hacking',
    ]);
  });
});

describeShared('build: AN #92 narrated by flite', () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildNarrated(sharedPath('newsletters', 'an-092.md'), 'an-092', 92);
  });
  checkEpisode(() => built);
  it('has summary titles longer than players show (so the player titles above are the short forms), full in the show notes', async () => {
    const long = built.report.chapters.filter((c) => [...c.title].length > 40);
    expect(long.length).toBeGreaterThan(0);
    const notes = await readFile(built.report.files.notes, 'utf8');
    for (const c of long) expect(notes).toContain(c.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
  });
});
