/**
 * EBU R128 loudness: the measuring pass, the plan for a purely linear gain (with a
 * true-peak limiter ahead of it when the gain would push peaks over the ceiling), and the
 * independent ebur128 measurement used to verify the final file.
 *
 * Every figure the gain is computed from comes from ffmpeg's `ebur128` filter, the meter
 * that verifies the MP3: loudnorm's own first pass reads up to 0.4 LU low on short files
 * whose last seconds are quieter than the rest, high when they are louder (it meters its
 * final buffered 3 s twice: +2.8 LU on a file whose last 4 s are 20 dB louder), and it is
 * ~3.5× slower. The gain itself is ffmpeg's `volume` filter: one constant factor, the
 * linear mode by construction. (loudnorm's linear mode computes the same single gain but
 * resamples to 192 kHz to do it: 58 s of CPU for a 60-minute narration against 19 s for
 * the whole encode with `volume`; and it can fall back to dynamic mode, which we never want.)
 */
import { ffmpeg } from '../media/ffmpeg.js';

export interface LoudnessFigures {
  integratedLufs: number;
  truePeakDbtp: number;
  lraLu: number;
}

/** The first pass's figures (ebur128), plus what the pass saw. */
export interface LoudnessMeasurement extends LoudnessFigures {
  /** The relative gate of the integrated loudness (I − 10 LU). */
  thresholdLufs: number;
  /** Length of the measured audio, seconds. */
  durationSeconds?: number;
  /** Seconds whose momentary loudness is above the integrated loudness's relative gate. */
  activeSeconds?: number;
}

export interface LoudnessTarget {
  targetLufs: number;
  truePeakDbtp: number;
  lraLu: number;
}

/** Room left under the ceiling for the residual gain after limiting and for resampling. */
const LIMITER_MARGIN_DB = 1.0;
/** Gain left after the limiter when its loudness loss is made up (dB): lifts peaks by as much. */
const MAX_RESIDUAL_DB = 0.15;
/** Pre-gain beyond the plain gain the limiter may be driven with (dB): more is crushing, not limiting. */
const MAX_EXTRA_PRE_GAIN_DB = 8;
/** Oversampling factor of the limiter, so it catches inter-sample (true) peaks. */
const OVERSAMPLE = 4;

/** The last JSON object loudnorm printed to stderr. */
export function parseLoudnormJson(stderr: string): Record<string, string> {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('loudnorm printed no JSON summary');
  return JSON.parse(stderr.slice(start, end + 1)) as Record<string, string>;
}

/**
 * The measuring filter of pass 1, for a decode shared with other analysis: run it on the
 * recording's own channels and parse its log (keep ~2 KB of stderr per 1 s of audio) with
 * `parseEbur128Measurement`.
 */
export const MEASURE_FILTER = 'ebur128=peak=true:framelog=info';

/** Pass 1: measure `input` (after the optional filter chain `pre`) with ebur128, true peak on. */
export async function measureLoudness(
  input: string,
  pre?: string,
  onProgress?: (seconds: number) => void,
): Promise<LoudnessMeasurement> {
  const chain = [pre, MEASURE_FILTER].filter(Boolean).join(',');
  // one frame line per 100 ms (~170 bytes): 60 minutes is ~6 MB of stderr
  const { stderr } = await ffmpeg(['-i', input, '-vn', '-af', chain, '-f', 'null', '-'], { onProgress, stderrLimit: 1 << 27 });
  return parseEbur128Measurement(stderr);
}

