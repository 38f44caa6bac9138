import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../../src/bench/feed.js';
import { LetterpodError } from '../../src/errors.js';
import { artworkProblems, imageInfo, readArtwork } from '../../src/feed/artwork.js';
import { scratch } from '../helpers/tmp.js';

const run = promisify(execFile);

async function ffmpegImage(path: string, width: number, height: number): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=navy:s=${width}x${height}`, '-frames:v', '1', path]);
}

async function rejection(path: string): Promise<LetterpodError> {
  try {
    await readArtwork(path);
  } catch (e) {
    if (e instanceof LetterpodError) return e;
    throw e;
  }
  throw new Error(`accepted ${path}`);
}

describe('cover art', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratch('artwork');
  });

  it('reads width, height and format from the file header (JPEG and PNG from ffmpeg, PNG of our own)', async () => {
    await ffmpegImage(join(dir, 'a.jpg'), 1400, 1400);
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=1600x1500', '-frames:v', '1', '-qmin', '1', join(dir, 'p.jpg')]);
    const jpeg = await readArtwork(join(dir, 'a.jpg'));
    expect([jpeg.format, jpeg.width, jpeg.height, jpeg.contentType, jpeg.color]).toEqual(['jpeg', 1400, 1400, 'image/jpeg', 'rgb']);
    expect(imageInfo(solidPng(3000, 3000))).toMatchObject({ format: 'png', width: 3000, height: 3000, color: 'rgb' });
    await ffmpegImage(join(dir, 'b.png'), 2048, 2048);
    expect((await readArtwork(join(dir, 'b.png'))).width).toBe(2048);
    const wide = await rejection(join(dir, 'p.jpg'));
    expect(wide.message).toContain('not square (1600×1500 px)');
  });

  it('refuses non-square, too small, too large, and misnamed art, naming the file', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['wide.png', solidPng(1500, 1400), /cover art is not square \(1500×1400 px\)/],
      ['small.png', solidPng(600, 600), /is too small \(600×600 px; at least 1400×1400\)/],
      ['huge.png', solidPng(3200, 3200), /is too large/],
      ['png-named.jpg', solidPng(1400, 1400), /is a PNG named "\.jpg"/],
      ['text.png', Buffer.from('not an image'), /neither a JPEG nor a PNG/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      const error = await rejection(path);
      expect(error.file).toBe(path);
      expect(error.message).toMatch(message);
    }
    expect((await rejection(join(dir, 'missing.png'))).message).toMatch(/cover art not found/);
  });

  it('finds the frame header past other JPEG segments and flags CMYK', () => {
    // SOI, an APP1 segment of 300 bytes, then SOF2 (progressive) with 4 components (CMYK)
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x01, 0x2c]), Buffer.alloc(298)]);
    const sof2 = Buffer.from([0xff, 0xc2, 0x00, 0x14, 0x08, 0x05, 0x78, 0x05, 0x78, 0x04]);
    const info = imageInfo(Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof2, Buffer.alloc(20)]))!;
    expect(info).toMatchObject({ format: 'jpeg', width: 1400, height: 1400, color: 'cmyk' });
    expect(artworkProblems(info).map((p) => p.kind)).toEqual(['color']);
    // a DHT segment (0xC4) is not a frame header
    const dht = Buffer.from([0xff, 0xc4, 0x00, 0x04, 0x00, 0x00]);
    expect(imageInfo(Buffer.concat([Buffer.from([0xff, 0xd8]), dht, sof2]))).toMatchObject({ width: 1400 });
    // a truncated file is no image
    expect(imageInfo(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x01]))).toBeUndefined();
  });
});
