/**
 * What the review page draws, kept from the build's single analysis pass (nothing is
 * decoded again, in the build or in the browser): a waveform overview (peak per bin of the
 * cleaned 16 kHz stream the aligner reads), the short-term loudness ebur128 logs every
 * 100 ms in the same ffmpeg process, and the pauses of the recording (signal/pauses.ts on
 * a 10 ms energy track of the same stream). Also the automatic result the corrections
 * apply to: chapters, not-read sections and the transcript cues with their section, all in
 * episode time. Written as `analysis.json` beside the episode in its build folder.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MEASURE_FILTER, parseEbur128Measurement, type LoudnessMeasurement } from '../audio/loudness.js';
import { ffmpeg } from '../media/ffmpeg.js';
import { findPauses } from '../signal/pauses.js';
import type { ChapterReport } from './report.js';

/** Waveform bins per second of episode. */
export const PEAKS_PER_SECOND = 20;
/** Loudness curve points per second (ebur128 logs 10 a second; every other is kept). */
export const LOUDNESS_PER_SECOND = 5;
const ENERGY_SECONDS = 0.01;

export interface SectionCue {
  sectionId: string;
  startSeconds: number;
  endSeconds: number;
  text: string;
}

export interface EpisodeAnalysis {
  version: 1;
  /** The recording (sha256) this analysis is of. */
  recordingSha256: string;
  episodeSeconds: number;
  /** Peak level per 1/PEAKS_PER_SECOND s of episode, 0–255 (linear in amplitude); 0 over the music. */
  peaks: number[];
  peaksPerSecond: number;
  /** Short-term loudness (LUFS, after the episode's gain) per 1/LOUDNESS_PER_SECOND s; null where unmeasured. */
  loudness: { perSecond: number; shortTermLufs: (number | null)[]; targetLufs: number };
  /** Pauses of the speech, episode time (s). */
  pauses: [number, number][];
  /** The aligner's chapters, not-read sections and warnings, before any correction. */
  automatic: { chapters: ChapterReport[]; skipped: { id: string; title: string }[]; warnings: string[] };
  /** Transcript cues with the section each sentence belongs to, episode time, before any correction. */
  cues: SectionCue[];
}

/** Collects peaks and 10 ms energies from the PCM stream the aligner gets (recording time). */
export class AnalysisTap {
  private readonly peakBin: number;
  private readonly energyBin: number;
  private readonly peaks: number[] = [];
  private readonly energy: number[] = [];
  private peak = 0;
  private peakCount = 0;
  private sumSq = 0;
  private energyCount = 0;

  constructor(readonly sampleRate: number) {
    this.peakBin = Math.max(1, Math.round(sampleRate / PEAKS_PER_SECOND));
    this.energyBin = Math.max(1, Math.round(sampleRate * ENERGY_SECONDS));
  }

  push(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]!;
      const a = x < 0 ? -x : x;
      if (a > this.peak) this.peak = a;
      if (++this.peakCount === this.peakBin) {
        this.peaks.push(this.peak);
        this.peak = 0;
        this.peakCount = 0;
      }
      this.sumSq += x * x;
      if (++this.energyCount === this.energyBin) {
        this.energy.push(10 * Math.log10(this.sumSq / this.energyBin + 1e-12));
        this.sumSq = 0;
        this.energyCount = 0;
      }
    }
  }

  /** Peaks per 1/PEAKS_PER_SECOND s of the recording (linear, 0–1). */
  recordingPeaks(): number[] {
    return this.peakCount ? [...this.peaks, this.peak] : this.peaks;
  }

  /** Pauses of the recording (s), from the one pause detector. */
  recordingPauses(): [number, number][] {
    const db = Float32Array.from(this.energy);
    if (db.length === 0) return [];
    return findPauses(db, ENERGY_SECONDS).pauses.map((p) => [p.startSeconds, p.endSeconds]);
  }
}

/** Short-term loudness (LUFS) every 100 ms from ebur128's frame log, recording time. */
export function shortTermCurve(stderr: string): { t: number; s: number | null }[] {
  const out: { t: number; s: number | null }[] = [];
  for (const m of stderr.matchAll(/ t: *([\d.]+) +TARGET:\S+ LUFS +M: *\S+ +S: *(-?[\d.]+|-?inf|nan) /g)) {
    const s = Number(m[2]);
    out.push({ t: Number(m[1]), s: Number.isFinite(s) && s > -70 ? s : null });
  }
  return out;
}

/**
 * The mean short-term loudness of [a, b] s: the values whose 3 s window lies inside it (S at
 * t covers (t − 3, t]; for a span shorter than 3 s, the value at its end); NaN when none.
 */
export function meanShortTerm(curve: readonly { t: number; s: number | null }[], a: number, b: number): number {
  const v = curve.filter((p) => p.t >= Math.min(a + 3, b) && p.t <= b && p.s !== null).map((p) => p.s as number);
  return v.length ? v.reduce((x, y) => x + y, 0) / v.length : Number.NaN;
}

/** One ebur128 pass over a file: its short-term curve and its measurement. */
export async function measureShortTerm(file: string, signal?: AbortSignal): Promise<{ curve: { t: number; s: number | null }[]; measurement: LoudnessMeasurement }> {
  const { stderr } = await ffmpeg(['-i', file, '-vn', '-af', MEASURE_FILTER, '-f', 'null', '-'], { signal, stderrLimit: 1 << 27 });
  return { curve: shortTermCurve(stderr), measurement: parseEbur128Measurement(stderr) };
}

/**
 * Recording-time series onto episode time: `toRecording` gives the recording time of an
 * episode time (undefined outside the kept speech: the music, the trimmed edges).
 */
export function episodePeaks(recordingPeaks: readonly number[], episodeSeconds: number, toRecording: (t: number) => number | undefined): number[] {
  const n = Math.ceil(episodeSeconds * PEAKS_PER_SECOND);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = toRecording(i / PEAKS_PER_SECOND);
    const v = r === undefined ? 0 : recordingPeaks[Math.floor(r * PEAKS_PER_SECOND)] ?? 0;
    out[i] = Math.min(255, Math.round(Math.sqrt(Math.min(1, v)) * 255));
  }
  return out;
}

export function episodeLoudness(curve: readonly { t: number; s: number | null }[], gainDb: number, episodeSeconds: number, toRecording: (t: number) => number | undefined): (number | null)[] {
  const n = Math.ceil(episodeSeconds * LOUDNESS_PER_SECOND);
  const out = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const r = toRecording(i / LOUDNESS_PER_SECOND);
    // ebur128's frame at t covers the 3 s before t: the one ending 1.5 s later is centred here
    const k = r === undefined ? -1 : Math.round((r + 1.5) * 10) - 1;
    const v = k >= 0 && k < curve.length ? curve[k]!.s : null;
    out[i] = v === null ? null : Math.round((v + gainDb) * 10) / 10;
  }
  return out;
}

export function analysisPath(buildDir: string): string {
  return join(buildDir, 'analysis.json');
}

export async function readAnalysis(buildDir: string): Promise<EpisodeAnalysis | undefined> {
  try {
    const a = JSON.parse(await readFile(analysisPath(buildDir), 'utf8')) as EpisodeAnalysis;
    return a && a.version === 1 && Array.isArray(a.cues) && a.automatic ? a : undefined;
  } catch {
    return undefined;
  }
}
