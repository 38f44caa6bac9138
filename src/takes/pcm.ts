/**
 * Sample-level pieces of joining and splicing (written with signal/wav.ts's WavWriter as
 * float): equal-power crossfades, the narrator's room tone, and where a signal is digital silence.
 */

/** A run of samples this quiet for this long is digital silence (a gate, an editor's "silence"). */
export const DIGITAL_SILENCE = 1e-5;
export const DIGITAL_SILENCE_SECONDS = 0.01;

/** `a`'s end faded out over `b`'s start (equal power: uncorrelated room tone keeps its level). Both have `n` samples. */
export function crossfade(a: Float32Array, b: Float32Array): Float32Array {
  const n = Math.min(a.length, b.length);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i + 0.5) / n;
    out[i] = a[i] * Math.cos((t * Math.PI) / 2) + b[i] * Math.sin((t * Math.PI) / 2);
  }
  return out;
}

export function scaled(x: Float32Array, gainDb: number): Float32Array {
  const g = 10 ** (gainDb / 20);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * g;
  return out;
}

/** Runs of digital silence (≥ DIGITAL_SILENCE_SECONDS below DIGITAL_SILENCE), as sample ranges [from, to). */
export function digitalSilence(x: Float32Array, rate: number, from = 0, to = x.length): [number, number][] {
  const min = Math.round(DIGITAL_SILENCE_SECONDS * rate);
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = from; i <= to; i++) {
    const quiet = i < to && Math.abs(x[i]) < DIGITAL_SILENCE;
    if (quiet && start < 0) start = i;
    else if (!quiet && start >= 0) {
      if (i - start >= min) runs.push([start, i]);
      start = -1;
    }
  }
  return runs;
}

/**
 * The narrator's room tone: the quietest `seconds`-long stretch of the signal that holds no
 * digital silence (10 ms RMS windows), or undefined when there is none.
 */
export function roomTone(x: Float32Array, rate: number, seconds = 0.4): Float32Array | undefined {
  const hop = Math.round(0.01 * rate);
  const frames = Math.floor(x.length / hop);
  const need = Math.max(1, Math.round(seconds / 0.01));
  if (frames < need) return undefined;
  const energy = new Float64Array(frames);
  const dead = new Uint8Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    let quiet = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) {
      s += x[i] * x[i];
      if (Math.abs(x[i]) < DIGITAL_SILENCE) quiet++;
    }
    energy[f] = s / hop;
    dead[f] = quiet > hop / 2 ? 1 : 0;
  }
  let best = -1;
  let bestE = Infinity;
  let sum = 0;
  let deadCount = 0;
  for (let f = 0; f < frames; f++) {
    sum += energy[f];
    deadCount += dead[f];
    if (f >= need) {
      sum -= energy[f - need];
      deadCount -= dead[f - need];
    }
    if (f >= need - 1 && deadCount === 0 && sum < bestE) {
      bestE = sum;
      best = f - need + 1;
    }
  }
  return best < 0 ? undefined : x.slice(best * hop, (best + need) * hop);
}

/** `n` samples of room tone: `tone` repeated, each repeat crossfaded into the next (20 ms). */
export function loopTone(tone: Float32Array, n: number, rate: number): Float32Array {
  const out = new Float32Array(n);
  const xf = Math.min(Math.round(0.02 * rate), Math.floor(tone.length / 4));
  let at = 0;
  let first = true;
  while (at < n) {
    if (first || xf === 0) {
      const k = Math.min(tone.length, n - at);
      out.set(tone.subarray(0, k), at);
      at += k;
      first = false;
      continue;
    }
    // overlap the last xf samples written with the start of the next repeat
    const start = at - xf;
    const fade = crossfade(out.slice(start, at), tone.subarray(0, xf));
    out.set(fade, start);
    const k = Math.min(tone.length - xf, n - at);
    out.set(tone.subarray(xf, xf + k), at);
    at += k;
  }
  return out;
}

/** Replace the digital silence in `x[from, to)` with room tone (in place), crossfaded 5 ms at each side. */
export function fillDigitalSilence(x: Float32Array, rate: number, tone: Float32Array, from = 0, to = x.length): number {
  let filled = 0;
  const edge = Math.round(0.005 * rate);
  for (const [a, b] of digitalSilence(x, rate, from, to)) {
    const fill = loopTone(tone, b - a, rate);
    for (let i = a; i < b; i++) {
      const fromA = i - a;
      const toB = b - 1 - i;
      const w = Math.min(1, (Math.min(fromA, toB) + 1) / edge);
      x[i] = x[i] * (1 - w) + fill[i - a] * w;
    }
    filled += b - a;
  }
  return filled;
}
