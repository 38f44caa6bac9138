/**
 * Mastering: linear two-pass loudness normalization, MP3 CBR 44.1 kHz encode with ID3v2.3
 * tags, CTOC + CHAP chapters and optional cover art, then verification of the result.
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LetterpodError } from '../errors.js';
import { ffmpeg, ffprobe } from '../media/ffmpeg.js';
import { writeId3, type Id3Chapter, type Id3Tag } from './id3.js';
import {
  measureEbur128,
  parseLoudnormJson,
  planLoudness,
  type LoudnessFigures,
  type LoudnessPlan,
  type LoudnessTarget,
  type LoudnormMeasurement,
} from './loudness.js';

export const OUTPUT_RATE = 44100;

export interface MasterInput {
  input: string;
  output: string;
  channels: number;
  target: LoudnessTarget;
  /** loudnorm's first pass over the input (run it concurrently with alignment). */
  measured: LoudnormMeasurement;
  chapters: Id3Chapter[];
  tags: { title: string; artist: string; album: string; track?: number; year?: string; comment?: string };
  cover?: string;
  onProgress?: (seconds: number) => void;
}

export interface MasterResult {
  plan: LoudnessPlan;
  output: LoudnessFigures;
  channels: number;
  bitrateKbps: number;
  warnings: string[];
  /** How many encodes it took to land on target. */
  encodes: number;
}

export function bitrateFor(channels: number): number {
  return channels === 1 ? 96 : 128;
}

/** Tolerance before the encode is corrected: the MP3 encoder can shift loudness a few tenths. */
const AIM_TOLERANCE_LU = 0.2;
/** The hard ceiling measured on the final file. */
export const FINAL_TRUE_PEAK_MAX = -1.0;

/**
 * Encode the mastered MP3 and measure it. The gain is always linear; when the encoder moved
 * the loudness off target (it can take 0.3–0.5 LU from synthetic speech) or lifted the true
 * peak over the ceiling, the aim is corrected by the measured error and the file encoded
 * again (at most twice). Throws when the target cannot be met.
 */
export async function master(m: MasterInput): Promise<MasterResult> {
  const channels = m.channels === 1 ? 1 : 2;
  const bitrateKbps = bitrateFor(channels);
  await mkdir(dirname(m.output), { recursive: true });
  const tag = await id3Tag(m);
  const aim: LoudnessTarget = { ...m.target };
  for (let attempt = 0; ; attempt++) {
    let plan: LoudnessPlan;
    try {
      plan = await planLoudness(m.input, aim, m.measured, OUTPUT_RATE);
    } catch (cause) {
      throw new LetterpodError({ file: m.input, problem: (cause as Error).message, fix: 'Check the recording level and re-export it', cause });
    }
    await encode(m, plan, tag, channels, bitrateKbps);
    const output = await measureEbur128(m.output);
    const error = m.target.targetLufs - output.integratedLufs;
    const peakOver = output.truePeakDbtp - FINAL_TRUE_PEAK_MAX;
    if (Math.abs(error) <= AIM_TOLERANCE_LU && peakOver <= 0) {
      await verifyChapters(m.output, m.chapters.length);
      return { plan, output, channels, bitrateKbps, warnings: plan.warnings, encodes: attempt + 1 };
    }
    if (attempt === 2) {
      await rm(m.output, { force: true });
      throw new LetterpodError({
        file: m.input,
        problem: `mastered loudness ${output.integratedLufs} LUFS / true peak ${output.truePeakDbtp} dBTP misses ${m.target.targetLufs} LUFS ±${AIM_TOLERANCE_LU} with peak ≤ ${FINAL_TRUE_PEAK_MAX} dBTP`,
        fix: 'Lower loudness.truePeakDbtp in the config, or report the recording',
      });
    }
    aim.targetLufs += error;
    if (peakOver > 0) aim.truePeakDbtp -= peakOver + 0.2;
  }
}

async function id3Tag(m: MasterInput): Promise<Id3Tag> {
  let cover: Id3Tag['cover'];
  if (m.cover) {
    const data = await readFile(m.cover);
    const mime = data[0] === 0x89 && data.toString('latin1', 1, 4) === 'PNG' ? 'image/png' : data[0] === 0xff && data[1] === 0xd8 ? 'image/jpeg' : undefined;
    if (!mime) throw new LetterpodError({ file: m.cover, problem: 'cover art is neither JPEG nor PNG', fix: 'Use a square JPEG or PNG (1400–3000 px)' });
    cover = { mime, data };
  }
  return { ...m.tags, cover, chapters: m.chapters };
}

/** One encode: filters, loudnorm in linear mode (checked), MP3 CBR with ID3v2.3 and chapters. */
async function encode(m: MasterInput, plan: LoudnessPlan, tag: Id3Tag, channels: number, bitrateKbps: number): Promise<void> {
  const tmpOut = `${m.output}.part`;
  // ffmpeg writes the audio and its LAME/Info header only; the ID3 tag is ours (id3.ts)
  const args = ['-i', m.input, '-map', '0:a:0', '-map_metadata', '-1', '-map_chapters', '-1'];
  const chain = [plan.pre, plan.loudnorm, `aresample=${OUTPUT_RATE}`].filter(Boolean).join(',');
  args.push(
    '-af', chain,
    '-ar', String(OUTPUT_RATE),
    '-ac', String(channels),
    '-c:a', 'libmp3lame',
    '-b:a', `${bitrateKbps}k`,
    '-id3v2_version', '0',
    '-write_id3v1', '0',
    '-f', 'mp3',
    tmpOut,
  );
  try {
    const { stderr } = await ffmpeg(args, { onProgress: m.onProgress });
    const j = parseLoudnormJson(stderr);
    if (j.normalization_type !== 'linear') {
      throw new LetterpodError({
        file: m.input,
        problem: `loudnorm left linear mode (${j.normalization_type ?? 'unknown'}), which would miss the loudness target`,
        fix: 'Report this with the recording; letterpod refuses to publish a dynamically normalized episode',
      });
    }
    await writeId3(tmpOut, tag);
    await rename(tmpOut, m.output);
  } finally {
    await rm(tmpOut, { force: true });
  }
}

/** The MP3 must carry exactly the chapters we wrote. */
async function verifyChapters(file: string, expected: number): Promise<void> {
  const { stdout } = await ffprobe(['-v', 'error', '-print_format', 'json', '-show_chapters', file]);
  const found = (JSON.parse(stdout.toString('utf8')) as { chapters?: unknown[] }).chapters?.length ?? 0;
  if (found !== expected) {
    throw new LetterpodError({
      file,
      problem: `the encoded MP3 has ${found} chapters, expected ${expected}`,
      fix: 'Use Debian ffmpeg 5.1 or newer (FFMPEG_PATH), which writes ID3 CHAP/CTOC frames',
    });
  }
}
