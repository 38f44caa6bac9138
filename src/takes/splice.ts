/**
 * Replace a span of a recording with a pickup: the span is cut in the pauses around it
 * (EDGE_SECONDS of room tone before and after it, at most half of each pause), the
 * pickup's speech goes in between at the recording's loudness around the cut,
 * with the recording's own room tone in place of the pickup's around its speech, joined
 * with short equal-power crossfades inside that room tone. Everything outside the cut and
 * its crossfades is the recording's samples, untouched. The recording and the pickup are
 * only read; the result is a new mono float WAV.
 */
import { measureLoudness } from '../audio/loudness.js';
import { decodePcm } from '../media/ffmpeg.js';
import { probeAudio } from '../media/probe.js';
import type { Pause } from '../signal/pauses.js';
import { crossfade, loopTone, roomTone } from './pcm.js';
import { WavWriter } from '../signal/wav.js';

export const SPLICE_CROSSFADE_SECONDS = 0.03;
/** Room tone kept before and after the replaced speech (at most half the pause there). */
const EDGE_SECONDS = 0.3;
/** Fade between the recording's room tone and the pickup's speech edges. */
const TONE_FADE_SECONDS = 0.01;
/** A span's edge is moved to speech that a pause this near it bounds. */
const SNAP_SECONDS = 0.35;

export interface SpanInRecording {
  /** Speech of the replaced span (s in the recording), snapped to the pauses around it. */
  startSeconds: number;
  endSeconds: number;
  /** Where the recording is cut (s): inside the pauses before and after. */
  cutStartSeconds: number;
  cutEndSeconds: number;
  /** Where the pause after the span ends (s): the cut's end may move up to it (less its crossfade). */
  pauseEndSeconds?: number;
}

/**
 * The replaced span in the recording from an estimate of where its speech starts and
 * ends: each edge goes to the nearest pause boundary (speech starts where a pause ends,
 * ends where one starts) within SNAP_SECONDS, and the cut to the pause's inside.
 */
/**
 * How far above the pause's own floor speech still is: its onset and its decay belong to it.
 * Above what the room does on its own: a room's 30 ms level swings over its 20th percentile
 * (in the tune cases' pauses, away from speech: the 90th percentile a median 3.3–3.4 dB over
 * it in the pink rooms at −56 to −60 dBFS, 6.3 dB in the quiet brown one at −68 dBFS). At 2 dB, over
 * the room's median, an edge walked on through noise: 0.18 s past a festival kal_diphone
 * summary's last audible sound (tune case pk-demo-festival-kal, issue 17).
 */
const EDGE_ABOVE_FLOOR_DB = 4;
/** How far into a pause an edge may move (s). */
const EDGE_MAX_SECONDS = 0.3;
/**
 * A final stop's closure (s) and how far over the floor its release is (dB): fitted on the
 * tune case pk-demo-festival-hts-quiet ("…do not really want.": vowel, 70 ms of closure at the
 * floor, a release 20 dB over it; the end was 0.113 s early, the release left in the recording).
 */
const RELEASE_GAP_SECONDS = 0.12;
const RELEASE_ABOVE_FLOOR_DB = 10;

/**
 * Where speech really starts or ends at a pause: the pause detector's threshold sits well
 * above the room (between floor and speech), so a word's onset and decay (a breath, a
 * trailing consonant) fall inside the detected pause. The edge moves into the pause while
 * the level (30 ms) stays EDGE_ABOVE_FLOOR_DB over the pause's floor (its 20th percentile).
 */
export function speechEdge(energy: { blockDb: Float32Array; blockSeconds: number }, pause: Pause, side: 'start' | 'end'): number {
  const { blockDb, blockSeconds: b } = energy;
  const a = Math.max(0, Math.floor(pause.startSeconds / b));
  const z = Math.min(blockDb.length, Math.ceil(pause.endSeconds / b));
  if (z - a < 5) return side === 'start' ? pause.endSeconds : pause.startSeconds;
  // 30 ms power averages: single 10 ms blocks of room noise swing by a few dB
  const smooth = (i: number) => {
    let p = 0;
    let n = 0;
    for (let k = i - 1; k <= i + 1; k++) {
      if (k < 0 || k >= blockDb.length) continue;
      p += 10 ** (blockDb[k] / 10);
      n++;
    }
    return 10 * Math.log10(p / Math.max(1, n));
  };
  const levels = Array.from({ length: z - a }, (_, k) => smooth(a + k)).sort((x, y) => x - y);
  const floor = levels[Math.floor(0.2 * (levels.length - 1))];
  const limit = Math.round(Math.min(EDGE_MAX_SECONDS, (pause.endSeconds - pause.startSeconds) / 2) / b);
  if (side === 'end') {
    let k = 0;
    while (k < limit && a + k < z && smooth(a + k) > floor + EDGE_ABOVE_FLOOR_DB) k++;
    // a final stop (want, budget): its closure is near silence, then its release; a burst
    // RELEASE_ABOVE_FLOOR_DB over the floor within RELEASE_GAP_SECONDS of the edge is still the word
    const gap = Math.round(RELEASE_GAP_SECONDS / b);
    for (;;) {
      let j = k;
      while (j < limit && a + j < z && j - k <= gap && smooth(a + j) <= floor + RELEASE_ABOVE_FLOOR_DB) j++;
      if (j >= limit || a + j >= z || j - k > gap) break;
      k = j;
      while (k < limit && a + k < z && smooth(a + k) > floor + EDGE_ABOVE_FLOOR_DB) k++;
    }
    return (a + k) * b;
  }
  let k = 0;
  while (k < limit && z - 1 - k >= a && smooth(z - 1 - k) > floor + EDGE_ABOVE_FLOOR_DB) k++;
  return (z - k) * b;
}

