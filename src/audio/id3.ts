/**
 * An ID3v2.3 tag written by us, because ffmpeg's muxer cannot write what podcast apps
 * read: it stores a comment as TXXX instead of COMM, and a chapter's CHAP frame gets only
 * its title (no WXXX link). The tag holds TIT2, TPE1, TALB, TRCK, TYER, COMM, APIC, one
 * top-level ordered CTOC (with child CTOCs above 255 chapters) and one CHAP per chapter
 * (TIT2 and, with a link, WXXX).
 *
 * Text frames use UTF-16 with a BOM (encoding 1) when they are not plain Latin-1, as
 * ID3v2.3 has no UTF-8; the tag is not unsynchronised (no MP3 player needs that).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { withPath } from '../faults.js';
import { tempName } from '../files/temp.js';

export interface Id3Chapter {
  startSeconds: number;
  endSeconds: number;
  title: string;
  url?: string;
}

export interface Id3Tag {
  title?: string;
  artist?: string;
  album?: string;
  track?: number;
  year?: string;
  comment?: string;
  /** Front cover: image bytes and MIME type. */
  cover?: { mime: 'image/jpeg' | 'image/png'; data: Buffer };
  chapters?: Id3Chapter[];
}

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** [encoding byte][text][terminator?] */
function encodedText(s: string, terminate: boolean): Buffer {
  if (isLatin1(s)) return Buffer.concat([Buffer.from([0]), Buffer.from(s, 'latin1'), terminate ? Buffer.from([0]) : Buffer.alloc(0)]);
  return Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(s, 'utf16le'), terminate ? Buffer.from([0, 0]) : Buffer.alloc(0)]);
}

/** A string inside a frame that already has its encoding byte (same encoding, terminated). */
function textIn(encoding: number, s: string): Buffer {
  return encoding === 0
    ? Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])])
    : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le'), Buffer.from([0, 0])]);
}

function frame(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.write(id, 0, 'latin1');
  header.writeUInt32BE(body.length, 4); // v2.3: plain 32-bit size
  return Buffer.concat([header, body]);
}

function textFrame(id: string, value: string): Buffer {
  return frame(id, encodedText(value, false));
}

function commentFrame(value: string): Buffer {
  const enc = isLatin1(value) ? 0 : 1;
  return frame('COMM', Buffer.concat([Buffer.from([enc]), Buffer.from('eng', 'latin1'), textIn(enc, ''), enc === 0 ? Buffer.from(value, 'latin1') : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(value, 'utf16le')])]));
}

function pictureFrame(cover: NonNullable<Id3Tag['cover']>): Buffer {
  // encoding 0, MIME, picture type 3 (front cover), empty description, data
  return frame('APIC', Buffer.concat([Buffer.from([0]), Buffer.from(cover.mime, 'latin1'), Buffer.from([0, 3, 0]), cover.data]));
}

/** A URL must be ASCII in ID3; anything else is percent-encoded by the URL parser. */
function asciiUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return encodeURI(url);
  }
}

function chapterFrame(id: string, c: Id3Chapter): Buffer {
  const times = Buffer.alloc(16);
  times.writeUInt32BE(Math.max(0, Math.round(c.startSeconds * 1000)), 0);
  times.writeUInt32BE(Math.max(0, Math.round(c.endSeconds * 1000)), 4);
  times.writeUInt32BE(0xffffffff, 8); // no byte offsets
  times.writeUInt32BE(0xffffffff, 12);
  const sub = [textFrame('TIT2', c.title)];
  // only http(s) links are published (a javascript: link from an issue text never reaches a player)
  if (c.url && /^https?:\/\//i.test(c.url.trim())) sub.push(frame('WXXX', Buffer.concat([Buffer.from([0, 0]), Buffer.from(asciiUrl(c.url), 'latin1')])));
  return frame('CHAP', Buffer.concat([Buffer.from(id + '\0', 'latin1'), times, ...sub]));
}

/** The most entries one CTOC frame can list: its entry count is one byte. */
export const CTOC_MAX_ENTRIES = 255;

function tocFrame(id: string, ids: string[], topLevel: boolean, title: string): Buffer {
  if (ids.length > CTOC_MAX_ENTRIES) throw new RangeError(`a CTOC frame lists at most ${CTOC_MAX_ENTRIES} entries, got ${ids.length}`);
  const flags = Buffer.from([topLevel ? 0x03 : 0x01, ids.length]); // top-level?, ordered; entry count
  return frame('CTOC', Buffer.concat([Buffer.from(id + '\0', 'latin1'), flags, ...ids.map((e) => Buffer.from(e + '\0', 'latin1')), textFrame('TIT2', title)]));
}

/**
 * The table of contents: one top-level ordered CTOC listing every CHAP, or — above 255
 * chapters, which one CTOC cannot count — a top-level CTOC of child CTOCs of up to 255
 * chapters each (ID3v2 chapter spec, nested tables of contents). Above 255 × 255 chapters: refused.
 */
function tocFrames(ids: string[]): Buffer[] {
  if (ids.length <= CTOC_MAX_ENTRIES) return [tocFrame('toc', ids, true, 'Chapters')];
  const groups: string[][] = [];
  for (let i = 0; i < ids.length; i += CTOC_MAX_ENTRIES) groups.push(ids.slice(i, i + CTOC_MAX_ENTRIES));
  if (groups.length > CTOC_MAX_ENTRIES) throw new RangeError(`too many chapters for ID3 (${ids.length})`);
  const children = groups.map((g, k) => tocFrame(`toc${k + 1}`, g, false, `Chapters ${k * CTOC_MAX_ENTRIES + 1}–${k * CTOC_MAX_ENTRIES + g.length}`));
  return [tocFrame('toc', groups.map((_, k) => `toc${k + 1}`), true, 'Chapters'), ...children];
}

/** Syncsafe 28-bit integer (tag header size). */
function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/** CTOC frames and one CHAP per chapter (nothing when there are no chapters). */
function chapterFrames(chapters: readonly Id3Chapter[]): Buffer[] {
  if (!chapters.length) return [];
  const ids = chapters.map((_, i) => `chp${i}`);
  return [...tocFrames(ids), ...chapters.map((c, i) => chapterFrame(ids[i] as string, c))];
}

function tagOf(frames: Buffer[], padding: number): Buffer {
  const body = Buffer.concat([...frames, Buffer.alloc(padding)]);
  const header = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0]), syncsafe(body.length)]);
  return Buffer.concat([header, body]);
}

