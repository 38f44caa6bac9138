/**
 * Speech features for comparing takes and pickups with the text: identification's
 * features (intake/identify.ts: 40 ms frames of cepstra, pauses dropped on both sides so
 * narrators and espeak-ng may pause differently), but keeping where each compared frame is
 * in its source, so a match says not only how well but also where.
 */
import { streamPcm } from '../media/ffmpeg.js';
import { cepstra, MelExtractor, pool, type FeatureOptions, type FeatureVectors, type MelFeatures } from '../signal/mfcc.js';
import { findPauses, speechMask, type Pause, type PauseOptions } from '../signal/pauses.js';
import { buildReference } from '../speech/reference.js';
import { espeakVoiceFor } from '../speech/voices.js';

export const RATE = 16000;
/** identify.ts's features (pinned there for its thresholds; the same here). */
export const FEATURES: FeatureOptions = { hopSeconds: 0.02, windowSeconds: 0.04, melBands: 40, minHz: 100, maxHz: 7600, blockSeconds: 0.01 };
const POOL = 2;
/** The reference's speaking rate (the DTW absorbs ½–2× differences). */
export const WPM = 165;
/** identify.ts's speech mask: one global threshold, exact levels. */
const SPEECH_PAUSES: Partial<PauseOptions> = { minPauseSeconds: 0.15, minSpeechSeconds: 0, floorAboveDb: -Infinity, localSeconds: 0, levels: 'exact' };

export interface SpeechFeatures {
  /** Pooled speech frames only. */
  v: FeatureVectors;
  /** Per pooled frame: its time in the source (s). */
  times: Float64Array;
  /** Seconds of speech. */
  speechSeconds: number;
  durationSeconds: number;
}

/** The speech frames of a signal's features, at most `maxSeconds` of them, with their times. */
export function speechFeatures(mel: MelFeatures, maxSeconds = Infinity): SpeechFeatures {
  const v = cepstra(mel);
  const blocks = speechMask(findPauses(mel.blockDb, mel.blockSeconds, SPEECH_PAUSES).pauses, mel.blockDb.length, mel.blockSeconds);
  const centre = FEATURES.windowSeconds / 2;
  const limit = Math.floor(maxSeconds / v.hopSeconds);
  const D = v.dims;
  const data = new Float32Array(v.frames * D);
  const fine: number[] = [];
  for (let k = 0; k < v.frames && fine.length < limit; k++) {
    const b = Math.min(blocks.length - 1, Math.floor((k * v.hopSeconds + centre) / mel.blockSeconds));
    if (b < 0 || !blocks[b]) continue;
    data.set(v.data.subarray(k * D, (k + 1) * D), fine.length * D);
    fine.push(k * v.hopSeconds + centre);
  }
  const pooled = pool({ frames: fine.length, dims: D, hopSeconds: v.hopSeconds, data: data.subarray(0, fine.length * D) }, POOL);
  const times = new Float64Array(pooled.frames);
  for (let i = 0; i < pooled.frames; i++) times[i] = fine[Math.min(fine.length - 1, i * POOL)] ?? 0;
  return { v: pooled, times, speechSeconds: fine.length * v.hopSeconds, durationSeconds: mel.samples / RATE };
}

/** A recording's speech features (decoded at 16 kHz mono), and its pauses (the aligner's detector settings). */
export interface RecordingFeatures extends SpeechFeatures {
  pauses: Pause[];
  /** The 10 ms energy track (dB) the pauses were found in. */
  blockDb: Float32Array;
  blockSeconds: number;
}

export async function recordingFeatures(file: string, signal?: AbortSignal): Promise<RecordingFeatures> {
  const x = new MelExtractor(RATE, FEATURES);
  await streamPcm(file, RATE, (s) => x.push(s), { signal });
  const mel = x.finish();
  const f = speechFeatures(mel);
  return { ...f, durationSeconds: mel.samples / RATE, pauses: findPauses(mel.blockDb, mel.blockSeconds).pauses, blockDb: mel.blockDb, blockSeconds: mel.blockSeconds };
}

/** espeak-ng's reading of a text, as speech features (at most `maxSeconds` of speech). */
export async function textFeatures(text: string, language: string | undefined, maxSeconds = Infinity, signal?: AbortSignal): Promise<SpeechFeatures> {
  const ref = await buildReference([{ text }], { voice: espeakVoiceFor(language) ?? 'en-us', wordsPerMinute: WPM, signal, features: FEATURES });
  return speechFeatures(ref.mel, maxSeconds);
}
