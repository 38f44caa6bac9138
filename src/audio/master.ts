/**
 * Mastering: linear two-pass loudness normalization, MP3 CBR 44.1 kHz encode with ID3v2.3
 * tags, CTOC + CHAP chapters and optional cover art, then verification of the result.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import { LetterpodError } from '../errors.js';
import { ffmpeg, FfmpegError, ffprobe, fileArg } from '../media/ffmpeg.js';
import { tempName } from '../files/temp.js';
import { writeId3, type Id3Chapter, type Id3Tag } from './id3.js';
import { lameDelay, parseMp3, planFrameSplice, spliceFrames } from './mp3-frames.js';
import { createHash } from 'node:crypto';
import type { Program } from './music.js';
import { DENOISE_GROUP } from './cleanup/denoise.js';
import { cutGraph, type PauseCut } from './pauses.js';
import { levelFilter, type LevelPlan, type StreamPiece } from './cleanup/leveler.js';
import {
  measureLoudness,
  parseEbur128Summary,
  parseLoudnormJson,
  planLoudness,
  type LoudnessFigures,
  type LoudnessPlan,
  type LoudnessTarget,
  type LoudnessMeasurement,
} from './loudness.js';

export const OUTPUT_RATE = 44100;

/** Samples per MPEG-1 Layer III frame. */
export const MP3_FRAME_SAMPLES = 1152;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The least length change (samples at `rate`) of a recording that moves everything after
 * it by whole MP3 frames of the episode (OUTPUT_RATE) with the resampler's phase unchanged,
 * so the master encodes it the same: 576 samples at 22.05 kHz, 1152 at 44.1 kHz. Undefined
 * when that is longer than `maxSeconds` (48 kHz and 16 kHz need 1.28 s: no pause has room).
 */
export function frameQuantum(rate: number, maxSeconds = 0.05): number | undefined {
  if (!Number.isInteger(rate) || rate <= 0) return undefined;
  const g = gcd(OUTPUT_RATE, rate);
  const out = OUTPUT_RATE / g; // output samples per whole-phase step of the input
  const qOut = (MP3_FRAME_SAMPLES / gcd(MP3_FRAME_SAMPLES, out)) * out;
  const qIn = (qOut * rate) / OUTPUT_RATE;
  return Number.isInteger(qIn) && qIn <= maxSeconds * rate ? qIn : undefined;
}

/** Bitrates of MPEG-1 Layer III (44.1 kHz), kbps. */
export const MP3_BITRATES = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] as const;

/** The output format: config's `output` section (every field optional). */
export interface OutputFormatOptions {
  /** "auto": mono for mono input, stereo otherwise. */
  channels?: 'auto' | 'mono' | 'stereo';
  monoKbps?: number;
  stereoKbps?: number;
}

export interface MasterInput {
  input: string;
  output: string;
  /** Channels of the input. */
  channels: number;
  target: LoudnessTarget;
  /** The first pass over the input, `measureLoudness` (run it concurrently with alignment). */
  measured: LoudnessMeasurement;
  chapters: Id3Chapter[];
  tags: { title: string; artist: string; album: string; track?: number; year?: string; comment?: string };
  cover?: string;
  /** Channels and bitrates of the MP3 (default: auto, mono 96 kbps, stereo 128 kbps). */
  format?: OutputFormatOptions;
  /** Speech cleanup filters (cleanup.ts), run first; `measured` must be of the signal after them. */
  cleanup?: string;
  /**
   * The leveler's gains per passage (recording time), run right after `cleanup`; `measured`
   * must include them (leveler.ts `leveledMeasurement`). In the chains it is LEVEL_SLOT,
   * written out for each stream the chain runs on (its clock starts where the stream does).
   */
  level?: LevelPlan;
  /** The part of the recording to keep (s); default all of it. */
  trim?: { startSeconds: number; endSeconds: number };
  /** Spans of the recording (s) taken out of the speech in the encode, after its filters (pauses.ts: shortened pauses). */
  cuts?: readonly PauseCut[];
  /** Intro/outro music joined to the speech (music.ts programGraph). */
  program?: Program;
  onProgress?: (seconds: number) => void;
  /**
   * A plan to master with instead of planning anew (the gain and limiter of an earlier build
   * of almost the same recording: a pickup spliced into it). Used when the result still
   * meets the target (loudness within ±KEEP_TOLERANCE_LU, true peak ≤ FINAL_TRUE_PEAK_MAX);
   * otherwise the file is mastered anew and a warning says why.
   */
  keep?: KeptPlan;
}

/** A length change inside the recording, for `KeptPlan.realign`. */
export interface Realign {
  /** The recording's rate, and the length change in its samples (new minus old). */
  rate: number;
  shiftSamples: number;
  /** From where on (s of the kept, trimmed part) the speech comes from the shifted run: after the span and its crossfade. */
  fromSeconds: number;
}

/**
 * How long a frame-based denoiser (afftdn) run on the earlier grid takes to give the earlier
 * build's samples again after a replaced span (its decision-directed prior and overlap):
 * measured ≤ 0.2 s after the span's crossfade (pink noise, 48 kHz).
 */
export const DENOISE_SETTLE_SECONDS = 0.35;
/** How far before a changed sample the denoiser's output changes (its window, delay compensated): 25 ms measured. */
export const DENOISE_LOOKAHEAD_SECONDS = 0.03;

