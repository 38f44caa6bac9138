/**
 * The speech cleanup inside `letterpod build` (issue 18): a narration of the demo issue with
 * pink room noise at −50 dBFS and 50 Hz hum with three harmonics at −45 dBFS, built through
 * the real CLI with the default config (preset podcast). episode.json reports both steps
 * with what they measured on the room tone, the chain the MP3 was mastered with is that
 * one, the MP3 is on target, and the chapters are those of the same narration built clean.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../src/config/config.js';
import { narrate } from '../../src/demo/narrate.js';
import { addHum, addNoise } from '../../src/devkit/cleanup-cases.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import { readIssue } from '../../src/newsletter/index.js';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

const issueFile = join(projectRoot, 'demo', 'an-999.md');
let report: EpisodeReport;
/** The same narration without noise and hum, built alike: the chapters to compare with. */
let clean: EpisodeReport;

beforeAll(async () => {
  const dir = await scratch('cleanup-build');
  const issue = await readIssue(issueFile);
  const read = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
  const speech = join(dir, 'speech.wav');
  await narrate(read, speech, { seed: 18, sampleRate: 48000 });
  const noisy = join(dir, 'noisy.wav');
  await addNoise(speech, noisy, 'pink', -50);
  const recording = join(dir, 'an-999 noisy, humming.wav');
  await addHum(noisy, recording, 50, 3, -45);
  const configFile = join(dir, 'letterpod.config.json');
  await writeFile(configFile, JSON.stringify(exampleConfig));
  const build = async (file: string, out: string) => {
    const r = await letterpod(['--config', configFile, 'build', file, '--issue', issueFile, '--out', join(dir, out), '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as EpisodeReport;
  };
  report = await build(recording, 'out');
  clean = await build(speech, 'clean');
}, 300_000);

describe('letterpod build with the default cleanup on a noisy, humming recording', () => {
  it('finds the 50 Hz hum and its harmonics in the room tone and notches them ≥ 20 dB', () => {
    const c = report.cleanup!;
    expect(c.preset).toBe('podcast');
    expect(c.roomTone.seconds).toBeGreaterThanOrEqual(2);
    expect(c.hum.applied).toBe(true);
    expect(c.hum.mainsHz).toBe(50);
    expect(c.hum.lines.map((l) => l.harmonic)).toEqual([1, 2, 3, 4]);
    for (const l of c.hum.lines) expect(l.reductionDb).toBeGreaterThanOrEqual(20);
  });

  it('brings the room tone down ≥ 15 dB with its own profile, and masters with that chain', () => {
    const n = report.cleanup!.noise;
    expect(n.applied).toBe(true);
    expect(n.floorBeforeDbfs).toBeGreaterThan(-55);
    expect(n.reductionDb).toBeGreaterThanOrEqual(15);
    expect(report.cleanup!.filters).toMatch(/^highpass=f=80:poles=2,(bandreject=[^,]+,){4}apad=.*afftdn=.*:nt=c:bn=/);
    expect(report.loudness.plan!.pre).toContain(report.cleanup!.filters!);
  });

  it('is on target, with the chapters of the clean narration (within 0.15 s)', () => {
    expect(Math.abs(report.loudness.output.integratedLufs - -16)).toBeLessThanOrEqual(0.5);
    expect(report.loudness.output.truePeakDbtp).toBeLessThanOrEqual(-1);
    expect(report.chapters.map((c) => c.id)).toEqual(clean.chapters.map((c) => c.id));
    report.chapters.forEach((c, i) => expect(Math.abs(c.startSeconds - clean.chapters[i]!.startSeconds)).toBeLessThanOrEqual(0.15));
    expect(report.skipped).toEqual(clean.skipped);
    // the clean narration has no room tone to learn from: the high-pass alone
    expect(clean.cleanup!.filters).toBe('highpass=f=80:poles=2');
  });
});