/** The measurement from ebur128's frame log (info level) and Summary. */
export function parseEbur128Measurement(stderr: string): LoudnessMeasurement {
  const figures = parseEbur128Summary(stderr);
  const at = stderr.lastIndexOf('Summary:');
  const gate = /Integrated loudness:\s+I:\s+\S+ LUFS\s+Threshold:\s+(-?[\d.]+|-inf) LUFS/.exec(stderr.slice(at));
  // ebur128 reports silence as −70 LUFS (its absolute gate) with a 0 threshold; loudnorm said −inf
  const silent = !(figures.integratedLufs > -70);
  const thresholdLufs = gate && gate[1] !== '-inf' && !silent ? Number(gate[1]) : -70;
  let durationSeconds = 0;
  let frames = 0;
  let active = 0;
  const gateAt = Math.max(-70, thresholdLufs);
  for (const m of stderr.slice(0, at).matchAll(/ t: *([\d.]+) +TARGET:\S+ LUFS +M: *(-?[\d.]+|-?inf|nan) /g)) {
    frames++;
    durationSeconds = Number(m[1]);
    const momentary = Number(m[2]);
    if (Number.isFinite(momentary) && momentary >= gateAt) active++;
  }
  return {
    ...figures,
    integratedLufs: silent ? Number.NEGATIVE_INFINITY : figures.integratedLufs,
    thresholdLufs,
    ...(frames ? { durationSeconds, activeSeconds: active / 10 } : {}),
  };
}

/** The chain that limits true peaks to `ceilingDbtp` after applying `gainDb`, at `rate` Hz. */
export function limiterChain(gainDb: number, ceilingDbtp: number, rate: number): string {
  const limit = Math.pow(10, ceilingDbtp / 20).toFixed(6);
  return [
    `aresample=${rate}`,
    `volume=${gainDb.toFixed(2)}dB`,
    `aresample=${rate * OVERSAMPLE}`,
    `alimiter=limit=${limit}:attack=5:release=50:level=disabled`,
    `aresample=${rate}`,
  ].join(',');
}

/** Does the gain to the target keep the true peak under the ceiling, without limiting? */
export function fitsUnderCeiling(target: LoudnessTarget, m: LoudnessMeasurement): boolean {
  const peakAfter = m.truePeakDbtp + (target.targetLufs - m.integratedLufs);
  return peakAfter <= target.truePeakDbtp;
}

export interface LoudnessPlan {
  /** Filters to run before the gain (cleanup, channel conversion, and the limiter with its pre-gain), or undefined. */
  pre?: string;
  /** The gain after `pre` (dB): the whole gain without a limiter, the residual after it. */
  residualGainDb: number;
  /** The target (LRA widened when the input's range is larger: the range is kept). */
  target: LoudnessTarget;
  /** The measurement the residual gain is computed from (of the signal after `pre`). */
  measured: LoudnessMeasurement;
  limiter: { engaged: boolean; ceilingDbtp?: number; preGainDb?: number };
  /** Total gain the listener hears, dB (pre-gain plus residual). */
  gainDb: number;
  /** The true peak the plan leads to before encoding (dBTP, from the measurement). */
  truePeakDbtp: number;
  warnings: string[];
}

/** Measures a representative sample of the recording after a filter chain (see master.ts). */
export type SampleMeter = (chain: string) => Promise<LoudnessFigures>;

/**
 * Plan a linear normalization from the pass-1 measurement of the input. When the gain
 * would lift the true peak over the ceiling, a 4× oversampled limiter runs first (with the
 * gain ahead of it) at a ceiling with margin. What the limiter takes from the loudness is
 * measured on a sample of the recording — the same sample with and without the limiter —
 * and made up by a small residual gain after it; the peaks the residual lifts stay under
 * the ceiling's margin (else the ceiling is lowered and the sample measured again). The
 * final file is verified, so an unrepresentative sample costs a corrective encode, never
 * a wrong result. Throws when the target cannot be reached.
 *
 * `head` is a filter chain that runs first (cleanup, a channel conversion): `first` must
 * be the measurement of the signal after it.
 */
