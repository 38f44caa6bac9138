/**
 * Where each spoken fragment of a real reading in ../shared/speech lies in its audio.
 *
 * The .txt beside each reading lists its fragments in spoken order (sonnets: one line per
 * fragment, the heading "I"/"II"/"III" first; reading-de/-es: `id|text`). We decode the
 * mp3 (16 kHz mono), measure 10 ms frame levels, find the pauses with the aligner's own
 * pause finder (src/signal/pauses.ts) and choose N−1 of the pauses inside the speech as
 * the fragment boundaries (see spansFromLevels; the N−1 longest alone do not work: readers
 * pause at commas as long as at line ends): fragment k runs from the end of boundary
 * pause k−1 (or the speech start) to the start of boundary pause k (or the speech end).
 *
 * Validation, or the build fails loudly: fragment durations must correlate with their
 * character counts (Pearson r ≥ MIN_R, verse MIN_R_VERSE; the choice favours such durations, so this alone
 * is partly by construction) AND the chosen boundary pauses must be clearly longer than the
 * other pauses (mean ≥ 1.5×, verse 3×; a split that fits lengths by cutting mid-phrase fails this).
 * Both are printed.
 *
 * Nothing of ../shared is copied into the project: the spans (and character counts) are
 * derived at build time and cached under .cache/eval/fragments/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedDir } from '../devkit/narrations.js';
import { decodePcm } from '../media/ffmpeg.js';
import { findPauses, type Pause } from '../signal/pauses.js';
import { frameDb } from './compose.js';

export const READINGS = ['sonnet-p001', 'sonnet-p002', 'sonnet-p003', 'reading-de', 'reading-es'] as const;
export type Reading = (typeof READINGS)[number];

/** Bump when the detection changes (cached spans are recomputed). */
const FRAGMENTS_VERSION = 1;
/**
 * Minimum r. Verse is held to a lower r and a clearer pause contrast: the sonnets' lines
 * are all ten syllables, so character counts explain little of their durations (measured
 * r 0.76–0.78 on splits whose boundary pauses are 5× longer than the others).
 */
export const MIN_R = 0.8;
export const MIN_R_VERSE = 0.7;
const MIN_PAUSE_RATIO = 1.5;
const MIN_PAUSE_RATIO_VERSE = 3;
const RATE = 16000;
const FRAME = 0.01;

export interface FragmentSpan {
  /** Characters of its text (letters and digits only). */
  chars: number;
  startSeconds: number;
  endSeconds: number;
}

export interface ReadingFragments {
  reading: Reading;
  /** Path relative to ../shared. */
  file: string;
  fragments: FragmentSpan[];
  /** Pearson r of fragment duration vs character count. */
  r: number;
  /** Mean length (s) of the pauses chosen as boundaries, and of the other pauses inside the speech. */
  boundaryMeanPause: number;
  otherMeanPause: number;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2 || y.length !== n) return Number.NaN;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** The fragment texts of a reading, in spoken order (read from ../shared at build time). */
export async function fragmentTexts(reading: Reading): Promise<string[]> {
  const raw = await readFile(join(sharedDir(), 'speech', `${reading}.txt`), 'utf8');
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  return reading.startsWith('reading-') ? lines.map((l) => l.slice(l.indexOf('|') + 1).trim()) : lines;
}

const chars = (s: string) => (s.match(/[\p{L}\p{N}]/gu) ?? []).length;

/**
 * Fragment spans from frame levels (pure; exported for tests). Pauses alone do not
 * separate fragments (a reader pauses at commas as long as at line ends), so the `count − 1`
 * boundaries are chosen among the pauses inside the speech by dynamic programming: long
 * pauses are rewarded (log of their length) and each fragment's duration is held to what
 * its characters predict (duration ≈ β + ρ·chars, ρ and β refitted once on the first
 * choice). Deterministic.
 */
