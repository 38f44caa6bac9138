/**
 * Was a section read, left out, or is it after the end of the recording?
 *
 * The reading-order choice (place.ts `chooseInOrder`) keeps a section wherever some
 * in-order position matches its opening at all; the sections it found clearly (goodness
 * ≥ `trustAbove` × the recording's typical one, standing out `trustPeak` times from the
 * section's other candidates: on a voice unlike espeak-ng the typical goodness is itself
 * near chance and every position of a section matches about as well) are trusted. Every
 * other section is judged between its clearly found neighbours on evidence that does not
 * depend on how alike the narrator and espeak-ng sound:
 *
 *   - room: the speech between the neighbours, less what the previous one needs at the
 *     recording's own pace, must leave at least `notReadMaxRoom` of the section's
 *     expected speech — a section read in a third of its time was not read;
 *   - its text: the opening, the middle and the end of the section (`partSeconds` each)
 *     are searched between the neighbours; a part is heard when its best position stands
 *     out from the other positions of the same search (`partMatchRatio`: a peak against
 *     its own background, not a level).
 *
 * A section with room whose text is heard is kept (flagged uncertain when its opening
 * matched weakly), at the position its match gives. Without room, or with no part of its
 * text heard anywhere between its neighbours, it is not read; after the last read section
 * that means the recording ends there (`after-end`). A false "not read" is worse than a
 * missed one, so a section whose text is heard very clearly (twice the ratio) is kept
 * with half the room (a neighbour misplaced by a long ad-lib, a fast reader), and the
 * section a partial recording stops in is kept when its opening is heard.
 */
import { typicalBoundaryPause } from './boundary.js';
import type { AlignParams } from './params.js';
import type { SectionCandidate, SectionStatus as Status } from './place.js';


/** The best evidence that a section's text is heard in a window. */
export interface PartEvidence {
  /** Best part's peak ratio (best position's goodness over the other positions'). */
  ratio: number;
  /** Where the section would start, from that part's position (s), or NaN. */
  startSeconds: number;
  /** Which part (for diagnostics). */
  part: 'opening' | 'middle' | 'end' | 'none';
  goodness: number;
  /** The opening's own peak ratio and start (a partial recording may hold only the opening). */
  openingRatio: number;
  openingStartSeconds: number;
}

export interface DecideInput {
  cands: SectionCandidate[][];
  /** chooseInOrder's choice: candidate index or −1. */
  choice: number[];
  typicalGoodness: number;
  /** Expected speech of each section in the recording (s). */
  expectedSpeech: ArrayLike<number>;
  /** Earliest start of the next section after a found section k (s after k). */
  minGap: (k: number) => number;
  /** Speech seconds in [t0, t1) of the recording. */
  speechBetween: (t0: number, t1: number) => number;
  /** Last second of speech in the recording. */
  speechEndSeconds: number;
  /** Where the whole-text path puts section k (s). */
  pathEstimate: (k: number) => number;
  /** The recording's pauses (s), in order. */
  pauses: readonly { startSeconds: number; endSeconds: number }[];
  durationSeconds: number;
  /** Evidence for section k's text in [from, to) seconds. */
  hear: (k: number, from: number, to: number) => Promise<PartEvidence>;
  /** Where section k's last words match best in [from, to) s: their peak ratio and where they end. */
  lastWords?: (k: number, from: number, to: number) => Promise<{ ratio: number; endsAt: number; endsBy?: number } | undefined>;
  params: AlignParams;
}

export interface Decision {
  status: Status[];
  /** Candidate index per section (read), −1 otherwise; `cands` may gain one from the evidence. */
  choice: number[];
  uncertain: boolean[];
  /** Per section: its opening's match was trusted without further question. */
  trusted: boolean[];
  /** Per section: why (for diagnostics and warnings). */
  reasons: string[];
}

/** A peak ratio: a match's goodness over the mean of the others' (never below the floor). */
export function peakRatio(goodness: number, others: readonly { goodness: number }[], floor: number): number {
  const rest = others.map((c) => Math.max(0, c.goodness));
  return goodness / Math.max(floor, rest.length ? rest.reduce((a, b) => a + b, 0) / rest.length : 0);
}

/** Candidate c of a section stands out from the section's candidates away from it. */
function standsOut(cands: readonly SectionCandidate[], c: number, P: AlignParams, G: number): boolean {
  const away = cands.filter((y) => Math.abs(y.seconds - cands[c].seconds) > P.trustAwaySeconds);
  return peakRatio(cands[c].goodness, away, Math.max(1e-3, P.partFloor * G)) >= P.trustPeak;
}

