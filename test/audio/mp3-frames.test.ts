/**
 * Frame-level splicing of two libmp3lame encodes (audio/mp3-frames.ts, master.ts
 * `spliceOntoEarlier`): a signal, and the same signal with a span replaced by other sound
 * 10 MP3 frames longer, each encoded whole as the master encodes; the splice is the first
 * encode's frames outside the span, shifted by the length change after it. It must decode
 * without an error, be the first encode's samples outside the span but for the junction
 * frames, the second's inside it, and its Info/LAME tag must be what ffmpeg would write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lameDelay, parseMp3, rewriteInfo } from '../../src/audio/mp3-frames.js';
import { MP3_FRAME_SAMPLES, OUTPUT_RATE, spliceOntoEarlier } from '../../src/audio/master.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { scratch } from '../helpers/tmp.js';

const run = promisify(execFile);
const ffmpeg = (args: string[]) => run('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);
const R = OUTPUT_RATE;
const encodeArgs = ['-ar', String(R), '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '0', '-write_id3v1', '0', '-f', 'mp3'];
/** Where the replaced span starts and ends in the first signal (samples), and the length change (10 frames). */
const A = 4 * R;
const B = 5 * R;
const SHIFT = 10 * MP3_FRAME_SAMPLES;

describe('a frame-level splice of two encodes', () => {
  let work: string;
  let earlier: Buffer;
  let fresh: Buffer;

  beforeAll(async () => {
    work = await scratch('mp3-frames');
    // speech-like: pink noise in bursts of a few hundred ms, over a quiet room
    const voice = (seed: number) => `anoisesrc=d=20:c=pink:r=${R}:a=0.4:seed=${seed},volume='0.05+0.95*gt(sin(2*PI*2.3*t)+0.3*sin(2*PI*0.7*t),0.2)':eval=frame`;
    await ffmpeg(['-f', 'lavfi', '-i', voice(3), '-t', '12', '-c:a', 'pcm_s16le', join(work, 'a.wav')]);
    await ffmpeg([
      '-i', join(work, 'a.wav'), '-f', 'lavfi', '-i', voice(9),
      '-filter_complex',
      `[0:a]asplit=2[x][y];[x]atrim=end_sample=${A}[head];[1:a]atrim=end_sample=${B - A + SHIFT},asetpts=N/SR/TB[mid];[y]atrim=start_sample=${B},asetpts=N/SR/TB[tail];[head][mid][tail]concat=n=3:v=0:a=1[out]`,
      '-map', '[out]', '-c:a', 'pcm_s16le', join(work, 'b.wav'),
    ]);
    await ffmpeg(['-i', join(work, 'a.wav'), ...encodeArgs, join(work, 'a.mp3')]);
    await ffmpeg(['-i', join(work, 'b.wav'), ...encodeArgs, join(work, 'b.mp3')]);
    [earlier, fresh] = await Promise.all([readFile(join(work, 'a.mp3')), readFile(join(work, 'b.mp3'))]);
  });

  it("rewrites the Info/LAME tag of ffmpeg's own encode to the same bytes", () => {
    const layout = parseMp3(fresh);
    const copy = Buffer.from(fresh);
    // scramble what is rewritten, then rewrite it from the frames
    copy.fill(0x55, layout.info!.offset + layout.info!.payloadStart + 8, layout.info!.offset + layout.info!.payloadStart + 116);
    rewriteInfo(copy, layout.info!, layout.frames.map((f) => fresh.subarray(f.offset, f.offset + f.length)));
    expect(copy.equals(fresh)).toBe(true);
  });

  it("is the first encode's samples outside the span but for the junction frames, the second's inside, and decodes cleanly", async () => {
    // the reservoir is in use nearly everywhere: a junction cannot wait for main_data_begin 0
    const layout = parseMp3(earlier);
    expect(layout.frames.filter((f) => f.mainDataBegin === 0).length).toBeLessThan(3);
    const { bytes, report } = spliceOntoEarlier(earlier, fresh, { differsFromSeconds: A / R, differsToSeconds: (B + SHIFT) / R, shiftSamples: SHIFT });
    expect(report.spliced).toBe(true);
    const file = join(work, 'spliced.mp3');
    await writeFile(file, bytes!);
    const { stderr } = await ffmpeg(['-i', file, '-f', 'null', '-']);
    expect(stderr.trim()).toBe('');
    const [a, b, s] = await Promise.all([decodePcm(join(work, 'a.mp3'), R), decodePcm(join(work, 'b.mp3'), R), decodePcm(file, R)]);
    // the same length as the second encode, by its own tag's accounting
    expect(s.length).toBe(b.length);
    const spliced = parseMp3(bytes!);
    const { delay, padding } = lameDelay(bytes!, spliced)!;
    expect(s.length).toBe(spliced.frames.length * MP3_FRAME_SAMPLES - delay - padding);
    let firstDiff = -1;
    for (let i = 0; i < A; i++) if (a[i] !== s[i]) { firstDiff = i; break; }
    let lastDiff = -1;
    for (let i = B + SHIFT; i < s.length; i++) if (a[i - SHIFT] !== s[i]) lastDiff = i;
    // differences start at most two frames and the 10 ms before the span, end one frame and 30 ms after it (+ the decoder's granule)
    const ms = (n: number) => (n / R) * 1000;
    expect(firstDiff < 0 ? 0 : ms(A - firstDiff)).toBeLessThanOrEqual(90);
    expect(lastDiff < 0 ? 0 : ms(lastDiff - (B + SHIFT))).toBeLessThanOrEqual(140);
    // after the junction, only its first frame differs (the overlap with the new encode's
    // last granule, through the decoder's filterbank): a reservoir not carried over would
    // spoil that whole frame and the next one's first granule (2,000+ samples)
    expect(lastDiff - Math.round(report.newToSeconds! * R)).toBeLessThan(MP3_FRAME_SAMPLES);
    // and within the span it is the second encode
    let inside = 0;
    for (let i = A + 0.1 * R; i < B + SHIFT - 0.1 * R; i++) if (b[i] !== s[i]) inside++;
    expect(inside).toBe(0);
  });

  it('says why when the length change is not whole frames', () => {
    const { bytes, report } = spliceOntoEarlier(earlier, fresh, { differsFromSeconds: A / R, differsToSeconds: (B + SHIFT) / R, shiftSamples: SHIFT + 1 });
    expect(bytes).toBeUndefined();
    expect(report).toEqual({ spliced: false, reason: 'the length change is not a whole number of MP3 frames' });
  });
});
