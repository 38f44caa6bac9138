/**
 * The leveler: passages of a recording made at another level (the narrator moved, a session
 * recorded on another day) are brought to the level of the main one, one constant gain per
 * passage, before the whole is normalized. Nothing rides the gain inside a passage, so the
 * speech's own dynamics (its LRA inside a passage) are kept; the gain changes only in a
 * pause between two passages, over a short raised-cosine ramp.
 *
 * Everything is measured on what the analysis pass already logged: ebur128's momentary
 * loudness every 100 ms (400 ms windows) and the pauses. Only windows wholly inside speech
 * count (the room tone does not move with the narrator). The passages are found by binary
 * segmentation of 5 s blocks of that speech loudness, each split then moved to the pause
 * that separates the two sides best, and kept only when both sides are long enough and their
 * loudness differs by at least the step's `minStepLu`.
 *
 * The gain is a `volume` filter with `eval=frame` whose expression is of the time of the
 * stream it runs on: `levelFilter` writes it for any stream made of pieces of the recording
 * (the trimmed encode, the master's sample windows), since each of those starts its clock
 * at 0 (and the denoiser's group resets it).
 */
import type { LoudnessMeasurement } from '../loudness.js';

export interface LevelStep {
  enabled: boolean;
  /** Passages whose speech loudness differs by less than this (LU) are one passage. */
  minStepLu: number;
  /** A passage is at least this long (s). */
  minPassageSeconds: number;
  /** The largest gain given to a passage (dB, either way). */
  maxGainDb: number;
}

/** One ebur128 frame (100 ms apart): momentary loudness (400 ms ending at t) and the frame's true peak. */
export interface LoudnessFrame {
  t: number;
  m: number;
  tpk: number;
}

/** ebur128's frame log (framelog=info, peak=true): every frame's M and FTPK. */
export function loudnessFrames(stderr: string): LoudnessFrame[] {
  const out: LoudnessFrame[] = [];
  const at = stderr.lastIndexOf('Summary:');
  for (const m of stderr.slice(0, at < 0 ? undefined : at).matchAll(/ t: *([\d.]+) +TARGET:\S+ LUFS +M: *(\S+) .*?FTPK: *(\S+)(?: (\S+))? dBFS/g)) {
    // stereo logs one FTPK per channel
    const peaks = [m[3], m[4]].filter((x): x is string => x !== undefined).map(Number).filter(Number.isFinite);
    const mm = Number(m[2]);
    out.push({ t: Number(m[1]), m: Number.isFinite(mm) ? mm : -120, tpk: peaks.length ? Math.max(...peaks) : Number.NEGATIVE_INFINITY });
  }
  return out;
}

export interface Passage {
  startSeconds: number;
  endSeconds: number;
  /** Loudness of its speech (LUFS, energy mean of the momentary windows inside speech), before the gain. */
  loudnessLufs: number;
  /** Seconds of speech it was measured on. */
  speechSeconds: number;
  gainDb: number;
}

/** A gain change between two passages: from `fromDb` to `toDb` over [startSeconds, startSeconds + seconds] (recording time). */
export interface LevelRamp {
  startSeconds: number;
  seconds: number;
  fromDb: number;
  toDb: number;
}

export interface LevelPlan {
  passages: Passage[];
  /** Gain before the first ramp (dB). */
  firstGainDb: number;
  ramps: LevelRamp[];
}

/** Blocks of speech loudness the passages are found on (s). */
const BLOCK_SECONDS = 5;
/** A block counts with this much speech in it (s). */
const MIN_BLOCK_SPEECH = 1.5;
/** How far (s) from a block boundary the pause a split moves to may be. */
const SPLIT_SEARCH_SECONDS = 8;
/** Pauses shorter than this (s) do not hold a ramp. */
const MIN_RAMP_PAUSE = 0.12;
/** The longest ramp (s), and what is kept clear of the pause's edges. */
const MAX_RAMP_SECONDS = 0.3;
const RAMP_EDGE_SECONDS = 0.03;

const energy = (db: number) => Math.pow(10, db / 10);
const toDb = (e: number) => 10 * Math.log10(e);
const r2 = (x: number) => Math.round(x * 100) / 100;

