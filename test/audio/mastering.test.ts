import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { id3Length, renderId3 } from '../../src/audio/id3.js';
import { measureEbur128, measureLoudness, parseEbur128Summary, fitsUnderCeiling } from '../../src/audio/loudness.js';
import { decodeError, master } from '../../src/audio/master.js';
import { ff, speak } from '../helpers/audio.js';
import { scratch } from '../helpers/tmp.js';

const target = { targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 };
const text =
  'This is a short narration for the mastering tests. It has a few sentences, so that the loudness meter has enough speech to integrate. ' +
  'The second part talks about something else entirely, and then the narration ends.';

describe('id3', () => {
  it('writes a v2.3 header with a syncsafe size, Latin-1 or UTF-16 text and chapter links', () => {
    const tag = renderId3(
      { title: 'Plain', artist: 'Ünïcode “quoted” β', chapters: [{ startSeconds: 1.2344, endSeconds: 2.5, title: 'x', url: 'https://example.org/a b' }] },
      0,
    );
    expect(tag.toString('latin1', 0, 5)).toBe('ID3\x03\x00');
    expect(id3Length(tag)).toBe(tag.length);
    const text = tag.toString('latin1');
    expect(text).toContain('TIT2');
    expect(text).toContain('Plain');
    // UTF-16 with BOM for the non-Latin-1 artist
    expect(tag.includes(Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from('Ünïcode', 'utf16le')]))).toBe(true);
    // chapter times in ms, the URL percent-encoded to ASCII
    const chap = tag.indexOf('CHAP');
    const body = chap + 10 + 'chp0\0'.length;
    expect(tag.readUInt32BE(body)).toBe(1234);
    expect(tag.readUInt32BE(body + 4)).toBe(2500);
    expect(text).toContain('https://example.org/a%20b');
  });
});

describe('ebur128 summary parsing', () => {
  it('reads integrated loudness, range and true peak', () => {
    const stderr = `[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -16.2 LUFS\n    Threshold: -26.3 LUFS\n\n  Loudness range:\n    LRA:         3.4 LU\n\n  True peak:\n    Peak:       -1.7 dBFS\n`;
    expect(parseEbur128Summary(stderr)).toEqual({ integratedLufs: -16.2, lraLu: 3.4, truePeakDbtp: -1.7 });
  });
});

describe('mastering', () => {
  let dir: string;
  let speech: string;
  beforeAll(async () => {
    dir = await scratch('master');
    speech = join(dir, 'speech.wav');
    await speak(speech, text);
  });

  async function masterAt(name: string, filters: string, channels: number) {
    const input = join(dir, `${name}.wav`);
    await ff('-i', speech, '-af', filters, '-ac', String(channels), input);
    const measured = await measureLoudness(input);
    const output = join(dir, `${name}.mp3`);
    const result = await master({
      input,
      output,
      channels,
      target,
      measured,
      chapters: [
        { startSeconds: 0, endSeconds: 4, title: 'Opening' },
        { startSeconds: 4, endSeconds: 9, title: 'Second part: “quotes” & ampersands', url: 'https://example.org/paper?id=1&v=2' },
      ],
      tags: { title: 'AN #1: Test', artist: 'Narrator', album: 'Show', track: 1, year: '2020', comment: 'https://example.org/an-1' },
    });
    return { measured, output, result };
  }

  it('lifts quiet speech to -16 LUFS linearly, limiting peaks first, and keeps true peak under -1 dBTP', async () => {
    const { measured, output, result } = await masterAt('quiet', 'volume=-18dB', 1);
    expect(measured.integratedLufs).toBeLessThan(-30);
    // the plain gain would push peaks over the ceiling, so the limiter must have run
    expect(fitsUnderCeiling(target, measured)).toBe(false);
    expect(result.plan.limiter.engaged).toBe(true);
    const verified = await measureEbur128(output);
    expect(Math.abs(verified.integratedLufs - -16)).toBeLessThanOrEqual(0.5);
    expect(verified.truePeakDbtp).toBeLessThanOrEqual(-1.0);
    expect(result.output).toEqual(verified);
  });

  it('turns down hot stereo speech without a limiter and encodes stereo 128 kbps', async () => {
    const { result, output } = await masterAt('hot', 'volume=9dB,alimiter=limit=0.8:level=disabled', 2);
    expect(result.plan.limiter.engaged).toBe(false);
    expect(result.plan.gainDb).toBeLessThan(0);
    const meta = await parseFile(output, { duration: true });
    expect(meta.format.numberOfChannels).toBe(2);
    expect(meta.format.bitrate).toBe(128000);
    expect(meta.format.sampleRate).toBe(44100);
    expect(meta.format.codecProfile).toBe('CBR');
    expect(Math.abs(result.output.integratedLufs - -16)).toBeLessThanOrEqual(0.5);
  });

  it('writes ID3v2.3 tags and CTOC/CHAP chapters that music-metadata reads back in order', async () => {
    const { output } = await masterAt('tags', 'volume=-6dB', 1);
    const meta = await parseFile(output, { includeChapters: true });
    expect(meta.format.tagTypes).toEqual(['ID3v2.3']);
    expect(meta.common.title).toBe('AN #1: Test');
    expect(meta.common.artist).toBe('Narrator');
    expect(meta.common.album).toBe('Show');
    expect(meta.common.track.no).toBe(1);
    expect(meta.common.year).toBe(2020);
    expect(meta.common.comment?.[0]?.text).toBe('https://example.org/an-1');
    expect(meta.format.chapters?.map((c) => c.url?.url)).toEqual([undefined, 'https://example.org/paper?id=1&v=2']);
    expect(meta.format.chapters?.map((c) => c.title)).toEqual(['Opening', 'Second part: “quotes” & ampersands']);
    expect(meta.format.chapters?.map((c) => c.start)).toEqual([0, 4]);
    const id3 = meta.native['ID3v2.3'] ?? [];
    expect(id3.map((t) => t.id)).toEqual(['TIT2', 'TPE1', 'TALB', 'TRCK', 'TYER', 'COMM', 'CTOC', 'CHAP', 'CHAP']);
    const toc = id3.find((t) => t.id === 'CTOC')?.value as { flags: { topLevel: boolean; ordered: boolean }; childElementIds: string[] };
    expect(toc.flags).toEqual({ topLevel: true, ordered: true });
    expect(toc.childElementIds).toEqual(['chp0', 'chp1']);
  });

  it('embeds cover art when given', async () => {
    const cover = join(dir, 'cover.png');
    await ff('-f', 'lavfi', '-i', 'color=c=navy:s=1400x1400', '-frames:v', '1', cover);
    const input = join(dir, 'speech.wav');
    const measured = await measureLoudness(input);
    const output = join(dir, 'cover.mp3');
    await master({ input, output, channels: 1, target, measured, chapters: [{ startSeconds: 0, endSeconds: 5, title: 'All' }], tags: { title: 't', artist: 'a', album: 'b' }, cover });
    const meta = await parseFile(output);
    expect(meta.common.picture?.[0]?.format).toBe('image/png');
  });
});

