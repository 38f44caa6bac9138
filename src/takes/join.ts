/**
 * Join takes into one recording for the build: in the order found by listening, each
 * take's speech with the narrator's own room tone around it (PAD_SECONDS either side of
 * the join, crossfaded over CROSSFADE_SECONDS — never digital silence: where a take's
 * edges are digitally silent, its quietest room tone fills them), each take at one gain
 * (matchGains: the short-term loudness on either side of every join made equal, while each
 * take stays near the takes' mean integrated loudness), so the episode is mastered as one.
 *
 * The takes are only read; the joined recording is a mono float WAV written where asked
 * (the build folder), with the map from each take's time to the joined time.
 */
import { basename } from 'node:path';
import { meanShortTerm, measureShortTerm } from '../episode/analysis.js';
import { decodePcm } from '../media/ffmpeg.js';
import { crossfade, fillDigitalSilence, roomTone, scaled } from './pcm.js';
import { WavWriter } from '../signal/wav.js';

/** Room tone kept after a take's speech and before the next one's (s): a section's pause. */
export const PAD_SECONDS = 0.6;
export const CROSSFADE_SECONDS = 0.05;

export interface JoinInput {
  file: string;
  /** Where the take's speech starts and ends (s), from its alignment. */
  speechStartSeconds: number;
  speechEndSeconds: number;
}

export interface JoinedPiece {
  file: string;
  /** The part of the take kept (s in the take). */
  sourceStartSeconds: number;
  sourceEndSeconds: number;
  /** Where that part starts in the joined recording (s). */
  offsetSeconds: number;
  /** The take's integrated loudness and the gain that matched it to the others. */
  loudnessLufs: number;
  gainDb: number;
  /** Seconds of digital silence at its edges replaced by its room tone. */
  roomToneFilledSeconds: number;
}

export interface Joined {
  file: string;
  sampleRate: number;
  durationSeconds: number;
  pieces: JoinedPiece[];
  warnings: string[];
}

/** A take's time → the joined recording's. */
export function joinedTime(p: Pick<JoinedPiece, 'sourceStartSeconds' | 'offsetSeconds'>, t: number): number {
  return p.offsetSeconds + (t - p.sourceStartSeconds);
}

/** How a take sounds: its integrated loudness, and the mean short-term loudness of its first and last EDGE_SECONDS of speech. */
export interface TakeLoudness {
  integratedLufs: number;
  startLufs: number;
  endLufs: number;
}

export const EDGE_SECONDS = 10;
/** Weight of staying at the mean integrated loudness against evening out the joins. */
const STAY = 0.1;

/** ebur128 over a take: its integrated loudness and the short-term (3 s) loudness at its speech's two ends. */
export async function takeLoudness(t: JoinInput, signal?: AbortSignal): Promise<TakeLoudness> {
  const { curve, measurement } = await measureShortTerm(t.file, signal);
  const integratedLufs = measurement.integratedLufs;
  const mean = (a: number, b: number) => {
    const m = meanShortTerm(curve, a, b);
    return Number.isNaN(m) ? integratedLufs : m;
  };
  const a = t.speechStartSeconds;
  const b = t.speechEndSeconds;
  return { integratedLufs, startLufs: mean(a, Math.min(b, a + EDGE_SECONDS)), endLufs: mean(Math.max(a, b - EDGE_SECONDS), b) };
}

/**
 * One gain per take (dB): least squares over the steps at the joins (the end of one take
 * against the start of the next, after gain) plus STAY × each take's distance from the
 * gain that would bring it to the takes' mean integrated loudness.
 */
export function matchGains(levels: readonly TakeLoudness[]): number[] {
  const finite = levels.filter((l) => Number.isFinite(l.integratedLufs));
  const target = finite.reduce((a, l) => a + l.integratedLufs, 0) / Math.max(1, finite.length);
  const home = levels.map((l) => (Number.isFinite(l.integratedLufs) ? target - l.integratedLufs : 0));
  const ok = (x: number) => Number.isFinite(x);
  const g = [...home];
  for (let iter = 0; iter < 500; iter++) {
    for (let i = 0; i < g.length; i++) {
      let sum = STAY * home[i];
      let weight = STAY;
      if (i > 0 && ok(levels[i - 1].endLufs) && ok(levels[i].startLufs)) {
        sum += levels[i - 1].endLufs + g[i - 1] - levels[i].startLufs;
        weight += 1;
      }
      if (i < g.length - 1 && ok(levels[i + 1].startLufs) && ok(levels[i].endLufs)) {
        sum += levels[i + 1].startLufs + g[i + 1] - levels[i].endLufs;
        weight += 1;
      }
      g[i] = sum / weight;
    }
  }
  return g;
}

