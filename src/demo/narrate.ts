/**
 * A synthetic *narrator*: reads sections aloud with a TTS voice (by default a different
 * engine and voice than the aligner's espeak-ng reference, so tests are not
 * self-matching), joined by seeded, varied pauses, written as a mono 16-bit WAV.
 * Each section's true start — its first non-silent sample in the output (see `onset`) —
 * is measured and returned, so alignment can be checked against ground truth.
 *
 * Usable from the command line too:
 *   node dist/demo/narrate.js out.wav issue.md   (sections = paragraphs; for demos)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../process/run.js';
import { decodePcm } from '../media/ffmpeg.js';
import { WavWriter } from '../signal/wav.js';

export interface NarrateOptions {
  /**
   * espeak-ng voice (default en-us+f3), flite voice (default slt), or festival voice
   * (default kal_diphone; any installed one: ked_diphone, cmu_us_slt_arctic_hts, …).
   */
  voice?: string;
  engine?: 'espeak-ng' | 'flite' | 'festival';
  wordsPerMinute?: number;
  /** Mean pause between sections (default 1.25 s; each varies ±0.25 s, seeded). */
  pauseSeconds?: number;
  /** Silence before the first section (default 0.8 s). */
  leadSeconds?: number;
  /** Silence after the last section (default 1.0 s). */
  tailSeconds?: number;
  seed?: number;
  /** Output sample rate (default 22050). */
  sampleRate?: number;
  /** Add white noise at this level (dBFS RMS), e.g. −60, everywhere. Default: none. */
  noiseDb?: number;
  signal?: AbortSignal;
}

export interface Narration {
  /**
   * Per section: `startSeconds` = its first word; `pauseStartSeconds` = where the speech
   * before it ended (0 for the first section), so a chapter mark anywhere in
   * [pauseStartSeconds, startSeconds] is exactly right.
   */
  starts: { id: string; startSeconds: number; pauseStartSeconds?: number }[];
  durationSeconds: number;
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A TTS engine or sox, through the process runner. */
async function run(tool: string, args: string[], input: string | undefined, signal?: AbortSignal): Promise<void> {
  await runProcess(tool, args, { stdin: input, ignoreStdout: true, signal, stderrLimit: 4000, missing: { problem: `${tool} was not found`, fix: `Install it (apt-get install ${tool})` } });
}

/** Silence threshold for "non-silent" (≈ −60 dBFS). */
const SILENT = 1e-3;

/** One utterance with a TTS voice (see NarrateOptions), decoded to mono float PCM at `rate`. */
export async function synthesize(
  text: string,
  dir: string,
  index: number | string,
  opts: Pick<NarrateOptions, 'engine' | 'voice' | 'wordsPerMinute' | 'signal'>,
  rate: number,
  filters?: string,
): Promise<Float32Array> {
  return synthesizeSection(text, dir, index, { engine: 'flite', ...opts }, rate, filters);
}

async function synthesizeSection(
  text: string,
  dir: string,
  index: number | string,
  opts: Required<Pick<NarrateOptions, 'engine'>> & NarrateOptions,
  rate: number,
  filters?: string,
): Promise<Float32Array> {
  if (!/[\p{L}\p{N}]/u.test(text)) return new Float32Array(0);
  const wav = join(dir, `s${index}.wav`);
  if (opts.engine === 'flite') {
    const txt = join(dir, `s${index}.txt`);
    await writeFile(txt, text, 'utf8');
    // slt reads at about 165 words/minute; stretch durations to reach the requested pace
    const stretch = opts.wordsPerMinute ? 165 / opts.wordsPerMinute : 1;
    await run('flite', ['-voice', opts.voice ?? 'slt', '--setf', `duration_stretch=${stretch.toFixed(3)}`, '-f', txt, '-o', wav], undefined, opts.signal);
  } else if (opts.engine === 'festival') {
    const txt = join(dir, `s${index}.txt`);
    await writeFile(txt, text, 'utf8');
    const voice = opts.voice ?? 'kal_diphone';
    if (!/^[a-z0-9_]+$/.test(voice)) throw new Error(`festival voice name "${voice}" is not a plain name`);
    // the diphone voices read at about 165 words/minute; Duration_Stretch paces them
    const stretch = opts.wordsPerMinute ? 165 / opts.wordsPerMinute : 1;
    await run('text2wave', ['-eval', `(voice_${voice})`, '-eval', `(Parameter.set 'Duration_Stretch ${stretch.toFixed(3)})`, txt, '-o', wav], undefined, opts.signal);
  } else {
    await run('espeak-ng', ['-v', opts.voice ?? 'en-us+f3', '-s', String(Math.round(opts.wordsPerMinute ?? 150)), '-w', wav], text, opts.signal);
  }
  return decodePcm(wav, rate, filters ? { filters } : {});
}

/**
 * Where the speech starts: the first sample louder than −40 dB relative to the section's
 * peak. (TTS engines, flite especially, emit a few hundred ms of −65 dBFS breath noise
 * before the first phoneme; that is kept in the audio but is not the start of speech.)
 */
export function onset(x: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  const thr = Math.max(SILENT, peak * 0.01);
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) >= thr) return i;
  return 0;
}

