/**
 * Every input shape a narrator sends lands on the configured loudness target with true
 * peak ≤ −1.0 dBTP, measured independently (a separate ffmpeg ebur128 run over the MP3).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoudness, type LoudnessTarget } from '../../src/audio/loudness.js';
import { master, type MasterInput, type MasterResult } from '../../src/audio/master.js';
import { parseConfig } from '../../src/config/config.js';
import { LetterpodError } from '../../src/errors.js';
import { scratch } from '../helpers/tmp.js';
import { loudnessOf, makeInputMatrix, makeRefusalInputs, type InputCase } from './inputs.js';

const run = promisify(execFile);

/** The configured target: the config's defaults. */
const defaults = parseConfig(
  { show: { title: 't', description: 'd', author: 'a', owner: { name: 'o', email: 'o@example.org' }, link: 'https://example.org/' } },
  undefined,
  '/',
);
const target: LoudnessTarget = { ...defaults.loudness };
const TOLERANCE_LU = 0.5;
const CEILING_DBTP = -1.0;

async function streamOf(file: string): Promise<{ channels: number; sampleRate: number; bitRate: number; codec: string }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-select_streams', 'a:0', file]);
  const s = (JSON.parse(stdout) as { streams: Array<Record<string, string | number>> }).streams[0]!;
  return { channels: Number(s.channels), sampleRate: Number(s.sample_rate), bitRate: Number(s.bit_rate), codec: String(s.codec_name) };
}