/** Whether a chain holds a filter whose output depends on where the stream starts (afftdn's frame grid). */
export function hasFrameGrid(chain: string | undefined | null): boolean {
  return Boolean(chain && /(^|,)afftdn=/.test(chain));
}

/**
 * The speech graph (input [0:a:0] to [speech]) when a kept chain's denoiser must follow the
 * earlier build's frame grid after a span whose length changed: the chain before the
 * denoiser, then two denoiser runs (on the stream as it is, up to `fromSeconds`; on the
 * stream moved back by the shift, from there on), joined sample-exactly, then the rest.
 */
function realignedSpeech(speech: string, r: Realign): string[] | undefined {
  const m = DENOISE_GROUP.exec(speech);
  if (!m) return undefined;
  const before = speech.slice(0, m.index);
  const after = speech.slice(m.index + m[0].length);
  const dn = m[2]!;
  const x = Math.round(r.fromSeconds * r.rate);
  const sh = r.shiftSamples;
  if (!Number.isInteger(sh) || x - sh < 0) return undefined;
  const move = sh >= 0 ? `atrim=start_sample=${sh},asetpts=N/SR/TB` : `adelay=delays=${-sh}S:all=1,asetpts=N/SR/TB`;
  return [
    `[0:a:0]asetpts=N/SR/TB,${before ? `${before},` : ''}asplit=2[dn_as][dn_moved]`,
    `[dn_as]${dn},atrim=end_sample=${x}[dn_head]`,
    `[dn_moved]${move},${dn},atrim=start_sample=${x - sh},asetpts=N/SR/TB[dn_tail]`,
    `[dn_head][dn_tail]concat=n=2:v=0:a=1,asetpts=N/SR/TB${after ? `,${after}` : ''}[speech]`,
  ];
}

/** The speech part of the encode's graph, from [0:a:0] to [`out`]: the plan's chain, run on the earlier grid after a span with `realign`. */
export function speechGraph(plan: Pick<LoudnessPlan, 'pre' | 'residualGainDb'>, channels: number, realign?: Realign, out = 'speech'): string[] {
  const speech = speechChain(plan, channels);
  const lines = (realign && realignedSpeech(speech, realign)) || [`[0:a:0]${speech}[speech]`];
  return lines.map((l) => l.replace(/\[speech\]$/, `[${out}]`));
}

/** What an encode needs of a plan: the filters before the gain and the gain after them. */
export interface KeptPlan {
  pre?: string;
  residualGainDb: number;
  gainDb: number;
  limiter: LoudnessPlan['limiter'];
  truePeakDbtp: number;
  /**
   * Where the recording's content moved (a pickup of another length spliced in): a
   * frame-based filter of the chain (the denoiser, whose 12.5 ms grid counts from the
   * stream's start) is run a second time on a stream shifted back by it, and the speech
   * after the span is taken from that run, so it is processed on the earlier build's grid.
   */
  realign?: Realign;
  /** The earlier build's leveler (its `pre` holds LEVEL_SLOT). */
  level?: LevelPlan;
  /**
   * The earlier build's MP3 this master differs from only in one span: its frames are kept
   * outside that span (frame-level splice), so the published file is the earlier one's
   * there, not a new encode of the same samples (LAME's state after the span differs).
   */
  earlier?: EarlierEncode;
}

/** An earlier episode's MP3 and where a new master of it differs (a pickup spliced in). */
export interface EarlierEncode {
  /** Read before the new encode replaces it (it may be the same file). */
  path: string;
  /** Its sha256 as the earlier build reported it: another file there is not used. */
  sha256: string;
  /** Where the new master differs from the earlier one, in seconds of the new episode (the replaced span, its crossfades and the filters' settling). */
  differsFromSeconds: number;
  differsToSeconds: number;
  /** The length change after it, samples of the episode (OUTPUT_RATE): a whole number of MP3 frames. */
  shiftSamples: number;
  /** Why its frames cannot be used (the file is encoded whole, and the report says why). */
  unusable?: string;
}

/** How far (MP3 frames, 26 ms each) a junction may move from the span to find a frame whose bit reservoir fits. */
export const SPLICE_SEARCH_FRAMES = 400;

/** What became of a frame-level splice (`KeptPlan.earlier`). */
export interface FrameSpliceReport {
  spliced: boolean;
  /** Why the file was encoded whole instead. */
  reason?: string;
  /** Where the new encode's frames start and end being used (s of the episode, decoded time), and where the tail's start (when the tails differ). */
  newFromSeconds?: number;
  newToSeconds?: number;
  tailFromSeconds?: number;
}

/** How far off the target a kept plan may land (the loudness promise: ±0.5 LU). */
export const KEEP_TOLERANCE_LU = 0.5;

/** What the encoder does to loudness and true peak, measured on a short sample of the input. */
export interface EncoderProbe {
  /** Output minus input integrated loudness, LU (LAME CBR ≤ 128 kbps takes ~0.44 LU from speech). */
  loudnessShiftLu: number;
  /** Output minus input true peak, dB. */
  truePeakRiseDb: number;
  sampleSeconds: number;
}

export interface MasterResult {
  plan: LoudnessPlan;
  output: LoudnessFigures;
  channels: number;
  bitrateKbps: number;
  warnings: string[];
  /** How many encodes of the whole file it took to land on target. */
  encodes: number;
  /** The sample encode the first aim was corrected by (undefined when the sample was silent). */
  encoder?: EncoderProbe;
  /** Whether `keep` was used as it was. */
  kept: boolean;
  /** With `keep.earlier`: whether the earlier MP3's frames were kept outside the span, or why not. */
  frameSplice?: FrameSpliceReport;
}

