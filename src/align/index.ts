/**
 * Alignment v1: where in the recording does the narrator start each section?
 *
 *   recording ──streamPcm 16 kHz──► mel features (streamed) ──► pauses, speech time
 *   sections ──sentences──► espeak-ng (rate from the recording) ──► reference features
 *   both ──cepstra (CMVN, unit vectors)──► coarse DTW (160 ms, wide diagonal band)
 *        ──► fine DTW (20 ms, band around the coarse path) ──► section/sentence starts
 *        ──► snapped to the pause right before each start, with a confidence.
 *
 * Modules: espeak.ts (synthesis), reference.ts (layout), mfcc.ts (features), dtw.ts,
 * pauses.ts (pauses and snapping), place.ts (path → times, confidence), sentences.ts.
 */
import { performance } from 'node:perf_hooks';
import { LetterpodError } from '../errors.js';
import { streamPcm } from '../media/ffmpeg.js';
import { probeAudio } from '../media/probe.js';
import { bandAroundPath, dtw, lineBand } from './dtw.js';
import { cepstra, MelExtractor, pool, type CepstraOptions, type FeatureOptions } from './mfcc.js';
import { findPauses } from './pauses.js';
import { placeSections, placeSentences, unrelatedCost } from './place.js';
import { buildReference } from './reference.js';
import { countWords } from './sentences.js';

export interface AlignSection {
  id: string;
  text: string;
}

export interface SectionTiming {
  id: string;
  startSeconds: number;
  endSeconds: number;
  /** 0–1: path quality at the section start × clarity of the pause it was snapped to. */
  confidence: number;
}

export interface SentenceTiming {
  sectionId: string;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

export interface Alignment {
  durationSeconds: number;
  sections: SectionTiming[];
  sentences: SentenceTiming[];
  stats: {
    /** Length of the synthetic reference. */
    referenceSeconds: number;
    /** Feature frames (20 ms) of the recording. */
    frames: number;
    /** Mean width (frames) of the fine DTW band; cells = reference frames × this. */
    bandFrames: number;
    wallMs: number;
  };
}

export interface AlignOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** espeak-ng voice for the reference (default en-us). */
  voice?: string;
  /** Override the reference speaking rate (default: from the recording). */
  wordsPerMinute?: number;
  features?: Partial<FeatureOptions>;
  cepstra?: Partial<CepstraOptions>;
  /** Diagnostics: the raw path estimates and timings per stage. */
  debug?: (info: Record<string, unknown>) => void;
}

/** Decode rate for the recording. */
const RATE = 16000;
/** Coarse pass: this many fine frames per coarse frame. */
const COARSE = 8;
/**
 * Reference rate = the recording's overall words/minute × this. Measured: with it, the
 * reference (espeak-ng plus our fixed gaps) comes out within ~5 % of the recording's length.
 */
const ESPEAK_PACE = 1.0;

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