export function spansFromLevels(
  db: Float32Array,
  charCounts: readonly number[],
): { spans: [number, number][]; boundaryMeanPause: number; otherMeanPause: number } {
  const count = charCounts.length;
  const a = findPauses(db, FRAME, { minPauseSeconds: 0.05 });
  const start = a.speechStart;
  const end = a.speechEnd;
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error('no speech found');
  let inner = a.pauses.filter((p) => p.startSeconds > start && p.endSeconds < end);
  // a noisy or run-on reading: too few pauses for a choice; dips below a higher threshold
  // (floor + f × (speech − floor), f raised until there are 1.5× as many as needed)
  for (const f of [0.45, 0.55, 0.65]) {
    if (inner.length >= 1.5 * (count - 1)) break;
    inner = dips(db, a.floorDb + f * (a.speechDb - a.floorDb)).filter((p) => p.startSeconds > start && p.endSeconds < end);
  }
  if (inner.length < count - 1) throw new Error(`only ${inner.length} pauses inside the speech for ${count} fragments`);
  const M = inner.length;
  // node j: 0 = speech start, 1..M = pause j−1, M+1 = speech end
  const nodeEnd = (j: number) => (j === 0 ? start : inner[j - 1].endSeconds); // where the next fragment starts
  const nodeStart = (j: number) => (j === M + 1 ? end : inner[j - 1].startSeconds); // where the fragment before it ends
  const reward = (j: number) => 2 * Math.log(Math.max(0.05, inner[j - 1].endSeconds - inner[j - 1].startSeconds) / 0.1);
  const totalChars = charCounts.reduce((x, c) => x + c, 0);
  let beta = 0.3;
  let rho = Math.max(0.01, (end - start - count * (beta + 0.4)) / totalChars);
  let best: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    const fragCost = (k: number, i: number, j: number) => {
      const d = nodeStart(j) - nodeEnd(i);
      if (d <= 0.05) return Infinity;
      const e = beta + rho * charCounts[k];
      const z = (d - e) / (0.25 * e + 0.25);
      return z * z;
    };
    // cost[k][j]: fragments 0..k−1 placed, fragment k−1 ends at node j
    const INF = Infinity;
    const cost: Float64Array[] = Array.from({ length: count + 1 }, () => new Float64Array(M + 2).fill(INF));
    const from: Int32Array[] = Array.from({ length: count + 1 }, () => new Int32Array(M + 2).fill(-1));
    cost[0][0] = 0;
    for (let k = 0; k < count; k++) {
      for (let i = 0; i <= M; i++) {
        if (cost[k][i] === INF) continue;
        const last = k === count - 1;
        for (let j = i + 1; j <= M + 1; j++) {
          if (last !== (j === M + 1)) continue;
          const c = cost[k][i] + fragCost(k, i, j) - (last ? 0 : reward(j));
          if (c < cost[k + 1][j]) {
            cost[k + 1][j] = c;
            from[k + 1][j] = i;
          }
        }
      }
    }
    if (cost[count][M + 1] === INF) throw new Error('no split of the speech into its fragments');
    const path: number[] = [M + 1];
    for (let k = count; k > 0; k--) path.push(from[k][path[path.length - 1]]);
    best = path.reverse(); // nodes 0, b1, …, M+1
    // refit duration ≈ β + ρ·chars on this choice
    const d = charCounts.map((_, k) => nodeStart(best[k + 1]) - nodeEnd(best[k]));
    const mc = totalChars / count;
    const md = d.reduce((x, v) => x + v, 0) / count;
    let sxy = 0;
    let sxx = 0;
    for (let k = 0; k < count; k++) {
      sxy += (charCounts[k] - mc) * (d[k] - md);
      sxx += (charCounts[k] - mc) ** 2;
    }
    if (sxx > 0 && sxy > 0) {
      rho = sxy / sxx;
      beta = Math.max(0, md - rho * mc);
    }
  }
  const spans: [number, number][] = [];
  for (let k = 0; k < count; k++) spans.push([nodeEnd(best[k]), nodeStart(best[k + 1])]);
  const chosen = new Set(best.slice(1, -1));
  const len = (j: number) => inner[j - 1].endSeconds - inner[j - 1].startSeconds;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((x, v) => x + v, 0) / xs.length : 0);
  const all = Array.from({ length: M }, (_, i) => i + 1);
  return {
    spans,
    boundaryMeanPause: mean(all.filter((j) => chosen.has(j)).map(len)),
    otherMeanPause: mean(all.filter((j) => !chosen.has(j)).map(len)),
  };
}