/** Output channels and bitrate for an input with `inputChannels`. */
export function outputFormat(inputChannels: number, format: OutputFormatOptions = {}): { channels: 1 | 2; bitrateKbps: number } {
  const mode = format.channels ?? 'auto';
  const channels = mode === 'mono' ? 1 : mode === 'stereo' ? 2 : inputChannels === 1 ? 1 : 2;
  return { channels, bitrateKbps: channels === 1 ? (format.monoKbps ?? 96) : (format.stereoKbps ?? 128) };
}

/** Default bitrate for a channel count (mono 96, stereo 128 kbps). */
export function bitrateFor(channels: number): number {
  return outputFormat(channels).bitrateKbps;
}

/** Tolerance before the encode is corrected (the promise is ±0.5 LU; other meters differ by ~0.1). */
const AIM_TOLERANCE_LU = 0.2;
/** The hard ceiling measured on the final file. */
export const FINAL_TRUE_PEAK_MAX = -1.0;
/** Room kept under the final ceiling on top of the encoder's measured peak rise. */
const PEAK_SAFETY_DB = 0.25;
/** The lowest ceiling we aim for (dBTP): lower means the recording is broken. */
const MIN_CEILING_DBTP = -9;
/** Least sound (above the relative gate) a recording needs for a meaningful loudness. */
const MIN_ACTIVE_SECONDS = 3;
/** ... and the least share of its length. */
const MIN_ACTIVE_SHARE = 0.05;

/**
 * Encode the mastered MP3 and measure it. The gain is always linear. The first encode aims
 * off the target by what the encoder does to a short sample of the input (LAME takes a
 * steady ~0.44 LU at 96–128 kbps, and lifts the true peak of clipped audio by up to 2 dB),
 * so it lands on target; when the result still misses (loudness off by more than
 * AIM_TOLERANCE_LU, true peak over the ceiling) the aim is corrected by the measured error
 * and the file encoded again (at most twice). Throws when the target cannot be met, or when
 * the recording is too short or almost all silence to be measured.
 */
