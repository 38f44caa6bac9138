/**
 * The case builder of the alignment evaluation: renders a *script* — what the narrator
 * says, in order (scripted sections, unscripted speech, pauses), each part synthesized
 * with flite/espeak-ng or cut from a real reading in ../shared/speech — into one WAV and
 * records the exact truth of every section:
 *
 *   pauseStartSeconds  where the speech before the section ended (0 if none)
 *   startSeconds       the section's first word
 *
 * A chapter mark anywhere in [pauseStartSeconds, startSeconds] is exactly right (see
 * metrics.ts). A section of the text that no segment reads is *skipped* (no truth start,
 * status not-read). The recording as a whole: `leadIn` = unscripted speech before the
 * first read section (its first word to that section's pauseStart), and for a script with
 * a `cut` (a partial recording, stopped mid-section with no fade) `ending` = the section in
 * progress and where the audio stops; the sections after it in the text are after-end.
 * TTS parts: flite, espeak-ng or festival (text2wave); real parts: a whole reading or a
 * span of it (fragment spans from fragments.ts).
 *
 * Post-effects, in this order: whole-file tempo (ffmpeg atempo; truth times scaled by
 * 1/tempo — measured: atempo's overlap-add lets an onset's energy appear up to ~25 ms
 * before the scaled time, which the pause rule absorbs), a level drop from some point on, mains hum (50 Hz + harmonics), background
 * noise (white/pink/brown), each at an exact RMS level in dBFS over the whole file.
 * Everything is deterministic for a given script (seeded PRNG; the TTS engines and ffmpeg
 * are deterministic), so generated audio is never committed: it is rebuilt from the seed.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WavWriter } from '../signal/wav.js';
import { mapLimit } from '../async/map-limit.js';
import { sharedDir } from '../devkit/narrations.js';
import { onset, prng, synthesize, trimSilence } from '../demo/narrate.js';
import { decodePcm } from '../media/ffmpeg.js';
import type { SectionStatus } from '../align/index.js';
import type { SectionKind } from '../newsletter/types.js';

/** Bump when rendering changes, so cached cases are rebuilt. */
export const BUILDER_VERSION = 4;

export interface TtsVoice {
  /** festival: `voice` is a festival voice name (kal_diphone, ked_diphone, cmu_us_slt_arctic_hts). */
  engine: 'flite' | 'espeak-ng' | 'festival';
  voice: string;
  wordsPerMinute?: number;
}

/** One piece of audio inside a segment. */
export type Part =
  /** Text read by a TTS voice; `tempo` = ffmpeg atempo applied to this part alone. */
  | { tts: string; voice: TtsVoice; tempo?: number; gainDb?: number }
  /**
   * A real reading, path relative to ../shared (e.g. speech/sonnet-p001.mp3); `span`:
   * only [from, to] seconds of it (a fragment span from fragments.ts: speech from `from` to
   * `to`), else its whole speech.
   */
  | { file: string; span?: [number, number]; tempo?: number; gainDb?: number }
  | { pause: number };

export type Segment =
  /** A section of the text, read aloud (its truth start is its first speech part's onset). */
  | { kind: 'section'; id: string; parts: Part[] }
  /** Speech that is not in the text: spoken intro, ad-lib, foreign reading, stumble. */
  | { kind: 'unscripted'; label: string; parts: Part[] }
  | { kind: 'pause'; seconds: number };

export interface Effects {
  /** Whole-file atempo (0.5–2); truth times are scaled by 1/tempo. */
  tempo?: number;
  /** Gain change (e.g. −10 dB) from this fraction of the file on (20 ms ramp). */
  levelDrop?: { atFraction: number; db: number };
  /** Mains hum: `hz` (default 50) plus 4 harmonics, total RMS at `dbfs`. */
  hum?: { dbfs: number; hz?: number };
  /** Background noise with RMS `dbfs` over the whole file. */
  noise?: { dbfs: number; color?: 'white' | 'pink' | 'brown' };
}

/** A section of the text, as given to the aligner. */
export interface CaseSection {
  id: string;
  kind: SectionKind;
  title: string;
  text: string;
}

