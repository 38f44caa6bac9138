/**
 * Is this recording whole, and is it a reading at all? Cheap checks before minutes of
 * analysis:
 *
 * - complete: the audio that is really in the file (its packets read without decoding,
 *   or a WAV's data chunk against the file's size) against what its header claims. An
 *   interrupted upload or export keeps the header of the whole file (an MP3's Xing/Info
 *   frame count, a WAV's data size) and loses the end;
 * - plausible: the recording's length against the time its text takes to read, and a
 *   few seconds sampled at four places: silence, or sound without the pauses of speech
 *   (music, noise), is refused with what was heard.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { LetterpodError } from '../errors.js';
import { ffmpeg } from '../media/ffmpeg.js';
import type { AudioInfo } from '../media/probe.js';

/** A reading of an issue: about 150 words a minute (narrators: 140–170). */
export const WORDS_PER_SECOND = 2.5;

function mmss(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** What a WAV's header claims: seconds of data, from the data chunk's size and the byte rate (undefined when not a plain RIFF WAV, or a streaming placeholder size). */
export async function wavClaimedSeconds(file: string): Promise<{ claimedSeconds: number; presentSeconds: number } | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 1 << 16));
    await handle.read(head, 0, head.length, 0);
    if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return undefined;
    let at = 12;
    let byteRate: number | undefined;
    while (at + 8 <= head.length) {
      const id = head.toString('latin1', at, at + 4);
      const len = head.readUInt32LE(at + 4);
      if (id === 'fmt ' && at + 20 <= head.length) byteRate = head.readUInt32LE(at + 16);
      if (id === 'data') {
        if (!byteRate || len === 0 || len === 0xffffffff) return undefined;
        const present = Math.max(0, size - (at + 8));
        return { claimedSeconds: len / byteRate, presentSeconds: Math.min(len, present) / byteRate };
      }
      at += 8 + len + (len % 2);
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Seconds of audio packets really in the file (read, not decoded: fast). */
export async function packetSeconds(file: string): Promise<number> {
  let last = 0;
  await ffmpeg(['-v', 'error', '-i', file, '-map', '0:a:0', '-c', 'copy', '-f', 'null', '-'], {
    onProgress: (s) => {
      if (s > last) last = s;
    },
  });
  return last;
}

/**
 * Refuse a recording whose end is missing: "an-089.mp3 ends after 41 s of the 83 s its
 * header claims: the upload or export looks incomplete".
 */
export async function checkComplete(recording: string, info: Pick<AudioInfo, 'durationSeconds' | 'formatName' | 'audioSeconds'>): Promise<void> {
  let claimed = info.audioSeconds ?? info.durationSeconds;
  let present: number;
  const wav = info.formatName === 'wav' ? await wavClaimedSeconds(recording) : undefined;
  if (wav) {
    claimed = wav.claimedSeconds;
    present = wav.presentSeconds;
  } else {
    present = await packetSeconds(recording);
  }
  const missing = claimed - present;
  if (present > 0 && missing > Math.max(2, 0.03 * claimed)) {
    throw new LetterpodError({
      problem: `${basename(recording)} ends after ${mmss(present)} of the ${mmss(claimed)} its header claims: the upload or export looks incomplete`,
      fix: 'Copy or export the whole recording again (the same name replaces it)',
    });
  }
}

/** Words of an issue's spoken text, and the seconds a narrator takes to read them. */
export function expectedReading(sections: readonly { text: string }[]): { words: number; seconds: number } {
  const words = sections.reduce((n, s) => n + (s.text.match(/\S+/g)?.length ?? 0), 0);
  return { words, seconds: words / WORDS_PER_SECOND };
}

interface Heard {
  sampledSeconds: number;
  loudestDbfs: number;
  /** Share of 20 ms frames in a pause: 25 dB or more under the loud frames of their sample. */
  pauseShare: number;
}

/** Listen to up to four short samples (8 s each) spread over the recording. */
export async function sampleLevels(recording: string, durationSeconds: number): Promise<Heard> {
  const RATE = 8000;
  const FRAME = 160;
  const length = 8;
  const starts = durationSeconds <= 4 * length + 4 ? [0] : [0.1, 0.35, 0.6, 0.85].map((f) => f * durationSeconds);
  let frames = 0;
  let pauses = 0;
  let loudest = -Infinity;
  let sampled = 0;
  for (const start of starts) {
    const chunks: Buffer[] = [];
    await ffmpeg(
      ['-v', 'error', '-ss', start.toFixed(2), '-t', String(starts.length === 1 ? durationSeconds : length), '-i', recording, '-vn', '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-acodec', 'pcm_f32le', 'pipe:1'],
      { onStdout: (c) => chunks.push(Buffer.from(c)) },
    );
    const buf = Buffer.concat(chunks);
    const samples = new Float32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4));
    const levels: number[] = [];
    for (let i = 0; i + FRAME <= samples.length; i += FRAME) {
      let sum = 0;
      for (let k = i; k < i + FRAME; k++) sum += samples[k]! * samples[k]!;
      levels.push(10 * Math.log10(sum / FRAME + 1e-12));
    }
    if (levels.length === 0) continue;
    sampled += samples.length / RATE;
    const sorted = [...levels].sort((a, b) => a - b);
    const loud = sorted[Math.floor(sorted.length * 0.9)]!;
    loudest = Math.max(loudest, sorted[sorted.length - 1]!);
    frames += levels.length;
    pauses += levels.filter((l) => l < loud - 25).length;
  }
  return { sampledSeconds: sampled, loudestDbfs: loudest, pauseShare: frames ? pauses / frames : 0 };
}

