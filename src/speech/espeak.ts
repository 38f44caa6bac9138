/**
 * Reference synthesis with espeak-ng. Pieces (sentences) are synthesized in a few
 * batches, each one espeak-ng process: the pieces of a batch are joined with a long SSML
 * break, and the batch's audio is cut at its longest runs of digital silence — there must
 * be exactly one per join, clearly longer than any natural pause, or the batch is halved
 * and retried. So every piece's audio (and therefore its start in the
 * reference) is known exactly, at the cost of a handful of processes.
 *
 * Those processes go through the process runner (process/run.ts) and are started by one
 * small shell (process/launcher.ts), not by this process: every fork of a large Node heap
 * blocked the event loop for ~30 ms (2+ s per hour of audio).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellLauncher } from '../process/launcher.js';
import { runProcess } from '../process/run.js';
import { countWords, isSpeakable } from './sentences.js';
import { parseWav } from '../signal/wav.js';

export interface SynthOptions {
  voice: string;
  /** espeak-ng's -s (words per minute; it accepts 80–450). */
  wordsPerMinute: number;
  signal?: AbortSignal;
  /** Processes at once (default 3: espeak-ng idles about half its wall time). */
  concurrency?: number;
  /** Target words per batch (default: a few batches per process, at most 600 words). */
  batchWords?: number;
}

export interface SynthStats {
  sampleRate: number;
  processes: number;
  /** Batches that did not cut cleanly and were halved. */
  fallbacks: number;
}

/** Called in piece order; `samples` is trimmed of leading/trailing digital silence. */
export type PieceSink = (index: number, samples: Int16Array, sampleRate: number) => void;

export function espeakPath(): string {
  return process.env.ESPEAK_PATH || 'espeak-ng';
}

const BREAK_MS = 2000;
/** Largest batch: its audio (~4 min, 10 MB) is held whole until it is cut. */
const MAX_BATCH_WORDS = 600;

function escapeSsml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Run espeak-ng once, text on stdin, WAV to a file (not a pipe: a pipe would stall the
 * synthesizer whenever the event loop is busy computing features).
 */
