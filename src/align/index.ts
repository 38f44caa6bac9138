/**
 * Alignment v2: where in the recording does the narrator start each section — and which
 * sections did they not read at all?
 *
 *   recording ──streamPcm 16 kHz──► mel features (streamed) ──► pauses (local noise floor)
 *   sections ──sentences──► espeak-ng (rate from the recording) ──► reference features
 *   both ──cepstra (c0…c7, CMVN, unit vectors)──►
 *     1. global DTW, 320 ms then 80 ms frames, whose off-diagonal steps are capped at a
 *        fixed "unmatched" cost: an intro, ad-libs, foreign speech and skipped text are
 *        crossed instead of being forced onto the nearest words;
 *     2. per section, the first 14 s of its reference slid over −20 s…+35 s around the
 *        global estimate (every reference frame consumed once, so positions compare;
 *        recording pauses crossed freely on reference pause rows; speech against pause
 *        penalised) → a few candidate positions with a goodness (anchor.ts);
 *     3. the reading order picks one candidate per section or none (skipped), and weak or
 *        missing sections are searched again between their strongly found neighbours;
 *     4. the mark goes at the end of the pause right before the chosen start, with a
 *        confidence; sentences follow the global path inside each found section (place.ts).
 *
 * Modules: espeak.ts (synthesis), reference.ts (layout), mfcc.ts (features), dtw.ts,
 * anchor.ts (local search), pauses.ts (pauses and snapping), place.ts (choice, marks,
 * confidence, sentences), sentences.ts.
 */
import { performance } from 'node:perf_hooks';
import { LetterpodError } from '../errors.js';
import { streamPcm } from '../media/ffmpeg.js';
import { probeAudio } from '../media/probe.js';
import { AnchorPool, type AnchorResult, type AnchorTask } from './anchor-pool.js';
import { falseStart, sameWords } from './restart.js';
import { together } from '../speech/together.js';
import { bandAroundPath, dtw, lineBand } from '../signal/dtw.js';
import { cepstra, MelExtractor, pool, type CepstraOptions, type FeatureOptions } from '../signal/mfcc.js';
import { findPauses, type Pause } from '../signal/pauses.js';
import { burstBefore, headingNotRead, pauseBefore, runStart, typicalBoundaryPause } from './boundary.js';
import { chooseInOrder, mapTime, median, placeSections, quantile, placeSentences, speechBetween, unrelatedCost, type SectionCandidate } from './place.js';
import { buildReference, type Reference } from '../speech/reference.js';
import { buildReferenceOffThread } from './reference-thread.js';
import { espeakVoiceFor } from '../speech/voices.js';
import { measureCoverage } from './coverage.js';
import { decideSections, peakRatio as ratioOf, type PartEvidence } from './decide.js';
import { alignParams, type AlignParams } from './params.js';
import { countWords } from '../speech/sentences.js';

export interface AlignSection {
  id: string;
  text: string;
}

export interface SectionTiming {
  id: string;
  startSeconds: number;
  endSeconds: number;
  /**
   * 0–1. Found: how clearly the section's opening matches (against the recording's
   * typical match), its lead over the second-best position, and the pause it was snapped
   * to. Skipped: how sure we are that it was not read.
   */
  confidence: number;
  /**
   * The narrator did not read this section: it keeps its place in the list with
   * startSeconds = endSeconds = the next found section's start (or the end).
   */
  skipped: boolean;
  /**
   * read: found in the recording; not-read: the narrator left it out (no room for it in
   * time between its neighbours and no part of its text heard there); after-end: the
   * recording ends before it (a partial recording).
   */
  status: SectionStatus;
  /** Found, but on weak evidence: kept (a false "not read" is worse), the producer should check it. */
  uncertain: boolean;
}

export type { SectionStatus } from './place.js';
import type { SectionStatus } from './place.js';

/** Unscripted speech before the first read section ("Hi, this is…"). */
export interface LeadIn {
  startSeconds: number;
  endSeconds: number;
}

/** Where a recording that stops before the text does ends. */
export interface RecordingEnding {
  /** The section being read when the recording ends (it keeps its chapter). */
  sectionId: string;
  /** How far into that section the recording ends, and how long it would take to read (s). */
  secondsIntoSection: number;
  expectedSeconds: number;
  /** The sections after it, not in the recording. */
  notInRecording: string[];
}

export interface SentenceTiming {
  sectionId: string;
  text: string;
  startSeconds: number;
  endSeconds: number;
}

export interface Alignment {
  durationSeconds: number;
  /** Where speech begins and ends in the recording, and how much of it there is (s). */
  speech: { startSeconds: number; endSeconds: number; seconds: number };
  sections: SectionTiming[];
  sentences: SentenceTiming[];
  /** Speech before the first read section, when there is at least params.leadInMinSeconds of it; else null. */
  leadIn: LeadIn | null;
  /** Set when the recording ends before the text does; else null. */
  ending: RecordingEnding | null;
  stats: {
    /** Length of the synthetic reference. */
    referenceSeconds: number;
    /** Feature frames (20 ms) of the recording. */
    frames: number;
    /** Mean width (frames) of the 80 ms global pass's band; cells = its reference frames × this. */
    bandFrames: number;
    /** Sections found not read. */
    skipped: number;
    wallMs: number;
  };
}

export interface AlignOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** espeak-ng voice for the reference (default: from `language`, else en-us). */
  voice?: string;
  /** The text's language (BCP 47, e.g. "de", "es-ES"): chooses the espeak-ng voice. */
  language?: string;
  /** Tuning values (see params.ts); defaults when absent. */
  params?: Partial<AlignParams>;
  /** Override the reference speaking rate (default: from the recording). */
  wordsPerMinute?: number;
  features?: Partial<FeatureOptions>;
  cepstra?: Partial<CepstraOptions>;
  /**
   * Decode the recording to mono PCM at `rate` Hz, calling `onSamples` in order (default:
   * streamPcm). Lets a caller decode once for several analyses (build: loudness too).
   */
  decode?: (rate: number, onSamples: (samples: Float32Array) => void, signal: AbortSignal) => Promise<void>;
  /** Diagnostics: the raw path estimates and timings per stage. */
  debug?: (info: Record<string, unknown>) => void;
}