export async function planLoudness(
  wanted: LoudnessTarget,
  first: LoudnessMeasurement,
  sampleRate: number,
  sample: SampleMeter,
  opts: { head?: string } = {},
): Promise<LoudnessPlan> {
  const warnings: string[] = [];
  const target = { ...wanted };
  if (first.lraLu > target.lraLu) {
    target.lraLu = Math.ceil(first.lraLu + 1);
    warnings.push(
      `input loudness range is ${first.lraLu.toFixed(1)} LU, above the ${wanted.lraLu} LU target; ` +
        'the gain stays linear, so the range is kept (consider compressing the recording)',
    );
  }
  const gainDb = Math.round((target.targetLufs - first.integratedLufs) * 100) / 100;
  if (fitsUnderCeiling(target, first)) {
    return {
      pre: opts.head,
      residualGainDb: gainDb,
      target,
      measured: first,
      limiter: { engaged: false },
      gainDb,
      truePeakDbtp: first.truePeakDbtp + gainDb,
      warnings,
    };
  }
  // the sample at the plain gain stands for the whole file on target: the limited sample
  // must come out as loud. Limiting takes loudness, so the gain ahead of the limiter is
  // raised by the shortfall until it is made up (a small rest is applied after it)
  const plain = await sample([opts.head, `aresample=${sampleRate}`, `volume=${gainDb.toFixed(2)}dB`].filter(Boolean).join(','));
  const ceiling = target.truePeakDbtp - LIMITER_MARGIN_DB;
  let preGain = gainDb;
  let last: { gain: number; shortfall: number } | undefined;
  for (let attempt = 0; attempt < 6 && Number.isFinite(plain.integratedLufs); attempt++) {
    const pre = [opts.head, limiterChain(preGain, ceiling, sampleRate)].filter(Boolean).join(',');
    const limited = await sample(pre);
    if (!Number.isFinite(limited.integratedLufs)) break;
    const shortfall = Math.round((plain.integratedLufs - limited.integratedLufs) * 100) / 100;
    if (Math.abs(shortfall) <= MAX_RESIDUAL_DB) {
      return {
        pre,
        residualGainDb: shortfall,
        target,
        measured: { ...first, integratedLufs: target.targetLufs - shortfall, truePeakDbtp: ceiling },
        limiter: { engaged: true, ceilingDbtp: ceiling, preGainDb: preGain },
        gainDb: Math.round((preGain + shortfall) * 100) / 100,
        truePeakDbtp: ceiling + shortfall,
        warnings,
      };
    }
    // secant step: the limited loudness grows slower than the gain (about half as fast under
    // heavy limiting); the first step assumes it keeps pace
    const slope = last ? Math.min(1, Math.max(0.2, (last.shortfall - shortfall) / (preGain - last.gain))) : 1;
    last = { gain: preGain, shortfall };
    preGain = Math.round((preGain + shortfall / slope) * 100) / 100;
    if (preGain - gainDb > MAX_EXTRA_PRE_GAIN_DB) break;
  }
  throw new Error(
    `cannot reach ${target.targetLufs} LUFS with true peak ≤ ${target.truePeakDbtp} dBTP by linear gain and limiting ` +
      `(input ${first.integratedLufs} LUFS, ${first.truePeakDbtp} dBTP)`,
  );
}

/** Parse the Summary block that `ebur128=peak=true` prints at the end. */
export function parseEbur128Summary(stderr: string): LoudnessFigures {
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) throw new Error('ebur128 printed no summary');
  const s = stderr.slice(at);
  const pick = (re: RegExp, name: string): number => {
    const m = re.exec(s);
    if (!m) throw new Error(`ebur128 summary has no ${name}`);
    return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
  };
  return {
    integratedLufs: pick(/I:\s+(-?[\d.]+|-inf) LUFS/, 'integrated loudness'),
    lraLu: pick(/LRA:\s+(-?[\d.]+) LU/, 'loudness range'),
    truePeakDbtp: pick(/True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/, 'true peak'),
  };
}

/** Measure a file with ffmpeg's ebur128 filter (true peak on): the figures we report. */
export async function measureEbur128(file: string): Promise<LoudnessFigures> {
  const { stderr } = await ffmpeg(['-i', file, '-vn', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-'], {
    stderrLimit: 1 << 16,
  });
  return parseEbur128Summary(stderr);
}