export interface Script {
  seed: number;
  /** The text's language (BCP 47) when not English: passed to the aligner. */
  language?: string;
  /**
   * A partial recording: the audio stops (no fade, like an interrupted export) `fraction`
   * of the way through `section`'s speech, before the effects. Sections after it in the
   * text are then "after the end".
   */
  cut?: { section: string; fraction: number };
  /** Output sample rate (default 22050). */
  sampleRate?: number;
  sections: CaseSection[];
  segments: Segment[];
  effects?: Effects;
}

export interface TruthSection {
  id: string;
  kind: SectionKind;
  title: string;
  /** False when the narrator skipped it (no segment reads it) or the recording ends before it. */
  present: boolean;
  /** read; not-read (the narrator skipped it); after-end (a partial recording stops before it). */
  status: SectionStatus;
  pauseStartSeconds?: number;
  startSeconds?: number;
  /** End of this section's speech. */
  endSeconds?: number;
}

export interface Truth {
  durationSeconds: number;
  sampleRate: number;
  sections: TruthSection[];
  /** Every speech segment (section or unscripted), in order, for diagnostics. */
  segments: { kind: 'section' | 'unscripted'; name: string; startSeconds: number; endSeconds: number }[];
  effects: Effects;
  /** Unscripted speech before the first read section: its first word to that section's pauseStart; null when none. */
  leadIn: { startSeconds: number; endSeconds: number } | null;
  /** A partial recording: the section in progress when the audio stops, and where it stops; else null. */
  ending: { sectionId: string; cutSeconds: number } | null;
}

export interface BuiltCase {
  name: string;
  dir: string;
  audio: string;
  /** `{id, text}[]` for the aligner (JSON). */
  sectionsFile: string;
  truth: Truth;
  /** Whether this call rendered it (false: reused from the cache). */
  rendered: boolean;
}

const DEFAULT_RATE = 22050;
/** Speech parts are scaled so their loud frames (95th percentile, 10 ms RMS) sit here. */
const SPEECH_LEVEL_DB = -16;
/** Room tone kept around a real reading's speech when it is cut out. */
const REAL_MARGIN_SECONDS = 0.08;

// ---------------------------------------------------------------------------------------
// measuring

/** Frame RMS levels in dBFS (frames of `frameSeconds`). */
export function frameDb(x: Float32Array, rate: number, frameSeconds = 0.01): Float64Array {
  const n = Math.max(1, Math.round(frameSeconds * rate));
  const frames = Math.floor(x.length / n);
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = f * n; i < (f + 1) * n; i++) s += x[i] * x[i];
    out[f] = 10 * Math.log10(s / n + 1e-12);
  }
  return out;
}

export function rmsDb(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / Math.max(1, to - from) + 1e-20);
}

function percentile(values: ArrayLike<number>, q: number): number {
  const a = Array.from(values).sort((x, y) => x - y);
  if (a.length === 0) return -120;
  return a[Math.min(a.length - 1, Math.max(0, Math.floor(q * (a.length - 1))))];
}

/**
 * Where speech starts and ends in a real recording with a noise floor: 10 ms frames,
 * threshold max(floor + 10 dB, loudest − 40 dB) with the floor the 10th percentile of
 * frame levels; a start/end needs 3 frames in a row above it (clicks don't count).
 * Returns sample indexes [start, end).
 */
export function speechBounds(x: Float32Array, rate: number): { start: number; end: number } {
  const hop = Math.round(0.01 * rate);
  const db = frameDb(x, rate, 0.01);
  if (db.length < 3) return { start: 0, end: x.length };
  let peak = -200;
  for (const v of db) peak = Math.max(peak, v);
  const floor = percentile(db, 0.1);
  const thr = Math.max(floor + 10, peak - 40, -75);
  let first = -1;
  for (let f = 0; f + 2 < db.length; f++) {
    if (db[f] >= thr && db[f + 1] >= thr && db[f + 2] >= thr) {
      first = f;
      break;
    }
  }
  let last = -1;
  for (let f = db.length - 1; f >= 2; f--) {
    if (db[f] >= thr && db[f - 1] >= thr && db[f - 2] >= thr) {
      last = f;
      break;
    }
  }
  if (first < 0 || last < first) return { start: 0, end: x.length };
  return { start: first * hop, end: Math.min(x.length, (last + 1) * hop) };
}

// ---------------------------------------------------------------------------------------
// rendering parts

interface RenderedPart {
  samples: Float32Array;
  /** Speech starts/ends at these sample indexes inside `samples`. */
  onset: number;
  offset: number;
}