interface Speech {
  t: number;
  e: number;
}

/** The momentary windows wholly inside speech (not touching a pause), inside [from, to]. */
function speechFrames(frames: readonly LoudnessFrame[], pauses: readonly (readonly [number, number])[], from: number, to: number): Speech[] {
  const sorted = [...pauses].sort((a, b) => a[0] - b[0]);
  let k = 0;
  const out: Speech[] = [];
  for (const f of frames) {
    const a = f.t - 0.4;
    const b = f.t;
    if (a < from || b > to || !(f.m > -70)) continue;
    while (k < sorted.length && sorted[k]![1] <= a) k++;
    if (k < sorted.length && sorted[k]![0] < b) continue;
    out.push({ t: f.t - 0.2, e: energy(f.m) });
  }
  return out;
}

interface Block {
  start: number;
  end: number;
  e: number;
  n: number;
}

function meanDb(xs: readonly Speech[]): number {
  return xs.length ? toDb(xs.reduce((s, x) => s + x.e, 0) / xs.length) : Number.NaN;
}

/** Between-sides contrast of a split (weighted squared difference of the sides' dB means). */
function contrast(left: readonly Speech[], right: readonly Speech[]): { score: number; diff: number } {
  if (!left.length || !right.length) return { score: -1, diff: 0 };
  const diff = meanDb(right) - meanDb(left);
  return { score: ((left.length * right.length) / (left.length + right.length)) * diff * diff, diff };
}

/**
 * The passages of a recording (recording time, inside [from, to]) and the plan of gains;
 * undefined when it is one passage (no two neighbours differ by `minStepLu`).
 */
