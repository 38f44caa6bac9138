/**
 * Optional pause shortening (issue 18, part 5; off unless `cleanup.pauses.maxSeconds` is
 * set): a pause inside the kept speech longer than the limit loses its middle, so what is
 * left is exactly the limit, half of it after the words before and half before the words
 * after (the pause's natural edges — a breath, a word's decay, the room settling — stay).
 * A chapter mark is never inside a removed span: the cut moves to before the mark when
 * there is room for all of it there (the mark keeps its distance to the speech it opens),
 * else to the side of the mark that allows the longer cut (the pause is then shortened
 * less than asked).
 *
 * The cut is made in the existing encode, after the whole speech chain (filters, limiter,
 * resampler), so every filter sees the recording as it was recorded and the loudness plan
 * holds; the two sides of each cut are joined by a 20 ms equal-power crossfade centred on
 * the cut's edges (room tone against room tone: no click, no dip). The crossfade's overlap
 * is taken out of the cut, so each cut shortens the episode by exactly its length.
 *
 * One timeline maps recording time to episode time for everything that carries a time:
 * chapters, transcript cues, the review page's waveform, pauses and loudness curve.
 */
import type { TrimWindow } from './cleanup.js';

/** One removed span of the recording (s). */
export interface PauseCut {
  startSeconds: number;
  endSeconds: number;
}

/** What pause shortening did, for episode.json and the review page. */
export interface PauseReport {
  /** The limit (s), or null when pause shortening is off. */
  maxSeconds: number | null;
  /** Pauses longer than the limit inside the kept speech, and how many of them were shortened. */
  longer: number;
  shortened: number;
  /** Seconds of pauses removed in all. */
  removedSeconds: number;
  /** The removed spans, seconds of the recording. */
  cuts: PauseCut[];
}

/** Room always kept at each end of a pause (s), whatever a chapter mark asks: the detector's edges are 10 ms blocks, and a word's decay runs into them. */
export const PAUSE_EDGE_SECONDS = 0.15;
/** Shorter removals are not worth a cut (s). */
export const MIN_CUT_SECONDS = 0.05;
/** The crossfade at each cut, in samples of the episode (44.1 kHz): 20 ms. */
export const CUT_CROSSFADE_SAMPLES = 882;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The spans to remove: of each pause strictly inside the kept part (not the head or tail,
 * which the trim handles) longer than `maxSeconds`, the middle, leaving `maxSeconds`; no
 * span holds a chapter mark (`marks`, recording seconds).
 */
export function planPauseCuts(
  pauses: readonly (readonly [number, number])[],
  trim: Pick<TrimWindow, 'startSeconds' | 'endSeconds'>,
  maxSeconds: number | null | undefined,
  marks: readonly number[] = [],
): PauseReport {
  const report: PauseReport = { maxSeconds: maxSeconds ?? null, longer: 0, shortened: 0, removedSeconds: 0, cuts: [] };
  if (maxSeconds === null || maxSeconds === undefined || !(maxSeconds > 0)) return report;
  const edge = Math.min(PAUSE_EDGE_SECONDS, maxSeconds / 2);
  const sorted = [...pauses].sort((x, y) => x[0] - y[0]);
  for (const [a, b] of sorted) {
    if (!(a > trim.startSeconds && b < trim.endSeconds)) continue;
    const want = b - a - maxSeconds;
    if (want < MIN_CUT_SECONDS) continue;
    report.longer++;
    const ideal = { startSeconds: a + maxSeconds / 2, endSeconds: b - maxSeconds / 2 };
    // the room the cut may use, split at the chapter marks inside it
    const inside = marks.filter((m) => m > a + edge && m < b - edge).sort((x, y) => x - y);
    let cut: PauseCut | undefined = ideal;
    if (inside.some((m) => m > ideal.startSeconds && m < ideal.endSeconds)) {
      const bounds = [a + edge, ...inside, b - edge];
      cut = undefined;
      // the spans between marks, the one before the last mark first (it keeps that mark's
      // distance to the speech it opens), then the others: the longest removal wins
      const spans = bounds.slice(1).map((hi, i) => [bounds[i]!, hi] as const).reverse();
      for (const [lo, hi] of spans) {
        const len = Math.min(want, hi - lo);
        if (len < MIN_CUT_SECONDS || (cut && len <= cut.endSeconds - cut.startSeconds)) continue;
        // as near the ideal place as the span allows
        const start = Math.min(Math.max(ideal.startSeconds, lo), hi - len);
        cut = { startSeconds: start, endSeconds: start + len };
      }
    }
    if (!cut) continue;
    const c = { startSeconds: r3(cut.startSeconds), endSeconds: r3(cut.endSeconds) };
    if (c.endSeconds - c.startSeconds < MIN_CUT_SECONDS) continue;
    report.cuts.push(c);
    report.shortened++;
    report.removedSeconds += c.endSeconds - c.startSeconds;
  }
  report.removedSeconds = r3(report.removedSeconds);
  return report;
}

/** Recording time ↔ episode time. */
export interface Timeline {
  /** A time of the recording in the episode (ms precision): clipped to the kept part, a time inside a cut at the cut's place, kept inside the episode. */
  toEpisode(t: number): number;
  /** The time of the recording heard at episode time `t`; undefined over the music and outside the kept part. */
  toRecording(t: number): number | undefined;
  /** Seconds of the kept speech in the episode (the kept part minus the cuts). */
  speechSeconds: number;
}

