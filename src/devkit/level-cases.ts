/**
 * Test material and measurements for the leveler (tests and bench:cleanup): a narration whose
 * second part was recorded at another level (a gain step in a pause), the build's own
 * analysis of a file (the high-passed ebur128 frame log and the pauses), and the figures
 * issue 18 asks for: the median short-term loudness of the speech of each part, and each
 * part's LRA.
 */
import { ffmpeg, fileArg } from '../media/ffmpeg.js';
import { MEASURE_FILTER, parseEbur128Measurement, parseEbur128Summary, type LoudnessMeasurement } from '../audio/loudness.js';
import { loudnessFrames, type LoudnessFrame } from '../audio/cleanup/leveler.js';
import { shortTermCurve } from '../episode/analysis.js';
import { CASE_RATE } from './cleanup-cases.js';

/** `input` with its level changed by `db` from `atSeconds` on (a step: a session recorded at another gain). */
export async function levelStep(input: string, out: string, atSeconds: number, db: number): Promise<void> {
  await ffmpeg([
    '-y', '-i', fileArg(input),
    '-af', `volume=eval=frame:volume='if(gte(t,${atSeconds.toFixed(3)}),${Math.pow(10, db / 20).toFixed(6)},1)',asetnsamples=n=64`,
    '-ac', '1', '-ar', String(CASE_RATE), '-c:a', 'pcm_f32le', fileArg(out),
  ]);
}

/** The pause nearest to `t` (its middle). */
export function pauseNear(pauses: readonly (readonly [number, number])[], t: number): number {
  const mids = pauses.filter(([a, b]) => b - a >= 0.3).map(([a, b]) => (a + b) / 2);
  return mids.reduce((best, m) => (Math.abs(m - t) < Math.abs(best - t) ? m : best), mids[0] ?? t);
}

/** What the build's analysis pass logs of a file: the ebur128 frames and measurement after the high-pass, the short-term curve. */
export async function analyseLoudness(file: string): Promise<{ frames: LoudnessFrame[]; measurement: LoudnessMeasurement; curve: { t: number; s: number | null }[] }> {
  const { stderr } = await ffmpeg(['-i', fileArg(file), '-af', `highpass=f=80:poles=2,${MEASURE_FILTER}`, '-f', 'null', '-'], { stderrLimit: 1 << 27 });
  return { frames: loudnessFrames(stderr), measurement: parseEbur128Measurement(stderr), curve: shortTermCurve(stderr) };
}

/**
 * The median short-term loudness (LUFS) of the speech of [a, b] s of `file`: the 3 s values
 * whose window lies inside it and above −70 LUFS and the part's own −20 LU gate (the pauses'
 * windows do not count).
 */
export async function medianShortTerm(file: string, a: number, b: number): Promise<number> {
  const { curve } = await analyseLoudness(file);
  const v = curve.filter((p) => p.t - 3 >= a && p.t <= b && p.s !== null).map((p) => p.s as number);
  const top = Math.max(...v);
  const kept = v.filter((x) => x >= top - 20).sort((x, y) => x - y);
  return kept.length ? kept[Math.floor(kept.length / 2)]! : Number.NaN;
}

/** ebur128's LRA (LU) of [a, b] s of `file`. */
export async function lraOf(file: string, a: number, b: number): Promise<number> {
  const { stderr } = await ffmpeg(['-ss', a.toFixed(3), '-t', (b - a).toFixed(3), '-i', fileArg(file), '-af', 'ebur128', '-f', 'null', '-'], { stderrLimit: 1 << 24 });
  return parseEbur128Summary(stderr.replace(/True peak:[\s\S]*$/, '') + '\n  True peak:\n    Peak: 0.0 dBFS').lraLu;
}
