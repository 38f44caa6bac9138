/**
 * A main recording and pickups of it, with known truth: the main recording reads every
 * section, the target section one sentence per part (its sentences after the first are
 * composed as their own segments, so each sentence's start and end in the main recording
 * is known); a pickup re-reads a span of those sentences with another voice, level and
 * room. Deterministic; cached in `cacheRoot` (compose.ts buildCase).
 *
 * A sentence's truth in the main recording is where its speech is above the room noise the
 * case adds (audibleSpan): the renderer's own edges (compose.ts: the TTS output's first and
 * last sample over ≈ −60 dBFS) count what a voice puts around its speech — festival
 * kal_diphone ends every utterance with ~0.2–0.35 s of its diphone database's own recorded
 * silence, a stationary −63 dB hum and offset, below the room and inaudible after it.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { splitSentences } from '../speech/sentences.js';
import { decodePcm } from '../media/ffmpeg.js';
import { buildCase, makeNoise, noiseSeed, type CaseSection, type Effects, type Part, type Segment, type TtsVoice } from './compose.js';

export interface PickupCaseSpec {
  name: string;
  seed: number;
  sections: CaseSection[];
  /** The main recording's reader (TTS), or real readings per section (../shared paths). */
  voice?: TtsVoice;
  files?: Record<string, string>;
  noise?: Effects['noise'];
  /** The section read sentence by sentence in the main recording. */
  target: string;
  /** Per sentence of the target, a real reading's span (s) in files[target] instead of TTS. */
  targetSpans?: [number, number][];
  mainName: string;
}

export interface PickupSpec {
  name: string;
  /** Sentences of the target section re-read (indexes, inclusive), or any text (matches nothing). */
  sentences?: [number, number];
  text?: string;
  voice?: TtsVoice;
  /** A real reading's span (s) in a ../shared file. */
  file?: { path: string; span?: [number, number] };
  gainDb?: number;
  noise?: Effects['noise'];
}

export interface BuiltPickupCase {
  folder: string;
  main: string;
  /** The target section's sentences in the main recording (s); one entry, the whole section, for a real reading of it. */
  sentenceTimes: { startSeconds: number; endSeconds: number }[];
  durationSeconds: number;
  sampleRate: number;
}

export async function buildMain(c: PickupCaseSpec, cacheRoot: string, folder: string): Promise<BuiltPickupCase> {
  const segments: Segment[] = [{ kind: 'pause', seconds: 0.8 }];
  const target = c.sections.find((s) => s.id === c.target);
  if (!target) throw new Error(`${c.name}: no section ${c.target}`);
  const sentences = splitSentences(target.text);
  for (const [k, s] of c.sections.entries()) {
    if (k > 0) segments.push({ kind: 'pause', seconds: 1.1 + 0.2 * (k % 3) });
    const part = (text: string, span?: [number, number]): Part =>
      c.files?.[s.id] ? { file: c.files[s.id], ...(span ? { span } : {}) } : { tts: text, voice: c.voice! };
    if (s.id !== c.target || (c.files?.[s.id] && !c.targetSpans)) {
      segments.push({ kind: 'section', id: s.id, parts: [part(s.text)] });
      continue;
    }
    sentences.forEach((text, i) => {
      const p = part(text, c.targetSpans?.[i]);
      if (i === 0) segments.push({ kind: 'section', id: s.id, parts: [p] });
      else {
        segments.push({ kind: 'pause', seconds: 0.45 + 0.1 * (i % 2) });
        segments.push({ kind: 'unscripted', label: `${s.id}#${i}`, parts: [p] });
      }
    });
  }
  segments.push({ kind: 'pause', seconds: 1 });
  const built = await buildCase(c.name, { seed: c.seed, sections: c.sections, segments, ...(c.noise ? { effects: { noise: c.noise } } : {}) }, cacheRoot);
  await mkdir(folder, { recursive: true });
  const main = join(folder, c.mainName);
  await copyFile(built.audio, main);
  const first = built.truth.segments.find((g) => g.kind === 'section' && g.name === c.target)!;
  // a real reading of the whole target (no spans): one "sentence", the section
  const split = !(c.files?.[c.target] && !c.targetSpans);
  const rest = split ? sentences.slice(1).map((_, i) => built.truth.segments.find((g) => g.name === `${c.target}#${i + 1}`)!) : [];
  const times = [first, ...rest].map((g) => ({ startSeconds: g.startSeconds, endSeconds: g.endSeconds }));
  const noise = built.truth.effects.noise;
  let sentenceTimes = times;
  if (noise) {
    // the clean speech: the recording less the noise the renderer added (the same seed)
    const rate = built.truth.sampleRate;
    const clean = await decodePcm(built.audio, rate);
    const added = makeNoise(clean.length, noise.dbfs, noise.color ?? 'white', noiseSeed(c.seed));
    for (let i = 0; i < clean.length; i++) clean[i] -= added[i];
    sentenceTimes = times.map((t) => audibleSpan(clean, rate, t, noise.dbfs));
  }
  return { folder, main, sentenceTimes, durationSeconds: built.truth.durationSeconds, sampleRate: built.truth.sampleRate };
}

