import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderFfmetadata } from '../../src/audio/ffmetadata.js';
import { measureEbur128, measureLoudnorm, parseEbur128Summary, staysLinear } from '../../src/audio/loudness.js';
import { master } from '../../src/audio/master.js';
import { ff, speak } from '../helpers/audio.js';
import { scratch } from '../helpers/tmp.js';

const target = { targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 };
const text =
  'This is a short narration for the mastering tests. It has a few sentences, so that the loudness meter has enough speech to integrate. ' +
  'The second part talks about something else entirely, and then the narration ends.';

describe('ffmetadata', () => {
  it('escapes the characters ffmpeg treats specially and writes millisecond chapters', () => {
    const out = renderFfmetadata({ title: 'A=B; #1 \\ end' }, [{ startSeconds: 1.2344, endSeconds: 2.5, title: 'x=y' }]);
    expect(out).toContain('title=A\\=B\\; \\#1 \\\\ end');
    expect(out).toContain('[CHAPTER]\nTIMEBASE=1/1000\nSTART=1234\nEND=2500\ntitle=x\\=y');
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
    const measured = await measureLoudnorm(input, target);
    const output = join(dir, `${name}.mp3`);
    const result = await master({
      input,
      output,
      channels,
      target,
      measured,
      chapters: [
        { startSeconds: 0, endSeconds: 4, title: 'Opening' },
        { startSeconds: 4, endSeconds: 9, title: 'Second part: “quotes” & ampersands' },
      ],
      tags: { title: 'AN #1: Test', artist: 'Narrator', album: 'Show', track: 1, year: '2020' },
    });
    return { measured, output, result };
  }

  it('lifts quiet speech to -16 LUFS linearly, limiting peaks first, and keeps true peak under -1 dBTP', async () => {
    const { measured, output, result } = await masterAt('quiet', 'volume=-18dB', 1);
    expect(measured.integratedLufs).toBeLessThan(-30);
    // the plain gain would push peaks over the ceiling, so the limiter must have run
    expect(staysLinear(target, measured)).toBe(false);
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
    expect(meta.format.tagTypes).toContain('ID3v2.3');
    expect(meta.common.title).toBe('AN #1: Test');
    expect(meta.common.album).toBe('Show');
    expect(meta.format.chapters?.map((c) => c.title)).toEqual(['Opening', 'Second part: “quotes” & ampersands']);
    expect(meta.format.chapters?.map((c) => c.start)).toEqual([0, 4]);
    const id3 = meta.native['ID3v2.3'] ?? [];
    expect(id3.some((t) => t.id === 'CTOC')).toBe(true);
    expect(id3.filter((t) => t.id === 'CHAP')).toHaveLength(2);
  });

  it('embeds cover art when given', async () => {
    const cover = join(dir, 'cover.png');
    await ff('-f', 'lavfi', '-i', 'color=c=navy:s=1400x1400', '-frames:v', '1', cover);
    const input = join(dir, 'speech.wav');
    const measured = await measureLoudnorm(input, target);
    const output = join(dir, 'cover.mp3');
    await master({ input, output, channels: 1, target, measured, chapters: [{ startSeconds: 0, endSeconds: 5, title: 'All' }], tags: { title: 't', artist: 'a', album: 'b' }, cover });
    const meta = await parseFile(output);
    expect(meta.common.picture?.[0]?.format).toBe('image/png');
    await writeFile(join(dir, 'done'), '');
  });
});