/** Heard well enough to keep with half the room. */
function heardClearly(ev: PartEvidence, P: AlignParams): boolean {
  return ev.ratio >= 2 * P.partMatchRatio;
}

export async function decideSections(input: DecideInput): Promise<Decision> {
  // a section's parts are searched once per window: the rival check and the section's own
  // turn ask for the same one
  const heard = new Map<string, Promise<PartEvidence>>();
  const x: DecideInput = {
    ...input,
    hear: (k, from, to) => {
      const key = `${k}:${from}:${to}`;
      let ev = heard.get(key);
      if (!ev) heard.set(key, (ev = input.hear(k, from, to)));
      return ev;
    },
  };
  const P = x.params;
  const K = x.cands.length;
  const G = x.typicalGoodness;
  const choice = x.choice.slice();
  const status: Status[] = new Array(K).fill('read');
  const uncertain = new Array<boolean>(K).fill(false);
  const reasons = new Array<string>(K).fill('');
  const at = (k: number) => x.cands[k][choice[k]].seconds;
  const strong = choice.map((c, k) => c >= 0 && x.cands[k][c].goodness >= P.trustAbove * G && standsOut(x.cands[k], c, P, G));
  for (let k = 0; k < K; k++) if (strong[k]) reasons[k] = 'opening matched clearly';

  let k = 0;
  while (k < K) {
    if (strong[k]) {
      k++;
      continue;
    }
    // a run of sections not found clearly, between clearly found neighbours p and n
    const p = k - 1;
    let n = k;
    while (n < K && !strong[n]) n++;
    const lo = p >= 0 ? at(p) : 0;
    const from = p >= 0 ? at(p) + x.minGap(p) : 0;
    const to = n < K ? at(n) : x.durationSeconds;
    let avail = x.speechBetween(lo, n < K ? to : x.speechEndSeconds) - (p >= 0 ? x.expectedSpeech[p] : 0);
    let last = from;
    // at the end: once the section the recording stops in is found, nothing after it is read
    let stopped = false;
    for (let q = k; q < n; q++) {
      if (stopped) {
        choice[q] = -1;
        status[q] = 'after-end';
        reasons[q] = 'after the section the recording stops in';
        continue;
      }
      const need = Math.max(1e-6, x.expectedSpeech[q]);
      const lower = Math.max(from, last);
      const ev: PartEvidence = to - lower > 1 ? await x.hear(q, lower, to) : { ratio: 0, startSeconds: NaN, part: 'none', goodness: 0, openingRatio: 0, openingStartSeconds: NaN };
      const room = avail / need;
      const heard = ev.ratio >= P.partMatchRatio;
      // the section being read when a recording stops: its opening is heard, its room is
      // whatever was recorded of it
      // (some speech must be left after what the sections before it need)
      // (or its opening is heard very clearly: the expected speech of the ones before is an estimate)
      const inProgress = n === K && ev.openingRatio >= P.partMatchRatio && (avail > P.inProgressMinSeconds || ev.openingRatio >= 2 * P.partMatchRatio);
      let keep = (heard && (room >= P.notReadMaxRoom || inProgress)) || (heardClearly(ev, P) && room >= 0.5 * P.notReadMaxRoom);
      // (a section that does not fit whole gives way to a later one in the run that would
      // fit only without it and whose text stands out more: the room goes to the clearer one)
      const rival = keep && room < 1 && !inProgress ? await clearerRival(x, q, n, lower, to, avail, ev) : undefined;
      if (rival !== undefined) keep = false;
      if (!keep) {
        choice[q] = -1;
        status[q] = n < K ? 'not-read' : 'after-end';
        reasons[q] = rival !== undefined ? `room ${room.toFixed(2)} goes to section ${rival + 1} (its text stands out more: peak ${ev.ratio.toFixed(2)} here)` : `${room < P.notReadMaxRoom ? `no room (${Math.max(0, room).toFixed(2)} of its expected speech)` : 'room'}; ${heard ? 'text heard' : 'no part of its text heard'} (peak ${ev.ratio.toFixed(2)})`;
        continue;
      }
      // read: at the chosen candidate when it lies in the window, else where the heard part puts it
      const c = choice[q];
      // (…unless its opening is heard elsewhere in the window, where the whole-text path
      // puts it too: two independent places agree against a weak candidate)
      // (…or the candidate does not stand out from the section's others while its opening
      // stands out in the window: a peak is evidence, a weak candidate among alike ones is not)
      const openingHere = ev.openingRatio >= P.partMatchRatio && ev.openingStartSeconds >= lower && ev.openingStartSeconds < to;
      const agreed = openingHere && (Math.abs(ev.openingStartSeconds - x.pathEstimate(q)) <= P.restartPathSeconds || (c >= 0 && !standsOut(x.cands[q], c, P, G)));
      const inWindow = c >= 0 && at(q) >= lower - 0.5 && at(q) < to && !(agreed && Math.abs(at(q) - ev.openingStartSeconds) > 2);
      if (!inWindow && agreed) {
        x.cands[q].push({ seconds: ev.openingStartSeconds, goodness: ev.goodness });
        choice[q] = x.cands[q].length - 1;
      } else if (!inWindow) {
        const from = inProgress && !(room >= P.notReadMaxRoom) ? ev.openingStartSeconds : ev.startSeconds;
        const est = Number.isFinite(from) ? Math.min(to - 0.5, Math.max(lower, from)) : lower;
        x.cands[q].push({ seconds: est, goodness: ev.goodness });
        choice[q] = x.cands[q].length - 1;
      }
      // (where it was heard must leave it room before the next found section too: heard
      // only a third of its time before the next one starts, it is a phrase alike, not it)
      const placedRoom = x.speechBetween(at(q), to) / need;
      if (n < K && placedRoom < P.notReadMaxRoom && !heardClearly(ev, P)) {
        choice[q] = -1;
        status[q] = 'not-read';
        reasons[q] = `where its text is heard (${ev.part}, peak ${ev.ratio.toFixed(2)}) leaves it ${Math.max(0, placedRoom).toFixed(2)} of its expected speech before the next section`;
        continue;
      }
      uncertain[q] = x.cands[q][choice[q]].goodness < P.uncertainBelow * G;
      // (the section before it must be over where it is placed: its last words heard best and
      // clearly after that place mean the opening heard there is a phrase alike inside it)
      if (inProgress && !(room >= P.notReadMaxRoom) && p >= 0 && x.lastWords) {
        let before = q - 1;
        while (before >= 0 && (status[before] !== 'read' || choice[before] < 0)) before--;
        // (searched from the earliest end of that section on: a few seconds of positions make no peak)
        const words = before >= 0 ? await x.lastWords(before, at(before) + x.minGap(before), x.speechEndSeconds + 0.5) : undefined;
        if (words !== undefined && words.ratio >= P.partMatchRatio && words.endsAt > at(q) + x.minGap(q)) {
          // (…and when they end the recording's speech, that section was read to its end and
          // this one not at all: not read, the recording is complete)
          const finished = x.speechBetween(words.endsAt, x.speechEndSeconds) <= 1;
          choice[q] = -1;
          status[q] = finished ? 'not-read' : 'after-end';
          reasons[q] = `${finished ? 'not read' : 'the recording stops before it'}: section ${before + 1}'s last words are heard after where its opening seemed to be (ending at ${words.endsAt.toFixed(2)} s, peak ${words.ratio.toFixed(2)})`;
          stopped = !finished;
          continue;
        }
      }
      if (inProgress && !(room >= P.notReadMaxRoom) && !heardClearly(ev, P)) stopped = true;
      reasons[q] = `kept: room ${room.toFixed(2)}, ${ev.part} heard (peak ${ev.ratio.toFixed(2)})`;
      avail -= need;
      last = at(q) + x.minGap(q);
    }
    k = n;
  }
  // a trailing run of after-end sections only counts as the end when nothing after it is read
  let tail = K - 1;
  while (tail >= 0 && status[tail] !== 'read') tail--;
  if (tail >= 0 && tail + 1 < K && status[tail + 1] === 'after-end') {
    const next = spokenPastItsEnd(x, tail, at(tail), status, choice);
    if (next !== undefined) {
      x.cands[tail + 1].push({ seconds: next, goodness: 0 });
      choice[tail + 1] = x.cands[tail + 1].length - 1;
      status[tail + 1] = 'read';
      uncertain[tail + 1] = true;
      reasons[tail + 1] = `in progress when the recording stops: more is said after ${x.cands[tail][choice[tail]].seconds.toFixed(2)} s than the section before needs, after a pause like those between sections (${next.toFixed(2)} s)`;
      tail++;
    } else if (x.lastWords && (await heardToItsEnd(x, tail, at(tail)))) {
      // (the last section read was heard to its end and closing words follow: the recording
      // did not stop inside it, and nothing after it opens the next section — the rest is not
      // read, the recording is complete)
      for (let q = tail + 1; q < K; q++) {
        status[q] = 'not-read';
        reasons[q] += `; not read: section ${tail + 1} is heard to its end before the recording's end`;
      }
    }
  }
  for (let q = 0; q < tail; q++) if (status[q] === 'after-end') status[q] = 'not-read';
  return { status, choice, uncertain, trusted: strong, reasons };
}