/** Decode rate for the recording. */
const RATE = 16000;
/**
 * Fewer cepstra than the usual 13: the higher ones describe the voice more than the words,
 * and a human narrator against espeak-ng matches clearly better on c0…c7 (measured on the
 * LibriVox sonnets: the right position stands out 2–3× further from the no-match level).
 */
const ALIGN_CEPSTRA: Partial<CepstraOptions> = { coefficients: 8 };
function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

export async function alignRecording(recording: string, sections: AlignSection[], opts: AlignOptions = {}): Promise<Alignment> {
  const t0 = performance.now();
  const P = alignParams(opts.params);
  const progress = (f: number) => opts.onProgress?.(Math.max(0, Math.min(1, f)));
  if (!Array.isArray(sections) || sections.length === 0) {
    throw new LetterpodError({ file: recording, problem: 'no sections to align', fix: 'Check that the issue text parsed into sections' });
  }
  const words = sections.reduce((a, s) => a + countWords(s.text), 0);
  if (words === 0) {
    throw new LetterpodError({ file: recording, problem: 'the sections contain no words to align', fix: 'Check the issue text' });
  }
  const voice = opts.voice ?? espeakVoiceFor(opts.language);
  if (!voice) {
    throw new LetterpodError({
      file: recording,
      problem: `espeak-ng has no voice for the language "${opts.language}"`,
      fix: 'Set the issue\'s front matter "lang" (or show.language) to a language espeak-ng speaks (espeak-ng --voices lists them)',
    });
  }
  const info = await probeAudio(recording);
  aborted(opts.signal);
  let decodeFrac = 0;
  let synthFrac = 0;
  const stageProgress = () => progress(0.7 * (0.6 * decodeFrac + 0.4 * synthFrac));

  // 1. the recording, streamed into features; 2. meanwhile, the reference, at the
  // narrator's overall pace (espeak-ng runs in its own processes while we decode)
  // (clamped to what people read at: a recording that stops early would otherwise ask for a
  // reference two or three times too fast)
  const wpm = opts.wordsPerMinute ?? Math.max(P.minWordsPerMinute, Math.min(P.maxWordsPerMinute, (words / (info.durationSeconds / 60)) * P.espeakPace));
  const recX = new MelExtractor(RATE, opts.features, info.durationSeconds);
  const expected = Math.max(1, info.durationSeconds * RATE);
  let got = 0;
  let tDecode = 0;
  let tSynth = 0;
  const cep = { ...ALIGN_CEPSTRA, ...opts.cepstra };
  const [rec, ref0] = await together(opts.signal, (signal) => [
    (opts.decode ?? ((rate, onSamples, sig) => streamPcm(recording, rate, onSamples, { signal: sig }).then(() => {})))(
      RATE,
      (s) => {
        recX.push(s);
        got += s.length;
        decodeFrac = Math.min(1, got / expected);
        stageProgress();
      },
      signal,
    ).then(() => {
      tDecode = performance.now();
      // the recording's cepstra at once: the reference (on its worker thread) usually
      // takes longer, and the main thread would only wait for it
      const mel = recX.finish();
      return { mel, v: cepstra(mel, cep) };
    }),
    buildReferenceOffThread(sections, {
      voice,
      wordsPerMinute: wpm,
      signal,
      expectedSeconds: info.durationSeconds * 1.1,
      features: opts.features,
      onProgress: (f) => {
        synthFrac = f;
        stageProgress();
      },
    }).then((r) => {
      tSynth = performance.now();
      return r;
    }),
  ]);
  const recMel = rec.mel;
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

  // 3. features → global DTW that may skip audio and text, coarse (320 ms) then finer (80 ms)
  const tFeatures = performance.now();
  const recV = rec.v;
  const hop = recV.hopSeconds;
  const recPause = pauseFrames(pauses.pauses, hop, recV.frames);
  const prepare = (r: Reference) => {
    const v = cepstra(r.mel, cep);
    const ps = findPauses(r.mel.blockDb, r.mel.blockSeconds, { floorAboveDb: -Infinity, localSeconds: 0 });
    const pf = pauseFrames(ps.pauses, hop, v.frames);
    // how much of the text the recording reads, from its head (a partial recording ends early)
    const cov = measureCoverage({
      ref: v,
      rec: recV,
      refPause: pf,
      recPause,
      refSpeech: { start: r.speechStart, end: r.speechEnd },
      recSpeech: { start: pauses.speechStart, end: pauses.speechEnd },
      headSeconds: P.coverageHeadSeconds,
      leadSeconds: P.coverageLeadSeconds,
      partialFactor: P.partialFactor,
      minGoodness: P.minKeepGoodness,
      stretch: [0.8, 1.15, 1.6, 2.3],
      poolFactor: 2,
    });
    return { ref: r, refV: v, refPauses: ps, refPause: pf, coverage: cov };
  };
  let prepared = prepare(ref0);
  // a partial recording: the reference was made at the pace the whole text would need; make
  // it again at the narrator's measured pace (only then do the local searches fit)
  let resynthesized = false;
  if (prepared.coverage.partial && opts.wordsPerMinute === undefined && Math.abs(Math.log(prepared.coverage.pace)) > Math.log(P.resynthesizeAbove)) {
    const wpm2 = Math.max(P.minWordsPerMinute, Math.min(P.maxWordsPerMinute, wpm / prepared.coverage.pace));
    if (Math.abs(Math.log(wpm2 / wpm)) > Math.log(1.1)) {
      const again = await buildReference(sections, { voice, wordsPerMinute: wpm2, signal: opts.signal, expectedSeconds: info.durationSeconds * 1.1 * prepared.coverage.pace, features: opts.features });
      prepared = prepare(again);
      resynthesized = true;
    }
  }
  const { ref, refV, refPauses, refPause, coverage } = prepared;
  const ref1 = pool(refV, P.coarse);
  const rec1 = pool(recV, P.coarse);
  const hop1 = hop * P.coarse;
  const radius = Math.ceil(Math.max(120, 0.1 * durationSeconds) / hop1);
  // the band starts where the text's first words are heard (after any lead-in), when the
  // head's match says so
  const textStart = Number.isFinite(coverage.headStartSeconds) ? coverage.headStartSeconds : pauses.speechStart;
  const anchor0 = { i: Math.floor(ref.speechStart / hop1), j: Math.floor(textStart / hop1) };
  const unrelated1 = unrelatedCost(ref1, rec1);
  const anchor1 = {
    i: Math.min(ref1.frames - 1, Math.floor(coverage.reachSeconds / hop1)),
    j: Math.min(rec1.frames - 1, Math.floor(pauses.speechEnd / hop1)),
  };
  // near its ends the path stays close to the anchors: tightly where the head's match placed
  // the first words, loosely where the text's end is only assumed (an outro, a cut)
  const taper = {
    start: Math.round((Number.isFinite(coverage.headStartSeconds) ? P.bandStartSeconds : P.bandEndSeconds) / hop1),
    end: Math.round(P.bandEndSeconds / hop1),
    growth: P.bandGrowth,
  };
  const path1 = dtw(ref1, rec1, lineBand(ref1.frames, rec1.frames, radius, anchor0, anchor1, taper), undefined, 2, P.skipFraction * unrelated1);
  progress(0.76);
  aborted(opts.signal);
  const ref2 = pool(refV, P.medium);
  const rec2 = pool(recV, P.medium);
  const hop2 = hop * P.medium;
  const unrelated2 = unrelatedCost(ref2, rec2);
  const band2 = bandAroundPath(path1, P.coarse / P.medium, ref2.frames, rec2.frames, Math.round(P.mediumRadiusSeconds / hop2));
  const path2 = dtw(ref2, rec2, band2, undefined, 2, P.skipFraction * unrelated2);
  progress(0.8);
  aborted(opts.signal);
  const tGlobal = performance.now();

  // 4. local re-anchoring of every section start, then the reading order decides
  const K = sections.length;
  const estimates = ref.sectionStarts.map((t) => mapTime(path2, hop2, t));
  const speechEndRow = Math.round(ref.speechEnd / hop);
  const lead = Math.round(P.anchorLead / hop);
  const excerpt = Math.round(P.anchorSeconds / hop);
  const sep = Math.round(1.5 / hop);
  const cands: SectionCandidate[][] = [];
  const matchInfo: { background: number; best: number; windows: [number, number][] }[] = [];
  let localCells = 0;
  const anchors = AnchorPool.create({ ref: refV, rec: recV, recPause, refPause });
  /** One anchor search on the pool (its cells counted; the pool closed when it fails). */
  const anchor = async (task: AnchorTask): Promise<AnchorResult> => {
    try {
      const r = await anchors.run(task);
      localCells += r.cells;
      return r;
    } catch (e) {
      await anchors.close();
      throw e;
    }
  };
  /** How far a match stands out from the other positions of its search (never below the floor). */
  const peakRatio = (goodness: number, others: readonly { goodness: number }[]): number => ratioOf(goodness, others, Math.max(1e-3, P.partFloor * typicalGoodness));
  const search = async (k: number, from: number, to: number) => {
    const iMark = Math.round(ref.sectionStarts[k] / hop);
    const i1 = Math.max(iMark + 1, Math.min(speechEndRow, iMark + excerpt));
    const last = ref.sentences[(k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length) - 1];
    const sectionEnd = Math.round(last.endSeconds / hop);
    const r = await anchor({ start: iMark - lead, mark: iMark, end: i1, from, to, sectionEnd, separation: sep });
    const found = r.found.map((c) => ({ seconds: c.frame * hop, goodness: c.goodness }));
    return { r, found };
  };
  const first = await Promise.all(
    Array.from({ length: K }, (_, k) => {
      const j = Math.round(estimates[k] / hop);
      return search(k, j - Math.round(P.windowBefore / hop), j + Math.round(P.windowAfter / hop));
    }),
  );
  for (const { r, found } of first) {
    matchInfo.push({ background: r.background, best: r.best, windows: [[r.j0 * hop, (r.j0 + r.span) * hop]] });
    cands.push(found);
  }
  progress(0.92);
  if (opts.signal?.aborted) await anchors.close();
  aborted(opts.signal);
  // typical goodness of the sections the recording reaches (a partial one has many it does not)
  const reached = cands.map((_, k) => ref.sectionStarts[k] <= coverage.reachSeconds + 1);
  const bestGoodness = cands.map((c, k) => (c.length && reached[k] ? c[0].goodness : 0));
  const typicalGoodness = median(bestGoodness.filter((g) => g > 0));
  const skipGoodness = Math.max(P.keepGoodness * typicalGoodness, P.minKeepGoodness);
  // expected speech per section in the recording: reference speech × the overall ratio
  const refSpeech = new Float64Array(K);
  for (const s of ref.sentences) refSpeech[s.section] += s.endSeconds - s.startSeconds;
  const totalRef = refSpeech.reduce((a, b) => a + b, 0);
  // recording speech per reference speech, over the part of the text the recording reaches
  const refReached = coverage.partial ? speechBetween(refPauses.pauses, 0, coverage.reachSeconds) : refPauses.speechSeconds;
  const rate = pauses.speechSeconds / Math.max(1e-6, refReached);
  const minGap = (k: number) => P.minGapFraction * refSpeech[k] * Math.min(1.5, Math.max(0.5, rate));

  // 5. second look: a section found weakly or not at all is searched again between its
  // found neighbours (the global path can be far off after a long insertion or a skip)
  for (let round = 0; round < 2; round++) {
    const choice = chooseInOrder(cands, minGap, skipGoodness);
    let changed = false;
    for (let k = 0; k < K; k++) {
      const c = choice[k];
      if (c >= 0 && cands[k][c].goodness >= P.researchBelow * typicalGoodness) continue;
      // bounded by the nearest sections found with a strong match on either side
      const strong = (q: number) => choice[q] >= 0 && cands[q][choice[q]].goodness >= P.researchBelow * typicalGoodness;
      let prevK = k - 1;
      while (prevK >= 0 && !strong(prevK)) prevK--;
      let nextK = k + 1;
      while (nextK < K && !strong(nextK)) nextK++;
      const lo = prevK >= 0 ? cands[prevK][choice[prevK]].seconds + minGap(prevK) : 0;
      const hi = nextK < K ? cands[nextK][choice[nextK]].seconds : durationSeconds;
      let from = Math.floor(lo / hop);
      let to = Math.ceil(hi / hop);
      if (to - from > Math.round(P.researchMax / hop)) {
        // too wide: centre on the global estimate
        const j = Math.round(estimates[k] / hop);
        from = Math.max(from, j - Math.round(P.researchMax / 2 / hop));
        to = Math.min(to, from + Math.round(P.researchMax / hop));
      }
      const seen = matchInfo[k].windows;
      if (to - from < sep || seen.some(([a, b]) => a <= from * hop + 1e-6 && b >= to * hop - 1e-6)) continue;
      const { r, found } = await search(k, from, to);
      seen.push([r.j0 * hop, (r.j0 + r.span) * hop]);
      const merged = [...cands[k], ...found].sort((x, y) => y.goodness - x.goodness);
      const kept: SectionCandidate[] = [];
      for (const x of merged) {
        if (kept.some((y) => Math.abs(y.seconds - x.seconds) < sep * hop)) continue;
        kept.push(x);
        if (kept.length >= 5) break;
      }
      cands[k] = kept;
      changed = true;
    }
    if (!changed) break;
  }
  // 6. read, not read, or after the end: time and every part of the text decide (decide.ts)
  const partRows = Math.round(P.partSeconds / hop);
  const hear = async (k: number, fromS: number, toS: number): Promise<PartEvidence> => {
    const iMark = Math.round(ref.sectionStarts[k] / hop);
    const lastSentence = ref.sentences[(k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length) - 1];
    const iEnd = Math.max(iMark + 1, Math.round(lastSentence.endSeconds / hop));
    // (part, first row, rows)
    const parts: ['opening' | 'middle' | 'end', number, number][] = [];
    // at the end of a recording that stops early, the opening may be all there is of it:
    // there a short opening is tried as well
    const left = (Math.min(toS, pauses.speechEnd + 0.3) - fromS) / Math.max(0.5, coverage.pace);
    parts.push(['opening', iMark, Math.round(Math.max(1.5, Math.min(P.partSeconds, 0.7 * left)) / hop)]);
    if (toS >= pauses.speechEnd - 0.5) parts.push(['opening', iMark, Math.round(P.tailOpeningSeconds / hop)]);
    if (iEnd - iMark >= 3 * partRows) parts.push(['middle', Math.round((iMark + iEnd - partRows) / 2), partRows]);
    if (iEnd - iMark >= 2 * partRows) parts.push(['end', iEnd - partRows, partRows]);
    let best: PartEvidence = { ratio: 0, startSeconds: NaN, part: 'none', goodness: 0, openingRatio: 0, openingStartSeconds: NaN };
    let openingRatio = 0;
    let openingStartSeconds = NaN;
    const from = Math.floor(fromS / hop);
    const to = Math.ceil(toS / hop);
    // the statistics need room: a short window is widened for the other positions, but
    // only a position inside it counts as heard
    const minSpan = Math.round(P.hearMinSeconds / hop);
    const grow = Math.max(0, Math.ceil((minSpan - (to - from)) / 2));
    const sFrom = Math.max(0, from - grow);
    const sTo = Math.min(recV.frames, to + grow);
    for (const [part, i0, rows] of parts) {
      const i1 = Math.min(iEnd, i0 + rows);
      if (to - from < 3 || i1 <= i0) continue;
      const r = await anchor({ start: i0, mark: i0, end: i1, from: sFrom, to: sTo, sectionEnd: i1, separation: sep, max: 8 });
      const inside = r.found.findIndex((c) => c.frame >= from && c.frame < to);
      if (inside < 0 || !(r.found[inside].goodness > 0)) continue;
      const hit = r.found[inside];
      const ratio = peakRatio(hit.goodness, r.found.filter((_, x) => x !== inside));
      const startSeconds = hit.frame * hop - (i0 - iMark) * hop * coverage.pace;
      if (part === 'opening' && ratio > openingRatio) {
        openingRatio = ratio;
        openingStartSeconds = startSeconds;
      }
      if (ratio > best.ratio) best = { ratio, part, goodness: hit.goodness, startSeconds, openingRatio: 0, openingStartSeconds: NaN };
    }
    return { ...best, openingRatio, openingStartSeconds };
  };
  /** Where section k's last words (partSeconds of them) match best in [fromS, toS) s: their peak ratio, where they end, and by when they surely have. */
  const lastWords = async (k: number, fromS: number, toS: number): Promise<{ ratio: number; endsAt: number; endsBy: number } | undefined> => {
    const iMark = Math.round(ref.sectionStarts[k] / hop);
    const lastSentence = ref.sentences[(k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length) - 1];
    const iEnd = Math.round(lastSentence.endSeconds / hop);
    const rows = Math.round(P.partSeconds / hop);
    const from = Math.max(0, Math.round(fromS / hop));
    const to = Math.min(recV.frames, Math.round(toS / hop));
    if (iEnd - rows <= iMark || to - from < rows) return undefined;
    const r = await anchor({ start: iEnd - rows, mark: iEnd - rows, end: iEnd, from, to, sectionEnd: iEnd, separation: sep, max: 8 });
    const [hit, ...others] = r.found;
    if (!hit || !(hit.goodness > 0)) return undefined;
    // where they end: the match's start plus their length at the recording's pace
    // (endsBy: as late as their length at the recording's pace, and a fifth more, takes them)
    return { ratio: peakRatio(hit.goodness, others), endsAt: hit.frame * hop + P.partSeconds * coverage.pace * 0.8, endsBy: hit.frame * hop + P.partSeconds * coverage.pace * 1.2 };
  };
  // a section that starts before the one in front of it has been read: when the earlier
  // section's last words are clearly heard after that start, the later one's earlier
  // candidates are not it (the words of a section come before the next one's)
  const endInfo: Record<number, unknown> = {};
  {
    const choice = chooseInOrder(cands, minGap, skipGoodness);
    for (let k = 0; k < K - 1; k++) {
      if (choice[k] < 0) continue;
      let next = k + 1;
      while (next < K && choice[next] < 0) next++;
      if (next >= K) break;
      const s = cands[k][choice[k]].seconds;
      const nextStart = cands[next][choice[next]].seconds;
      const expected = refSpeech[k] * rate;
      if (expected < 2 * P.partSeconds || nextStart - s >= P.endCheckBelow * expected) continue;
      const words = await lastWords(k, s + minGap(k), s + 1.6 * expected + P.partSeconds);
      if (words === undefined) continue;
      const { ratio, endsAt } = words;
      endInfo[k] = { next, nextStart, ratio: Math.round(ratio * 100) / 100, endsAt: Math.round(endsAt * 100) / 100 };
      if (ratio < P.partMatchRatio || endsAt <= nextStart + 1) continue;
      for (let q = k + 1; q < K; q++) cands[q] = cands[q].filter((c) => c.seconds >= endsAt - 0.5);
      k = next - 1;
    }
  }
  const decision = await decideSections({
    cands,
    choice: chooseInOrder(cands, minGap, skipGoodness),
    typicalGoodness,
    expectedSpeech: Array.from(refSpeech, (x) => x * rate),
    minGap,
    speechBetween: (a, b) => speechBetween(pauses.pauses, a, b),
    speechEndSeconds: pauses.speechEnd,
    pauses: pauses.pauses,
    pathEstimate: (k) => estimates[k],
    durationSeconds,
    hear,
    lastWords,
    params: P,
  });
  // 7. a section's first words said more than once (a stumble, a restart): the section
  // starts at the first attempt — found as an earlier position where its first words match
  // about as well as where its opening matched best (a ratio within this recording and this
  // voice, not a level)
  const refineRows = Math.round(P.restartSeconds / hop);
  /** The reference row where section q's last sentence ends. */
  const sectionEndRow = (q: number) => Math.round(ref.sentences[(q + 1 < K ? ref.firstSentence[q + 1] : ref.sentences.length) - 1].endSeconds / hop);
  /** Reference rows of section q's first words (no more than refineRows of them, its own only), `skipRows` after its start. */
  const firstWordRows = (q: number, skipRows = 0) => {
    const end = sectionEndRow(q);
    const iMark = Math.min(end, Math.round(ref.sectionStarts[q] / hop) + skipRows);
    return { iMark, iEnd: Math.min(iMark + refineRows, end) };
  };
  /** Where section q's first words (`skipRows` after its start) match in recording frames [from, to): the restart pass's search. */
  const firstWords = (q: number, from: number, to: number, skipRows = 0) => {
    const { iMark, iEnd } = firstWordRows(q, skipRows);
    return anchor({ start: iMark, mark: iMark, end: iEnd, from, to, sectionEnd: iEnd, separation: Math.round(0.8 / hop), max: 8, noReread: true });
  };
  /** Where section q's own words (no more than refineRows of them) match best in [from, to) frames. */
  const ownWords = async (q: number, from: number, to: number): Promise<number | undefined> => {
    const { iMark, iEnd } = firstWordRows(q);
    if (iEnd - iMark < 3 || to - from < iEnd - iMark) return undefined;
    const r = await anchor({ start: iMark, mark: iMark, end: iEnd, from, to, sectionEnd: iEnd, separation: Math.round(0.8 / hop), max: 4, noReread: true });
    const best = r.found.filter((f) => f.frame >= from && f.frame < to && f.goodness > 0).sort((a, b) => b.goodness - a.goodness)[0];
    return best === undefined ? undefined : best.frame * hop;
  };
  const restartInfo: Record<number, unknown> = {};
  let prevRead = -1;
  let prevLong = -1;
  const startOf = (q: number) => cands[q][decision.choice[q]].seconds;
  // never inside the previous section: after at least most of its expected speech
  const after = (q: number) => (q >= 0 ? startOf(q) + Math.max(minGap(q), P.restartAfterFraction * refSpeech[q] * rate) : 0);
  const isShort = (q: number) => refSpeech[q] * rate < P.shortSectionSeconds;
  // what a section boundary's pause is in this recording (with too few marks to tell, the
  // longest pauses of the recording stand for it)
  const restartBoundaryPause = ((b) => (Number.isFinite(b) ? b : quantile(pauses.pauses.map((p) => p.endSeconds - p.startSeconds), 0.9)))(
    typicalBoundaryPause(
      pauses.pauses,
      decision.choice.flatMap((c, q) => (decision.status[q] === 'read' && c >= 0 ? [startOf(q)] : [])),
    ),
  );
  /** The restart pass's start after a pause like those between sections (see below), or undefined. */
  const boundaryStart = async (k: number, t: number, lower: number, here: number, near: { found: { frame: number; goodness: number }[]; j0: number }): Promise<number | undefined> => {
    const bp = restartBoundaryPause;
    if (!Number.isFinite(bp) || pauseBefore(pauses.pauses, t) >= 0.5 * P.boundaryLikeFraction * bp) return undefined;
    const first = ref.firstSentence[k];
    const kEnd = k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length;
    const s0 = ref.sentences[first];
    // (a heading first: the sentence after it too, the heading may not be said)
    const s1 = kEnd - first >= 2 && (s0.endSeconds - s0.startSeconds) * coverage.pace < P.spokenHeadingMaxSeconds ? ref.sentences[first + 1] : s0;
    const back = Math.min(P.restartBackSeconds, (s1.endSeconds - s0.startSeconds) * coverage.pace * 1.3 + 3);
    const from = Math.max(Math.floor(lower / hop), Math.round((t - back) / hop));
    const to = Math.round((t + 0.6 + 2.5 * P.restartSeconds) / hop);
    /** The best of a search's matches, when it lies before the mark after a boundary-like pause. */
    const atBoundary = (found: readonly { frame: number; goodness: number }[]) => {
      const best = found.reduce<{ frame: number; goodness: number } | undefined>((b, f) => (b === undefined || f.goodness > b.goodness ? f : b), undefined);
      if (best === undefined || best.frame * hop >= t - 0.8 || best.goodness < P.restartRatio * here) return undefined;
      return pauseBefore(pauses.pauses, best.frame * hop) >= P.boundaryLikeFraction * bp ? best.frame * hop : undefined;
    };
    const withHeading = atBoundary(from < near.j0 ? (await firstWords(k, from, to)).found : near.found);
    if (withHeading !== undefined || s1 === s0 || !(P.boundaryWithoutHeading > 0)) return withHeading;
    // (a heading in the text that is not said: the words after it, where they are heard
    // after a boundary-like pause, are the section's start — only when the words with the
    // heading are not: a heading said and a long pause after it must not move the start
    // onto the words after that pause)
    return atBoundary((await firstWords(k, from, to, Math.round((s1.startSeconds - ref.sectionStarts[k]) / hop))).found);
  };
  for (let k = 0; k < K; k++) {
    const c = decision.choice[k];
    if (decision.status[k] !== 'read' || c < 0) continue;
    const t = cands[k][c].seconds;
    // a short section right before (a heading) is found by an excerpt that runs into this
    // section's opening, so a stumble there pulls both marks onto the second attempt: the
    // first attempt is looked for back to the last long section
    let heading = prevRead >= 0 && isShort(prevRead) ? prevRead : -1;
    if (heading >= 0 && refSpeech[heading] >= P.ownWordsMinSeconds) {
      // long enough to be heard on its own: where its own words are clearly best
      const own = await ownWords(heading, Math.floor(after(prevLong) / hop), Math.round(t / hop));
      if (own !== undefined && own < startOf(heading) - 0.8) {
        cands[heading].push({ seconds: own, goodness: cands[heading][decision.choice[heading]].goodness });
        decision.choice[heading] = cands[heading].length - 1;
        decision.reasons[heading] += `; its own words are heard earlier: ${own.toFixed(2)} s`;
      }
      heading = -1;
    }
    const lower = heading >= 0 ? after(prevLong) : after(prevRead);
    const isFirst = prevRead < 0;
    prevRead = k;
    if (!isShort(k)) prevLong = k;
    // two independent estimates agreeing on an earlier start — the whole-text path and a
    // match of the opening there — outweigh a clearer opening match later on (a heading said
    // apart and a line re-read lead the opening's match a line or two into the section)
    // (the first section read only where the coverage's start of the text agrees too: before
    // it, the path may run through a lead-in from the recording's start)
    const pathFree = !isFirst || (Number.isFinite(coverage.headStartSeconds) && estimates[k] >= coverage.headStartSeconds - 1);
    const agreed = !pathFree ? undefined : cands[k].filter((x) => x.seconds >= lower && x.seconds < t - 2 * P.restartPathSeconds && x.goodness > 0 && Math.abs(x.seconds - estimates[k]) <= P.pathAgreeSeconds).sort((a, b) => b.goodness - a.goodness)[0];
    if (agreed !== undefined) {
      cands[k].push({ seconds: agreed.seconds, goodness: cands[k][c].goodness });
      decision.choice[k] = cands[k].length - 1;
      decision.reasons[k] += `; the whole-text path and a match of its opening agree on ${agreed.seconds.toFixed(2)} s`;
      restartInfo[k] = { t, agreed: agreed.seconds };
      continue;
    }
    // a restart re-reads at most the first sentence: its first attempt is no further back
    // than that sentence takes to say, and a breath
    const s0 = ref.sentences[ref.firstSentence[k]];
    const back = Math.min(P.restartBackSeconds, (s0.endSeconds - s0.startSeconds) * coverage.pace * 1.3 + 3);
    const from = Math.max(Math.floor(lower / hop), Math.round((t - back) / hop));
    const to = Math.round((t + 0.6 + 2.5 * P.restartSeconds) / hop);
    if (to - from < Math.round(2 / hop)) continue;
    // only the section's own words (a heading is shorter than the excerpt)
    const { iMark, iEnd } = firstWordRows(k);
    if (iEnd - iMark < Math.round(1.5 / hop)) continue;
    const r = await firstWords(k, from, to);
    restartInfo[k] = { t, lower: Math.round(lower * 100) / 100, pz: pauses.pauses.filter((p) => p.endSeconds > t - 5 && p.startSeconds < t + 0.5).map((p) => [p.startSeconds, p.endSeconds]), from: Math.round(from * hop * 100) / 100, found: r.found.map((f) => [Math.round(f.frame * hop * 100) / 100, Math.round(f.goodness * 1000) / 1000]) };
    const here = Math.max(1e-6, r.found.filter((f) => Math.abs(f.frame * hop - t) <= 0.5).reduce((g, f) => Math.max(g, f.goodness), 0));
    // the best earlier position, as good as the mark's and clearly the best before it
    const before = r.found.filter((f) => f.frame * hop < t - 0.8).sort((a, b) => b.goodness - a.goodness);
    const earlier = before[0];
    // …and the narrator's own voice agrees: the recording there sounds like the recording at
    // the mark (the same words said twice), which shared words in an ad-lib or lead-in do not
    // (or the first words are plainly there and not at the mark: twice as good)
    // (…and better than any other position of the search, the mark's surroundings included:
    // a weak match at the mark is no reason to move)
    // (…or the best of the search, where the whole-text path independently puts the section,
    // away from the mark: the opening's match landed a phrase late)
    const bestOfAll = earlier !== undefined && earlier.goodness >= r.found.reduce((g, f) => Math.max(g, f.goodness), 0);
    const pathAgrees = earlier !== undefined && Math.abs(estimates[k] - earlier.frame * hop) <= P.restartPathSeconds && Math.abs(estimates[k] - t) > 2 * P.restartPathSeconds;
    const plain = bestOfAll && (earlier.goodness >= P.restartOverride * here || pathAgrees);
    const restarted =
      earlier !== undefined &&
      earlier.goodness >= P.restartRatio * here &&
      earlier.goodness >= P.restartPeak * Math.max(0, before[1]?.goodness ?? 0) &&
      // the whole first attempt (up to 4 s of it) is said again from the mark: a re-read,
      // not a few shared words ("Alignment Newsletter" in a lead-in and in the opening)
      (plain || sameWords(recV, recPause, Math.round(t / hop), earlier.frame, Math.min(Math.round(4 / hop), Math.round(t / hop) - earlier.frame - Math.round(0.3 / hop)), P.restartSameRatio, { toFirstPause: false, peak: P.restartSamePeak }));
    // a false start of a few words right before (too short for the excerpt): the narrator's
    // own voice, the stretch before the pause in front of the mark said again at the mark
    // or a trusted match of its opening lies a line or two into the section (a heading not
    // said, a line re-read): the section starts after a pause like those between sections
    // where the mark follows none — at the best position of its first words, as far back as
    // its first sentence read takes to say; timing says a section starts there, the words do
    // not say otherwise
    const atBoundary = restarted || !decision.trusted[k] ? undefined : await boundaryStart(k, t, lower, here, r);
    const start = restarted ? earlier.frame * hop : atBoundary ?? falseStart({ rec: recV, recPause, pauses: pauses.pauses, seconds: t, lowerSeconds: lower, maxSeconds: P.falseStartMaxSeconds, minSeconds: P.falseStartMinSeconds, ratio: P.restartSameRatio, peak: P.restartSamePeak });
    if (start === undefined) continue;
    // the words said twice may be the heading before and the section's first words, the same
    // in the text ("Deep learning", then "Deep Learning for Symbolic Mathematics"): where the
    // heading is placed on that first saying, it is the heading, not a false start (text only)
    if (!restarted && atBoundary === undefined && heading >= 0 && Math.abs(startOf(heading) - start) <= 0.3 && opensWith(sections[k].text, sections[heading].text)) {
      decision.reasons[k] += `; the words before it are its heading's (${sections[heading].text.trim()}), not a false start`;
      continue;
    }
    cands[k].push({ seconds: start, goodness: cands[k][c].goodness });
    decision.choice[k] = cands[k].length - 1;
    decision.reasons[k] += atBoundary !== undefined
      ? `; its first words best at ${start.toFixed(2)} s, after a pause like those between sections (the mark follows none)`
      : restarted && pathAgrees && !(earlier.goodness >= P.restartOverride * here) ? `; its first words best at ${start.toFixed(2)} s, where the whole-text path puts it` : `; ${restarted ? 'restarted' : 'false start'}: first attempt at ${start.toFixed(2)} s`;
    // …and the heading before it, placed on the second attempt, goes where its own words
    // are heard before the first one
    if (heading >= 0 && startOf(heading) > start - 0.3) {
      const moved = await ownWords(heading, Math.floor(lower / hop), Math.round(start / hop));
      if (moved !== undefined) {
        cands[heading].push({ seconds: moved, goodness: cands[heading][decision.choice[heading]].goodness });
        decision.choice[heading] = cands[heading].length - 1;
        decision.reasons[heading] += `; moved before the next section's first attempt: ${moved.toFixed(2)} s`;
      }
    }
  }
  await anchors.close();
  // 8. a short burst said apart before the mark belongs to the section (a heading with a
  // false start after it, a first word and a breath, a false start too short to compare by
  // sound); one not said at all leaves the mark on the
  // previous section's last words — the section starts after the boundary pause
  {
    const readMarks = decision.choice.flatMap((c, q) => (decision.status[q] === 'read' && c >= 0 ? [startOf(q)] : []));
    const boundaryPause = typicalBoundaryPause(pauses.pauses, readMarks);
    let prev = -1;
    for (let k = 0; k < K; k++) {
      if (decision.status[k] !== 'read' || decision.choice[k] < 0) continue;
      const first = ref.firstSentence[k];
      const last = k + 1 < K ? ref.firstSentence[k + 1] : ref.sentences.length;
      const s0 = ref.sentences[first];
      const headingSeconds = (s0.endSeconds - s0.startSeconds) * coverage.pace;
      const heading = last - first >= 2 && headingSeconds < P.spokenHeadingMaxSeconds;
      const mark = startOf(k);
      const maxBurstSeconds = Math.max(P.falseStartMinSeconds, heading ? 2 * headingSeconds + 0.4 : 0);
      const previous = k === 0 ? null : decision.status[k - 1] === 'read' && decision.choice[k - 1] >= 0 ? { markSeconds: startOf(k - 1), expectedSeconds: refSpeech[k - 1] * rate } : undefined;
      const before = burstBefore({ pauses: pauses.pauses, mark, maxBurstSeconds, lowerSeconds: after(prev), boundaryPause, previous });
      let nextMark = durationSeconds;
      for (let q = k + 1; q < K; q++) {
        if (decision.status[q] === 'read' && decision.choice[q] >= 0) {
          nextMark = startOf(q);
          break;
        }
      }
      const notRead = heading && before === undefined ? headingNotRead({ pauses: pauses.pauses, estimate: mark, headingSeconds, boundaryPause, upperSeconds: nextMark, lowerSeconds: after(prev) }) : undefined;
      // (a start inside unbroken speech goes back to the boundary pause it runs on from)
      // (with no section read before it, nothing before it can be the run's start but a lead-in, which ends at a pause)
      const run = before === undefined && notRead === undefined ? runStart({ pauses: pauses.pauses, estimate: mark, maxBackSeconds: P.runBackSeconds, lowerSeconds: after(prev), boundaryPause, previous: prev < 0 ? null : previous }) : undefined;
      const at = before ?? notRead ?? run;
      if (at !== undefined && Math.abs(at - mark) > 0.3) {
        cands[k].push({ seconds: at, goodness: cands[k][decision.choice[k]].goodness });
        decision.choice[k] = cands[k].length - 1;
        decision.reasons[k] +=
          before !== undefined ? `; a short burst said apart before it: ${at.toFixed(2)} s` : notRead !== undefined ? `; its heading is not said: the first words read at ${at.toFixed(2)} s` : `; inside unbroken speech: back to the pause it runs on from, ${at.toFixed(2)} s`;
      }
      prev = k;
    }
  }
  const tLocal = performance.now();
  const placed = placeSections({
    candidates: cands,
    minGap,
    skipGoodness,
    typicalGoodness,
    pauses,
    durationSeconds,
    hopSeconds: hop,
    decision,
  });
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const firstRead = placed.find((p) => !p.skipped);
  const leadIn: LeadIn | null =
    firstRead && speechBetween(pauses.pauses, 0, firstRead.startSeconds) >= P.leadInMinSeconds
      ? { startSeconds: Math.round(pauses.speechStart * 1000) / 1000, endSeconds: Math.round(firstRead.startSeconds * 1000) / 1000 }
      : null;
  let ending: RecordingEnding | null = null;
  const afterEnd = placed.map((p, k) => (p.status === 'after-end' ? k : -1)).filter((k) => k >= 0);
  if (afterEnd.length) {
    let lastRead = afterEnd[0] - 1;
    while (lastRead >= 0 && placed[lastRead].skipped) lastRead--;
    if (lastRead >= 0) {
      ending = {
        sectionId: sections[lastRead].id,
        secondsIntoSection: r3(Math.max(0, pauses.speechEnd - placed[lastRead].startSeconds)),
        expectedSeconds: r3(refSpeech[lastRead] * rate),
        notInRecording: afterEnd.map((k) => sections[k].id),
      };
    }
  }
  const sentences = placeSentences({ reference: ref, map: (t) => mapTime(path2, hop2, t), pauses, hopSeconds: hop }, placed);
  // a recording that stops inside the text's last section: nothing after it is missing,
  // but its last sentences have no room — squeezed into the end, they take well under the
  // time their words need at the recording's pace (timing only)
  const lastK = K - 1;
  if (!ending && !placed[lastK].skipped) {
    const own = sentences.filter((x) => x.section === lastK).slice(-2);
    const squeeze = Math.min(...own.map((x) => (x.endSeconds - x.startSeconds) / Math.max(1e-6, (countWords(x.text) * 60) / wpm)));
    if (own.length === 2 && squeeze < P.lastSentencesBelow) {
      ending = {
        sectionId: sections[lastK].id,
        secondsIntoSection: r3(Math.max(0, pauses.speechEnd - placed[lastK].startSeconds)),
        expectedSeconds: r3(refSpeech[lastK] * rate),
        notInRecording: [],
      };
    }
  }
  progress(1);
  opts.debug?.({
    wordsPerMinute: wpm,
    words,
    speechSeconds: pauses.speechSeconds,
    referenceSpeech: [ref.speechStart, ref.speechEnd],
    referenceSpeechSeconds: totalRef,
    synth: ref.synth,
    global: placedGlobal(estimates),
    estimates: placed.map((p) => r3(p.estimateSeconds)),
    candidates: cands.map((c) => c.map((x) => [r3(x.seconds), r3(x.goodness)])),
    matchInfo,
    typicalGoodness,
    skipGoodness,
    coverage,
    rate,
    expectedSpeech: Array.from(refSpeech, (x) => r3(x * rate)),
    resynthesized,
    decision: decision.reasons,
    restart: restartInfo,
    ends: endInfo,
    path: { coarse: path1.meanCost, medium: path2.meanCost, unrelated1, unrelated2 },
    ms: { decode: tDecode - t0, synth: tSynth - t0, global: tGlobal - tFeatures, local: tLocal - tGlobal, place: performance.now() - tLocal },
    cells: { coarse: path1.cells, medium: path2.cells, local: localCells },
  });
  return {
    durationSeconds: r3(durationSeconds),
    speech: { startSeconds: r3(pauses.speechStart), endSeconds: r3(pauses.speechEnd), seconds: r3(pauses.speechSeconds) },
    sections: placed.map((p, k) => ({
      id: sections[k].id,
      startSeconds: r3(p.startSeconds),
      endSeconds: r3(p.endSeconds),
      confidence: p.confidence,
      skipped: p.skipped,
      status: p.status,
      uncertain: p.uncertain,
    })),
    leadIn,
    ending,
    sentences: sentences.map((s) => ({ sectionId: sections[s.section].id, text: s.text, startSeconds: r3(s.startSeconds), endSeconds: r3(s.endSeconds) })),
    stats: {
      referenceSeconds: r3(ref.seconds),
      frames: recV.frames,
      bandFrames: Math.round(path2.cells / ref2.frames),
      skipped: placed.filter((p) => p.skipped).length,
      wallMs: Math.round(performance.now() - t0),
    },
  };
}

/** 1 for frames inside a pause. */
function pauseFrames(pauses: readonly Pause[], hop: number, frames: number): Uint8Array {
  const out = new Uint8Array(frames);
  for (const p of pauses) {
    for (let f = Math.ceil(p.startSeconds / hop); f < Math.min(frames, Math.floor(p.endSeconds / hop)); f++) out[f] = 1;
  }
  return out;
}

function placedGlobal(estimates: number[]): number[] {
  return estimates.map((x) => Math.round(x * 1000) / 1000);
}

/** Whether text `a` begins with all the words of `b` (case and punctuation aside). */
export function opensWith(a: string, b: string): boolean {
  const w = (x: string) => x.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const wa = w(a);
  const wb = w(b);
  return wb.length > 0 && wb.length <= wa.length && wb.every((x, i) => x === wa[i]);
}

export { splitSentences, countWords } from '../speech/sentences.js';
export { findPauses, snapToPause } from '../signal/pauses.js';
