/**
 * Test material and measurements for the speech cleanup (tests and bench:cleanup): speech
 * read by espeak-ng with real pauses, pink or fan-like room noise (ffmpeg anoisesrc), mains
 * hum, and the figures issue 18 asks for: the noise floor in the pauses, the speech's
 * long-term spectrum 300 Hz–4 kHz against the clean original, the hum lines' levels.
 * Pauses come from the build's own detector (the analysis tap at 16 kHz).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodePcm, ffmpeg, fileArg } from '../media/ffmpeg.js';
import { AnalysisTap } from '../episode/analysis.js';
import { planCleanup, type CleanupConfig, type CleanupPlan } from '../audio/cleanup/plan.js';
import { bandDb, lineDb, welch } from '../audio/cleanup/spectrum.js';
import { levelDbfs } from '../audio/cleanup/room-tone.js';

const run = promisify(execFile);
export const CASE_RATE = 48000;
const HIGHPASS = 'highpass=f=80:poles=2';

/** Sentences read by espeak-ng with `pauseMs` of silence between them, 48 kHz mono WAV (peak near −3 dBFS), with 1 s of silence at either end. */
export async function speakCase(out: string, sentences: readonly string[], opts: { voice?: string; pauseMs?: number; wpm?: number } = {}): Promise<void> {
  const ssml = `<speak>${sentences.map((s) => s.replace(/[<&>]/g, ' ')).join(`<break time="${opts.pauseMs ?? 1000}ms"/>`)}</speak>`;
  const raw = `${out}.espeak.wav`;
  await run('espeak-ng', ['-m', '-v', opts.voice ?? 'en-us', '-s', String(opts.wpm ?? 160), '-w', raw, ssml]);
  await ffmpeg(['-y', '-i', fileArg(raw), '-af', `aresample=${CASE_RATE},adelay=1000,apad=pad_dur=1,volume=-3dB`, '-ac', '1', '-ar', String(CASE_RATE), '-c:a', 'pcm_s16le', fileArg(out)]);
}

/** A level (dBFS RMS) of anoisesrc's colours at amplitude 0.5, measured: pink −20.1, brown −19.9. */
const NOISE_RMS_AT_HALF = { pink: -20.1, brown: -19.9 } as const;

/** `clean` plus room noise at `levelDbfs` RMS: pink, or fan-like (brown noise low-passed at 2 kHz, with a blade tone). */
export async function addNoise(clean: string, out: string, kind: 'pink' | 'fan', levelDbfs: number, seed = 7): Promise<void> {
  const colour = kind === 'pink' ? 'pink' : 'brown';
  const gain = levelDbfs - NOISE_RMS_AT_HALF[colour] + (kind === 'fan' ? 0.7 : 0);
  const noise = kind === 'pink' ? `volume=${gain.toFixed(2)}dB` : `lowpass=f=2000,volume=${gain.toFixed(2)}dB`;
  await ffmpeg([
    '-y', '-i', fileArg(clean),
    '-filter_complex', `anoisesrc=c=${colour}:a=0.5:r=${CASE_RATE}:seed=${seed},${noise}[n];[0:a][n]amix=inputs=2:duration=first:normalize=0`,
    '-ac', '1', '-ar', String(CASE_RATE), '-c:a', 'pcm_f32le', fileArg(out),
  ]);
}

/** `clean` plus mains hum: the fundamental and `harmonics` more lines, each a sine of peak `levelDbfs`. */
export async function addHum(clean: string, out: string, mainsHz: 50 | 60, harmonics: number, levelDbfs: number): Promise<void> {
  const a = Math.pow(10, levelDbfs / 20);
  const expr = Array.from({ length: harmonics + 1 }, (_, k) => `${a.toExponential(4)}*sin(2*PI*${mainsHz * (k + 1)}*t)`).join('+');
  await ffmpeg([
    '-y', '-i', fileArg(clean),
    '-filter_complex', `aevalsrc=${expr}:s=${CASE_RATE}[h];[0:a][h]amix=inputs=2:duration=first:normalize=0`,
    '-ac', '1', '-ar', String(CASE_RATE), '-c:a', 'pcm_f32le', fileArg(out),
  ]);
}