describe('mastering input matrix', () => {
  let dir: string;
  let inputs: InputCase[];
  const results = new Map<string, MasterResult>();
  const table: string[] = [];

  beforeAll(async () => {
    dir = await scratch('matrix');
    inputs = await makeInputMatrix(dir);
  });

  afterAll(() => {
    if (table.length) console.log(['case                 input LUFS/dBTP   output LUFS/dBTP  limiter encodes', ...table].join('\n'));
  });

  function input(name: string): InputCase {
    const c = inputs.find((i) => i.name === name);
    if (!c) throw new Error(`no input ${name}`);
    return c;
  }

  async function masterCase(c: InputCase, label: string, opts: { target?: LoudnessTarget; format?: MasterInput['format'] } = {}) {
    const t = opts.target ?? target;
    const measured = await measureLoudness(c.file);
    const output = join(dir, `${label}.mp3`);
    const result = await master({
      input: c.file,
      output,
      channels: c.channels,
      target: t,
      measured,
      chapters: [{ startSeconds: 0, endSeconds: 5, title: 'All' }],
      tags: { title: label, artist: 'Narrator', album: 'Matrix' },
      format: opts.format,
    });
    // the independent check: a separate ffmpeg ebur128 run over the MP3, parsed here
    const verified = await loudnessOf(output);
    table.push(
      `${label.padEnd(20)} ${c.lufs.toFixed(1).padStart(6)} / ${c.truePeakDbtp.toFixed(1).padStart(5)}   ` +
        `${verified.lufs.toFixed(1).padStart(6)} / ${verified.truePeakDbtp.toFixed(1).padStart(5)}   ${String(result.plan.limiter.engaged).padEnd(7)} ${result.encodes}`,
    );
    expect(Math.abs(verified.lufs - t.targetLufs)).toBeLessThanOrEqual(TOLERANCE_LU);
    expect(verified.truePeakDbtp).toBeLessThanOrEqual(CEILING_DBTP);
    expect(result.output.integratedLufs).toBeCloseTo(verified.lufs, 1);
    return { measured, output, result, verified, stream: await streamOf(output) };
  }

  it('renders the inputs the matrix is about', () => {
    expect(inputs.map((c) => c.name)).toEqual(names);
    expect(input('quiet').lufs).toBeCloseTo(-40, 0);
    expect(input('hot-clipped').lufs).toBeCloseTo(-8, 0);
    // hard clipping at full scale: inter-sample peaks over 0 dBFS
    expect(input('hot-clipped').truePeakDbtp).toBeGreaterThan(0);
    expect(inputs.map((c) => c.channels)).toEqual([1, 2, 2, 1, 2, 1, 1, 2]);
  });

  const names = ['quiet', 'hot-clipped', 'stereo-48k', 'mono-48k', '96k-24bit', 'telephone-8k', 'silence-head-tail', 'large-lra'];
  it.each(names)('%s: on target, true peak under the ceiling, one encode, in the right format', async (name) => {
    const c = input(name);
    const { result, stream, measured } = await masterCase(c, name);
    results.set(name, result);
    if (c.limiter !== undefined) expect(result.plan.limiter.engaged).toBe(c.limiter);
    // the first encode lands: the encoder's shift was measured on a sample and aimed for
    expect(result.encodes).toBe(1);
    expect(result.encoder?.loudnessShiftLu).toBeLessThan(0);
    expect(stream).toEqual({ codec: 'mp3', sampleRate: 44100, channels: c.channels, bitRate: c.channels === 1 ? 96000 : 128000 });
    // every input's range is under the default 20 LU: no warning
    expect(measured.lraLu).toBeLessThan(target.lraLu);
    expect(result.warnings).toEqual([]);
  });

  it('measures the length and the sound time of a recording with long silences', async () => {
    const m = await measureLoudness(input('silence-head-tail').file);
    expect(m.durationSeconds).toBeGreaterThan(90);
    // ~31 s of narration with pauses between 30 s of silence at each end
    expect(m.activeSeconds).toBeGreaterThan(20);
    expect(m.activeSeconds).toBeLessThan(33);
    expect(m.integratedLufs).toBeCloseTo(input('silence-head-tail').lufs, 1);
  });

  it('a range above the configured LRA gives a warning, and the same linear gain', async () => {
    const strict = { ...target, lraLu: 10 };
    const { result, measured } = await masterCase(input('large-lra'), 'large-lra-strict', { target: strict });
    expect(measured.lraLu).toBeGreaterThan(12);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/loudness range is 1\d\.\d LU, above the 10 LU target; the gain stays linear/);
    const relaxed = results.get('large-lra');
    if (relaxed) expect(result.plan.gainDb).toBeCloseTo(relaxed.plan.gainDb, 1);
  });

  it('output.channels "mono" downmixes stereo, measured after the downmix, at the configured bitrate', async () => {
    const { stream, result } = await masterCase(input('stereo-48k'), 'stereo-as-mono', { format: { channels: 'mono', monoKbps: 64 } });
    expect(stream).toEqual({ codec: 'mp3', sampleRate: 44100, channels: 1, bitRate: 64000 });
    expect([result.channels, result.bitrateKbps]).toEqual([1, 64]);
  });

  it('output.channels "stereo" keeps mono input stereo, at the configured bitrate', async () => {
    const { stream, result } = await masterCase(input('mono-48k'), 'mono-as-stereo', { format: { channels: 'stereo', stereoKbps: 160 } });
    expect(stream).toEqual({ codec: 'mp3', sampleRate: 44100, channels: 2, bitRate: 160000 });
    expect([result.channels, result.bitrateKbps]).toEqual([2, 160]);
  });
});

describe('recordings master() refuses', () => {
  let dir: string;
  let refused: Awaited<ReturnType<typeof makeRefusalInputs>>;
  beforeAll(async () => {
    dir = await scratch('refuse');
    refused = await makeRefusalInputs(dir);
  });

  it.each([
    ['silent', /the recording is silent/],
    ['short', /only 2\.0 s long, too short to measure its loudness/],
    ['almostSilent', /almost all silence \(\d\.\d s of sound in 61\.5 s/],
  ] as const)('%s, with a one-line error naming the file, and no MP3', async (name, problem) => {
    const file = refused[name];
    const output = join(dir, `${name}.mp3`);
    const err = await master({
      input: file,
      output,
      channels: 1,
      target,
      measured: await measureLoudness(file),
      chapters: [],
      tags: { title: name, artist: 'a', album: 'b' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LetterpodError);
    expect((err as LetterpodError).file).toBe(file);
    expect((err as Error).message).toMatch(problem);
    expect((err as Error).message).not.toContain('\n');
    expect(existsSync(output)).toBe(false);
  });
});
