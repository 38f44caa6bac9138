/**
 * Pauses: runs of low energy in the 10 ms energy track. The threshold adapts to the
 * recording (between its noise floor and its speech level), so digital silence and a
 * room's hiss both work. The one pause detector: the aligner uses it with local floors,
 * identification (intake/identify.ts) with one global threshold and exact levels, as a
 * speech mask. Also: where a section mark goes once DTW has an estimate — the end of the
 * pause right before the estimate, never a longer pause further away.
 */

export interface Pause {
  startSeconds: number;
  endSeconds: number;
  /**
   * Where a sound clearly above the rest of the pause begins that runs into its end (an
   * inhale, a buzz or a lip noise before the first word), when there is one.
   */
  soundSeconds?: number;
}

export interface PauseAnalysis {
  pauses: Pause[];
  thresholdDb: number;
  floorDb: number;
  speechDb: number;
  /**
   * Start of the first and end of the last run of speech at least `extentMinSeconds` long
   * (a click or a filter's transient at the very start is not speech); NaN when there is none.
   */
  speechStart: number;
  speechEnd: number;
  /** Seconds of audio above the threshold. */
  speechSeconds: number;
}

export interface PauseOptions {
  /** Shortest silence that counts as a pause. */
  minPauseSeconds: number;
  /** Speech blips shorter than this inside silence (clicks, breaths) are ignored (0: none are). */
  minSpeechSeconds: number;
  /**
   * The noise floor is measured on blocks above this level (digital silence — spliced
   * gaps, a gate — left out); −Infinity for a synthetic signal whose only silence is digital.
   */
  floorAboveDb: number;
  /** Half-width (s) of the window the local floor is measured in; 0 for none. */
  localSeconds: number;
  /** Shortest run of sound that can open or close the speech (s). */
  extentMinSeconds: number;
  /**
   * How the floor and speech levels (percentiles of the track) are measured: `binned`, a
   * 0.5 dB histogram (no sort, no copy; the aligner's), or `exact`, a sorted copy
   * (identification's: its score thresholds were measured with exact levels).
   */
  levels: 'binned' | 'exact';
}

export const DEFAULT_PAUSES: PauseOptions = {
  minPauseSeconds: 0.15,
  minSpeechSeconds: 0.04,
  floorAboveDb: -100,
  localSeconds: 10,
  extentMinSeconds: 0.1,
  levels: 'binned',
};

/**
 * Percentile `q` of dB values. Values below `above` are left out (when that leaves at
 * least half of them). `binned`: via a 0.5 dB histogram (no sort, no copy), the lower edge
 * of the bin; `exact`: the value at rank ⌊q·n⌋ of the sorted values.
 */
function percentileDb(db: Float32Array, q: number, above = -Infinity, levels: PauseOptions['levels'] = 'binned'): number {
  if (levels === 'exact') return exactPercentile(db, q, above);
  const min = -120;
  const bins = new Uint32Array(((20 - min) * 2) | 0);
  let counted = 0;
  for (let i = 0; i < db.length; i++) {
    if (db[i] < above) continue;
    const k = Math.max(0, Math.min(bins.length - 1, Math.floor((db[i] - min) * 2)));
    bins[k]++;
    counted++;
  }
  if (above > -Infinity && counted < db.length / 2) return percentileDb(db, q);
  const target = q * counted;
  let acc = 0;
  for (let k = 0; k < bins.length; k++) {
    acc += bins[k];
    if (acc >= target) return min + k / 2;
  }
  return 20;
}

function exactPercentile(db: Float32Array, q: number, above: number): number {
  let values = db;
  if (above > -Infinity) {
    const kept = db.filter((v) => v >= above);
    if (kept.length >= db.length / 2) values = kept;
  }
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(n - 1, Math.floor(q * n))];
}