function level(x: Float32Array, rate: number, from: number, to: number): number {
  return percentile(frameDb(x.subarray(from, to), rate, 0.01), 0.95);
}

function scale(x: Float32Array, db: number): void {
  const g = 10 ** (db / 20);
  for (let i = 0; i < x.length; i++) x[i] *= g;
}

function tempoFilter(tempo: number | undefined): string | undefined {
  if (tempo === undefined || tempo === 1) return undefined;
  if (!(tempo >= 0.5 && tempo <= 2)) throw new Error(`tempo ${tempo} outside atempo's 0.5–2`);
  return `atempo=${tempo}`;
}

async function renderPart(part: Exclude<Part, { pause: number }>, rate: number, dir: string, index: number): Promise<RenderedPart> {
  let samples: Float32Array;
  let on: number;
  let off: number;
  if ('tts' in part) {
    const raw = await synthesize(part.tts, dir, `p${index}`, part.voice, rate, tempoFilter(part.tempo));
    samples = trimSilence(raw).slice();
    on = onset(samples);
    off = samples.length;
  } else {
    const raw = await decodePcm(join(sharedDir(), part.file), rate, tempoFilter(part.tempo) ? { filters: tempoFilter(part.tempo) } : {});
    // a span's ends come from the pause analysis of the same file: trusted as the speech bounds
    const b = part.span
      ? (() => {
          const k = rate / (part.tempo ?? 1);
          const start = Math.max(0, Math.min(raw.length, Math.round(part.span[0] * k)));
          return { start, end: Math.max(start, Math.min(raw.length, Math.round(part.span[1] * k))) };
        })()
      : speechBounds(raw, rate);
    const margin = Math.round(REAL_MARGIN_SECONDS * rate);
    const a = Math.max(0, b.start - margin);
    const z = Math.min(raw.length, b.end + margin);
    samples = raw.slice(a, z);
    on = b.start - a;
    off = b.end - a;
  }
  if (samples.length > 0) scale(samples, SPEECH_LEVEL_DB - level(samples, rate, on, off) + (part.gainDb ?? 0));
  return { samples, onset: on, offset: off };
}


// ---------------------------------------------------------------------------------------
// effects

/** Sum of 4 uniforms, unit variance: approximately Gaussian. */
function gauss(rnd: () => number): number {
  return (rnd() + rnd() + rnd() + rnd() - 2) * Math.sqrt(3);
}

/** Noise of the given color, scaled to an exact RMS of `dbfs` over its length. */
export function makeNoise(length: number, dbfs: number, color: 'white' | 'pink' | 'brown', seed: number): Float32Array {
  const rnd = prng(seed);
  const x = new Float32Array(length);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  let brown = 0;
  for (let i = 0; i < length; i++) {
    const w = gauss(rnd);
    if (color === 'white') x[i] = w;
    else if (color === 'pink') {
      // Paul Kellet's refined pink filter
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.969 * b2 + w * 0.153852;
      b3 = 0.8665 * b3 + w * 0.3104856;
      b4 = 0.55 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.016898;
      x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
      b6 = w * 0.115926;
    } else {
      // leaky integrator: brown below ~20 Hz would be all rumble
      brown = 0.995 * brown + w * 0.1;
      x[i] = brown;
    }
  }
  const current = rmsDb(x);
  scale(x, dbfs - current);
  return x;
}

/** The seed of the background noise a script's effects add (makeNoise): the noise can be made again, e.g. to measure the clean speech under it. */
export function noiseSeed(scriptSeed: number): number {
  return (scriptSeed * 7919) ^ 0x5eed;
}

/** Mains hum: fundamental + 4 harmonics (1, ½, ⅓, ¼, ⅕ amplitude), total RMS `dbfs`. */
export function makeHum(length: number, rate: number, dbfs: number, hz = 50, seed = 1): Float32Array {
  const rnd = prng(seed ^ 0x4d4d);
  const amps = [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5];
  const phases = amps.map(() => rnd() * 2 * Math.PI);
  const rms = Math.sqrt(amps.reduce((a, v) => a + (v * v) / 2, 0));
  const g = 10 ** (dbfs / 20) / rms;
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const t = (2 * Math.PI * hz * i) / rate;
    let v = 0;
    for (let h = 0; h < amps.length; h++) v += amps[h] * Math.sin((h + 1) * t + phases[h]);
    x[i] = v * g;
  }
  return x;
}