/** Frames (s) in which the clean speech's level is compared with the room noise's. */
const AUDIBLE_FRAME_SECONDS = 0.01;

/**
 * A span of speech narrowed to where it is audible in the room: from the start of its first
 * to the end of its last 10 ms frame whose clean-speech RMS is at or above the added noise's
 * RMS (`noiseDb`, dBFS). Only ever narrows; the span as given when no frame is.
 */
export function audibleSpan(clean: Float32Array, rate: number, span: { startSeconds: number; endSeconds: number }, noiseDb: number): { startSeconds: number; endSeconds: number } {
  const n = Math.max(1, Math.round(AUDIBLE_FRAME_SECONDS * rate));
  const a = Math.max(0, Math.round(span.startSeconds * rate));
  const z = Math.min(clean.length, Math.round(span.endSeconds * rate));
  const above = (from: number) => {
    let p = 0;
    for (let i = from; i < from + n; i++) p += clean[i] * clean[i];
    return 10 * Math.log10(p / n + 1e-20) >= noiseDb;
  };
  let first = a;
  while (first + n <= z && !above(first)) first += n;
  let last = z;
  while (last - n >= first && !above(last - n)) last -= n;
  if (first + n > z || last - n < first) return span;
  const t = (i: number) => Math.round((i / rate) * 1e4) / 1e4;
  return { startSeconds: t(first), endSeconds: t(last) };
}

/** Render a pickup of the case into the folder. */
export async function buildPickup(c: PickupCaseSpec, p: PickupSpec, cacheRoot: string, folder: string): Promise<string> {
  const target = c.sections.find((s) => s.id === c.target)!;
  const sentences = splitSentences(target.text);
  const text = p.text ?? sentences.slice(p.sentences![0], p.sentences![1] + 1).join(' ');
  const part: Part = p.file ? { file: p.file.path, ...(p.file.span ? { span: p.file.span } : {}), gainDb: p.gainDb ?? 0 } : { tts: text, voice: p.voice!, gainDb: p.gainDb ?? 0 };
  const built = await buildCase(
    `${c.name}-${p.name.replace(/[^a-z0-9]+/gi, '-')}`,
    {
      seed: c.seed + 1,
      sections: [{ id: 'pickup', kind: 'summary', title: 'pickup', text }],
      segments: [{ kind: 'pause', seconds: 0.7 }, { kind: 'section', id: 'pickup', parts: [part] }, { kind: 'pause', seconds: 0.9 }],
      ...(p.noise ? { effects: { noise: p.noise } } : {}),
    },
    cacheRoot,
  );
  await mkdir(folder, { recursive: true });
  const file = join(folder, p.name);
  await copyFile(built.audio, file);
  return file;
}