/**
 * A later section r of the run (q < r < n) whose text is heard more clearly than q's and
 * that has room only if q is not read: returns its index. Timing and peak ratios only.
 */
async function clearerRival(x: DecideInput, q: number, n: number, lower: number, to: number, avail: number, ev: PartEvidence): Promise<number | undefined> {
  const P = x.params;
  const left = avail - x.expectedSpeech[q];
  for (let r = q + 1; r < n && r < x.cands.length; r++) {
    const need = Math.max(1e-6, x.expectedSpeech[r]);
    if (avail / need < P.notReadMaxRoom || left / need >= P.notReadMaxRoom) continue;
    const evR = await x.hear(r, lower, to);
    if (evR.ratio >= P.partMatchRatio && evR.ratio > ev.ratio) return r;
  }
  return undefined;
}

/**
 * The last read section `L` (at `t` s) is heard to its end and the narrator goes on with
 * closing words: its last words match clearly (a peak in the window) where the speech from
 * its start holds most of its expected speech, and more is said after them — at least the
 * short opening the next section would be heard by (it was not). A search for words that
 * are not in the recording still finds a best place, sometimes a clear one; a recording cut
 * inside the section has less than its expected speech after its start, so a place that
 * leaves it most of it is its real end. A recording that stops right at that end is a
 * recording that stops early (the rest is after its end), as before.
 */