/**
 * The MP3 is verified as it is encoded (a second ffmpeg decodes and meters the frames the
 * encoder writes): a wrapper in FFMPEG_PATH damages the encode in ways the check must catch.
 */
describe('the encode verified as it is written', () => {
  let dir: string;
  let input: string;
  beforeAll(async () => {
    dir = await scratch('verify');
    input = join(dir, 'speech.wav');
    await speak(input, text);
  });

  /** master() with FFMPEG_PATH set to a bash wrapper whose encode of the episode (the tee muxer's call) runs as `encode`, a bash snippet over "${out[@]}". */
  async function masterThrough(name: string, encode: string) {
    const wrapper = join(dir, `${name}.sh`);
    await writeFile(
      wrapper,
      [
        '#!/bin/bash',
        'out=("$@")',
        'for a in "$@"; do if [ "$a" = tee ]; then',
        encode,
        'exit $?',
        'fi; done',
        'exec ffmpeg "$@"',
      ].join('\n'),
    );
    await chmod(wrapper, 0o755);
    const measured = await measureLoudness(input);
    const output = join(dir, `${name}.mp3`);
    const before = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = wrapper;
    try {
      const run = master({ input, output, channels: 1, target, measured, chapters: [{ startSeconds: 0, endSeconds: 5, title: 'All' }], tags: { title: 't', artist: 'a', album: 'b' } });
      return { run: await run.then((r) => ({ ok: r }), (e: unknown) => ({ error: e as Error })), output };
    } finally {
      if (before === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = before;
    }
  }

  /** The encoder's arguments with `extra` added as output options (after the bitrate). */
  const withOutputOptions = (extra: string) => `args=(); prev=; for a in "\${out[@]}"; do args+=("$a"); if [ "$prev" = "-b:a" ]; then args+=(${extra}); fi; prev=$a; done; ffmpeg "\${args[@]}"`;

  it('passes an undamaged encode through the wrapper, and its figures are those of an independent pass over the file', async () => {
    const { run, output } = await masterThrough('clean', 'ffmpeg "${out[@]}"');
    expect('ok' in run && run.ok.output).toEqual(await measureEbur128(output));
  });

  it('fails when the encoded frames do not decode (damaged packets: the file and the metered stream alike)', async () => {
    const { run, output } = await masterThrough('noise', withOutputOptions('-bsf:a noise=amount=200'));
    expect('error' in run && run.error.message).toMatch(/does not decode/);
    expect(existsSync(output)).toBe(false);
  });

  it('fails when the encoder stops early (a short MP3 that decodes cleanly)', async () => {
    const { run, output } = await masterThrough('short', withOutputOptions('-t 2'));
    expect('error' in run && run.error.message).toMatch(/is [12]\.\d+ s long, the episode \d+\.\d+ s/);
    expect(existsSync(output)).toBe(false);
  });

  it('fails when the file is not the stream that was measured (its frames changed after they were written)', async () => {
    // the encode runs whole, then bytes in the middle of the file it wrote are overwritten
    const damage = 'ffmpeg "${out[@]}" || exit $?; f=${out[-1]#*file:}; f=${f%%|*}; printf "\\xff\\xfb\\x00\\x00junk" | dd of="$f" bs=1 seek=20000 conv=notrunc status=none';
    const { run, output } = await masterThrough('changed', damage);
    expect('error' in run && run.error.message).toMatch(/frames \(\d+ bytes\) are not the \d+ bytes its loudness was measured on/);
    expect(existsSync(output)).toBe(false);
  });

  it('reads decoder errors from a level-prefixed log', () => {
    expect(decodeError('[info] Stream #0:0: Audio: mp3\n[info]     title : An error in the title\n')).toBeUndefined();
    expect(decodeError('[info] x\n[mp3float @ 0x55] [error] big_values too big\n[error] Error while decoding stream #0:0\n')).toBe('big_values too big');
  });
});