/**
 * The one timeline of an episode: the kept part of the recording (`trim`) minus the cuts,
 * starting `offsetSeconds` into the episode (after the intro music). With no cuts it is the
 * head trim's shift.
 */
export function episodeTimeline(trim: Pick<TrimWindow, 'startSeconds' | 'endSeconds'>, cuts: readonly PauseCut[], offsetSeconds: number, episodeSeconds?: number): Timeline {
  const inside = cuts
    .filter((c) => c.startSeconds >= trim.startSeconds && c.endSeconds <= trim.endSeconds && c.endSeconds > c.startSeconds)
    .sort((x, y) => x.startSeconds - y.startSeconds);
  // removed before each cut, and the cut's start in speech time
  let removed = 0;
  const at = inside.map((c) => {
    const row = { ...c, before: removed, speechAt: c.startSeconds - trim.startSeconds - removed };
    removed += c.endSeconds - c.startSeconds;
    return row;
  });
  const speechSeconds = trim.endSeconds - trim.startSeconds - removed;
  const end = episodeSeconds ?? offsetSeconds + speechSeconds;
  const speechTime = (t: number): number => {
    const r = Math.min(trim.endSeconds, Math.max(trim.startSeconds, t));
    let gone = 0;
    for (const c of at) {
      if (r <= c.startSeconds) break;
      if (r < c.endSeconds) return c.speechAt;
      gone = c.before + (c.endSeconds - c.startSeconds);
    }
    return r - trim.startSeconds - gone;
  };
  return {
    speechSeconds,
    toEpisode: (t) => Math.round(Math.min(end, speechTime(t) + offsetSeconds) * 1000) / 1000,
    toRecording: (t) => {
      const s = t - offsetSeconds;
      if (s < 0) return undefined;
      let r = s + trim.startSeconds;
      for (const c of at) {
        // (a cut's two edges are one instant of the episode: it is the far edge, up to rounding)
        if (s < c.speechAt - 1e-9) break;
        r = s + trim.startSeconds + c.before + (c.endSeconds - c.startSeconds);
      }
      return r < trim.startSeconds || r > trim.endSeconds ? undefined : r;
    },
  };
}

/**
 * The graph lines that take the cuts out of the speech stream `[input]` (44.1 kHz, its
 * sample 0 at `trimStartSeconds` of the recording) into `[output]`: the kept pieces (each
 * with the crossfade's half overlap into the cut on either side) joined by equal-power
 * crossfades. Both are binary trees — the stream split in two at the middle cut, each half
 * split again — so a sample passes ~2·log2(cuts) filters, not one per cut (a chain of 300
 * crossfades cost 4.4 times the whole encode's CPU on a 30-minute recording). Undefined
 * when there is nothing to cut.
 */
export function cutGraph(cuts: readonly PauseCut[], trimStartSeconds: number, rate: number, input: string, output: string): string[] | undefined {
  if (cuts.length === 0) return undefined;
  const half = CUT_CROSSFADE_SAMPLES / 2;
  const sample = (t: number) => Math.round((t - trimStartSeconds) * rate);
  // kept piece k: from (undefined: the stream's start) to (undefined: its end), samples
  const pieces = Array.from({ length: cuts.length + 1 }, (_, k) => ({
    from: k === 0 ? undefined : sample(cuts[k - 1]!.endSeconds) - half,
    to: k === cuts.length ? undefined : sample(cuts[k]!.startSeconds) + half,
  }));
  const lines: string[] = [`[${input}]asetpts=N/SR/TB[pc_root]`];
  let label = 0;
  const next = () => `pc_${label++}`;
  const trim = (from: number | undefined, to: number | undefined, offset: number) =>
    `atrim=${[from !== undefined ? `start_sample=${from - offset}` : '', to !== undefined ? `end_sample=${to - offset}` : ''].filter(Boolean).join(':') || 'start_sample=0'},asetpts=N/SR/TB`;
  // pieces i..j of the stream `from` whose sample 0 is sample `offset` of the speech, joined into `out`
  const join = (i: number, j: number, from: string, offset: number, out: string): void => {
    if (i === j) {
      lines.push(`[${from}]${trim(pieces[i]!.from, pieces[i]!.to, offset)}[${out}]`);
      return;
    }
    const mid = (i + j) >> 1;
    const [a, b, l, r] = [next(), next(), next(), next()];
    const rightFrom = pieces[mid + 1]!.from!;
    lines.push(`[${from}]asplit=2[${a}][${b}]`);
    lines.push(`[${a}]${trim(undefined, pieces[mid]!.to, offset)}[${l}]`);
    lines.push(`[${b}]${trim(rightFrom, undefined, offset)}[${r}]`);
    const [lj, rj] = [next(), next()];
    join(i, mid, l, offset, lj);
    join(mid + 1, j, r, rightFrom, rj);
    lines.push(`[${lj}][${rj}]acrossfade=ns=${CUT_CROSSFADE_SAMPLES}:c1=qsin:c2=qsin[${out}]`);
  };
  join(0, pieces.length - 1, 'pc_root', 0, output);
  return lines;
}