export function findPauses(blockDb: Float32Array, blockSeconds: number, opts: Partial<PauseOptions> = {}): PauseAnalysis {
  const o = { ...DEFAULT_PAUSES, ...opts };
  const n = blockDb.length;
  // the floor of the audible signal: digital silence (spliced-in gaps, a gate) is left
  // out, or a recording with some of it gets a threshold below its room noise
  const floorDb = percentileDb(blockDb, 0.05, o.floorAboveDb, o.levels);
  const speechDb = percentileDb(blockDb, 0.9, -Infinity, o.levels);
  const span = speechDb - floorDb;
  // between floor and speech; at least 6 dB above the floor, at most 40 dB below speech
  const thresholdDb = Math.max(floorDb + 6, Math.min(floorDb + 0.35 * span, speechDb - 15), speechDb - 40);
  const silent = new Uint8Array(n);
  const rule = (floor: number) => Math.max(floor + 6, Math.min(floor + 0.35 * (speechDb - floor), speechDb - 15), speechDb - 40);
  if (o.localSeconds > 0 && n * blockSeconds > 2 * o.localSeconds) {
    // the room can change (spliced recordings, a gate, noise coming and going): the floor
    // is also measured locally, and the higher of the two thresholds applies
    const chunk = Math.max(1, Math.round(5 / blockSeconds));
    const half = Math.round(o.localSeconds / blockSeconds);
    for (let c0 = 0; c0 < n; c0 += chunk) {
      const a = Math.max(0, c0 - half);
      const b = Math.min(n, c0 + chunk + half);
      const local = percentileDb(blockDb.subarray(a, b), 0.1, o.floorAboveDb, o.levels);
      const thr = Math.max(thresholdDb, Math.min(rule(local), speechDb - 12));
      for (let i = c0; i < Math.min(n, c0 + chunk); i++) silent[i] = blockDb[i] < thr ? 1 : 0;
    }
  } else for (let i = 0; i < n; i++) silent[i] = blockDb[i] < thresholdDb ? 1 : 0;
  // ignore short speech blips surrounded by silence
  const blip = Math.max(1, Math.round(o.minSpeechSeconds / blockSeconds));
  for (let i = 0; i < n; ) {
    if (silent[i]) {
      i++;
      continue;
    }
    let k = i;
    while (k < n && !silent[k]) k++;
    if (k - i < blip && i > 0 && k < n) for (let t = i; t < k; t++) silent[t] = 1;
    i = k;
  }
  const pauses: Pause[] = [];
  const minLen = Math.round(o.minPauseSeconds / blockSeconds);
  let speechBlocks = 0;
  let firstSpeech = -1;
  let lastSpeech = -1;
  let firstAny = -1;
  let lastAny = -1;
  const extentMin = Math.max(1, Math.round(o.extentMinSeconds / blockSeconds));
  for (let i = 0; i < n; ) {
    if (!silent[i]) {
      let k = i;
      while (k < n && !silent[k]) k++;
      speechBlocks += k - i;
      if (firstAny < 0) firstAny = i;
      lastAny = k - 1;
      if (k - i >= extentMin) {
        if (firstSpeech < 0) firstSpeech = i;
        lastSpeech = k - 1;
      }
      i = k;
      continue;
    }
    let k = i;
    while (k < n && silent[k]) k++;
    // leading and trailing silence count as pauses whatever their length
    if (k - i >= minLen || i === 0 || k === n) {
      const sound = k < n ? soundBefore(blockDb, i, k, blockSeconds, floorDb) : undefined;
      pauses.push({ startSeconds: i * blockSeconds, endSeconds: k * blockSeconds, ...(sound !== undefined ? { soundSeconds: sound * blockSeconds } : {}) });
    }
    i = k;
  }
  if (firstSpeech < 0) {
    firstSpeech = firstAny;
    lastSpeech = lastAny;
  }
  return {
    pauses,
    thresholdDb,
    floorDb,
    speechDb,
    speechStart: firstSpeech < 0 ? NaN : firstSpeech * blockSeconds,
    speechEnd: lastSpeech < 0 ? NaN : (lastSpeech + 1) * blockSeconds,
    speechSeconds: speechBlocks * blockSeconds,
  };
}

/** A sound before speech stands this far (dB) above the quiet part of its pause. */
const SOUND_ABOVE_DB = 10;
/** …lasts at least this long (s), after at least this long (s) of the quiet part. */
const SOUND_MIN_SECONDS = 0.1;
const QUIET_MIN_SECONDS = 0.15;

/**
 * The first block of the run of blocks at the end of pause [i, k) that stand
 * SOUND_ABOVE_DB over the pause's quiet part (its 20th percentile) and over the
 * recording's floor (`floorDb`: after digital silence, a synthesizer's faint pre-onset
 * 50 dB under the speech is no sound anyone hears — and noise would hide it, so marks would
 * depend on the noise), when that run is long enough and follows enough quiet; undefined
 * otherwise. Level only, not the voice.
 */
function soundBefore(db: Float32Array, i: number, k: number, blockSeconds: number, floorDb: number): number | undefined {
  const quiet = Array.from(db.subarray(i, k)).sort((a, b) => a - b)[Math.floor(0.2 * (k - i))];
  const above = Math.max(quiet, floorDb) + SOUND_ABOVE_DB;
  let j = k;
  while (j > i && db[j - 1] >= above) j--;
  return k - j >= SOUND_MIN_SECONDS / blockSeconds && j - i >= QUIET_MIN_SECONDS / blockSeconds ? j : undefined;
}

