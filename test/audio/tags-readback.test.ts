/**
 * The mastered MP3's ID3v2.3 tag read back three ways: music-metadata, ffprobe, and a
 * walk over the raw frames (the CTOC flags and the CHAP sub-frames no reader exposes).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureLoudness } from '../../src/audio/loudness.js';
import { master } from '../../src/audio/master.js';
import { ff, speak } from '../helpers/audio.js';
import { scratch } from '../helpers/tmp.js';

const run = promisify(execFile);

const tags = {
  title: 'AN #173: “Reward hacking”, revisited', // not Latin-1: UTF-16
  artist: 'Zoë Ångström', // Latin-1 beyond ASCII
  album: 'Alignment Newsletter Podcast',
  track: 173,
  year: '2022',
  comment: 'https://example.org/an-173 — notes',
};
const chapters = [
  { startSeconds: 0, endSeconds: 3.217, title: 'Introduction' },
  { startSeconds: 3.217, endSeconds: 6.5, title: 'Reward models — β version', url: 'https://example.org/papers/reward?id=7&v=2' },
  { startSeconds: 6.5, endSeconds: 9.04, title: 'Scaling laws' },
  { startSeconds: 9.04, endSeconds: 10.3, title: 'Outro', url: 'https://example.org/an-173#outro' },
];

interface RawFrame {
  id: string;
  body: Buffer;
}

/** The frames of an ID3v2.3 tag (no unsynchronisation, no extended header: what we write). */
function rawFrames(data: Buffer): RawFrame[] {
  const frames: RawFrame[] = [];
  for (let at = 0; at + 10 <= data.length && data[at] !== 0; ) {
    const size = data.readUInt32BE(at + 4);
    frames.push({ id: data.toString('latin1', at, at + 4), body: data.subarray(at + 10, at + 10 + size) });
    at += 10 + size;
  }
  return frames;
}

function rawTag(file: Buffer): RawFrame[] {
  expect(file.toString('latin1', 0, 5)).toBe('ID3\x03\x00');
  expect(file[5]).toBe(0); // no unsynchronisation, extended header or experimental flag
  const size = ((file[6]! & 0x7f) << 21) | ((file[7]! & 0x7f) << 14) | ((file[8]! & 0x7f) << 7) | (file[9]! & 0x7f);
  return rawFrames(file.subarray(10, 10 + size));
}

/** A null-terminated Latin-1 string at `at`: [string, index after the terminator]. */
function cString(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(0, at);
  return [b.toString('latin1', at, end), end + 1];
}

