/**
 * Clicks: mouth clicks and lip smacks are impulses of a millisecond or two, far sharper than
 * anything the voice does. The detector looks at the second difference of the signal (a
 * high-pass that leaves a click and takes the voice down) and counts the places where it
 * stands `ratio` times above its own local level (the RMS of the 40 ms around it without
 * the 2 ms at the place itself). A sibilant is as bright but not as sudden: its local level
 * is as high as itself.
 *
 * The removal is ffmpeg's adeclick (autoregressive interpolation of the samples it finds
 * impulsive) with overlap-save (`m=s`): its default overlap-add changes every sample by
 * −32 dB even where it finds nothing, overlap-save leaves them bit for bit. It runs only
 * when the detector finds enough clicks: it costs ~0.7 s of CPU per
 * minute of 48 kHz audio (measured: 0.6 s for a 53 s reading, 1.9 s for 152 s of espeak),
 * ~40 s on a 60-minute narration, about twice the rest of the encode. ffmpeg 5.1's adeclick
 * has no timeline (`enable=`), so it cannot be limited to windows around the clicks inside
 * the one linear chain the encode runs: it runs on the whole recording when it runs at all.
 */

export interface DeclickStep {
  enabled: boolean;
  /** Run adeclick when the speech has at least this many clicks per minute. */
  minPerMinute: number;
  /** A click stands this many times above the local level of the second difference. */
  ratio: number;
  /** adeclick's threshold (lower finds more). */
  threshold: number;
}

/** The local level's window and the part of it around the place left out (s). */
const LOCAL_SECONDS = 0.04;
const GAP_SECONDS = 0.002;
/** Places closer than this (s) are one click. */
const MERGE_SECONDS = 0.005;
/** A second difference below this is no click whatever its surroundings (digital silence). */
const MIN_LEVEL = 2e-3;

/** Where (sample indices) `x` has clicks. */
export function detectClicks(x: Float32Array, rate: number, ratio: number): number[] {
  const n = x.length;
  if (n < 3) return [];
  const d2 = new Float32Array(n);
  for (let i = 2; i < n; i++) d2[i] = x[i]! - 2 * x[i - 1]! + x[i - 2]!;
  // prefix sums of the squares: the local level of any span in O(1)
  const sq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sq[i + 1] = sq[i]! + d2[i]! * d2[i]!;
  const half = Math.round((LOCAL_SECONDS * rate) / 2);
  const gap = Math.max(1, Math.round(GAP_SECONDS * rate));
  const merge = Math.round(MERGE_SECONDS * rate);
  const out: number[] = [];
  for (let i = 2; i < n; i++) {
    const v = Math.abs(d2[i]!);
    if (v < MIN_LEVEL) continue;
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half);
    const ga = Math.max(a, i - gap);
    const gb = Math.min(b, i + gap);
    const count = b - a - (gb - ga);
    if (count <= 0) continue;
    const rms = Math.sqrt((sq[b]! - sq[gb]! + sq[ga]! - sq[a]!) / count);
    if (v < ratio * rms) continue;
    if (out.length && i - out[out.length - 1]! <= merge) continue;
    out.push(i);
  }
  return out;
}

/** The declicker for the chain. */
export function declickFilter(step: DeclickStep): string {
  return `adeclick=t=${step.threshold}:m=s`;
}
