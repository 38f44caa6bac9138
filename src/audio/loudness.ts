/**
 * EBU R128 loudness: loudnorm's measuring pass, the plan for a purely linear gain
 * (with a true-peak limiter ahead of it when the gain would push peaks over the ceiling),
 * and the independent ebur128 measurement used to verify the final file.
 */
import { ffmpeg } from '../media/ffmpeg.js';

export interface LoudnessFigures {
  integratedLufs: number;
  truePeakDbtp: number;
  lraLu: number;
}

/** loudnorm's first-pass figures (all four are needed for linear mode). */
export interface LoudnormMeasurement extends LoudnessFigures {
  thresholdLufs: number;
  targetOffset: number;
}

export interface LoudnessTarget {
  targetLufs: number;
  truePeakDbtp: number;
  lraLu: number;
}

/** The largest LRA loudnorm accepts. */
const MAX_LRA = 50;
/** Room left under the ceiling for the residual gain after limiting and for resampling. */
const LIMITER_MARGIN_DB = 1.0;
/** Oversampling factor of the limiter, so it catches inter-sample (true) peaks. */
const OVERSAMPLE = 4;

/** The last JSON object loudnorm printed to stderr. */
export function parseLoudnormJson(stderr: string): Record<string, string> {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('loudnorm printed no JSON summary');
  return JSON.parse(stderr.slice(start, end + 1)) as Record<string, string>;
}

function num(v: string | undefined, name: string): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n)) {
    // "-inf" is what loudnorm prints for digital silence
    if (v === '-inf') return Number.NEGATIVE_INFINITY;
    throw new Error(`loudnorm value ${name} is not a number: ${v}`);
  }
  return n;
}

function loudnormArgs(t: LoudnessTarget): string {
  return `loudnorm=I=${t.targetLufs}:TP=${t.truePeakDbtp}:LRA=${t.lraLu}`;
}

/** loudnorm pass 1 over `input` after the optional filter chain `pre`. */
export async function measureLoudnorm(
  input: string,
  target: LoudnessTarget,
  pre?: string,
  onProgress?: (seconds: number) => void,
): Promise<LoudnormMeasurement> {
  const chain = [pre, `${loudnormArgs(target)}:print_format=json`].filter(Boolean).join(',');
  const { stderr } = await ffmpeg(['-i', input, '-vn', '-af', chain, '-f', 'null', '-'], { onProgress });
  const j = parseLoudnormJson(stderr);
  return {
    integratedLufs: num(j.input_i, 'input_i'),
    truePeakDbtp: num(j.input_tp, 'input_tp'),
    lraLu: num(j.input_lra, 'input_lra'),
    thresholdLufs: num(j.input_thresh, 'input_thresh'),
    targetOffset: num(j.target_offset, 'target_offset'),
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

/** The loudnorm filter that applies one linear gain from pass-1 figures. */
export function linearLoudnorm(target: LoudnessTarget, m: LoudnormMeasurement): string {
  return [
    loudnormArgs(target),
    `measured_I=${m.integratedLufs}`,
    `measured_TP=${m.truePeakDbtp}`,
    `measured_LRA=${m.lraLu}`,
    `measured_thresh=${m.thresholdLufs}`,
    `offset=${m.targetOffset}`,
    'linear=true',
    'print_format=json',
  ].join(':');
}

/** Would loudnorm keep linear mode for this measurement? (Its own rule, see NOTES.md.) */
export function staysLinear(target: LoudnessTarget, m: LoudnormMeasurement): boolean {
  const peakAfter = m.truePeakDbtp + (target.targetLufs - m.integratedLufs);
  return peakAfter <= target.truePeakDbtp && m.lraLu <= target.lraLu;
}

export interface LoudnessPlan {
  /** Filters to run before loudnorm (resample, gain and limiter), or undefined. */
  pre?: string;
  /** loudnorm with linear=true and the measured values of the signal after `pre`. */
  loudnorm: string;
  /** The target actually used (LRA widened when the input's range is larger). */
  target: LoudnessTarget;
  /** The measurement loudnorm's gain is computed from. */
  measured: LoudnormMeasurement;
  limiter: { engaged: boolean; ceilingDbtp?: number; preGainDb?: number };
  /** Total gain the listener hears, dB (pre-gain plus loudnorm's). */
  gainDb: number;
  warnings: string[];
}

/**
 * Plan a linear normalization from the pass-1 measurement of the input. When the gain
 * would lift the true peak over the ceiling, a 4× oversampled limiter runs first at a
 * ceiling with margin; the limited signal is measured again (and, if the residual gain
 * still would not fit, the pre-gain is raised and it is measured once more). Returns
 * a plan that loudnorm will execute in linear mode, or throws saying why it cannot.
 */
export async function planLoudness(
  input: string,
  wanted: LoudnessTarget,
  first: LoudnormMeasurement,
  sampleRate: number,
): Promise<LoudnessPlan> {
  const warnings: string[] = [];
  const target = { ...wanted };
  if (first.lraLu > target.lraLu) {
    target.lraLu = Math.min(MAX_LRA, Math.ceil(first.lraLu + 1));
    warnings.push(
      `input loudness range is ${first.lraLu.toFixed(1)} LU, above the ${wanted.lraLu} LU target; ` +
        'the gain stays linear, so the range is kept (consider compressing the recording)',
    );
  }
  if (first.lraLu > target.lraLu) {
    throw new Error(`input loudness range ${first.lraLu} LU exceeds loudnorm's maximum of ${MAX_LRA} LU`);
  }
  if (staysLinear(target, first)) {
    return {
      loudnorm: linearLoudnorm(target, first),
      target,
      measured: first,
      limiter: { engaged: false },
      gainDb: target.targetLufs - first.integratedLufs,
      warnings,
    };
  }
  const ceiling = target.truePeakDbtp - LIMITER_MARGIN_DB;
  let preGain = target.targetLufs - first.integratedLufs;
  for (let attempt = 0; attempt < 3; attempt++) {
    const pre = limiterChain(preGain, ceiling, sampleRate);
    const m = await measureLoudnorm(input, target, pre);
    if (staysLinear(target, m)) {
      return {
        pre,
        loudnorm: linearLoudnorm(target, m),
        target,
        measured: m,
        limiter: { engaged: true, ceilingDbtp: ceiling, preGainDb: preGain },
        gainDb: preGain + (target.targetLufs - m.integratedLufs),
        warnings,
      };
    }
    // limiting took more loudness than the margin allows: push the pre-gain up by the shortfall
    preGain += target.targetLufs - m.integratedLufs;
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