// ---------------------------------------------------------------------------------------
// rendering a script

export interface Rendered {
  samples: Float32Array;
  truth: Truth;
}

/** Render a script in memory (no effects written to disk except the tempo pass). */
export async function renderScript(script: Script, work: string): Promise<Rendered> {
  const rate = script.sampleRate ?? DEFAULT_RATE;
  // 1. every speech part, two at a time (the engines and ffmpeg are separate processes)
  const speechParts: Exclude<Part, { pause: number }>[] = [];
  for (const seg of script.segments) {
    if (seg.kind === 'pause') continue;
    for (const p of seg.parts) if (!('pause' in p)) speechParts.push(p);
  }
  const rendered = await mapLimit(speechParts, 2, (p, i) => renderPart(p, rate, work, i));

  // 2. assemble, measuring the truth as we go
  const chunks: Float32Array[] = [];
  let cursor = 0;
  let lastSpeechEnd = 0;
  let next = 0;
  const push = (x: Float32Array) => {
    chunks.push(x);
    cursor += x.length;
  };
  const silence = (seconds: number) => push(new Float32Array(Math.max(0, Math.round(seconds * rate))));
  const found = new Map<string, { pauseStart: number; start: number; end: number }>();
  const segments: { kind: 'section' | 'unscripted'; name: string; start: number; end: number }[] = [];
  for (const seg of script.segments) {
    if (seg.kind === 'pause') {
      silence(seg.seconds);
      continue;
    }
    let first: number | undefined;
    const pauseStart = lastSpeechEnd;
    for (const p of seg.parts) {
      if ('pause' in p) {
        silence(p.pause);
        continue;
      }
      const r = rendered[next++];
      if (r.samples.length === 0) continue;
      if (first === undefined) first = cursor + r.onset;
      lastSpeechEnd = cursor + r.offset;
      push(r.samples);
    }
    if (first === undefined) throw new Error(`segment ${seg.kind === 'section' ? seg.id : seg.label} has no speech`);
    segments.push({ kind: seg.kind, name: seg.kind === 'section' ? seg.id : seg.label, start: first, end: lastSpeechEnd });
    if (seg.kind === 'section') {
      if (found.has(seg.id)) throw new Error(`section ${seg.id} is read twice in the script`);
      found.set(seg.id, { pauseStart, start: first, end: lastSpeechEnd });
    }
  }
  for (const id of found.keys()) {
    if (!script.sections.some((s) => s.id === id)) throw new Error(`script reads ${id}, which is not a section of the text`);
  }
  let samples: Float32Array = new Float32Array(cursor);
  {
    let at = 0;
    for (const c of chunks) {
      samples.set(c, at);
      at += c.length;
    }
    chunks.length = 0;
  }

  // 2b. a partial recording: stop mid-section
  const afterEnd = new Set<string>();
  let cutAt: number | undefined;
  if (script.cut) {
    const { section, fraction } = script.cut;
    const f = found.get(section);
    if (!f) throw new Error(`cut in section ${section}, which the script does not read`);
    if (!(fraction > 0 && fraction < 1)) throw new Error(`cut fraction ${fraction} outside (0, 1)`);
    cutAt = Math.round(f.start + fraction * (f.end - f.start));
    samples = samples.slice(0, cutAt);
    const k = script.sections.findIndex((x) => x.id === section);
    for (const later of script.sections.slice(k + 1)) {
      afterEnd.add(later.id);
      const g = found.get(later.id);
      if (g && g.start < cutAt) throw new Error(`section ${later.id} comes after ${section} in the text but is read before the cut`);
      found.delete(later.id);
    }
    f.end = cutAt;
    for (let i = segments.length - 1; i >= 0; i--) {
      if (segments[i].start >= cutAt) segments.splice(i, 1);
      else segments[i].end = Math.min(segments[i].end, cutAt);
    }
  }

  // 3. effects
  const effects = script.effects ?? {};
  let timeScale = 1;
  if (effects.tempo !== undefined && effects.tempo !== 1) {
    const tmp = join(work, 'pre-tempo.wav');
    await writeWav(tmp, samples, rate);
    samples = await decodePcm(tmp, rate, { filters: tempoFilter(effects.tempo) });
    timeScale = 1 / effects.tempo;
  }
  if (effects.levelDrop) {
    const at = Math.round(effects.levelDrop.atFraction * samples.length);
    const ramp = Math.round(0.02 * rate);
    const g = 10 ** (effects.levelDrop.db / 20);
    for (let i = at; i < samples.length; i++) {
      const f = i - at >= ramp ? 1 : (i - at) / ramp;
      samples[i] *= 1 + (g - 1) * f;
    }
  }
  if (effects.hum) {
    const hum = makeHum(samples.length, rate, effects.hum.dbfs, effects.hum.hz ?? 50, script.seed);
    for (let i = 0; i < samples.length; i++) samples[i] += hum[i];
  }
  if (effects.noise) {
    const noise = makeNoise(samples.length, effects.noise.dbfs, effects.noise.color ?? 'white', noiseSeed(script.seed));
    for (let i = 0; i < samples.length; i++) samples[i] += noise[i];
  }

  const t = (sampleIndex: number) => Math.round((sampleIndex / rate) * timeScale * 1e4) / 1e4;
  const firstRead = [...found.values()].sort((a, b) => a.start - b.start)[0];
  const before = firstRead ? segments.filter((s) => s.kind === 'unscripted' && s.start < firstRead.start) : [];
  const leadIn = before.length ? { startSeconds: t(before[0].start), endSeconds: t(firstRead.pauseStart) } : null;
  const truth: Truth = {
    durationSeconds: samples.length / rate,
    sampleRate: rate,
    sections: script.sections.map((s) => {
      const f = found.get(s.id);
      const base = { id: s.id, kind: s.kind, title: s.title };
      return f
        ? { ...base, present: true, status: 'read' as const, pauseStartSeconds: t(f.pauseStart), startSeconds: t(f.start), endSeconds: t(f.end) }
        : { ...base, present: false, status: afterEnd.has(s.id) ? ('after-end' as const) : ('not-read' as const) };
    }),
    segments: segments.map((s) => ({ kind: s.kind, name: s.name, startSeconds: t(s.start), endSeconds: t(s.end) })),
    effects,
    leadIn,
    ending: script.cut && cutAt !== undefined ? { sectionId: script.cut.section, cutSeconds: t(cutAt) } : null,
  };
  return { samples, truth };
}