export async function runEspeak(text: string, args: readonly string[], signal?: AbortSignal): Promise<{ sampleRate: number; samples: Int16Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'letterpod-espeak-'));
  const out = join(dir, 'out.wav');
  try {
    await espeak(text, [...args, '-w', out], { signal });
    const buf = await readFile(out);
    try {
      return parseWav(buf);
    } catch (e) {
      throw new Error(`${espeakPath()} wrote no usable audio: ${(e as Error).message}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ESPEAK_MISSING = {
  problem: 'espeak-ng was not found (alignment synthesizes the text with it)',
  fix: 'Install it (apt-get install espeak-ng) or set ESPEAK_PATH to the binary',
};

/** espeak-ng through the process runner (a failure is a ProcessError: "espeak-ng failed (exit 1): …"). */
async function espeak(text: string | undefined, args: readonly string[], opts: { signal?: AbortSignal; via?: ShellLauncher }): Promise<void> {
  await runProcess(espeakPath(), args, { stdin: text, ignoreStdout: true, signal: opts.signal, via: opts.via, stderrLimit: 8000, missing: ESPEAK_MISSING });
}

/** Like runEspeak, through the launcher shell, with files in `dir` named after `name`. */
async function runEspeakVia(
  launcher: ShellLauncher,
  dir: string,
  name: string,
  text: string,
  args: readonly string[],
): Promise<{ sampleRate: number; samples: Int16Array }> {
  const [input, out] = ['in.txt', 'out.wav'].map((f) => join(dir, `${name}-${f}`)) as [string, string];
  await writeFile(input, text, 'utf8');
  // the text as a file (-f), never on stdin: espeak-ng reads stdin in pieces, and an SSML
  // <break/> cut by a piece boundary is silently dropped (5 of 15 400-word batches; 0 with -f)
  await espeak(undefined, [...args, '-w', out, '-f', input], { via: launcher });
  const buf = await readFile(out);
  await Promise.all([input, out].map((f) => rm(f, { force: true })));
  try {
    return parseWav(buf);
  } catch (e) {
    throw new Error(`${espeakPath()} wrote no usable audio: ${(e as Error).message}`);
  }
}

function baseArgs(opts: SynthOptions): string[] {
  const rate = Math.max(80, Math.min(450, Math.round(opts.wordsPerMinute)));
  return ['-v', opts.voice, '-s', String(rate)];
}

/** Trim exact-zero samples (espeak's silence) at both ends. */
function trimZeros(s: Int16Array): Int16Array {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === 0) a++;
  while (b > a && s[b - 1] === 0) b--;
  return s.subarray(a, b);
}

interface Run {
  start: number;
  end: number;
}

/** Runs of exact zeros at least `min` samples long. */
function zeroRuns(s: Int16Array, min: number): Run[] {
  const runs: Run[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (s[i] !== 0) {
      i++;
      continue;
    }
    let k = i;
    while (k < n && s[k] === 0) k++;
    if (k - i >= min) runs.push({ start: i, end: k });
    i = k;
  }
  return runs;
}

/**
 * Cut a batch's audio into `count` pieces at its `count − 1` longest zero runs. Returns
 * undefined unless those runs are unambiguous (each clearly longer than every other run).
 */
export function cutAtBreaks(s: Int16Array, count: number, sampleRate: number): Int16Array[] | undefined {
  if (count === 1) return [trimZeros(s)];
  const runs = zeroRuns(s, Math.round(0.05 * sampleRate));
  if (runs.length < count - 1) return undefined;
  const byLength = runs.slice().sort((x, y) => y.end - y.start - (x.end - x.start));
  const chosen = byLength.slice(0, count - 1);
  const shortestChosen = chosen[chosen.length - 1].end - chosen[chosen.length - 1].start;
  const longestOther = byLength.length > count - 1 ? byLength[count - 1].end - byLength[count - 1].start : 0;
  const longestChosen = chosen[0].end - chosen[0].start;
  // every join is the same nominal break: the chosen runs must look alike and stand out
  if (shortestChosen < 0.25 * sampleRate || shortestChosen < 1.5 * longestOther || shortestChosen < 0.6 * longestChosen) return undefined;
  chosen.sort((x, y) => x.start - y.start);
  const pieces: Int16Array[] = [];
  let from = 0;
  for (const r of chosen) {
    pieces.push(trimZeros(s.subarray(from, r.start)));
    from = r.end;
  }
  pieces.push(trimZeros(s.subarray(from)));
  if (pieces.some((p) => p.length === 0)) return undefined;
  return pieces;
}

/**
 * Synthesize `texts` in order. Unspeakable texts (no letters or digits) give an empty
 * piece without running espeak-ng.
 */
export async function synthesizePieces(texts: readonly string[], opts: SynthOptions, onPiece: PieceSink): Promise<SynthStats> {
  const args = baseArgs(opts);
  const speakable = texts.map((t, i) => ({ i, t: t.trim() })).filter((p) => isSpeakable(p.t));
  const totalWords = speakable.reduce((a, p) => a + countWords(p.t), 0);
  // a few batches per process slot (so the slots finish together), each at most
  // MAX_BATCH_WORDS: every process costs ~30 ms to start (it loads ~30 libraries and scans
  // every voice file), and 600-word batches cut that to 17 processes for an hour of text
  const target = opts.batchWords ?? Math.max(100, Math.min(MAX_BATCH_WORDS, Math.ceil(totalWords / (2 * (opts.concurrency ?? 3)))));
  const batches: { i: number; t: string }[][] = [];
  let cur: { i: number; t: string }[] = [];
  let words = 0;
  for (const p of speakable) {
    cur.push(p);
    words += countWords(p.t);
    if (words >= target) {
      batches.push(cur);
      cur = [];
      words = 0;
    }
  }
  if (cur.length) batches.push(cur);

  const stats: SynthStats = { sampleRate: 0, processes: 0, fallbacks: 0 };
  // should espeak-ng still drop (or double) a <break> (it did when fed on stdin), the
  // batch no longer cuts unambiguously, so it is halved and each half retried (a single
  // piece always cuts). Costs a few extra processes, never a wrong boundary.
  const runBatch = async (batch: { i: number; t: string }[]): Promise<{ sampleRate: number; pieces: Int16Array[] }> => {
    const ssml = batch.map((p) => escapeSsml(p.t)).join(` <break time="${BREAK_MS}ms"/> `);
    const name = String(stats.processes++);
    const whole = await runEspeakVia(launcher!, dir!, name, ssml, ['-m', ...args]);
    const cut = cutAtBreaks(whole.samples, batch.length, whole.sampleRate);
    if (cut) return { sampleRate: whole.sampleRate, pieces: cut };
    stats.fallbacks++;
    const mid = batch.length >> 1;
    const a = await runBatch(batch.slice(0, mid));
    const b = await runBatch(batch.slice(mid));
    return { sampleRate: b.sampleRate, pieces: [...a.pieces, ...b.pieces] };
  };

  // run up to `concurrency` batches at once; deliver pieces strictly in order
  const concurrency = Math.max(1, opts.concurrency ?? 3);
  let launcher: ShellLauncher | undefined;
  let dir: string | undefined;
  const onAbort = () => launcher?.kill();
  const results = new Map<number, { sampleRate: number; pieces: Int16Array[] }>();
  let nextToRun = 0;
  let nextToEmit = 0;
  let emittedText = 0;
  const emitReady = () => {
    while (results.has(nextToEmit)) {
      const r = results.get(nextToEmit)!;
      results.delete(nextToEmit);
      stats.sampleRate = r.sampleRate;
      const batch = batches[nextToEmit];
      batch.forEach((p, k) => {
        // empty pieces for unspeakable texts before this one
        while (emittedText < p.i) onPiece(emittedText++, new Int16Array(0), r.sampleRate);
        onPiece(emittedText++, r.pieces[k], r.sampleRate);
      });
      nextToEmit++;
    }
  };
  const worker = async () => {
    while (nextToRun < batches.length) {
      const b = nextToRun++;
      results.set(b, await runBatch(batches[b]));
      emitReady();
    }
  };
  if (batches.length) {
    dir = await mkdtemp(join(tmpdir(), 'letterpod-espeak-'));
    launcher = new ShellLauncher();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  }
  try {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  } catch (e) {
    launcher?.kill();
    throw opts.signal?.aborted ? (opts.signal.reason ?? e) : e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    launcher?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  while (emittedText < texts.length) onPiece(emittedText++, new Int16Array(0), stats.sampleRate || 22050);
  return stats;
}
