/**
 * MPEG-1 Layer III frames of a CBR MP3 as ffmpeg's libmp3lame writes it (44.1 kHz, no CRC),
 * and a frame-level splice of two encodes of almost the same master: the frames of the
 * earlier episode outside a replaced span, the new encode's frames across it. The bit
 * reservoir is kept valid at the junction (the bytes the first earlier frame after it
 * reaches back for are copied into the new frames' unused tail), and the Info/LAME tag
 * frame is rewritten for the spliced file as ffmpeg's mp3 muxer writes it (frame and byte
 * counts, TOC, music length, music CRC, tag CRC).
 */
import { id3Length } from './id3.js';

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const RATES_V1 = [44100, 48000, 32000];

export interface Mp3Frame {
  /** Byte offset of the frame's header in the file. */
  offset: number;
  length: number;
  channels: 1 | 2;
  /** main_data_begin: how many bytes before this frame's side info its main data starts. */
  mainDataBegin: number;
  /** Where its main data area (after header and side info) starts, from `offset`. */
  payloadStart: number;
}

export interface Mp3Layout {
  /** Bytes before the first frame (the ID3v2 tag). */
  headerBytes: number;
  /** The Info/Xing frame (first frame), or undefined. */
  info?: Mp3Frame;
  /** The audio frames after it. */
  frames: Mp3Frame[];
  /** Bytes after the last frame (an ID3v1 tag, …). */
  tailStart: number;
}

function frameAt(buf: Buffer, at: number): Mp3Frame | undefined {
  if (at + 4 > buf.length) return undefined;
  const h = buf.readUInt32BE(at);
  if ((h >>> 21) !== 0x7ff) return undefined;
  const version = (h >>> 19) & 3;
  const layer = (h >>> 17) & 3;
  if (version !== 3 || layer !== 1) return undefined; // MPEG-1 Layer III only
  const protection = ((h >>> 16) & 1) === 0;
  const bitrate = BITRATES_V1_L3[(h >>> 12) & 15];
  const rate = RATES_V1[(h >>> 10) & 3];
  if (!bitrate || !rate) return undefined;
  const padding = (h >>> 9) & 1;
  const channels = ((h >>> 6) & 3) === 3 ? 1 : 2;
  const length = Math.floor((144000 * bitrate) / rate) + padding;
  const sideStart = at + 4 + (protection ? 2 : 0);
  const mainDataBegin = (buf[sideStart] << 1) | (buf[sideStart + 1] >>> 7);
  const payloadStart = sideStart - at + (channels === 1 ? 17 : 32);
  return { offset: at, length, channels, mainDataBegin, payloadStart };
}

/** The frames of an MP3 file (after its ID3v2 tag); throws when they do not follow each other. */
export function parseMp3(buf: Buffer): Mp3Layout {
  const headerBytes = buf.length >= 10 && buf.toString('latin1', 0, 3) === 'ID3' ? id3Length(buf) : 0;
  const frames: Mp3Frame[] = [];
  let at = headerBytes;
  for (;;) {
    const f = frameAt(buf, at);
    if (!f || at + f.length > buf.length) break;
    frames.push(f);
    at += f.length;
  }
  if (frames.length === 0) throw new Error('no MPEG-1 Layer III frame after the ID3 tag');
  const first = frames[0];
  const tagAt = infoTagOffset(first);
  const id = buf.toString('latin1', first.offset + tagAt, first.offset + tagAt + 4);
  const info = id === 'Info' || id === 'Xing' ? frames.shift() : undefined;
  return { headerBytes, info, frames, tailStart: at };
}

/** Where the Xing/Info tag starts in its frame (MPEG-1: after the side info). */
function infoTagOffset(f: Mp3Frame): number {
  return f.payloadStart;
}

/** The LAME tag's encoder delay and padding (samples), or undefined. */
export function lameDelay(buf: Buffer, layout: Mp3Layout): { delay: number; padding: number } | undefined {
  const info = layout.info;
  if (!info) return undefined;
  const lame = lameTagStart(buf, info);
  if (lame === undefined) return undefined;
  const at = lame + 21;
  const v = (buf[at] << 16) | (buf[at + 1] << 8) | buf[at + 2];
  return { delay: v >>> 12, padding: v & 0xfff };
}

/** Offset (in the file) of the LAME extension after the Xing/Info tag (flags: frames, bytes, TOC; no quality field). */
function lameTagStart(buf: Buffer, info: Mp3Frame): number | undefined {
  const x = info.offset + infoTagOffset(info);
  const flags = buf.readUInt32BE(x + 4);
  let at = x + 8;
  if (flags & 1) at += 4;
  if (flags & 2) at += 4;
  if (flags & 4) at += 100;
  if (flags & 8) at += 4;
  const id = buf.toString('latin1', at, at + 4);
  return id === 'LAME' || id === 'Lavc' || id === 'Lavf' ? at : undefined;
}