export async function writeWav(path: string, samples: Float32Array, rate: number): Promise<void> {
  const w = await WavWriter.create(path, rate);
  try {
    const CHUNK = 1 << 20;
    for (let i = 0; i < samples.length; i += CHUNK) await w.write(samples.subarray(i, i + CHUNK));
  } finally {
    await w.close();
  }
}

export function scriptHash(script: Script): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: BUILDER_VERSION, script }))
    .digest('hex')
    .slice(0, 10);
}

/**
 * Build a case into `<cacheRoot>/<name>-<hash>/` (audio.wav, sections.json, truth.json,
 * script.json), or reuse it when that folder is complete.
 */
export async function buildCase(name: string, script: Script, cacheRoot: string): Promise<BuiltCase> {
  const dir = join(cacheRoot, `${name}-${scriptHash(script)}`);
  const audio = join(dir, 'audio.wav');
  const sectionsFile = join(dir, 'sections.json');
  const truthFile = join(dir, 'truth.json');
  if (existsSync(truthFile) && existsSync(audio) && existsSync(sectionsFile)) {
    const truth = JSON.parse(await readFile(truthFile, 'utf8')) as Truth;
    return { name, dir, audio, sectionsFile, truth, rendered: false };
  }
  await mkdir(cacheRoot, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), `letterpod-eval-${name}-`));
  const staging = `${dir}.partial-${process.pid}`;
  try {
    const { samples, truth } = await renderScript(script, work);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await writeWav(join(staging, 'audio.wav'), samples, truth.sampleRate);
    await writeFile(join(staging, 'sections.json'), JSON.stringify(script.sections.map((s) => ({ id: s.id, text: s.text }))));
    if (script.language) await writeFile(join(staging, 'language'), script.language);
    await writeFile(join(staging, 'script.json'), JSON.stringify(script, null, 1));
    await writeFile(join(staging, 'truth.json'), JSON.stringify(truth, null, 1));
    // another process may have built the same case meanwhile: identical, keep theirs
    if (!existsSync(truthFile)) {
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
    return { name, dir, audio, sectionsFile, truth, rendered: true };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
}
