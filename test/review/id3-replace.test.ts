/**
 * Replacing the chapters of an MP3 we tagged (what a correction does instead of a
 * re-master): the other frames and the audio after the tag are kept byte for byte, the
 * new CHAP/CTOC frames are what ffprobe reads, and a tag that is not ours is refused.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { id3Frames, id3Length, renderId3, replaceChapters } from '../../src/audio/id3.js';
import { scratch } from '../helpers/tmp.js';

const run = promisify(execFile);
let dir: string;
let tagged: string;

beforeAll(async () => {
  dir = await scratch('id3-replace');
  const plain = join(dir, 'plain.mp3');
  await run('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=6', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k', '-write_xing', '0', '-id3v2_version', '0', plain]);
  const tag = renderId3({
    title: 'Episode 301',
    artist: 'Narrator',
    chapters: [
      { title: 'Intro', startSeconds: 0, endSeconds: 2 },
      { title: 'Second', startSeconds: 2, endSeconds: 6 },
    ],
  });
  tagged = join(dir, 'tagged.mp3');
  await writeFile(tagged, Buffer.concat([tag, await readFile(plain)]));
});

describe('replaceChapters', () => {
  it('rewrites only the chapters: other frames and the audio frames stay byte for byte', async () => {
    const before = await readFile(tagged);
    const out = join(dir, 'corrected.mp3');
    await replaceChapters(tagged, [
      { title: 'Intro', startSeconds: 0, endSeconds: 1.5 },
      { title: 'Second, moved', startSeconds: 1.5, endSeconds: 4.2 },
      { title: 'A third', startSeconds: 4.2, endSeconds: 6 },
    ], out);
    const after = await readFile(out);
    expect(after.subarray(id3Length(after)).equals(before.subarray(id3Length(before)))).toBe(true);
    const framesOf = (b: Buffer) => id3Frames(b.subarray(0, id3Length(b)));
    const kept = (b: Buffer) => framesOf(b).filter((f) => f.id !== 'CHAP' && f.id !== 'CTOC').map((f) => f.bytes.toString('hex'));
    expect(kept(after)).toEqual(kept(before));
    expect(framesOf(after).filter((f) => f.id === 'CHAP')).toHaveLength(3);
    expect(framesOf(after).filter((f) => f.id === 'CTOC')).toHaveLength(1);
    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_chapters', '-show_format', out])).stdout) as {
      chapters: { start_time: string; end_time: string; tags: { title: string } }[];
      format: { tags: { title: string } };
    };
    expect(probe.chapters.map((c) => [c.tags.title, Number(c.start_time), Number(c.end_time)])).toEqual([
      ['Intro', 0, 1.5],
      ['Second, moved', 1.5, 4.2],
      ['A third', 4.2, 6],
    ]);
    expect(probe.format.tags.title).toBe('Episode 301');
    // in place, too
    await replaceChapters(out, [{ title: 'Only', startSeconds: 0, endSeconds: 6 }]);
    const again = await readFile(out);
    expect(again.subarray(id3Length(again)).equals(before.subarray(id3Length(before)))).toBe(true);
    expect(framesOf(again).filter((f) => f.id === 'CHAP')).toHaveLength(1);
  });

  it('refuses a file whose tag is not an ID3v2.3 tag of ours', async () => {
    const v4 = join(dir, 'v4.mp3');
    const bytes = Buffer.from(await readFile(tagged));
    bytes[3] = 4;
    await writeFile(v4, bytes);
    await expect(replaceChapters(v4, [{ title: 'x', startSeconds: 0, endSeconds: 1 }], join(dir, 'never.mp3'))).rejects.toThrow(/not an ID3v2.3 tag written by letterpod/);
  });
});