export function planLevel(frames: readonly LoudnessFrame[], pauses: readonly (readonly [number, number])[], from: number, to: number, step: LevelStep): { plan?: LevelPlan; passages: Passage[] } {
  const speech = speechFrames(frames, pauses, from, to);
  const one = (): Passage[] =>
    speech.length ? [{ startSeconds: r2(from), endSeconds: r2(to), loudnessLufs: r2(meanDb(speech)), speechSeconds: r2(speech.length / 10), gainDb: 0 }] : [];
  if (speech.length < 20) return { passages: one() };
  // 5 s blocks of speech loudness
  const blocks: Block[] = [];
  for (let a = from; a < to; a += BLOCK_SECONDS) {
    const inside = speech.filter((s) => s.t >= a && s.t < a + BLOCK_SECONDS);
    if (inside.length / 10 >= MIN_BLOCK_SPEECH) blocks.push({ start: a, end: Math.min(to, a + BLOCK_SECONDS), e: inside.reduce((s, x) => s + x.e, 0), n: inside.length });
  }
  // binary segmentation on the blocks: the best split of a span, kept while both sides are
  // long enough and differ by the step
  const cuts: number[] = [];
  const splitSpan = (lo: number, hi: number, depth: number) => {
    if (depth > 6 || hi - lo < 2) return;
    let best = { score: 0, at: -1, diff: 0 };
    for (let i = lo + 1; i < hi; i++) {
      const left = blocks.slice(lo, i);
      const right = blocks.slice(i, hi);
      const l = toDb(left.reduce((s, b) => s + b.e, 0) / left.reduce((s, b) => s + b.n, 0));
      const r = toDb(right.reduce((s, b) => s + b.e, 0) / right.reduce((s, b) => s + b.n, 0));
      if (blocks[i]!.start - blocks[lo]!.start < step.minPassageSeconds || blocks[hi - 1]!.end - blocks[i]!.start < step.minPassageSeconds) continue;
      const score = ((left.length * right.length) / (hi - lo)) * (r - l) * (r - l);
      if (score > best.score) best = { score, at: i, diff: r - l };
    }
    if (best.at < 0 || Math.abs(best.diff) < step.minStepLu) return;
    cuts.push(blocks[best.at]!.start);
    splitSpan(lo, best.at, depth + 1);
    splitSpan(best.at, hi, depth + 1);
  };
  splitSpan(0, blocks.length, 0);
  if (!cuts.length) return { passages: one() };
  cuts.sort((a, b) => a - b);
  // each cut moves to the pause near it that separates its two sides best
  const usable = pauses.filter(([a, b]) => b - a >= MIN_RAMP_PAUSE && a > from && b < to);
  const edges: (readonly [number, number])[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const lo = i ? (edges[i - 1]?.[1] ?? from) : from;
    const hi = cuts[i + 1] ?? to;
    const near = usable.filter(([a, b]) => Math.abs((a + b) / 2 - cuts[i]!) <= SPLIT_SEARCH_SECONDS && a > lo && b < hi);
    let best: { score: number; pause?: readonly [number, number] } = { score: -1 };
    for (const p of near) {
      const c = contrast(speech.filter((s) => s.t >= lo && s.t < p[0]), speech.filter((s) => s.t > p[1] && s.t < hi));
      if (c.score > best.score) best = { score: c.score, pause: p };
    }
    // no pause near it: the ramp sits at the block boundary (reported by its length)
    edges.push(best.pause ?? [cuts[i]! - 0.5, cuts[i]! + 0.5]);
  }
  // the passages, neighbours closer than the step merged
  let bounds = [from, ...edges.map(([a, b]) => (a + b) / 2), to];
  let passages = measure(bounds, speech);
  for (;;) {
    let merge = -1;
    let least = step.minStepLu;
    for (let i = 1; i < passages.length; i++) {
      const d = Math.abs(passages[i]!.loudnessLufs - passages[i - 1]!.loudnessLufs);
      const short = Math.min(passages[i]!.endSeconds - passages[i]!.startSeconds, passages[i - 1]!.endSeconds - passages[i - 1]!.startSeconds) < step.minPassageSeconds;
      if (d < least || (short && merge < 0)) {
        least = d;
        merge = i;
      }
    }
    if (merge < 0) break;
    bounds = bounds.filter((_, k) => k !== merge);
    edges.splice(merge - 1, 1);
    passages = measure(bounds, speech);
  }
  if (passages.length < 2) return { passages: one() };
  // the reference: the passage with the most speech (the main session)
  const ref = passages.reduce((a, b) => (b.speechSeconds > a.speechSeconds ? b : a));
  for (const p of passages) p.gainDb = r2(Math.max(-step.maxGainDb, Math.min(step.maxGainDb, ref.loudnessLufs - p.loudnessLufs)));
  const ramps = edges.map(([a, b], i): LevelRamp => {
    const seconds = Math.min(MAX_RAMP_SECONDS, Math.max(0.01, b - a - 2 * RAMP_EDGE_SECONDS));
    return { startSeconds: r2((a + b) / 2 - seconds / 2) , seconds: r2(seconds), fromDb: passages[i]!.gainDb, toDb: passages[i + 1]!.gainDb };
  });
  return { plan: { passages, firstGainDb: passages[0]!.gainDb, ramps }, passages };
}

function measure(bounds: readonly number[], speech: readonly Speech[]): Passage[] {
  const out: Passage[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const inside = speech.filter((s) => s.t >= bounds[i]! && s.t < bounds[i + 1]!);
    out.push({ startSeconds: r2(bounds[i]!), endSeconds: r2(bounds[i + 1]!), loudnessLufs: r2(meanDb(inside)), speechSeconds: r2(inside.length / 10), gainDb: 0 });
  }
  return out;
}

/** The plan's gain (dB) at recording time t. */
export function levelGainAt(plan: LevelPlan, t: number): number {
  let g = plan.firstGainDb;
  for (const r of plan.ramps) g += (r.toDb - r.fromDb) * shape((t - r.startSeconds) / r.seconds);
  return g;
}

const shape = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * x));

/** A piece of a stream: stream time [at, at + seconds) is recording time [from, from + seconds). */
export interface StreamPiece {
  at: number;
  from: number;
  seconds: number;
}

/** The gain (dB) of recording time r as an ffmpeg expression of r's own expression. */
function gainExpr(plan: LevelPlan, r: string, from: number, to: number): string {
  const g0 = levelGainAt(plan, from);
  const g1 = levelGainAt(plan, to);
  const inside = plan.ramps.filter((x) => x.startSeconds + x.seconds > from && x.startSeconds < to);
  if (!inside.length && Math.abs(g0 - g1) < 1e-9) return g0.toFixed(2);
  const before = levelGainAt(plan, inside.length ? inside[0]!.startSeconds - 1e-6 : from);
  const terms = inside.map((x) => `${(x.toDb - x.fromDb).toFixed(2)}*(0.5-0.5*cos(PI*clip((${r}-${x.startSeconds.toFixed(3)})/${x.seconds.toFixed(3)},0,1)))`);
  return [before.toFixed(2), ...terms].join('+');
}