/** The pauses of a file as the build finds them (analysis tap over the high-passed 16 kHz stream). */
export async function findFilePauses(file: string): Promise<[number, number][]> {
  const tap = new AnalysisTap(16000);
  tap.push(await decodePcm(file, 16000, { filters: HIGHPASS }));
  return tap.recordingPauses();
}

/** What the build's cleanup does to `file`: its plan (from the file's own pauses) and the result at 48 kHz mono. */
export async function cleanFile(file: string, settings: CleanupConfig, pauses?: [number, number][]): Promise<{ plan: CleanupPlan; samples: Float32Array; input: Float32Array }> {
  const ps = pauses ?? (await findFilePauses(file));
  const duration = (await decodePcm(file, 1000)).length / 1000;
  const plan = await planCleanup({ recording: file, sampleRate: CASE_RATE, pauses: ps, from: 0, to: duration, settings });
  const [samples, input] = await Promise.all([decodePcm(file, CASE_RATE, { filters: plan.filters ?? 'anull' }), decodePcm(file, CASE_RATE)]);
  return { plan, samples, input };
}

/** Spans of samples inside (or outside, `invert`) the pauses, each pause shaved by `edge` s. */
export function spans(x: Float32Array, pauses: readonly (readonly [number, number])[], invert: boolean, edge = 0.1): Float32Array[] {
  const out: Float32Array[] = [];
  const cut = (a: number, b: number) => {
    const i = Math.max(0, Math.round(a * CASE_RATE));
    const j = Math.min(x.length, Math.round(b * CASE_RATE));
    if (j - i > 2048) out.push(x.subarray(i, j));
  };
  if (!invert) for (const [a, b] of pauses) cut(a + edge, b - edge);
  else {
    let t = 0;
    for (const [a, b] of pauses) {
      cut(t + edge, a - edge);
      t = b;
    }
    cut(t + edge, x.length / CASE_RATE);
  }
  return out;
}

/** Pauses long enough to hold room tone (not the gaps inside a phrase). */
export function roomPauses(pauses: readonly (readonly [number, number])[], minSeconds = 0.5): [number, number][] {
  return pauses.filter(([a, b]) => b - a >= minSeconds).map(([a, b]) => [a, b]);
}

/**
 * The noise floor (dBFS) of some pause spans: the median level of their 50 ms frames (a
 * floor, not a mean a speech tail at a pause's edge would dominate).
 */
export function noiseFloorDbfs(segments: readonly Float32Array[]): number {
  const frame = Math.round(CASE_RATE * 0.05);
  const levels: number[] = [];
  for (const x of segments) for (let at = 0; at + frame <= x.length; at += frame) levels.push(levelDbfs([x.subarray(at, at + frame)]));
  levels.sort((a, b) => a - b);
  return levels.length ? Math.round(levels[Math.floor(levels.length / 2)]! * 10) / 10 : Number.NaN;
}


/** The largest deviation (dB) of `out`'s long-term spectrum from `ref`'s in third-octave bands 300 Hz–4 kHz. */
export function speechBandDeviation(ref: readonly Float32Array[], out: readonly Float32Array[]): number {
  const a = welch(ref, CASE_RATE, 4096);
  const b = welch(out, CASE_RATE, 4096);
  let worst = 0;
  for (let f = 300; f < 4000; f *= 2 ** (1 / 3)) {
    const d = bandDb(b, f, Math.min(4000, f * 2 ** (1 / 3))) - bandDb(a, f, Math.min(4000, f * 2 ** (1 / 3)));
    if (Math.abs(d) > Math.abs(worst)) worst = d;
  }
  return Math.round(worst * 100) / 100;
}

/** How far (dB) each line at `hz` came down from `before` to `after` (the same spans of both). */
export function lineReductions(before: readonly Float32Array[], after: readonly Float32Array[], lines: readonly number[]): number[] {
  const a = welch(before, CASE_RATE, 16384);
  const b = welch(after, CASE_RATE, 16384);
  return lines.map((hz) => Math.round((lineDb(a, hz) - lineDb(b, hz)) * 10) / 10);
}

/** The clean original as the build would hear it without the adaptive steps (the high-pass only). */
export async function highpassed(file: string): Promise<Float32Array> {
  return decodePcm(file, CASE_RATE, { filters: HIGHPASS });
}
