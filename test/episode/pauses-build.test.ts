/**
 * Pause shortening inside `letterpod build` (issue 18, part 5): the demo issue narrated with
 * ~3 s pauses between its sections over −60 dBFS room noise and a steady whine, built through the real CLI
 * without and with `cleanup.pauses.maxSeconds: 1`. Checked on the MP3s themselves, not only
 * on the report's arithmetic: the episode is shorter by what the report says it removed
 * (±1 MP3 frame); the speech at every chapter mark and transcript cue of the unshortened
 * episode is found (envelope cross-correlation) in the shortened one within 0.3 s of where
 * its chapter mark and cue now are; the chapters are within the alignment's targets of the
 * narration's true section starts located in the output; loudness is on target; the cuts'
 * seams are no rougher than the room tone around them (no click).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../src/config/config.js';
import { narrate, type Narration } from '../../src/demo/narrate.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import { decodePcm, ffmpeg, fileArg } from '../../src/media/ffmpeg.js';
import { readIssue } from '../../src/newsletter/index.js';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

const issueFile = join(projectRoot, 'demo', 'an-999.md');
const MAX_PAUSE = 1;
/** The envelope's block (s) and rate for the cross-correlation. */
const ENV = 0.01;
const RATE = 16000;
/** One MP3 frame (s). */
const FRAME = 1152 / 44100;

interface Cue {
  startSeconds: number;
  endSeconds: number;
}
interface Built {
  report: EpisodeReport;
  cues: Cue[];
  pcm: Float32Array;
  env: Float32Array;
}
let off: Built;
let on: Built;
let narration: Narration;
let recordingEnv: Float32Array;

function envelope(x: Float32Array, rate: number): Float32Array {
  const n = Math.round(ENV * rate);
  const out = new Float32Array(Math.floor(x.length / n));
  for (let b = 0; b < out.length; b++) {
    let s = 0;
    for (let i = b * n; i < (b + 1) * n; i++) s += x[i]! * x[i]!;
    out[b] = Math.sqrt(s / n);
  }
  return out;
}

/** Where (s) the envelope `snippet` best matches `env`, searched at [from, to] (s): Pearson correlation. */
function locate(snippet: Float32Array, env: Float32Array, from: number, to: number): { at: number; r: number } {
  const m = snippet.length;
  const mean = snippet.reduce((a, b) => a + b, 0) / m;
  const sd = Math.sqrt(snippet.reduce((a, b) => a + (b - mean) ** 2, 0));
  let best = { at: NaN, r: -Infinity };
  for (let k = Math.max(0, Math.round(from / ENV)); k <= Math.min(env.length - m, Math.round(to / ENV)); k++) {
    let sy = 0;
    for (let i = 0; i < m; i++) sy += env[k + i]!;
    const my = sy / m;
    let cov = 0;
    let vy = 0;
    for (let i = 0; i < m; i++) {
      const d = env[k + i]! - my;
      cov += (snippet[i]! - mean) * d;
      vy += d * d;
    }
    const r = cov / (sd * Math.sqrt(vy) + 1e-12);
    if (r > best.r) best = { at: k * ENV, r };
  }
  return best;
}

/** Where the speech heard at `t` (s) in `from` is in `to`, searched within ±5 s of `guess`: a 2 s snippet from `t`. */
function find(fromEnv: Float32Array, t: number, toEnv: Float32Array, guess: number): number {
  const k = Math.round(t / ENV);
  const snippet = fromEnv.subarray(k, k + Math.round(2 / ENV));
  const hit = locate(snippet, toEnv, guess - 5, guess + 5);
  expect(hit.r).toBeGreaterThan(0.9);
  return hit.at;
}