export function spanInRecording(estimateStart: number, estimateEnd: number, pauses: readonly Pause[], durationSeconds: number, energy?: { blockDb: Float32Array; blockSeconds: number }): SpanInRecording {
  const near = (t: number, pick: (p: Pause) => number) =>
    pauses
      .map((p) => ({ p, d: Math.abs(pick(p) - t) }))
      .filter((x) => x.d <= SNAP_SECONDS)
      .sort((a, b) => a.d - b.d)[0]?.p;
  const before = near(estimateStart, (p) => p.endSeconds);
  const after = near(estimateEnd, (p) => p.startSeconds);
  let startSeconds = before ? before.endSeconds : estimateStart;
  let endSeconds = after ? after.startSeconds : estimateEnd;
  if (energy && before) startSeconds = speechEdge(energy, before, 'start');
  if (energy && after) endSeconds = speechEdge(energy, after, 'end');
  const lead = before ? Math.max(0.02, Math.min(EDGE_SECONDS, (startSeconds - before.startSeconds) / 2)) : 0.05;
  const tail = after ? Math.max(0.02, Math.min(EDGE_SECONDS, (after.endSeconds - endSeconds) / 2)) : 0.05;
  return {
    startSeconds,
    endSeconds,
    cutStartSeconds: Math.max(0, startSeconds - lead),
    cutEndSeconds: Math.min(durationSeconds, endSeconds + tail),
    ...(after ? { pauseEndSeconds: Math.min(durationSeconds, after.endSeconds) } : {}),
  };
}

export interface SpliceResult {
  file: string;
  sampleRate: number;
  durationSeconds: number;
  /** The cut in the recording and where the pickup's part sits in the new one (s). */
  cutStartSeconds: number;
  cutEndSeconds: number;
  /** The pickup's part in the new recording: [cutStart, insertedEnd); after it the recording resumes (shifted by `shiftSeconds`). */
  insertedEndSeconds: number;
  /** The pickup's speech in the new recording. */
  newStartSeconds: number;
  newEndSeconds: number;
  shiftSeconds: number;
  gainDb: number;
  /** The part of the pickup used (its speech, s in the pickup). */
  pickupStartSeconds: number;
  pickupEndSeconds: number;
  /** Seams (s in the new recording): the two crossfades' centres. */
  seams: [number, number];
}

/** Room tone of the recording kept after the replaced speech at least, when the cut's end is moved (s). */
const MIN_TAIL_SECONDS = 0.02;

/** Seconds of the recording either side of the cut whose loudness the pickup is brought to (the narrator's level there). */
const LOCAL_SECONDS = 20;

/** Integrated loudness (ebur128) of a file, or of [from, to] s of it. */
async function integrated(file: string, from?: number, to?: number): Promise<number> {
  const trim = from !== undefined && to !== undefined ? `atrim=start=${from.toFixed(3)}:end=${to.toFixed(3)}` : undefined;
  return (await measureLoudness(file, trim)).integratedLufs;
}

