/**
 * Speech cleanup and music through the real CLI: a narration with 30 s of silence at head
 * and tail and a DC offset, built with intro and outro music. The silence is trimmed to the
 * pad, the DC removed by the high-pass, the music joined with crossfades, an "Intro"
 * chapter added, and every chapter and transcript time moved to match — measured against
 * the narration's known section starts. With cleanup off, nothing is trimmed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureEbur128 } from '../../src/audio/loudness.js';
import { exampleConfig } from '../../src/config/config.js';
import { narrate, type Narration } from '../../src/demo/narrate.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { readIssue } from '../../src/newsletter/index.js';
import { ff } from '../helpers/audio.js';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

const SILENCE = 30;
const INTRO = 8;
const OUTRO = 6;
const FADE = 2;
const PAD = 0.5;

let dir: string;
let narration: Narration;
let recording: string;
const issueFile = join(projectRoot, 'demo', 'an-999.md');

async function build(name: string, config: object): Promise<EpisodeReport> {
  const configFile = join(dir, `${name}.config.json`);
  await writeFile(configFile, JSON.stringify(config));
  const r = await letterpod(['--config', configFile, 'build', recording, '--issue', issueFile, '--out', join(dir, name), '--json'], dir);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as EpisodeReport;
}

/** A chord with a slow tremolo, faded in and out: music enough to measure and crossfade. */
async function music(path: string, seconds: number, hz: number): Promise<void> {
  const expr = `0.2*sin(2*PI*${hz}*t)+0.15*sin(2*PI*${hz * 1.25}*t)+0.12*sin(2*PI*${hz * 1.5}*t)`;
  await ff('-f', 'lavfi', '-i', `aevalsrc=${expr}|${expr}:s=44100:d=${seconds}`, '-af', `tremolo=f=3:d=0.3,afade=t=in:d=0.5,afade=t=out:st=${seconds - 0.5}:d=0.5`, path);
}

beforeAll(async () => {
  dir = await scratch('cleanup-music');
  const issue = await readIssue(issueFile);
  const speech = join(dir, 'speech.wav');
  narration = await narrate(
    issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text })),
    speech,
    { seed: 7 },
  );
  recording = join(dir, 'take with silence.wav');
  // 30 s of room tone (−70 dBFS noise) around the narration, and a DC offset over all of it
  await ff(
    '-i', speech,
    '-filter_complex',
    `anoisesrc=a=0.0003:d=${SILENCE}:r=22050:seed=1[h];anoisesrc=a=0.0003:d=${SILENCE}:r=22050:seed=2[t];[h][0:a][t]concat=n=3:v=0:a=1,dcshift=shift=0.1`,
    '-ar', '48000', recording,
  );
  await music(join(dir, 'intro.wav'), INTRO, 220);
  await music(join(dir, 'outro.wav'), OUTRO, 196);
}, 120_000);

describe('build with cleanup and intro/outro music', () => {
  let report: EpisodeReport;
  beforeAll(async () => {
    report = await build('music', { ...exampleConfig, music: { intro: 'intro.wav', outro: 'outro.wav', crossfadeSeconds: FADE } });
  }, 300_000);

  it('trims the silence at head and tail down to the pad and reports it', () => {
    const q = report.quality;
    const firstWord = SILENCE + narration.starts[0]!.startSeconds;
    expect(q.trimmedHeadSeconds).toBeGreaterThan(firstWord - PAD - 0.3);
    expect(q.trimmedHeadSeconds).toBeLessThan(firstWord - PAD + 0.1);
    expect(q.trimmedTailSeconds).toBeGreaterThan(SILENCE);
    expect(q.recordingSeconds).toBeCloseTo(narration.durationSeconds + 2 * SILENCE, 0);
    expect(q.highpassHz).toBe(80);
    expect(q.introSeconds).toBeCloseTo(INTRO, 1);
    expect(q.outroSeconds).toBeCloseTo(OUTRO, 1);
    expect(q.speechOffsetSeconds).toBeCloseTo(INTRO - FADE, 2);
    const kept = q.recordingSeconds - q.trimmedHeadSeconds - q.trimmedTailSeconds;
    expect(report.audio.durationSeconds).toBeGreaterThan(INTRO - FADE + kept + OUTRO - FADE - 0.2);
    expect(report.audio.durationSeconds).toBeLessThan(INTRO - FADE + kept + OUTRO - FADE + 0.2);
  });

  it('adds an Intro chapter and moves every chapter by the trim and the intro', () => {
    const q = report.quality;
    expect(report.chapters[0]).toMatchObject({ title: 'Intro', startSeconds: 0, endSeconds: q.speechOffsetSeconds });
    expect(report.chapters[1]).toMatchObject({ title: 'Introduction', startSeconds: q.speechOffsetSeconds });
    const shift = SILENCE - q.trimmedHeadSeconds + q.speechOffsetSeconds;
    const truth = new Map(narration.starts.map((s) => [s.id, s.startSeconds + shift]));
    for (const c of report.chapters.slice(2)) expect(Math.abs(c.startSeconds - truth.get(c.id)!)).toBeLessThanOrEqual(0.5);
    expect(report.chapters.at(-1)!.endSeconds).toBeCloseTo(report.audio.durationSeconds, 0);
  });

  it('writes the Intro chapter into the MP3 and shifts the transcript', async () => {
    const meta = await parseFile(report.audio.path, { includeChapters: true });
    expect(meta.format.chapters?.map((c) => c.title)).toEqual(report.chapters.map((c) => c.title));
    const vtt = await readFile(report.files.transcriptVtt!, 'utf8');
    const first = /\n(\d\d):(\d\d):(\d\d)\.(\d{3}) --> /.exec(vtt)!;
    const firstCue = Number(first[1]) * 3600 + Number(first[2]) * 60 + Number(first[3]) + Number(first[4]) / 1000;
    const expected = SILENCE + narration.starts[0]!.startSeconds - report.quality.trimmedHeadSeconds + report.quality.speechOffsetSeconds;
    expect(Math.abs(firstCue - expected)).toBeLessThan(0.5);
  });

  it('is on target with music, and the DC offset is gone', async () => {
    const m = await measureEbur128(report.audio.path);
    expect(Math.abs(m.integratedLufs - -16)).toBeLessThanOrEqual(0.5);
    expect(m.truePeakDbtp).toBeLessThanOrEqual(-1.0);
    const pcm = await decodePcm(report.audio.path, 8000);
    const mean = pcm.reduce((a, x) => a + x, 0) / pcm.length;
    expect(Math.abs(mean)).toBeLessThan(0.002);
  });
});

describe('build with cleanup off', () => {
  it('keeps the whole recording, its times, and its DC', async () => {
    const report = await build('raw', { ...exampleConfig, cleanup: { enabled: false } });
    expect(report.quality).toMatchObject({ highpassHz: null, trimmedHeadSeconds: 0, trimmedTailSeconds: 0, speechOffsetSeconds: 0, introSeconds: 0 });
    expect(report.audio.durationSeconds).toBeCloseTo(narration.durationSeconds + 2 * SILENCE, 0);
    const truth = new Map(narration.starts.map((s) => [s.id, s.startSeconds + SILENCE]));
    for (const c of report.chapters.slice(1)) expect(Math.abs(c.startSeconds - truth.get(c.id)!)).toBeLessThanOrEqual(0.5);
    const pcm = await decodePcm(report.audio.path, 8000);
    const mean = pcm.reduce((a, x) => a + x, 0) / pcm.length;
    expect(Math.abs(mean)).toBeGreaterThan(0.01);
  }, 300_000);
});