/**
 * The speech mask of a track of `blocks` blocks: 1 for every block outside the pauses
 * `findPauses` found (so silences shorter than its `minPauseSeconds` inside speech count
 * as speech), 0 inside them.
 */
export function speechMask(pauses: readonly Pause[], blocks: number, blockSeconds: number): Uint8Array {
  const mask = new Uint8Array(blocks).fill(1);
  for (const p of pauses) {
    const a = Math.max(0, Math.round(p.startSeconds / blockSeconds));
    const b = Math.min(blocks, Math.round(p.endSeconds / blockSeconds));
    if (b > a) mask.fill(0, a, b);
  }
  return mask;
}

export interface SnapOptions {
  /** How far before the estimate a pause may end. */
  backSeconds: number;
  /** How far after the estimate a pause may start. */
  forwardSeconds: number;
  /** The mark goes this long before the speech resumes (inside the pause). */
  leadSeconds: number;
  /** Pauses shorter than this are not candidates. */
  minPauseSeconds: number;
  /** The mark goes before a sound that runs from inside the pause into the speech (`Pause.soundSeconds`): a chapter does not open mid-breath. */
  beforeSound?: boolean;
  /**
   * A pause at least this long (a section break) ending at most `breakBackSeconds` before
   * the estimate wins over a nearer pause that starts after the estimate: the match began
   * a word late (a name the synthesizer says differently), and the pause after it is only
   * a comma or colon. Absent: no such preference.
   */
  breakPauseSeconds?: number;
  breakBackSeconds?: number;
}

export const SECTION_SNAP: SnapOptions = {
  backSeconds: 1.5,
  forwardSeconds: 0.6,
  leadSeconds: 0.1,
  minPauseSeconds: 0.2,
  beforeSound: true,
  breakPauseSeconds: 0.6,
  breakBackSeconds: 1.2,
};
export const SENTENCE_SNAP: SnapOptions = { backSeconds: 0.5, forwardSeconds: 0.3, leadSeconds: 0.05, minPauseSeconds: 0.12 };

export interface Snap {
  /** Where the mark goes. */
  seconds: number;
  /** The pause it snapped to, if any. */
  pause?: Pause;
  /** How far (s) the estimate was from that pause (0 when inside it). */
  distance: number;
}

/**
 * Snap an estimated speech onset to the pause right before it: the candidate pauses are
 * the one containing the estimate, those ending up to `backSeconds` before it and those
 * starting up to `forwardSeconds` after it; the nearest wins (a forward pause counts
 * 1.5× its distance: DTW tends to be late at onsets rather than early). Length does not
 * matter beyond `minPauseSeconds` — the longest nearby pause is often on the wrong side
 * of a spoken title. The mark is the pause's end minus the lead, never before its start.
 */
export function snapToPause(pauses: readonly Pause[], estimate: number, opts: SnapOptions): Snap {
  let best: Pause | undefined;
  let bestD = Infinity;
  // binary search for the first pause ending after estimate − back
  let lo = 0;
  let hi = pauses.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pauses[mid].endSeconds < estimate - opts.backSeconds) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < pauses.length; k++) {
    const p = pauses[k];
    if (p.startSeconds > estimate + opts.forwardSeconds) break;
    if (p.endSeconds - p.startSeconds < opts.minPauseSeconds) continue;
    let d: number;
    if (p.endSeconds <= estimate) d = estimate - p.endSeconds;
    else if (p.startSeconds <= estimate) d = 0;
    else d = 1.5 * (p.startSeconds - estimate);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  if (best && best.startSeconds > estimate && opts.breakPauseSeconds !== undefined) {
    // the nearest pause comes after the estimate: a section-break pause just before it wins
    const back = Math.min(opts.backSeconds, opts.breakBackSeconds ?? opts.backSeconds);
    for (let k = lo; k < pauses.length; k++) {
      const p = pauses[k];
      if (p.endSeconds > estimate) break;
      if (estimate - p.endSeconds > back || p.endSeconds - p.startSeconds < opts.breakPauseSeconds) continue;
      best = p;
      bestD = estimate - p.endSeconds;
    }
  }
  if (!best) return { seconds: estimate, distance: Infinity };
  const onset = opts.beforeSound && best.soundSeconds !== undefined ? best.soundSeconds : best.endSeconds;
  const seconds = Math.max(best.startSeconds, onset - opts.leadSeconds);
  return { seconds, pause: best, distance: bestD };
}