describe('ID3 tags read back complete and in order', () => {
  let dir: string;
  let output: string;
  let cover: Buffer;
  let meta: IAudioMetadata;
  let probe: {
    format: { tags: Record<string, string> };
    chapters: Array<{ id: number; time_base: string; start: number; end: number; tags: { title: string } }>;
    streams: Array<{ codec_type: string; codec_name: string; disposition: { attached_pic: number } }>;
  };

  beforeAll(async () => {
    dir = await scratch('tags');
    const speech = join(dir, 'speech.wav');
    await speak(speech, 'A short narration with four chapters. Each one is only a few seconds long. The third one is about scaling laws, ' +
        'and then the episode ends with a short outro that thanks the listeners.');
    const coverFile = join(dir, 'cover.jpg');
    await ff('-f', 'lavfi', '-i', 'testsrc=s=640x640', '-frames:v', '1', '-q:v', '4', coverFile);
    cover = await readFile(coverFile);
    output = join(dir, 'episode.mp3');
    const measured = await measureLoudness(speech);
    await master({ input: speech, output, channels: 1, target: { targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 }, measured, chapters, tags, cover: coverFile });
    meta = await parseFile(output, { includeChapters: true });
    const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_chapters', '-show_format', '-show_streams', output]);
    probe = JSON.parse(stdout) as typeof probe;
  });

  it('music-metadata reads every frame, in the order written', () => {
    expect(meta.format.tagTypes).toEqual(['ID3v2.3']);
    const native = meta.native['ID3v2.3'] ?? [];
    expect(native.map((t) => t.id)).toEqual(['TIT2', 'TPE1', 'TALB', 'TRCK', 'TYER', 'COMM', 'APIC', 'CTOC', 'CHAP', 'CHAP', 'CHAP', 'CHAP']);
    const value = (id: string): unknown => native.find((t) => t.id === id)?.value;
    expect(value('TIT2')).toBe(tags.title);
    expect(value('TPE1')).toBe(tags.artist);
    expect(value('TALB')).toBe(tags.album);
    expect(value('TRCK')).toBe('173');
    expect(value('TYER')).toBe('2022');
    expect(value('COMM')).toEqual({ language: 'eng', descriptor: '', text: tags.comment });
    expect(meta.common.title).toBe(tags.title);
    expect(meta.common.artist).toBe(tags.artist);
    expect(meta.common.track.no).toBe(173);
    expect(meta.common.year).toBe(2022);
  });

  it('music-metadata: a top-level ordered CTOC naming every CHAP, chapters in order with links only where given', () => {
    const native = meta.native['ID3v2.3'] ?? [];
    const toc = native.find((t) => t.id === 'CTOC')?.value as { label: string; flags: object; childElementIds: string[]; frames: Map<string, unknown> };
    const chaps = native.filter((t) => t.id === 'CHAP').map((t) => t.value as { label: string; info: { startTime: number; endTime: number }; frames: Map<string, unknown> });
    expect(toc.flags).toEqual({ topLevel: true, ordered: true });
    expect(toc.childElementIds).toEqual(chaps.map((c) => c.label));
    expect(toc.childElementIds).toHaveLength(chapters.length);
    expect(toc.frames.get('TIT2')).toBe('Chapters'); // Apple ignores a CTOC without a title
    expect(chaps.map((c) => [c.info.startTime, c.info.endTime])).toEqual([[0, 3217], [3217, 6500], [6500, 9040], [9040, 10300]]);
    expect(chaps.map((c) => c.frames.get('TIT2'))).toEqual(chapters.map((c) => c.title));
    expect(chaps.map((c) => [...c.frames.keys()])).toEqual([['TIT2'], ['TIT2', 'WXXX'], ['TIT2'], ['TIT2', 'WXXX']]);
    expect(meta.format.chapters?.map((c) => ({ title: c.title, start: c.start, url: c.url?.url }))).toEqual(
      chapters.map((c) => ({ title: c.title, start: c.startSeconds, url: c.url })),
    );
  });

  it('the cover is the input image, byte for byte, as the front cover', () => {
    const picture = meta.common.picture?.[0];
    expect(meta.common.picture).toHaveLength(1);
    expect(picture?.format).toBe('image/jpeg');
    expect(picture?.type).toBe('Cover (front)');
    expect(Buffer.from(picture!.data).equals(cover)).toBe(true);
  });

  it('ffprobe reads the same tags, chapters (ms) and cover', async () => {
    expect(probe.format.tags).toEqual({
      title: tags.title,
      artist: tags.artist,
      album: tags.album,
      track: '173',
      date: '2022',
      comment: tags.comment,
    });
    expect(probe.chapters.map((c) => ({ time_base: c.time_base, start: c.start, end: c.end, title: c.tags.title }))).toEqual(
      chapters.map((c) => ({ time_base: '1/1000', start: Math.round(c.startSeconds * 1000), end: Math.round(c.endSeconds * 1000), title: c.title })),
    );
    const pics = probe.streams.filter((s) => s.disposition.attached_pic === 1);
    expect(pics.map((s) => s.codec_name)).toEqual(['mjpeg']);
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', output, '-map', '0:v:0', '-c', 'copy', '-f', 'image2pipe', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    expect(stdout.equals(cover)).toBe(true);
  });

  it('the raw frames: CTOC flags 0x03, its entries the CHAP ids, each CHAP with its times, title and link', async () => {
    const frames = rawTag(await readFile(output));
    const toc = frames.find((f) => f.id === 'CTOC')!;
    let [tocId, at] = cString(toc.body, 0);
    expect(tocId).toBe('toc');
    expect(toc.body[at]).toBe(0x03); // top-level | ordered
    const count = toc.body[at + 1]!;
    at += 2;
    const children: string[] = [];
    for (let i = 0; i < count; i++) {
      let child: string;
      [child, at] = cString(toc.body, at);
      children.push(child);
    }
    expect(rawFrames(toc.body.subarray(at)).map((f) => f.id)).toEqual(['TIT2']);
    const chaps = frames.filter((f) => f.id === 'CHAP').map((f) => {
      const [id, after] = cString(f.body, 0);
      const sub = rawFrames(f.body.subarray(after + 16));
      const link = sub.find((s) => s.id === 'WXXX');
      if (link) expect(link.body[0]).toBe(0); // Latin-1, then an empty description
      return {
        id,
        startMs: f.body.readUInt32BE(after),
        endMs: f.body.readUInt32BE(after + 4),
        offsets: [f.body.readUInt32BE(after + 8), f.body.readUInt32BE(after + 12)],
        url: link ? link.body.toString('latin1', cString(link.body, 1)[1]) : undefined,
      };
    });
    expect(children).toEqual(chaps.map((c) => c.id));
    expect(new Set(children).size).toBe(chapters.length);
    expect(chaps.map((c) => [c.startMs, c.endMs])).toEqual(chapters.map((c) => [Math.round(c.startSeconds * 1000), Math.round(c.endSeconds * 1000)]));
    expect(chaps.every((c) => c.offsets.every((o) => o === 0xffffffff))).toBe(true);
    expect(chaps.map((c) => c.url)).toEqual(chapters.map((c) => c.url));
  });
});
