/**
 * Room tone: short windows of the recording where the narrator is not speaking, chosen
 * from the pauses the build's analysis pass already found (nothing is scanned again), and
 * decoded on their own (seconds of audio, not a pass over the recording).
 */
import { rm } from 'node:fs/promises';
import { decodePcm, ffmpeg, fileArg } from '../../media/ffmpeg.js';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RoomToneWindow {
  startSeconds: number;
  seconds: number;
}

/** Pauses shorter than this (s) are not used: their edges hold breath and decay. */
const MIN_PAUSE_SECONDS = 0.35;
/** Cut from either end of a pause (s): the last word's decay, the next one's breath. */
const EDGE_SECONDS = 0.1;
/** Enough room tone for a spectrum (s), and at most this many windows. */
const WANTED_SECONDS = 6;
const MAX_WINDOWS = 16;

/**
 * The room-tone windows: the longest pauses inside `[from, to]` (recording time), their
 * edges cut, until WANTED_SECONDS are found; in time order.
 */
export function pickRoomTone(pauses: readonly (readonly [number, number])[], from: number, to: number): RoomToneWindow[] {
  const usable = pauses
    .map(([a, b]) => [Math.max(a, from) + EDGE_SECONDS, Math.min(b, to) - EDGE_SECONDS] as const)
    .filter(([a, b]) => b - a >= MIN_PAUSE_SECONDS - 2 * EDGE_SECONDS)
    .sort((x, y) => y[1] - y[0] - (x[1] - x[0]));
  const out: RoomToneWindow[] = [];
  let total = 0;
  for (const [a, b] of usable) {
    if (total >= WANTED_SECONDS || out.length >= MAX_WINDOWS) break;
    const seconds = Math.min(b - a, WANTED_SECONDS - total + 0.5);
    out.push({ startSeconds: round3(a), seconds: round3(seconds) });
    total += seconds;
  }
  return out.sort((x, y) => x.startSeconds - y.startSeconds);
}

export interface RoomTone {
  /** A mono WAV (float, the recording's rate) of the windows joined: the later steps' test material. */
  file: string;
  sampleRate: number;
  /** The windows' samples, each on its own (spectra never straddle a join). */
  segments: Float32Array[];
  seconds: number;
  windows: RoomToneWindow[];
  remove(): Promise<void>;
}

/** Decode the windows (mono, at `rate`) into a temp WAV (removed by `remove`) and into memory. */
export async function readRoomTone(recording: string, windows: readonly RoomToneWindow[], rate: number): Promise<RoomTone> {
  const file = join(tmpdir(), `letterpod-roomtone-${process.pid}-${randomBytes(4).toString('hex')}.wav`);
  const args: string[] = [];
  windows.forEach((w) => args.push('-ss', w.startSeconds.toFixed(3), '-t', w.seconds.toFixed(3), '-i', fileArg(recording)));
  const graph =
    windows.map((_, i) => `[${i}:a:0]aresample=${rate},aformat=sample_fmts=flt:channel_layouts=mono[r${i}]`).join(';') +
    `;${windows.map((_, i) => `[r${i}]`).join('')}concat=n=${windows.length}:v=0:a=1[rt]`;
  await ffmpeg(['-y', ...args, '-filter_complex', graph, '-map', '[rt]', '-c:a', 'pcm_f32le', fileArg(file)]);
  const all = await decodePcm(file, rate);
  const segments: Float32Array[] = [];
  let at = 0;
  windows.forEach((w, i) => {
    const n = i === windows.length - 1 ? all.length - at : Math.min(all.length - at, Math.round(w.seconds * rate));
    segments.push(all.subarray(at, at + n));
    at += n;
  });
  return { file, sampleRate: rate, segments, seconds: all.length / rate, windows: [...windows], remove: () => rm(file, { force: true }) };
}

/**
 * The noise floor (dBFS) of room tone at `rate`: the median level of its 50 ms frames, so a
 * breath or a word's tail in one window does not stand for the room.
 */
export function floorDbfs(x: Float32Array, rate: number): number {
  const frame = Math.max(1, Math.round(rate * 0.05));
  const levels: number[] = [];
  for (let at = 0; at + frame <= x.length; at += frame) {
    let sum = 0;
    for (let i = at; i < at + frame; i++) sum += x[i]! * x[i]!;
    levels.push(10 * Math.log10(sum / frame + 1e-20));
  }
  if (levels.length === 0) return Number.NEGATIVE_INFINITY;
  levels.sort((a, b) => a - b);
  return Math.round(levels[Math.floor(levels.length / 2)]! * 10) / 10;
}

/** RMS level (dBFS) of some segments, unrounded; −Infinity when they hold no samples. */
export function levelDbfs(segments: readonly Float32Array[]): number {
  let sum = 0;
  let n = 0;
  for (const s of segments) for (let i = 0; i < s.length; i++) {
    sum += s[i]! * s[i]!;
    n++;
  }
  return n ? 10 * Math.log10(sum / n + 1e-20) : Number.NEGATIVE_INFINITY;
}

/** RMS level (dBFS) of some segments, to 0.1 dB. */
export function rmsDbfs(segments: readonly Float32Array[]): number {
  const l = levelDbfs(segments);
  return Number.isFinite(l) ? Math.round(l * 10) / 10 : l;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