/** `x` without its leading and trailing digital silence (below ≈ −60 dBFS). */
export function trimSilence(x: Float32Array): Float32Array {
  let a = 0;
  let b = x.length;
  while (a < b && Math.abs(x[a]) < SILENT) a++;
  while (b > a && Math.abs(x[b - 1]) < SILENT) b--;
  return x.subarray(a, b);
}

export async function narrate(sections: { id: string; text: string }[], outWav: string, opts: NarrateOptions = {}): Promise<Narration> {
  const o = { engine: 'flite' as const, ...opts };
  const rate = o.sampleRate ?? 22050;
  const rnd = prng(o.seed ?? 1);
  const noiseRnd = prng((o.seed ?? 1) ^ 0x5eed);
  const noiseAmp = o.noiseDb === undefined ? 0 : 10 ** (o.noiseDb / 20);
  const dir = await mkdtemp(join(tmpdir(), 'letterpod-narrate-'));
  const writer = await WavWriter.create(outWav, rate);
  const starts: Narration['starts'] = [];
  const writeSamples = async (x: Float32Array) => {
    if (noiseAmp > 0) {
      for (let i = 0; i < x.length; i++) {
        // approximately Gaussian: sum of 4 uniforms, unit variance
        const g = (noiseRnd() + noiseRnd() + noiseRnd() + noiseRnd() - 2) * Math.sqrt(3);
        x[i] += g * noiseAmp;
      }
    }
    await writer.write(x);
  };
  const silence = (seconds: number) => writeSamples(new Float32Array(Math.round(seconds * rate)));
  try {
    // synthesize a few sections ahead (the engines idle on I/O), write strictly in order
    const AHEAD = 4;
    const pending: Promise<Float32Array>[] = [];
    const start = (k: number) => {
      if (k < sections.length) {
        pending[k] = synthesizeSection(sections[k].text, dir, k, o, rate);
        pending[k].catch(() => undefined); // awaited in order below
      }
    };
    for (let k = 0; k < AHEAD; k++) start(k);
    await silence(o.leadSeconds ?? 0.8);
    for (let k = 0; k < sections.length; k++) {
      const raw = await pending[k];
      delete pending[k];
      start(k + AHEAD);
      const speech = trimSilence(raw);
      const pauseStartSeconds = k > 0 ? writer.samplesWritten / rate : 0;
      if (k > 0) await silence((o.pauseSeconds ?? 1.25) + (rnd() - 0.5) * 0.5);
      starts.push({ id: sections[k].id, startSeconds: (writer.samplesWritten + onset(speech)) / rate, pauseStartSeconds });
      await writeSamples(speech.slice());
    }
    await silence(o.tailSeconds ?? 1.0);
  } finally {
    await writer.close();
    await rm(dir, { recursive: true, force: true });
  }
  return { starts, durationSeconds: writer.samplesWritten / rate };
}

// CLI: node dist/demo/narrate.js out.wav text-file [engine]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, file, engine] = process.argv.slice(2);
  if (!out || !file) {
    console.error('usage: narrate.js out.wav text-file [flite|espeak-ng|festival]');
    process.exit(2);
  }
  const text = await readFile(file, 'utf8');
  const sections = text
    .split(/\n\s*\n/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t, i) => ({ id: `s${i + 1}`, text: t }));
  const r = await narrate(sections, out, { engine: (engine as 'flite' | 'espeak-ng' | 'festival') ?? 'flite' });
  console.log(JSON.stringify(r, null, 2));
}