export async function splicePickup(opts: {
  recording: string;
  pickup: string;
  span: SpanInRecording;
  /** The pickup's speech (s in the pickup). */
  pickupSpeech: { startSeconds: number; endSeconds: number };
  out: string;
  sampleRate: number;
  /**
   * Make the length change a multiple of this many samples (master.ts frameQuantum: whole
   * MP3 frames of the episode), by moving the cut's end inside the pause after the span
   * (or, without room there, by a little more room tone after the pickup's speech).
   */
  shiftQuantum?: number;
}): Promise<SpliceResult> {
  const { sampleRate: rate, span } = opts;
  const [rec, pick, recLufs, pickLufs] = await Promise.all([
    decodePcm(opts.recording, rate),
    decodePcm(opts.pickup, rate),
    integrated(opts.recording, Math.max(0, span.cutStartSeconds - LOCAL_SECONDS), span.cutEndSeconds + LOCAL_SECONDS),
    integrated(opts.pickup),
  ]);
  const gainDb = Number.isFinite(recLufs) && Number.isFinite(pickLufs) ? recLufs - pickLufs : 0;
  const g = 10 ** (gainDb / 20);
  const s = (t: number) => Math.max(0, Math.min(rec.length, Math.round(t * rate)));
  const cutA = s(span.cutStartSeconds);
  let cutB = s(span.cutEndSeconds);
  const lead = s(span.startSeconds) - cutA;
  let tail = cutB - s(span.endSeconds);
  const xf = Math.round(SPLICE_CROSSFADE_SECONDS * rate);
  // the recording's room tone, from near the cut (else anywhere in it)
  const around = rec.subarray(Math.max(0, cutA - 20 * rate), Math.min(rec.length, cutB + 20 * rate));
  const tone = roomTone(around, rate, 0.3) ?? roomTone(rec, rate, 0.3);
  const p0 = Math.max(0, Math.round(opts.pickupSpeech.startSeconds * rate));
  const p1 = Math.min(pick.length, Math.round(opts.pickupSpeech.endSeconds * rate));
  const q = opts.shiftQuantum;
  if (q && q > 1) {
    // the length change: (lead + xf + speech + tail + xf) − (cutB + xf − (cutA − xf)) with aStart = cutA − xf
    const aStart0 = Math.max(0, cutA - xf);
    const shift0 = aStart0 + lead + xf + (p1 - p0) + tail + xf - cutB - xf;
    const r = ((shift0 % q) + q) % q;
    // moving the cut's end by x (room tone unchanged) changes the shift by −x: x ≡ shift0 (mod q)
    const lo = s(span.endSeconds) + Math.round(MIN_TAIL_SECONDS * rate);
    const hi = span.pauseEndSeconds !== undefined ? s(span.pauseEndSeconds) - xf : cutB;
    const x = [r, r - q].filter((d) => cutB + d >= lo && cutB + d <= Math.min(hi, rec.length - xf)).sort((a, b) => Math.abs(a) - Math.abs(b))[0];
    if (x !== undefined) cutB += x;
    else tail += (q - r) % q; // no room in the pause: that much more room tone after the pickup
  }
  const speech = new Float32Array(p1 - p0);
  for (let i = 0; i < speech.length; i++) speech[i] = pick[p0 + i] * g;
  // the inserted part: recording's room tone (lead + xf), the pickup's speech, room tone (tail + xf)
  const headLen = lead + xf;
  const tailLen = tail + xf;
  const part = new Float32Array(headLen + speech.length + tailLen);
  const fill = tone ? loopTone(tone, part.length, rate) : new Float32Array(part.length);
  part.set(fill);
  const fade = Math.round(TONE_FADE_SECONDS * rate);
  for (let i = 0; i < speech.length; i++) {
    const w = Math.min(1, (i + 1) / fade, (speech.length - i) / fade);
    const k = headLen + i;
    part[k] = part[k] * (1 - w) + speech[i];
  }
  // a 16-bit recording stays 16-bit (its own samples exactly, at ffmpeg's scale of 32768),
  // so the master's filters run on the same sample format as for the recording without the
  // pickup (ffmpeg's high-pass works in the input's format: s16 and float differ in every
  // sample); float when the inserted part would not fit 16 bits
  const info = await probeAudio(opts.recording);
  let int16 = info.codec === 'pcm_s16le' && info.sampleRate === rate && info.channels === 1;
  for (let i = 0; int16 && i < part.length; i++) if (Math.abs(part[i]) >= 1) int16 = false;
  const w = await WavWriter.create(opts.out, rate, int16 ? 'int16' : 'float32');
  const put = async (x: Float32Array) => {
    if (!int16) return w.write(x);
    const pcm = new Int16Array(x.length);
    for (let i = 0; i < x.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768)));
    return w.writeInt16(pcm);
  };
  try {
    // recording up to the cut, then a crossfade from its room tone into the part's
    const aStart = Math.max(0, cutA - xf);
    await put(rec.subarray(0, aStart));
    await put(crossfade(rec.subarray(aStart, cutA), part.subarray(0, cutA - aStart)));
    const partBody = part.subarray(cutA - aStart, part.length - xf);
    await put(partBody);
    const bEnd = Math.min(rec.length, cutB + xf);
    await put(crossfade(part.subarray(part.length - xf), rec.subarray(cutB, bEnd)));
    await put(rec.subarray(bEnd));
  } finally {
    await w.close();
  }
  // the part's first sample sits at aStart; its speech at aStart + headLen
  const aStart = Math.max(0, cutA - xf);
  const insertedEnd = aStart + part.length; // where rec[cutB + xf] … resumes: aStart + part.length
  const shift = insertedEnd - (cutB + xf);
  return {
    file: opts.out,
    sampleRate: rate,
    durationSeconds: w.samplesWritten / rate,
    cutStartSeconds: cutA / rate,
    cutEndSeconds: cutB / rate,
    insertedEndSeconds: insertedEnd / rate,
    newStartSeconds: (aStart + headLen) / rate,
    newEndSeconds: (aStart + headLen + speech.length) / rate,
    shiftSeconds: shift / rate,
    gainDb: Math.round(gainDb * 100) / 100,
    pickupStartSeconds: p0 / rate,
    pickupEndSeconds: p1 / rate,
    seams: [(aStart + (cutA - aStart) / 2) / rate, (insertedEnd - xf / 2) / rate],
  };
}