/**
 * Refuse, within seconds, a recording that cannot be a reading of this text: far longer
 * than the text takes to read, silent, or sound without speech's pauses. Returns warnings
 * for a recording much shorter than its text (a partial reading).
 */
export async function checkPlausible(
  recording: string,
  info: Pick<AudioInfo, 'durationSeconds'>,
  issue: { number: number; sections: readonly { text: string }[] },
): Promise<string[]> {
  const warnings: string[] = [];
  const expected = expectedReading(issue.sections);
  const d = info.durationSeconds;
  if (expected.words > 0 && d > 3 * expected.seconds + 1200) {
    throw new LetterpodError({
      file: recording,
      problem: `is ${mmss(d)} long, but the text of #${issue.number} (${expected.words} words) reads in about ${mmss(expected.seconds)}: it is not a reading of this issue alone`,
      fix: 'Cut the recording to the reading of this issue (or check that it is the right file)',
    });
  }
  const heard = await sampleLevels(recording, d);
  const where = `${heard.sampledSeconds >= 16 ? `${Math.round(heard.sampledSeconds)} s sampled across the recording` : 'the whole recording'}`;
  if (heard.loudestDbfs < -45) {
    throw new LetterpodError({
      file: recording,
      problem: `no speech: heard only silence or hiss (loudest ${heard.loudestDbfs === -Infinity ? 'digital silence' : `${heard.loudestDbfs.toFixed(0)} dBFS`} in ${where})`,
      fix: 'Check the microphone input and export the recording again',
    });
  }
  if (heard.sampledSeconds >= 6 && heard.pauseShare < 0.03) {
    throw new LetterpodError({
      file: recording,
      problem: `no speech: heard continuous sound without the pauses of speech, like music or noise (${(heard.pauseShare * 100).toFixed(1)} % pauses in ${where}, speech has 10 % or more)`,
      fix: 'Check that it is the narration (not the music bed or a noise recording) and export it again',
    });
  }
  if (expected.words >= 150 && d < 0.35 * expected.seconds) {
    warnings.push(
      `the recording is ${mmss(d)} long, the text of #${issue.number} (${expected.words} words) reads in about ${mmss(expected.seconds)}: it may be a partial reading`,
    );
  }
  return warnings;
}
