/**
 * Test material and measurements for the leveler and the declicker (tests and bench:cleanup): a narration whose
 * second part was recorded at another level (a gain step in a pause), the build's own
 * analysis of a file (the high-passed ebur128 frame log and the pauses), and the figures
 * issue 18 asks for: the median short-term loudness of the speech of each part, and each
 * part's LRA; mouth clicks injected at random places, and what a cleanup left of them.
 */
import { decodePcm, ffmpeg, fileArg } from '../media/ffmpeg.js';
import { prng } from '../demo/narrate.js';
import { writeWav } from '../eval/compose.js';
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


/**
 * `input` (mono, CASE_RATE) with `count` mouth clicks at random places (1 ms bursts of
 * decaying noise, peak 0.1–0.3), at least 1 s from either end, the input scaled to peak ≤ 0.6: the samples and where the clicks are (sample indices).
 */
export async function addClicks(input: string, out: string, count: number, seed = 18): Promise<{ clicks: number[]; clean: Float32Array; clicked: Float32Array }> {
  const decoded = await decodePcm(input, CASE_RATE);
  // peaks kept under full scale: the WAV written is 16-bit
  const top = decoded.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const clean = top > 0.6 ? decoded.map((v) => (v * 0.6) / top) : decoded;
  const x = Float32Array.from(clean);
  const rnd = prng(seed);
  const clicks: number[] = [];
  const len = Math.round(0.001 * CASE_RATE);
  while (clicks.length < count) {
    const at = Math.round(CASE_RATE + rnd() * (x.length - 2 * CASE_RATE));
    if (clicks.some((c) => Math.abs(c - at) < 0.2 * CASE_RATE)) continue;
    const peak = 0.1 + 0.2 * rnd();
    for (let k = 0; k < len; k++) x[at + k] = x[at + k]! + peak * Math.exp(-k / (len / 4)) * (rnd() * 2 - 1);
    clicks.push(at);
  }
  clicks.sort((a, b) => a - b);
  await writeWav(out, x, CASE_RATE);
  return { clicks, clean, clicked: x };
}

/**
 * What a cleanup left of each click (dB: the energy of output − original over the click's
 * 3 ms against that of the click itself) and the residual elsewhere (dB: output − original
 * outside the clicks' ±10 ms against the original's energy there).
 */
export function clickFigures(clean: Float32Array, clicked: Float32Array, out: Float32Array, clicks: readonly number[]): { left: number[]; residualDb: number } {
  const w = Math.round(0.003 * CASE_RATE);
  const left = clicks.map((c) => {
    let e = 0;
    let r = 0;
    for (let i = c - 24; i < c + w; i++) {
      e += (clicked[i]! - clean[i]!) ** 2;
      r += (out[i]! - clean[i]!) ** 2;
    }
    return Math.round(10 * Math.log10(r / e + 1e-20) * 10) / 10;
  });
  const near = new Uint8Array(clean.length);
  const m = Math.round(0.01 * CASE_RATE);
  for (const c of clicks) near.fill(1, Math.max(0, c - m), Math.min(clean.length, c + m));
  let num = 0;
  let den = 0;
  const n = Math.min(clean.length, out.length);
  for (let i = 0; i < n; i++) {
    if (near[i]) continue;
    num += (out[i]! - clean[i]!) ** 2;
    den += clean[i]! ** 2;
  }
  return { left, residualDb: Math.round(10 * Math.log10(num / den + 1e-20) * 10) / 10 };
}