export async function alignRecording(recording: string, sections: AlignSection[], opts: AlignOptions = {}): Promise<Alignment> {
  const t0 = performance.now();
  const progress = (f: number) => opts.onProgress?.(Math.max(0, Math.min(1, f)));
  if (!Array.isArray(sections) || sections.length === 0) {
    throw new LetterpodError({ file: recording, problem: 'no sections to align', fix: 'Check that the issue text parsed into sections' });
  }
  const words = sections.reduce((a, s) => a + countWords(s.text), 0);
  if (words === 0) {
    throw new LetterpodError({ file: recording, problem: 'the sections contain no words to align', fix: 'Check the issue text' });
  }
  const info = await probeAudio(recording);
  aborted(opts.signal);
  // one controller for both concurrent stages: if either fails, the other stops
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let decodeFrac = 0;
  let synthFrac = 0;
  const stageProgress = () => progress(0.7 * (0.6 * decodeFrac + 0.4 * synthFrac));

  // 1. the recording, streamed into features; 2. meanwhile, the reference, at the
  // narrator's overall pace (espeak-ng runs in its own processes while we decode)
  const wpm = opts.wordsPerMinute ?? Math.max(80, Math.min(400, (words / (info.durationSeconds / 60)) * ESPEAK_PACE));
  const recX = new MelExtractor(RATE, opts.features);
  const expected = Math.max(1, info.durationSeconds * RATE);
  let got = 0;
  let tDecode = 0;
  let tSynth = 0;
  const decoding = streamPcm(
    recording,
    RATE,
    (s) => {
      recX.push(s);
      got += s.length;
      decodeFrac = Math.min(1, got / expected);
      stageProgress();
    },
    { signal: inner.signal },
  ).then(() => {
    tDecode = performance.now();
  });
  const referencing = buildReference(sections, {
    voice: opts.voice ?? 'en-us',
    wordsPerMinute: wpm,
    signal: inner.signal,
    features: opts.features,
    onProgress: (f) => {
      synthFrac = f;
      stageProgress();
    },
  }).then((r) => {
    tSynth = performance.now();
    return r;
  });
  let ref: Awaited<typeof referencing>;
  try {
    [, ref] = await Promise.all([decoding, referencing]);
  } catch (e) {
    inner.abort(e);
    await Promise.allSettled([decoding, referencing]);
    throw opts.signal?.aborted ? (opts.signal.reason ?? e) : e;
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
  const recMel = recX.finish();
  const durationSeconds = recMel.samples / RATE;
  const pauses = findPauses(recMel.blockDb, recMel.blockSeconds);
  if (!(pauses.speechSeconds >= 1)) {
    throw new LetterpodError({
      file: recording,
      problem: `no speech found (${durationSeconds.toFixed(1)} s of audio, all below ${pauses.thresholdDb.toFixed(0)} dBFS)`,
      fix: 'Check that this is the narration and that it is not silent',
    });
  }
  aborted(opts.signal);

  // 3. features → DTW, coarse then fine
  const tFeatures = performance.now();
  const refV = cepstra(ref.mel, opts.cepstra);
  const recV = cepstra(recMel, opts.cepstra);
  const hop = refV.hopSeconds;
  const refC = pool(refV, COARSE);
  const recC = pool(recV, COARSE);
  const coarseHop = hop * COARSE;
  const radius = Math.ceil(Math.max(120, 0.1 * durationSeconds) / coarseHop);
  const anchor0 = { i: Math.floor(ref.speechStart / coarseHop), j: Math.floor(pauses.speechStart / coarseHop) };
  const anchor1 = {
    i: Math.min(refC.frames - 1, Math.floor(ref.speechEnd / coarseHop)),
    j: Math.min(recC.frames - 1, Math.floor(pauses.speechEnd / coarseHop)),
  };
  const coarseBand = lineBand(refC.frames, recC.frames, radius, anchor0, anchor1);
  const coarse = dtw(refC, recC, coarseBand);
  progress(0.8);
  aborted(opts.signal);
  const fineBand = bandAroundPath(coarse, COARSE, refV.frames, recV.frames, Math.round(3.0 / hop));
  const fine = dtw(refV, recV, fineBand, (i) => progress(0.8 + 0.15 * (i / refV.frames)));
  const tDtw = performance.now();

  // 4. times
  const placeInput = { reference: ref, path: fine, hopSeconds: hop, pauses, durationSeconds, unrelated: unrelatedCost(refV, recV) };
  const placed = placeSections(placeInput);
  const sentences = placeSentences(placeInput, placed);
  progress(1);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  opts.debug?.({
    wordsPerMinute: wpm,
    words,
    speechSeconds: pauses.speechSeconds,
    referenceSpeech: [ref.speechStart, ref.speechEnd],
    synth: ref.synth,
    estimates: placed.map((p) => r3(p.estimateSeconds)),
    pathMeanCost: fine.meanCost,
    unrelated: placeInput.unrelated,
    referenceSpeechSeconds: findPauses(ref.mel.blockDb, ref.mel.blockSeconds).speechSeconds,
    ms: { decode: tDecode - t0, synth: tSynth - t0, dtw: tDtw - tFeatures, place: performance.now() - tDtw },
    cells: { coarse: coarse.cells, fine: fine.cells },
  });
  return {
    durationSeconds: r3(durationSeconds),
    sections: placed.map((p, k) => ({ id: sections[k].id, startSeconds: r3(p.startSeconds), endSeconds: r3(p.endSeconds), confidence: p.confidence })),
    sentences: sentences.map((s) => ({ sectionId: sections[s.section].id, text: s.text, startSeconds: r3(s.startSeconds), endSeconds: r3(s.endSeconds) })),
    stats: {
      referenceSeconds: r3(ref.seconds),
      frames: recV.frames,
      bandFrames: Math.round(fine.cells / refV.frames),
      wallMs: Math.round(performance.now() - t0),
    },
  };
}

export { splitSentences, countWords } from './sentences.js';
export { findPauses, snapToPause } from './pauses.js';