async function heardToItsEnd(x: DecideInput, L: number, t: number): Promise<boolean> {
  const P = x.params;
  const words = await x.lastWords!(L, t + x.minGap(L), x.speechEndSeconds + 0.5);
  if (words === undefined || words.ratio < P.partMatchRatio) return false;
  // (the section's own speech up to where its last words end at the earliest; the closing
  // words from where they have surely ended)
  const end = Math.min(words.endsAt, x.speechEndSeconds);
  const over = Math.min(Math.max(words.endsBy ?? words.endsAt, words.endsAt), x.speechEndSeconds);
  return x.speechBetween(t, end) >= P.heardToEndFraction * x.expectedSpeech[L] && x.speechBetween(over, x.speechEndSeconds) >= P.tailOpeningSeconds;
}

/**
 * The last read section `L` (at `t` s) holds less than what is said after it: when the
 * speech after `t` clearly exceeds L's expected speech, and a pause as long as those in
 * front of the read sections follows most of that expected speech, the next section starts
 * after that pause (its opening too short to be heard: a recording cut a second into it).
 * Timing only — nothing here depends on how the voice sounds.
 */
function spokenPastItsEnd(x: DecideInput, L: number, t: number, status: readonly Status[], choice: readonly number[]): number | undefined {
  const P = x.params;
  const need = x.expectedSpeech[L];
  const said = x.speechBetween(t, x.speechEndSeconds);
  if (!(said > P.pastEndFactor * need + P.inProgressMinSeconds)) return undefined;
  // the pauses in front of the read sections: what a section boundary sounds like here
  const marks = status.flatMap((st, k) => (st === 'read' && choice[k] >= 0 ? [x.cands[k][choice[k]].seconds] : []));
  const typical = typicalBoundaryPause(x.pauses, marks);
  if (!Number.isFinite(typical)) return undefined;
  for (const p of x.pauses) {
    if (p.startSeconds <= t) continue;
    const before = x.speechBetween(t, p.startSeconds);
    if (before > P.pastEndFactor * need + 0.5) break;
    if (before < 0.6 * need || p.endSeconds - p.startSeconds < 0.7 * typical) continue;
    return x.speechBetween(p.endSeconds, x.speechEndSeconds) >= P.inProgressMinSeconds ? p.endSeconds : undefined;
  }
  return undefined;
}