const CRC16_TABLE = (() => {
  // CRC-16/ARC (ffmpeg's AV_CRC_16_ANSI_LE): reflected polynomial 0xA001
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc16(crc: number, data: Uint8Array): number {
  let c = crc;
  for (let i = 0; i < data.length; i++) c = CRC16_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c & 0xffff;
}

const XING_TOC_SIZE = 100;
const XING_NUM_BAGS = 400;

/**
 * Rewrite the Info frame (at `info` in `buf`, in place) for the audio frames `frames` (their
 * bytes, in order), as ffmpeg's mp3 muxer does at the end of an encode: the frame count
 * (of the audio frames), the byte count (the Info frame included), the TOC (from its byte positions sampled every
 * `want` frames in 400 bags), the LAME tag's music length and music CRC, and the tag CRC.
 */
export function rewriteInfo(buf: Buffer, info: Mp3Frame, frames: readonly Buffer[]): void {
  const x = info.offset + infoTagOffset(info);
  const flags = buf.readUInt32BE(x + 4);
  if ((flags & 7) !== 7) throw new Error('the Info tag lacks the frames, bytes or TOC field');
  // ffmpeg: the size counts the Info frame too, the frame count not; a bag every `want` frames
  let size = info.length;
  let count = 0;
  let want = 1;
  let seen = 0;
  let pos = 0;
  const bag = new Array<number>(XING_NUM_BAGS).fill(0);
  let audioCrc = 0;
  let audioSize = 0;
  for (const f of frames) {
    count++;
    seen++;
    size += f.length;
    audioSize += f.length;
    audioCrc = crc16(audioCrc, f);
    if (want === seen) {
      bag[pos] = size;
      if (++pos === XING_NUM_BAGS) {
        for (let i = 1; i < XING_NUM_BAGS; i += 2) bag[i >> 1] = bag[i];
        want *= 2;
        pos = XING_NUM_BAGS / 2;
      }
      seen = 0;
    }
  }
  buf.writeUInt32BE(count, x + 8);
  buf.writeUInt32BE(size, x + 12);
  const toc = x + 16;
  buf[toc] = 0;
  for (let i = 1; i < XING_TOC_SIZE; i++) {
    const j = Math.floor((i * pos) / XING_TOC_SIZE);
    buf[toc + i] = Math.min(Math.floor((256 * bag[j]) / size), 255);
  }
  const lame = lameTagStart(buf, info);
  if (lame === undefined) return;
  // LAME tag: music length at +28, music CRC at +32, tag CRC at +34 (of the 36 bytes)
  buf.writeUInt32BE(audioSize + info.length, lame + 28);
  buf.writeUInt16BE(audioCrc, lame + 32);
  // the tag CRC covers the frame's first 190 bytes with its own field still zero (as ffmpeg computes it)
  buf.writeUInt16BE(0, lame + 34);
  buf.writeUInt16BE(crc16(0, buf.subarray(info.offset, info.offset + 190)), lame + 34);
}

/** The bytes of a frame's main data area (after header and side info). */
function payload(buf: Buffer, f: Mp3Frame): Buffer {
  return buf.subarray(f.offset + f.payloadStart, f.offset + f.length);
}

/** One run of the spliced file: frames [from, to) of a source. */
export interface FrameRun {
  source: 'earlier' | 'new';
  from: number;
  to: number;
}

export interface FrameSplicePlan {
  /** Frame index in the new encode where it starts to be used (its frames before are the earlier encode's). */
  newFrom: number;
  /** Frame index in the new encode after which the earlier encode's frames are used again (shifted by `shiftFrames`). */
  newTo: number;
  /** From this frame of the new encode on, its own frames again (the episodes' tails differ); undefined: the earlier's to the end. */
  tailFrom?: number;
  runs: FrameRun[];
}

/** Whether `next` (of `nextSource`) may follow `prev`'s frames: the bytes it reaches back for lie in `prev`'s unused reservoir. */
function fits(nextMdb: number, prevUnused: number): boolean {
  return nextMdb <= prevUnused;
}

/**
 * Where to switch between the two encodes, frames of 1152 samples: `earlier` and `fresh`
 * (the frames after the Info frame), `shift` = fresh index − earlier index after the span.
 * The new encode is used for frames [newFrom, newTo) at least, and from `tailFrom` on;
 * each switch is moved outwards (at most `bound` frames) to a frame whose reservoir
 * reach (main_data_begin) fits in the unused bytes the other encode left before it.
 * Undefined when no such frame is found within the bound.
 */
export function planFrameSplice(
  earlier: readonly Mp3Frame[],
  fresh: readonly Mp3Frame[],
  shift: number,
  must: { newFrom: number; newTo: number; tailFrom?: number },
  bound: number,
): FrameSplicePlan | undefined {
  const e = (i: number) => earlier[i];
  // earlier → new before the span: fresh frame a follows earlier frame a − 1 (the same place)
  let a: number | undefined;
  for (let i = Math.min(must.newFrom, fresh.length - 1); i >= Math.max(0, must.newFrom - bound); i--) {
    if (i === 0 || (i < earlier.length && fits(fresh[i].mainDataBegin, e(i).mainDataBegin))) {
      a = i;
      break;
    }
  }
  // new → earlier after the span: earlier frame b − shift follows fresh frame b − 1
  let b: number | undefined;
  for (let i = Math.max(must.newTo, 1); i <= must.newTo + bound && i - shift < earlier.length && i < fresh.length; i++) {
    if (i - shift >= 1 && fits(e(i - shift).mainDataBegin, fresh[i].mainDataBegin)) {
      b = i;
      break;
    }
  }
  if (a === undefined || b === undefined) return undefined;
  // earlier → new for the tail: fresh frame t follows earlier frame t − shift − 1
  let t: number | undefined;
  if (must.tailFrom !== undefined) {
    for (let i = Math.min(must.tailFrom, fresh.length - 1); i >= Math.max(b + 3, must.tailFrom - bound); i--) {
      if (i - shift < earlier.length && fits(fresh[i].mainDataBegin, e(i - shift).mainDataBegin)) {
        t = i;
        break;
      }
    }
    if (t === undefined) return undefined;
  }
  if (b - a < 3) return undefined;
  const runs: FrameRun[] = [];
  if (a > 0) runs.push({ source: 'earlier', from: 0, to: a });
  runs.push({ source: 'new', from: a, to: b });
  const earlierEnd = t === undefined ? earlier.length : t - shift;
  runs.push({ source: 'earlier', from: b - shift, to: earlierEnd });
  if (t !== undefined) runs.push({ source: 'new', from: t, to: fresh.length });
  return { newFrom: a, newTo: b, ...(t !== undefined ? { tailFrom: t } : {}), runs };
}

/**
 * The spliced MP3 (no ID3 tag: the Info frame and the audio frames): the runs' frames in
 * order, and at each switch the bytes the next frame's main data starts with before it
 * (main_data_begin of them) copied from its own encode into the unused end of the frames
 * before it; the Info frame is the new encode's (its frame count, delay and padding are the
 * spliced file's: the runs end with the new encode's last frame or the earlier one's with
 * the same tail), rewritten for the bytes.
 */
export function spliceFrames(earlierBuf: Buffer, earlier: Mp3Layout, freshBuf: Buffer, fresh: Mp3Layout, runs: readonly FrameRun[]): Buffer {
  if (!fresh.info) throw new Error('the new encode has no Info frame');
  const src = (s: FrameRun['source']) => (s === 'earlier' ? { buf: earlierBuf, frames: earlier.frames } : { buf: freshBuf, frames: fresh.frames });
  const out: { bytes: Buffer; frame: Mp3Frame }[] = [];
  for (const run of runs) {
    const { buf, frames } = src(run.source);
    if (out.length > 0 && run.from > 0) {
      // the reservoir: the last mdb main-data bytes of this encode before frame `from`, into the output's unused end
      let need = frames[run.from].mainDataBegin;
      const bytes: Buffer[] = [];
      for (let i = run.from - 1; need > 0 && i >= 0; i--) {
        const p = payload(buf, frames[i]);
        const take = Math.min(need, p.length);
        bytes.unshift(p.subarray(p.length - take));
        need -= take;
      }
      if (need > 0) throw new Error('main_data_begin reaches before the first frame');
      const carry = Buffer.concat(bytes);
      let left = carry.length;
      for (let j = out.length - 1; left > 0 && j >= 0; j--) {
        const f = out[j];
        const p = f.bytes.subarray(f.frame.payloadStart);
        const take = Math.min(left, p.length);
        carry.copy(p, p.length - take, left - take, left);
        left -= take;
      }
      if (left > 0) throw new Error('no room for the reservoir before the switch');
    }
    for (let i = run.from; i < run.to; i++) {
      const f = frames[i];
      out.push({ bytes: Buffer.from(buf.subarray(f.offset, f.offset + f.length)), frame: f });
    }
  }
  const info = fresh.info;
  const head = Buffer.from(freshBuf.subarray(info.offset, info.offset + info.length));
  const local: Mp3Frame = { ...info, offset: 0 };
  rewriteInfo(head, local, out.map((o) => o.bytes));
  return Buffer.concat([head, ...out.map((o) => o.bytes)]);
}
