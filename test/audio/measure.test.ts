/** The pure parts of measuring and planning: parsing ebur128's log, loudnorm's arguments, the output format. */
import { describe, expect, it } from 'vitest';
import { fitsUnderCeiling, parseEbur128Measurement, type LoudnessMeasurement } from '../../src/audio/loudness.js';
import { outputFormat } from '../../src/audio/master.js';

function frame(t: number, m: string): string {
  return `[Parsed_ebur128_0 @ 0x5601] t: ${t}       TARGET:-23 LUFS    M:${m} S:-30.0     I: -20.0 LUFS       LRA:   3.1 LU  FTPK: -5.0 dBFS  TPK:  -2.3 dBFS\n`;
}

function summary(i: string, threshold: string, lra: string, peak: string): string {
  return (
    `[Parsed_ebur128_0 @ 0x5601] Summary:\n\n  Integrated loudness:\n    I:         ${i} LUFS\n    Threshold: ${threshold} LUFS\n\n` +
    `  Loudness range:\n    LRA:         ${lra} LU\n    Threshold: -41.5 LUFS\n    LRA low:   -23.3 LUFS\n    LRA high:  -20.2 LUFS\n\n` +
    `  True peak:\n    Peak:       ${peak} dBFS\n`
  );
}

describe('parseEbur128Measurement', () => {
  it('reads the summary, the length, and the time above the relative gate', () => {
    // 0.1 s frames: 3 above the −31.1 gate, one on it, one below, one silent (nan)
    const log = [frame(0.1, '-20.5'), frame(0.2, '-25.0'), frame(0.3, '-31.1'), frame(0.4, '-31.2'), frame(0.5, '  nan'), frame(0.6, '-12.0')].join('');
    expect(parseEbur128Measurement(log + summary('-21.0', '-31.1', '3.1', '-2.3'))).toEqual({
      integratedLufs: -21,
      truePeakDbtp: -2.3,
      lraLu: 3.1,
      thresholdLufs: -31.1,
      durationSeconds: 0.6,
      activeSeconds: 0.4,
    });
  });

  it('reports digital silence as −inf with the −70 LUFS gate (ebur128 prints −70 and a 0 threshold)', () => {
    const m = parseEbur128Measurement(frame(0.1, '-120.7') + summary('-70.0', '0.0', '0.0', '-inf'));
    expect(m.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(m.truePeakDbtp).toBe(Number.NEGATIVE_INFINITY);
    expect(m.thresholdLufs).toBe(-70);
    expect(m.activeSeconds).toBe(0);
  });

  it('throws without a summary', () => {
    expect(() => parseEbur128Measurement(frame(0.1, '-20.0'))).toThrow(/no summary/);
  });
});

describe('fitsUnderCeiling', () => {
  const target = { targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 };
  const base: LoudnessMeasurement = { integratedLufs: -21, truePeakDbtp: -7, lraLu: 5, thresholdLufs: -31 };

  it('is true when the gain leaves the peak at or under the ceiling', () => {
    // +5 dB of gain: −7 → −2 dBTP, under −1.5
    expect(fitsUnderCeiling(target, base)).toBe(true);
    expect(fitsUnderCeiling(target, { ...base, truePeakDbtp: -6.5 })).toBe(true);
  });

  it('is false when the gain would lift the peak over it, whatever the loudness range', () => {
    expect(fitsUnderCeiling(target, { ...base, truePeakDbtp: -6.4 })).toBe(false);
    expect(fitsUnderCeiling(target, { ...base, lraLu: 40 })).toBe(true);
  });
});

describe('outputFormat', () => {
  it.each([
    [1, undefined, { channels: 1, bitrateKbps: 96 }],
    [2, undefined, { channels: 2, bitrateKbps: 128 }],
    [6, { channels: 'auto' }, { channels: 2, bitrateKbps: 128 }],
    [2, { channels: 'mono', monoKbps: 64 }, { channels: 1, bitrateKbps: 64 }],
    [1, { channels: 'stereo', stereoKbps: 192 }, { channels: 2, bitrateKbps: 192 }],
    [1, { monoKbps: 80, stereoKbps: 160 }, { channels: 1, bitrateKbps: 80 }],
  ] as const)('%i input channels with %j → %j', (inputChannels, format, expected) => {
    expect(outputFormat(inputChannels, format)).toEqual(expected);
  });
});