beforeAll(async () => {
  const dir = await scratch('pauses-build');
  const issue = await readIssue(issueFile);
  const read = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
  const narrated = join(dir, 'narrated.wav');
  narration = await narrate(read, narrated, { seed: 18, sampleRate: 44100, pauseSeconds: 3, noiseDb: -60 });
  // a steady 233 Hz whine in the room (−40 dBFS peak): a cut without a crossfade jumps between two of its phases
  const recording = join(dir, 'an-999 slow.wav');
  await ffmpeg(['-y', '-i', fileArg(narrated), '-filter_complex', 'aevalsrc=0.01*sin(2*PI*233*t):s=44100[h];[0:a][h]amix=inputs=2:duration=first:normalize=0', '-c:a', 'pcm_f32le', fileArg(recording)]);
  recordingEnv = envelope(await decodePcm(recording, RATE), RATE);
  const build = async (name: string, cleanup: object): Promise<Built> => {
    const configFile = join(dir, `${name}.config.json`);
    await writeFile(configFile, JSON.stringify({ ...exampleConfig, cleanup }));
    const out = join(dir, name);
    const r = await letterpod(['--config', configFile, 'build', recording, '--issue', issueFile, '--out', out, '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as EpisodeReport;
    const analysis = JSON.parse(await readFile(join(out, 'analysis.json'), 'utf8')) as { cues: Cue[] };
    const pcm = await decodePcm(report.files.audio, 44100);
    return { report, cues: analysis.cues, pcm, env: envelope(await decodePcm(report.files.audio, RATE), RATE) };
  };
  [off, on] = [await build('off', {}), await build('on', { pauses: { maxSeconds: MAX_PAUSE } })];
}, 600_000);

describe('letterpod build with cleanup.pauses.maxSeconds', () => {
  it('is off by default, and reports what it removed when on', () => {
    expect(off.report.cleanup!).not.toHaveProperty('pauses');
    const p = on.report.cleanup!.pauses!;
    expect(p.maxSeconds).toBe(MAX_PAUSE);
    // every gap between sections is ~3 s (2.75–3.25 s of silence plus the voice's own edges)
    const gaps = narration.starts.slice(1).length;
    expect(p.shortened).toBeGreaterThanOrEqual(gaps);
    expect(p.removedSeconds).toBeGreaterThan(gaps * 1.5);
    console.log(`pauses: ${p.shortened} of ${p.longer} shortened, ${p.removedSeconds} s removed; episode ${off.report.audio.durationSeconds} → ${on.report.audio.durationSeconds} s`);
  });

  it('makes the episode shorter by the seconds removed (±1 MP3 frame), measured on the MP3s', () => {
    const p = on.report.cleanup!.pauses!;
    const offSeconds = off.pcm.length / 44100;
    const onSeconds = on.pcm.length / 44100;
    expect(Math.abs(offSeconds - onSeconds - p.removedSeconds)).toBeLessThanOrEqual(FRAME);
  });

  it('keeps every chapter mark and transcript cue within 0.3 s of its speech in the output', () => {
    const errors: number[] = [];
    const check = (a: { startSeconds: number }, b: { startSeconds: number }) => {
      // the 2 s heard from a's mark in the unshortened episode, found in the shortened one
      const at = find(off.env, a.startSeconds, on.env, b.startSeconds);
      errors.push(Math.abs(at - b.startSeconds));
    };
    expect(on.report.chapters.map((c) => c.id)).toEqual(off.report.chapters.map((c) => c.id));
    on.report.chapters.forEach((c, i) => {
      if (i > 0) check(off.report.chapters[i]!, c);
    });
    expect(on.cues.length).toBe(off.cues.length);
    on.cues.forEach((c, i) => {
      if (off.cues[i]!.startSeconds + 2 < off.pcm.length / 44100) check(off.cues[i]!, c);
    });
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.3);
  });

  it('keeps the chapters within the alignment targets of the true section starts, located in the output', () => {
    const errors = on.report.chapters.slice(1).map((c) => {
      const truth = narration.starts.find((s) => s.id === c.id)!;
      // the first words of the section (the recording from its true start), in the output
      const word = find(recordingEnv, truth.startSeconds, on.env, c.startSeconds);
      // a mark anywhere in what is left of the pause before them is right
      const pause = Math.min(MAX_PAUSE, truth.startSeconds - (truth.pauseStartSeconds ?? truth.startSeconds));
      return c.startSeconds > word ? c.startSeconds - word : Math.max(0, word - pause - c.startSeconds);
    }).sort((a, b) => a - b);
    console.log(`chapter errors (s): ${errors.map((e) => e.toFixed(3)).join(' ')}`);
    expect(errors[Math.floor(errors.length / 2)]!).toBeLessThanOrEqual(0.1);
    expect(errors[Math.ceil(0.95 * errors.length) - 1]!).toBeLessThanOrEqual(0.3);
    expect(errors[errors.length - 1]!).toBeLessThanOrEqual(1.0);
  });

  it('is on loudness target', () => {
    for (const b of [off, on]) {
      expect(Math.abs(b.report.loudness.output.integratedLufs - -16)).toBeLessThanOrEqual(0.5);
      expect(b.report.loudness.output.truePeakDbtp).toBeLessThanOrEqual(-1);
    }
  });

  it('leaves no click at the cuts: the sample-to-sample jump at a seam is within the room tone around it', () => {
    const p = on.report.cleanup!.pauses!;
    const trimStart = on.report.loudness.plan!.trimStartSeconds;
    const offset = on.report.quality.speechOffsetSeconds;
    const jump = (x: Float32Array, from: number, to: number) => {
      let m = 0;
      for (let i = Math.max(1, Math.round(from * 44100)); i < Math.min(x.length, Math.round(to * 44100)); i++) m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
      return m;
    };
    let removed = 0;
    let worst = 0;
    for (const c of p.cuts) {
      const seam = c.startSeconds - trimStart - removed + offset;
      removed += c.endSeconds - c.startSeconds;
      // ±15 ms at the seam against the 200 ms of room tone before the crossfade
      const at = jump(on.pcm, seam - 0.015, seam + 0.015);
      const room = jump(on.pcm, seam - 0.3, seam - 0.1);
      expect(at).toBeLessThanOrEqual(Math.max(1.5 * room, 1e-4));
      worst = Math.max(worst, at / room);
    }
    console.log(`largest seam jump / room-tone jump: ${worst.toFixed(2)}`);
  });
});