/** Runs of ≥ 3 frames whose 3-frame mean level is below `thr`. */
function dips(db: Float32Array, thr: number): Pause[] {
  const out: Pause[] = [];
  const n = db.length;
  const smooth = (i: number) => (db[Math.max(0, i - 1)] + db[i] + db[Math.min(n - 1, i + 1)]) / 3;
  for (let i = 0; i < n; ) {
    if (smooth(i) >= thr) {
      i++;
      continue;
    }
    let k = i;
    while (k < n && smooth(k) < thr) k++;
    if (k - i >= 3) out.push({ startSeconds: i * FRAME, endSeconds: k * FRAME });
    i = k;
  }
  return out;
}

async function detect(reading: Reading): Promise<ReadingFragments> {
  const file = `speech/${reading}.mp3`;
  const texts = await fragmentTexts(reading);
  const x = await decodePcm(join(sharedDir(), file), RATE);
  const db = Float32Array.from(frameDb(x, RATE, FRAME));
  const counts = texts.map(chars);
  const { spans, boundaryMeanPause, otherMeanPause } = spansFromLevels(db, counts);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const fragments = spans.map(([a, b], k) => ({ chars: counts[k], startSeconds: r3(a), endSeconds: r3(b) }));
  const r = pearson(
    fragments.map((f) => f.chars),
    fragments.map((f) => f.endSeconds - f.startSeconds),
  );
  return { reading, file, fragments, r: Math.round(r * 1e4) / 1e4, boundaryMeanPause: r3(boundaryMeanPause), otherMeanPause: r3(otherMeanPause) };
}

const memo = new Map<string, Promise<ReadingFragments>>();

/**
 * The fragment spans of a reading, detected once and cached in `<cacheRoot>/fragments/`.
 * Throws unless they validate (r ≥ MIN_R).
 */
export function readingFragments(reading: Reading, cacheRoot: string): Promise<ReadingFragments> {
  const key = `${cacheRoot}|${reading}`;
  let p = memo.get(key);
  if (!p) {
    p = (async () => {
      const file = join(cacheRoot, 'fragments', `${reading}-v${FRAGMENTS_VERSION}.json`);
      let f: ReadingFragments;
      if (existsSync(file)) f = JSON.parse(await readFile(file, 'utf8')) as ReadingFragments;
      else {
        f = await detect(reading);
        console.error(
          `fragments of ${reading}: ${f.fragments.length}, duration vs characters r = ${f.r.toFixed(3)} (mean boundary pause ${f.boundaryMeanPause.toFixed(2)} s, other pauses ${f.otherMeanPause.toFixed(2)} s)`,
        );
      }
      const verse = reading.startsWith('sonnet');
      const minR = verse ? MIN_R_VERSE : MIN_R;
      const ratio = verse ? MIN_PAUSE_RATIO_VERSE : MIN_PAUSE_RATIO;
      if (!(f.r >= minR) || !(f.boundaryMeanPause >= ratio * f.otherMeanPause)) {
        throw new Error(`fragment spans of ${reading} do not validate: duration vs characters r = ${f.r.toFixed(3)} (need ≥ ${minR}), mean boundary pause ${f.boundaryMeanPause} s vs other pauses ${f.otherMeanPause} s (need ≥ ${ratio}×); the pause-based split is wrong, refusing to build cases from it`);
      }
      if (!existsSync(file)) {
        await mkdir(join(cacheRoot, 'fragments'), { recursive: true });
        await writeFile(file, JSON.stringify(f, null, 1));
      }
      return f;
    })();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}