export async function master(m: MasterInput): Promise<MasterResult> {
  const { channels, bitrateKbps } = outputFormat(m.channels, m.format);
  refuseUnmeasurable(m.input, m.measured);
  await mkdir(dirname(m.output), { recursive: true });
  const tag = await id3Tag(m);
  const keptWarnings: string[] = [];
  if (m.keep) {
    const { earlier: _earlier, ...kept } = m.keep;
    const plan: LoudnessPlan = { ...kept, target: m.target, measured: m.measured, warnings: [] };
    // the earlier MP3 is read first: the encode replaces it when it is the same file
    const earlier = m.keep.earlier ? await readEarlier(m.keep.earlier) : undefined;
    const { frameSplice, output } = await encode(m, plan, tag, channels, bitrateKbps, earlier, true);
    const off = output.integratedLufs - m.target.targetLufs;
    if (Math.abs(off) <= KEEP_TOLERANCE_LU && output.truePeakDbtp <= FINAL_TRUE_PEAK_MAX) {
      await verifyChapters(m.output, m.chapters.length);
      const warnings = frameSplice && !frameSplice.spliced ? [`the MP3 was encoded whole, not spliced into the earlier episode's frames (${frameSplice.reason}): after the replaced part it differs from the earlier episode's at the encoder's noise level`] : [];
      return { plan, output, channels, bitrateKbps, warnings, encodes: 1, kept: true, ...(frameSplice ? { frameSplice } : {}) };
    }
    keptWarnings.push(
      `the earlier build's gain (${m.keep.gainDb} dB) gives ${output.integratedLufs} LUFS / true peak ${output.truePeakDbtp} dBTP here ` +
        `(the target: ${m.target.targetLufs} ±${KEEP_TOLERANCE_LU} LUFS, ≤ ${FINAL_TRUE_PEAK_MAX} dBTP): mastered anew, so the level outside the replaced part differs from the earlier episode's`,
    );
  }
  // a channel conversion runs first, and the gain is computed for the converted signal;
  // ffmpeg's mono → stereo keeps the loudness (−3 dB per channel), anything else is re-measured
  const convert = channels === m.channels ? undefined : `aformat=channel_layouts=${channels === 1 ? 'mono' : 'stereo'}`;
  const head = [m.cleanup, m.level ? LEVEL_SLOT : undefined, convert].filter(Boolean).join(',') || undefined;
  const measured = convert && !(m.channels === 1 && channels === 2) ? await measureLoudness(m.input, head && fillLevel(head, m.level, [{ at: 0, from: 0, seconds: 1e6 }])) : m.measured;
  if (convert) refuseUnmeasurable(m.input, measured);

  const windows = sampleWindows(m, measured);
  const encoder = await probeEncoder(m, windows, head, measured, channels, bitrateKbps);
  const sample = (chain: string) => meterSample(m, windows, chain);
  const aim: LoudnessTarget = {
    ...m.target,
    targetLufs: m.target.targetLufs - (encoder?.loudnessShiftLu ?? 0),
    truePeakDbtp: Math.max(MIN_CEILING_DBTP, Math.min(m.target.truePeakDbtp, FINAL_TRUE_PEAK_MAX - PEAK_SAFETY_DB - Math.max(0, encoder?.truePeakRiseDb ?? 0))),
  };
  for (let attempt = 0; ; attempt++) {
    let plan: LoudnessPlan;
    try {
      plan = await planLoudness(aim, measured, OUTPUT_RATE, sample, { head });
    } catch (cause) {
      throw new LetterpodError({ file: m.input, problem: (cause as Error).message, fix: 'Check the recording level and re-export it', cause });
    }
    const { output } = await encode(m, plan, tag, channels, bitrateKbps);
    const error = m.target.targetLufs - output.integratedLufs;
    const peakOver = output.truePeakDbtp - FINAL_TRUE_PEAK_MAX;
    if (Math.abs(error) <= AIM_TOLERANCE_LU && peakOver <= 0) {
      await verifyChapters(m.output, m.chapters.length);
      return { plan, output, channels, bitrateKbps, warnings: [...keptWarnings, ...plan.warnings], encodes: attempt + 1 + (m.keep ? 1 : 0), encoder, kept: false };
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
    if (peakOver > 0) aim.truePeakDbtp = Math.max(MIN_CEILING_DBTP, aim.truePeakDbtp - peakOver - 0.2);
  }
}

/** A recording that is silent, shorter than 3 s or almost all silence has no loudness to normalize. */
export function refuseUnmeasurable(file: string, m: LoudnessMeasurement): void {
  if (!Number.isFinite(m.integratedLufs) || m.integratedLufs <= -70) {
    throw new LetterpodError({ file, problem: 'the recording is silent (nothing above −70 LUFS)', fix: 'Check the microphone input and export again' });
  }
  if (m.durationSeconds !== undefined && m.durationSeconds < MIN_ACTIVE_SECONDS) {
    throw new LetterpodError({
      file,
      problem: `the recording is only ${m.durationSeconds.toFixed(1)} s long, too short to measure its loudness (at least ${MIN_ACTIVE_SECONDS} s)`,
      fix: 'Export the whole narration',
    });
  }
  if (m.activeSeconds !== undefined && m.durationSeconds !== undefined) {
    const needed = Math.max(MIN_ACTIVE_SECONDS, MIN_ACTIVE_SHARE * m.durationSeconds);
    if (m.activeSeconds < needed) {
      throw new LetterpodError({
        file,
        problem: `the recording is almost all silence (${m.activeSeconds.toFixed(1)} s of sound in ${m.durationSeconds.toFixed(1)} s, at least ${needed.toFixed(1)} s needed)`,
        fix: 'Check that it is the narration and that the microphone was on, then export again',
      });
    }
  }
}

interface SampleWindow {
  start: number;
  seconds: number;
}

/**
 * Where the leveler goes in a chain (a named no-op): the chain is planned and reported with
 * it, and each stream it runs on gets the leveler written for its own clock (`fillLevel`).
 */
export const LEVEL_SLOT = 'anull@leveler';

/** A chain with the leveler in its slot, for a stream made of `pieces` of the recording. */
export function fillLevel(chain: string, level: LevelPlan | undefined, pieces: readonly StreamPiece[]): string {
  if (!chain.includes(LEVEL_SLOT)) return chain;
  return chain.replace(LEVEL_SLOT, level ? levelFilter(level, pieces) : 'anull');
}

/** Recordings up to this long (s) are their own sample; longer ones are sampled in windows. */
const WHOLE_SAMPLE_SECONDS = 120;
const SAMPLE_WINDOWS = 10;
const SAMPLE_WINDOW_SECONDS = 6;

/**
 * The sample the encoder's and the limiter's effect on loudness are measured on, inside the
 * kept part of the recording: all of it up to WHOLE_SAMPLE_SECONDS, else 10 windows of 6 s
 * spread evenly (a limiter's loudness loss depends on how often peaks come, so the sample
 * must see the whole recording: three 3 s windows misjudged it by 0.5 LU).
 */
function sampleWindows(m: MasterInput, measured: LoudnessMeasurement): SampleWindow[] {
  const from = m.trim?.startSeconds ?? 0;
  const duration = (m.trim?.endSeconds ?? measured.durationSeconds ?? 0) - from;
  if (duration <= WHOLE_SAMPLE_SECONDS) return [{ start: from, seconds: duration }];
  return Array.from({ length: SAMPLE_WINDOWS }, (_, k) => ({
    start: from + ((k + 0.5) * duration) / SAMPLE_WINDOWS - SAMPLE_WINDOW_SECONDS / 2,
    seconds: SAMPLE_WINDOW_SECONDS,
  }));
}

/** ffmpeg inputs and the graph that joins the windows (short fades against clicks) into `[joined]`. */
function windowsGraph(m: MasterInput, windows: SampleWindow[], head: string | undefined): { args: string[]; graph: string[] } {
  const args: string[] = [];
  const graph: string[] = [];
  windows.forEach((w, i) => {
    args.push('-ss', w.start.toFixed(3), '-t', w.seconds.toFixed(3), '-i', m.input);
    const fade = Math.min(0.02, w.seconds / 4);
    graph.push(
      `[${i}:a:0]${[head && fillLevel(head, m.level, [{ at: 0, from: w.start, seconds: w.seconds }]), `aresample=${OUTPUT_RATE}`, `afade=t=in:d=${fade}`, `afade=t=out:st=${(w.seconds - fade).toFixed(3)}:d=${fade}`].filter(Boolean).join(',')}[w${i}]`,
    );
  });
  graph.push(`${windows.map((_, i) => `[w${i}]`).join('')}concat=n=${windows.length}:v=0:a=1[joined]`);
  return { args, graph };
}

/** ebur128 figures of the sample windows after `chain` (the windows' own cleanup/conversion excluded: pass it in `chain`). */
async function meterSample(m: MasterInput, windows: SampleWindow[], chain: string): Promise<LoudnessFigures> {
  const { args, graph } = windowsGraph(m, windows, undefined);
  // the joined windows' clock runs on from window to window
  let at = 0;
  const pieces = windows.map((w) => ({ at: (at += w.seconds) - w.seconds, from: w.start, seconds: w.seconds }));
  graph.push(`[joined]${fillLevel(chain, m.level, pieces)},ebur128=peak=true[metered]`);
  const { stderr } = await ffmpeg([...args, '-filter_complex', graph.join(';'), '-map', '[metered]', '-f', 'null', '-'], { stderrLimit: 1 << 22 });
  return parseEbur128Summary(stderr);
}

/**
 * Encode a short sample of the input as the master will be encoded, near the target level
 * (peaks kept under full scale), and meter both sides alike (loudnorm's meter: two decimals,
 * and its bias on the last seconds is the same on both): the encoder's loudness shift and
 * true-peak rise. Undefined when the sample holds no sound.
 */
async function probeEncoder(
  m: MasterInput,
  windows: SampleWindow[],
  head: string | undefined,
  measured: LoudnessMeasurement,
  channels: number,
  bitrateKbps: number,
): Promise<EncoderProbe | undefined> {
  const gainDb = Math.min(m.target.targetLufs - measured.integratedLufs, -1 - measured.truePeakDbtp);
  const sample = tempName(m.output, 'sample');
  const { args, graph: parts } = windowsGraph(m, windows, head);
  const graph = [
    ...parts,
    `[joined]volume=${gainDb.toFixed(2)}dB,asplit=2[meter][enc]`,
    '[meter]loudnorm=print_format=json[metered]',
  ].join(';');
  try {
    const { stderr } = await ffmpeg([
      ...args,
      '-filter_complex', graph,
      '-map', '[metered]', '-f', 'null', '-',
      '-map', '[enc]', '-ar', String(OUTPUT_RATE), '-ac', String(channels), '-c:a', 'libmp3lame', '-b:a', `${bitrateKbps}k`, '-f', 'mp3', sample,
    ]);
    const before = loudnormInput(parseLoudnormJson(stderr));
    const after = loudnormInput(parseLoudnormJson((await ffmpeg(['-i', sample, '-af', 'loudnorm=print_format=json', '-f', 'null', '-'])).stderr));
    if (!(before.i > -70 && after.i > -70)) return undefined;
    return {
      loudnessShiftLu: round2(Math.max(-2, Math.min(2, after.i - before.i))),
      truePeakRiseDb: round2(Math.max(-3, Math.min(6, after.tp - before.tp))),
      sampleSeconds: round2(windows.reduce((s, w) => s + w.seconds, 0)),
    };
  } finally {
    await rm(sample, { force: true });
  }
}

function loudnormInput(j: Record<string, string>): { i: number; tp: number } {
  const n = (v: string | undefined): number => (v === undefined ? Number.NaN : v === '-inf' ? Number.NEGATIVE_INFINITY : Number(v));
  return { i: n(j.input_i), tp: n(j.input_tp) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
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

/** The filters the kept part of the recording goes through before the encoder (and the music). */
export function speechChain(plan: Pick<LoudnessPlan, 'pre' | 'residualGainDb'>, channels: number): string {
  const layout = channels === 1 ? 'mono' : 'stereo';
  return [
    plan.pre,
    `volume=${plan.residualGainDb.toFixed(2)}dB`,
    `aresample=${OUTPUT_RATE}`,
    `aformat=sample_fmts=fltp:sample_rates=${OUTPUT_RATE}:channel_layouts=${layout}`,
  ].filter(Boolean).join(',');
}

/**
 * One encode: the kept part of the recording through cleanup, limiter and the linear gain,
 * joined with the music when there is some, to MP3 CBR; then our ID3v2.3 tag. The result is
 * verified as it is produced: ffmpeg's tee muxer writes the encoded frames to the file and,
 * the same packets, to its stdout, which is piped into a second ffmpeg that decodes them and
 * meters them with ebur128 (true peak on) while the encode runs (`meterEncode`). When the
 * encode ends, the file's audio frames are checked to be the bytes that were metered, and
 * the meter to have decoded all of them without an error (`checkMetered`): the loudness and
 * true peak are then the published file's, with no second pass over it. A file whose frames
 * are not the metered ones (spliced into an earlier episode's, or an encoder whose delay
 * differs from the one the meter skipped) is decoded and metered again after the encode
 * (`verifyFile`).
 */
async function encode(
  m: MasterInput,
  plan: LoudnessPlan,
  tag: Id3Tag,
  channels: number,
  bitrateKbps: number,
  earlier?: EarlierMp3,
  kept = false,
): Promise<{ frameSplice?: FrameSpliceReport; output: LoudnessFigures }> {
  const tmpOut = tempName(m.output, 'part');
  const trim = m.trim ? ['-ss', m.trim.startSeconds.toFixed(3), '-to', m.trim.endSeconds.toFixed(3)] : [];
  const from = m.trim?.startSeconds ?? 0;
  const leveled = plan.pre ? { ...plan, pre: fillLevel(plan.pre, kept ? m.keep?.level : m.level, [{ at: 0, from, seconds: (m.trim?.endSeconds ?? 1e6) - from }]) } : plan;
  const cuts = cutGraph(m.cuts ?? [], from, OUTPUT_RATE, 'speech_uncut', 'speech');
  const graph = [...speechGraph(leveled, channels, kept ? m.keep?.realign : undefined, cuts ? 'speech_uncut' : 'speech'), ...(cuts ?? []), ...(m.program?.graph ?? ['[speech]anull[program]'])];
  // ffmpeg writes the audio and its LAME/Info header only; the ID3 tag is ours (id3.ts)
  const mp3 = 'f=mp3:id3v2_version=0:write_id3v1=0';
  const args = [
    ...trim, '-i', m.input,
    ...(m.program?.inputs ?? []),
    '-filter_complex', graph.join(';'),
    '-map', '[program]', '-map_metadata', '-1', '-map_chapters', '-1',
    '-ar', String(OUTPUT_RATE),
    '-ac', String(channels),
    '-c:a', 'libmp3lame',
    '-b:a', `${bitrateKbps}k`,
    '-f', 'tee',
    `[${mp3}]${teeName(fileArg(tmpOut))}|[${mp3}]pipe:1`,
  ];
  const skip = decoderSkip;
  const meter = meterEncode(skip);
  try {
    try {
      await ffmpeg(args, { onProgress: m.onProgress, onStdout: meter.write });
    } finally {
      meter.end();
    }
    const metered = await meter.result;
    const length = expectedSeconds(m);
    let output = await checkMetered(tmpOut, m.output, metered, skip, length);
    const spliced = earlier ? await spliceEarlier(tmpOut, earlier) : undefined;
    // the spliced frames are not the ones metered: the file is decoded and measured whole
    if (!output || spliced?.spliced) output = await verifyFile(tmpOut, m.output, length);
    await writeId3(tmpOut, tag);
    await rename(tmpOut, m.output);
    return { ...(spliced ? { frameSplice: spliced } : {}), output };
  } catch (e) {
    // a full disk names the episode's MP3, not the temp file that is removed below
    const err = e as NodeJS.ErrnoException;
    if (err?.path === tmpOut) err.path = m.output;
    throw e;
  } finally {
    meter.end();
    await meter.result.catch(() => undefined);
    await rm(tmpOut, { force: true });
  }
}

/**
 * The samples an MP3 decoder drops at the start of a stream with a LAME tag (the encoder's
 * delay + 529): the meter of the encode's output reads the frames without the tag, so it
 * drops them itself. LAME 3.100's is 1105; an encoder whose tag says otherwise is learned
 * from (the next encode skips that), and its file is measured again after the encode.
 */
let decoderSkip = 1105;

/** How far the MP3's decoded length may be from the episode's (s): the first pass's length is in 0.1 s steps. */
const LENGTH_TOLERANCE_SECONDS = 0.25;

/** How long the episode must decode to (s): the kept part of the recording, with the music; undefined when the first pass did not say. */
function expectedSeconds(m: MasterInput): number | undefined {
  const kept = m.trim ? m.trim.endSeconds - m.trim.startSeconds : m.measured.durationSeconds;
  if (kept === undefined) return undefined;
  // (less the shortened pauses' cuts)
  const speech = kept - (m.cuts ?? []).reduce((s, c) => s + (c.endSeconds - c.startSeconds), 0);
  return m.program ? m.program.episodeSeconds(speech) : speech;
}

/** The length check of a decoded MP3: undefined when it is as long as the episode, else what is wrong. */
function lengthProblem(decodedSeconds: number, expected: number | undefined): string | undefined {
  if (expected === undefined || Math.abs(decodedSeconds - expected) <= LENGTH_TOLERANCE_SECONDS) return undefined;
  return `the encoded MP3 is ${decodedSeconds.toFixed(2)} s long, the episode ${expected.toFixed(2)} s`;
}

/** A file name inside the tee muxer's list: `|`, quotes, backslashes and spaces escaped. */
function teeName(name: string): string {
  return name.replace(/[\\'|\s]/g, (c) => `\\${c}`);
}

/** The first line ffmpeg logged at error level (run with `-loglevel level+info`), if any. */
export function decodeError(stderr: string): string | undefined {
  return /^(?:\[[^\]\n]*\] )?\[(?:error|fatal|panic)\] (.*)$/m.exec(stderr)?.[1]?.trim();
}

/** What the meter beside an encode read of its output. */
interface Metered {
  figures: LoudnessFigures;
  /** How much audio it decoded (s), the skipped start included. */
  decodedSeconds: number;
  bytes: number;
  sha256: string;
}

/**
 * A second ffmpeg that decodes the MP3 frames written to it (`write`, then `end`) as they
 * come and meters them with ebur128, true peak on. What the decoder logs at error level (a
 * frame that does not decode, a broken bit reservoir) fails the check; its progress says
 * how much audio was decoded.
 */
function meterEncode(skip: number): { write: (chunk: Buffer) => void; end: () => void; result: Promise<Metered | Error> } {
  const input = new PassThrough();
  const hash = createHash('sha256');
  let bytes = 0;
  let decodedSeconds = 0;
  let ended = false;
  const run = ffmpeg(
    ['-loglevel', 'level+info', '-f', 'mp3', '-i', 'pipe:0', '-vn', '-af', `atrim=start_sample=${skip},ebur128=peak=true:framelog=verbose`, '-f', 'null', '-'],
    { stdin: input, stderrLimit: 1 << 16, onProgress: (s) => (decodedSeconds = Math.max(decodedSeconds, s)) },
  );
  const result = run.then(
    ({ stderr }): Metered | Error => {
      const error = decodeError(stderr);
      return error ? new Error(`the encoded MP3 does not decode cleanly: ${error}`) : { figures: parseEbur128Summary(stderr), decodedSeconds, bytes, sha256: hash.digest('hex') };
    },
    (e: unknown) => {
      if (!(e instanceof FfmpegError)) throw e;
      return new Error(`the encoded MP3 does not decode: ${decodeError(e.stderrTail) ?? e.stderrTail.trim().split('\n').slice(-1)[0]}`);
    },
  );
  return {
    write: (chunk) => {
      if (ended) return;
      bytes += chunk.length;
      hash.update(chunk);
      input.write(chunk);
    },
    end: () => {
      if (ended) return;
      ended = true;
      input.end();
    },
    result,
  };
}

/**
 * The metered figures when they are the file's: its audio frames (after the Info frame,
 * which the muxer rewrites at the end) are the metered bytes, all of them were decoded, and
 * its encoder delay is the one the meter skipped. Undefined when only the delay differs
 * (measure the file again); throws when the file is not what was metered or did not decode
 * whole.
 */
async function checkMetered(file: string, name: string, metered: Metered | Error, skip: number, length: number | undefined): Promise<LoudnessFigures | undefined> {
  const buf = await readFile(file);
  const fail = (problem: string) => new LetterpodError({ file: name, problem, fix: 'Report this, with the episode folder and `ffmpeg -version`' });
  if (metered instanceof Error) throw fail(metered.message);
  let layout;
  try {
    layout = parseMp3(buf);
  } catch (e) {
    throw fail(`the encoded MP3 has no frames: ${(e as Error).message}`);
  }
  const audioFrom = layout.info ? layout.info.offset + layout.info.length : layout.headerBytes;
  const audio = buf.subarray(audioFrom, layout.tailStart);
  if (audio.length !== metered.bytes || createHash('sha256').update(audio).digest('hex') !== metered.sha256) {
    throw fail(`the encoded MP3's frames (${audio.length} bytes) are not the ${metered.bytes} bytes its loudness was measured on`);
  }
  const expected = (layout.frames.length * MP3_FRAME_SAMPLES) / OUTPUT_RATE;
  if (Math.abs(metered.decodedSeconds - expected) > 0.5 * (MP3_FRAME_SAMPLES / OUTPUT_RATE)) {
    throw fail(`the encoded MP3 decodes to ${metered.decodedSeconds.toFixed(3)} s of its ${expected.toFixed(3)} s (${layout.frames.length} frames)`);
  }
  const delay = lameDelay(buf, layout);
  const short = lengthProblem((layout.frames.length * MP3_FRAME_SAMPLES - (delay ? delay.delay + 529 + delay.padding : skip)) / OUTPUT_RATE, length);
  if (short) throw fail(short);
  if (!delay || delay.delay + 529 !== skip) {
    if (delay) decoderSkip = delay.delay + 529;
    return undefined;
  }
  return metered.figures;
}

/** The earlier MP3's bytes (undefined `bytes`: why it cannot be used). */
interface EarlierMp3 {
  spec: EarlierEncode;
  bytes?: Buffer;
  reason?: string;
}

async function readEarlier(spec: EarlierEncode): Promise<EarlierMp3> {
  if (spec.unusable) return { spec, reason: spec.unusable };
  let bytes: Buffer;
  try {
    bytes = await readFile(spec.path);
  } catch {
    return { spec, reason: `the earlier episode's MP3 ${spec.path} is not there` };
  }
  if (createHash('sha256').update(bytes).digest('hex') !== spec.sha256) return { spec, reason: `${spec.path} is not the MP3 the earlier build reported (its sha256 differs)` };
  return { spec, bytes };
}

/**
 * Replace the new encode at `file` (no ID3 tag yet) by the earlier MP3's frames outside the
 * span where the masters differ, the new encode's across it (planFrameSplice): the same
 * 1152-sample grid (the same encoder delay), so earlier frame i is new frame i before the
 * span and i + shift/1152 after it. The file is left as encoded when that cannot be done.
 */
async function spliceEarlier(file: string, earlier: EarlierMp3): Promise<FrameSpliceReport> {
  if (!earlier.bytes) return { spliced: false, reason: earlier.reason };
  const { bytes, report } = spliceOntoEarlier(earlier.bytes, await readFile(file), earlier.spec);
  if (bytes) await writeFileAtomicBuffer(file, bytes);
  return report;
}

/**
 * The frame-level splice itself (`spliceEarlier`): the spliced MP3's bytes (no ID3 tag), or
 * undefined with the reason when it cannot be done.
 */
export function spliceOntoEarlier(
  earlier: Buffer,
  fresh: Buffer,
  spec: Pick<EarlierEncode, 'differsFromSeconds' | 'differsToSeconds' | 'shiftSamples'>,
): { bytes?: Buffer; report: FrameSpliceReport } {
  const no = (reason: string) => ({ report: { spliced: false, reason } });
  let lo, ln;
  try {
    lo = parseMp3(earlier);
    ln = parseMp3(fresh);
  } catch (e) {
    return no(`its frames could not be read: ${(e as Error).message}`);
  }
  const dO = lameDelay(earlier, lo);
  const dN = lameDelay(fresh, ln);
  if (!dO || !dN || dO.delay !== dN.delay) return no('the two encodes do not have the same encoder delay');
  const header = (b: Buffer, at: number) => b.readUInt32BE(at) & ~0x200; // all but the padding bit
  if (header(earlier, lo.frames[0].offset) !== header(fresh, ln.frames[0].offset)) return no('the two encodes differ in format (bitrate, channels or rate)');
  if (spec.shiftSamples % MP3_FRAME_SAMPLES !== 0) return no('the length change is not a whole number of MP3 frames');
  const shift = spec.shiftSamples / MP3_FRAME_SAMPLES;
  // decoded sample s (after the decoder's skip of delay + 529) is in frame ⌊(s + skip)/1152⌋
  const skip = dN.delay + 529;
  const frameOf = (seconds: number) => (Math.round(seconds * OUTPUT_RATE) + skip) / MP3_FRAME_SAMPLES;
  const lengthO = lo.frames.length * MP3_FRAME_SAMPLES - dO.padding;
  const lengthN = ln.frames.length * MP3_FRAME_SAMPLES - dN.padding;
  // the tails differ when the builds trimmed the end differently: the new encode's own frames there
  const common = Math.min(lengthN, lengthO + spec.shiftSamples);
  const must = {
    // a frame's coded content reaches a granule (576) past its own, and the decoder's
    // overlap and filterbank a frame: two frames' margin before, one after
    newFrom: Math.floor(frameOf(spec.differsFromSeconds)) - 2,
    newTo: Math.ceil(frameOf(spec.differsToSeconds)) + 1,
    ...(lengthN === lengthO + spec.shiftSamples ? {} : { tailFrom: Math.floor(common / MP3_FRAME_SAMPLES) - 3 }),
  };
  if (must.newFrom < 1 || must.newTo >= ln.frames.length || (must.tailFrom !== undefined && must.tailFrom <= must.newTo + 3)) return no("the span is too near the episode's start or end");
  const plan = planFrameSplice(lo.frames, ln.frames, shift, must, SPLICE_SEARCH_FRAMES);
  if (!plan) return no(`no frame within ${SPLICE_SEARCH_FRAMES} frames of the span whose bit reservoir fits`);
  const seconds = (frame: number) => Math.round(((frame * MP3_FRAME_SAMPLES - skip) / OUTPUT_RATE) * 1000) / 1000;
  return {
    bytes: spliceFrames(earlier, lo, fresh, ln, plan.runs),
    report: {
      spliced: true,
      newFromSeconds: seconds(plan.newFrom),
      newToSeconds: seconds(plan.newTo),
      ...(plan.tailFrom !== undefined ? { tailFromSeconds: seconds(plan.tailFrom) } : {}),
    },
  };
}

async function writeFileAtomicBuffer(file: string, data: Buffer): Promise<void> {
  const tmp = tempName(file, 'splice');
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Decode the whole MP3 at `file` and measure it (ebur128, true peak on), for a file whose
 * frames were not metered as they were encoded (spliced, or an unexpected encoder delay):
 * it must decode without an error (a broken bit reservoir shows as one) and to as long as
 * its frames say. One pass over the file.
 */
async function verifyFile(file: string, name: string, length: number | undefined): Promise<LoudnessFigures> {
  const buf = await readFile(file);
  const layout = parseMp3(buf);
  const frames = layout.frames.length;
  const delay = lameDelay(buf, layout);
  const fail = (problem: string) => new LetterpodError({ file: name, problem, fix: 'Report this, with the episode folder' });
  let decoded = 0;
  let stderr: string;
  try {
    ({ stderr } = await ffmpeg(['-loglevel', 'level+info', '-i', file, '-vn', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-'], {
      stderrLimit: 1 << 16,
      onProgress: (s) => (decoded = Math.max(decoded, s)),
    }));
  } catch (e) {
    if (!(e instanceof FfmpegError)) throw e;
    throw fail(`the MP3 does not decode: ${decodeError(e.stderrTail) ?? e.stderrTail.trim().split('\n').slice(-1)[0]}`);
  }
  const error = decodeError(stderr);
  if (error) throw fail(`the MP3 does not decode cleanly: ${error}`);
  // decoded time ends at the last frame's end (the decoder's start skip moves the start, not the end)
  const expected = (frames * MP3_FRAME_SAMPLES - (delay?.padding ?? 0)) / OUTPUT_RATE;
  if (Math.abs(decoded - expected) > MP3_FRAME_SAMPLES / OUTPUT_RATE) throw fail(`the MP3 decodes to ${decoded.toFixed(3)} s of its ${expected.toFixed(3)} s`);
  const short = lengthProblem((frames * MP3_FRAME_SAMPLES - (delay ? delay.delay + 529 + delay.padding : 0)) / OUTPUT_RATE, length);
  if (short) throw fail(short);
  return parseEbur128Summary(stderr);
}

/** The MP3 must carry exactly the chapters we wrote. */
async function verifyChapters(file: string, expected: number): Promise<void> {
  const { stdout } = await ffprobe(['-v', 'error', '-print_format', 'json', '-show_chapters', fileArg(file)]);
  const found = (JSON.parse(stdout.toString('utf8')) as { chapters?: unknown[] }).chapters?.length ?? 0;
  if (found !== expected) {
    throw new LetterpodError({
      file,
      problem: `the encoded MP3 has ${found} chapters, expected ${expected}`,
      fix: 'Use Debian ffmpeg 5.1 or newer (FFMPEG_PATH), which writes ID3 CHAP/CTOC frames',
    });
  }
}