/**
 * The leveler as a filter for a stream made of `pieces` of the recording (its clock at 0 where
 * the first piece starts): 5 ms frames (a ramp in a pause is 60 steps), the gain evaluated per
 * frame from the frame's time.
 */
export function levelFilter(plan: LevelPlan, pieces: readonly StreamPiece[]): string {
  const parts = pieces.map((p) => {
    const r = `(t-${p.at.toFixed(3)}+${p.from.toFixed(3)})`;
    return { p, g: gainExpr(plan, r, p.from, p.from + p.seconds) };
  });
  let db: string;
  if (parts.length === 1) db = parts[0]!.g;
  else {
    // piece by piece: the last piece whose start the time has passed
    db = parts[parts.length - 1]!.g;
    for (let i = parts.length - 2; i >= 0; i--) db = `if(lt(t,${parts[i + 1]!.p.at.toFixed(3)}),${parts[i]!.g},${db})`;
  }
  return `asetnsamples=n=240:p=0,volume=eval=frame:precision=float:volume='pow(10,(${db})/20)'`;
}

/**
 * The first pass's measurement as it would be after the leveler: the integrated loudness
 * (and gate) moved by what the gains do to the gated mean of the momentary windows, the true
 * peak as the loudest frame's peak with its gain (BS.1770's blocks are ebur128's momentary
 * windows, 100 ms apart). The LRA is left as measured (it only widens the target's LRA).
 */
export function leveledMeasurement(m: LoudnessMeasurement, frames: readonly LoudnessFrame[], plan: LevelPlan): LoudnessMeasurement {
  const gains = frames.map((f) => levelGainAt(plan, f.t - 0.2));
  const integrated = (withGain: boolean) => {
    const e = frames.map((f, i) => f.m + (withGain ? gains[i]! : 0)).filter((x) => x > -70).map(energy);
    if (!e.length) return Number.NaN;
    const gate = toDb(e.reduce((s, x) => s + x, 0) / e.length) - 10;
    const kept = e.filter((x) => x >= energy(gate));
    return toDb(kept.reduce((s, x) => s + x, 0) / kept.length);
  };
  const shift = integrated(true) - integrated(false);
  if (!Number.isFinite(shift)) return m;
  const peak = Math.max(...frames.map((f, i) => f.tpk + gains[i]!));
  const truePeakDbtp = Number.isFinite(peak) ? Math.round(peak * 10) / 10 : m.truePeakDbtp;
  return {
    ...m,
    integratedLufs: Math.round((m.integratedLufs + shift) * 100) / 100,
    thresholdLufs: Math.round((m.thresholdLufs + shift) * 100) / 100,
    truePeakDbtp,
  };
}

/** A span of the recording replaced by one of another length (a pickup): recording times after `cutEnd` move by `shiftSeconds`. */
export interface LevelShift {
  cutStart: number;
  cutEnd: number;
  shiftSeconds: number;
}

/**
 * An earlier build's plan moved onto a recording with pickups spliced in (old recording time
 * to new): a time after a cut moves with the length change of every cut before it, one inside
 * a cut goes to where the cut starts.
 */
export function shiftLevel(plan: LevelPlan, cuts: readonly LevelShift[]): LevelPlan {
  const move = (t: number) => {
    let d = 0;
    for (const c of cuts) {
      if (t >= c.cutEnd) d += c.shiftSeconds;
      else if (t > c.cutStart) return r3(c.cutStart + d);
    }
    return r3(t + d);
  };
  return {
    firstGainDb: plan.firstGainDb,
    passages: plan.passages.map((p) => ({ ...p, startSeconds: move(p.startSeconds), endSeconds: move(p.endSeconds) })),
    ramps: plan.ramps.map((r) => ({ ...r, startSeconds: move(r.startSeconds) })),
  };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