/**
 * Corrections (dB per take) that even out measured steps at the joins (`steps[j]`: the
 * loudness after join j minus before it): least squares over the steps left plus STAY ×
 * each correction's size.
 */
export function evenSteps(steps: readonly number[]): number[] {
  const d = new Array<number>(steps.length + 1).fill(0);
  for (let iter = 0; iter < 500; iter++) {
    for (let i = 0; i < d.length; i++) {
      let sum = 0;
      let weight = STAY;
      // join i − 1 (take i after it): step + d[i] − d[i − 1] → 0
      if (i > 0 && Number.isFinite(steps[i - 1])) {
        sum += d[i - 1] - steps[i - 1];
        weight += 1;
      }
      // join i (take i before it): step + d[i + 1] − d[i] → 0
      if (i < steps.length && Number.isFinite(steps[i])) {
        sum += d[i + 1] + steps[i];
        weight += 1;
      }
      d[i] = sum / weight;
    }
  }
  return d;
}

/** `corrections`: dB added to each take's matched gain (after a measurement of the mastered joins). */
export async function joinTakes(takes: readonly JoinInput[], out: string, sampleRate: number, signal?: AbortSignal, corrections?: readonly number[]): Promise<Joined> {
  const levels = await Promise.all(takes.map((t) => takeLoudness(t, signal)));
  const loudness = levels.map((l) => l.integratedLufs);
  const gains = matchGains(levels).map((g, i) => g + (corrections?.[i] ?? 0));
  const xf = Math.round(CROSSFADE_SECONDS * sampleRate);
  const pad = PAD_SECONDS;
  const warnings: string[] = [];
  const pieces: JoinedPiece[] = [];
  const w = await WavWriter.create(out, sampleRate, 'float32');
  let carry: Float32Array | undefined;
  try {
    for (const [i, t] of takes.entries()) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const x = await decodePcm(t.file, sampleRate);
      const len = x.length / sampleRate;
      const a = i === 0 ? 0 : Math.max(0, t.speechStartSeconds - pad);
      const b = i === takes.length - 1 ? len : Math.min(len, t.speechEndSeconds + pad);
      const gainDb = gains[i];
      const from = Math.round(a * sampleRate);
      const to = Math.round(b * sampleRate);
      const seg = scaled(x.subarray(from, to), gainDb);
      // the room tone at the joins is the narrator's: digital silence there is filled with it
      let filled = 0;
      const tone = roomTone(seg, sampleRate);
      const head = i > 0 ? Math.round((t.speechStartSeconds - a) * sampleRate) : 0;
      const tail = i < takes.length - 1 ? Math.round((b - t.speechEndSeconds) * sampleRate) : 0;
      if (head + tail > 0) {
        if (tone) {
          if (head > 0) filled += fillDigitalSilence(seg, sampleRate, tone, 0, Math.min(seg.length, head));
          if (tail > 0) filled += fillDigitalSilence(seg, sampleRate, tone, Math.max(0, seg.length - tail), seg.length);
        } else {
          warnings.push(`${basename(t.file)} has no room tone (its pauses are digital silence): its join with the next take is silent`);
        }
      }
      const offset = w.samplesWritten;
      let body = seg;
      if (carry && seg.length >= xf) {
        await w.write(crossfade(carry, seg.subarray(0, xf)));
        body = seg.subarray(xf);
      } else if (carry) await w.write(carry);
      const last = i === takes.length - 1;
      if (!last && body.length > xf) {
        await w.write(body.subarray(0, body.length - xf));
        carry = body.slice(body.length - xf);
      } else {
        await w.write(body);
        carry = undefined;
      }
      pieces.push({
        file: t.file,
        // the samples' own times: the map from take to joined time is exact to the sample
        sourceStartSeconds: from / sampleRate,
        sourceEndSeconds: to / sampleRate,
        offsetSeconds: offset / sampleRate,
        loudnessLufs: Math.round(loudness[i] * 100) / 100,
        gainDb: Math.round(gainDb * 100) / 100,
        roomToneFilledSeconds: Math.round((filled / sampleRate) * 1000) / 1000,
      });
    }
    if (carry) await w.write(carry);
  } finally {
    await w.close();
  }
  return { file: out, sampleRate, durationSeconds: w.samplesWritten / sampleRate, pieces, warnings };
}