export function renderId3(tag: Id3Tag, padding = 1024): Buffer {
  const frames: Buffer[] = [];
  if (tag.title) frames.push(textFrame('TIT2', tag.title));
  if (tag.artist) frames.push(textFrame('TPE1', tag.artist));
  if (tag.album) frames.push(textFrame('TALB', tag.album));
  if (tag.track !== undefined) frames.push(textFrame('TRCK', String(tag.track)));
  if (tag.year) frames.push(textFrame('TYER', tag.year));
  if (tag.comment) frames.push(commentFrame(tag.comment));
  if (tag.cover) frames.push(pictureFrame(tag.cover));
  frames.push(...chapterFrames(tag.chapters ?? []));
  return tagOf(frames, padding);
}

/**
 * The frames of an ID3v2.3 tag as written by renderId3 (no unsynchronisation, no extended
 * header), up to the padding. Anything else is refused: it is not our tag.
 */
export function id3Frames(tag: Buffer): { id: string; bytes: Buffer }[] {
  if (tag.toString('latin1', 0, 3) !== 'ID3' || tag[3] !== 3 || (tag[5]! & 0xc0) !== 0) {
    throw new Error('not an ID3v2.3 tag written by letterpod');
  }
  const end = id3Length(tag);
  const frames: { id: string; bytes: Buffer }[] = [];
  let at = 10;
  while (at + 10 <= end && tag[at] !== 0) {
    const size = tag.readUInt32BE(at + 4);
    if (at + 10 + size > end) throw new Error('an ID3 frame runs past the end of its tag');
    frames.push({ id: tag.toString('latin1', at, at + 4), bytes: tag.subarray(at, at + 10 + size) });
    at += 10 + size;
  }
  return frames;
}

/**
 * Replace only the chapters (CTOC and CHAP frames) of an MP3 we tagged: every other frame
 * is kept byte for byte, and so are the audio frames after the tag (copied, never decoded
 * or encoded). The result goes to `output` (a temp file beside it, then renamed); `output`
 * may be `mp3` itself.
 */
export async function replaceChapters(mp3: string, chapters: readonly Id3Chapter[], output = mp3): Promise<void> {
  const src = await open(mp3, 'r');
  let tag: Buffer;
  try {
    const head = Buffer.alloc(10);
    await src.read(head, 0, 10, 0);
    tag = Buffer.alloc(id3Length(head));
    await src.read(tag, 0, tag.length, 0);
  } finally {
    await src.close();
  }
  const kept = id3Frames(tag).filter((f) => f.id !== 'CTOC' && f.id !== 'CHAP').map((f) => f.bytes);
  const tmp = tempName(output, 'id3');
  try {
    await writeFile(tmp, tagOf([...kept, ...chapterFrames(chapters)], 1024));
    await pipeline(createReadStream(mp3, { start: tag.length }), createWriteStream(tmp, { flags: 'a' }));
    await rename(tmp, output);
  } catch (e) {
    await rm(tmp, { force: true });
    throw withPath(e, output);
  }
}

/** Length of an ID3v2 tag at the start of `head` (header + body + footer), 0 if none. */
export function id3Length(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const footer = head[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** Replace the ID3v2 tag at the head of an MP3 with ours (streamed to a temp file, then renamed). */
export async function writeId3(mp3: string, tag: Id3Tag): Promise<void> {
  const head = Buffer.alloc(10);
  const src = await open(mp3, 'r');
  try {
    await src.read(head, 0, 10, 0);
  } finally {
    await src.close();
  }
  const tmp = tempName(mp3, 'id3');
  try {
    await writeFile(tmp, renderId3(tag));
    await pipeline(createReadStream(mp3, { start: id3Length(head) }), createWriteStream(tmp, { flags: 'a' }));
    await rename(tmp, mp3);
  } catch (e) {
    await rm(tmp, { force: true });
    // a full disk while appending (a stream: no path of its own) names the MP3 being tagged
    throw withPath(e, mp3);
  }
}
