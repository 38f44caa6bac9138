/**
 * Intro and outro music: each file measured once and brought to the episode's loudness by
 * a linear gain (limited first, like speech, when the gain would lift its peaks over the
 * ceiling), then joined to the speech with equal-power crossfades. The intro gets its own
 * chapter; every speech time moves by where the speech starts in the episode.
 */
import { LetterpodError } from '../errors.js';
import { probeAudio } from '../media/probe.js';
import { limiterChain, measureLoudness, type LoudnessTarget } from './loudness.js';

export interface MusicSettings {
  intro?: string;
  outro?: string;
  /** Overlap of music and speech (s). */
  crossfadeSeconds: number;
}

export interface MusicClip {
  file: string;
  durationSeconds: number;
  /** Filters that bring it to the target loudness (gain, and a limiter when needed). */
  filters: string;
  gainDb: number;
}

/** Room under the ceiling for the encoder's peak rise (the final file is verified anyway). */
const PEAK_MARGIN_DB = 1.0;

/** Measure a music file and plan its gain. */
export async function prepareClip(file: string, target: LoudnessTarget, rate: number): Promise<MusicClip> {
  let info;
  try {
    info = await probeAudio(file);
  } catch (cause) {
    throw new LetterpodError({ file, problem: 'the music file cannot be read as audio', fix: 'Check the path in the config (music.intro / music.outro) and the file', cause });
  }
  if (!(info.durationSeconds >= 1)) {
    throw new LetterpodError({ file, problem: `the music is only ${info.durationSeconds.toFixed(1)} s long`, fix: 'Use a clip of at least a few seconds' });
  }
  const m = await measureLoudness(file);
  if (!Number.isFinite(m.integratedLufs) || m.integratedLufs <= -70) {
    throw new LetterpodError({ file, problem: 'the music file is silent', fix: 'Check the file named in music.intro / music.outro' });
  }
  const gainDb = target.targetLufs - m.integratedLufs;
  const ceiling = target.truePeakDbtp - PEAK_MARGIN_DB;
  const filters = m.truePeakDbtp + gainDb > ceiling ? limiterChain(gainDb, ceiling, rate) : `aresample=${rate},volume=${gainDb.toFixed(2)}dB`;
  return { file, durationSeconds: info.durationSeconds, filters, gainDb: Math.round(gainDb * 100) / 100 };
}

export interface Program {
  /** Extra inputs after the recording (`-i file` pairs). */
  inputs: string[];
  /** Filter graph lines that take `[speech]` and produce `[program]`. */
  graph: string[];
  /** Where the speech starts in the episode (s). */
  speechOffsetSeconds: number;
  /** Length of the episode for a speech part of `speechSeconds`. */
  episodeSeconds: (speechSeconds: number) => number;
  crossfadeSeconds: number;
}

/**
 * The graph joining `[speech]` (at `rate` Hz, `channels`) with the intro and outro clips.
 * The crossfade never exceeds half of either side.
 */
export function programGraph(
  intro: MusicClip | undefined,
  outro: MusicClip | undefined,
  crossfadeSeconds: number,
  speechSeconds: number,
  rate: number,
  channels: 1 | 2,
): Program {
  const layout = channels === 1 ? 'mono' : 'stereo';
  const fmt = `aformat=sample_fmts=fltp:sample_rates=${rate}:channel_layouts=${layout}`;
  const inputs: string[] = [];
  const graph: string[] = [];
  const fade = (clip: MusicClip) => Math.max(0, Math.min(crossfadeSeconds, clip.durationSeconds / 2, speechSeconds / 2));
  let current = 'speech';
  let offset = 0;
  let introFade = 0;
  let outroFade = 0;
  let n = 1;
  if (intro) {
    introFade = fade(intro);
    inputs.push('-i', intro.file);
    graph.push(`[${n}:a:0]${intro.filters},${fmt}[intro]`);
    graph.push(`[intro][${current}]${crossfade(introFade)}[withintro]`);
    current = 'withintro';
    offset = intro.durationSeconds - introFade;
    n++;
  }
  if (outro) {
    outroFade = fade(outro);
    inputs.push('-i', outro.file);
    graph.push(`[${n}:a:0]${outro.filters},${fmt}[outro]`);
    graph.push(`[${current}][outro]${crossfade(outroFade)}[withoutro]`);
    current = 'withoutro';
  }
  graph.push(`[${current}]anull[program]`);
  return {
    inputs,
    graph,
    speechOffsetSeconds: Math.round(offset * 1000) / 1000,
    episodeSeconds: (s) => (intro ? intro.durationSeconds - introFade : 0) + s + (outro ? outro.durationSeconds - outroFade : 0),
    crossfadeSeconds,
  };
}

/** Equal-power crossfade (quarter sine); a plain join when there is no overlap. */
function crossfade(seconds: number): string {
  return seconds > 0 ? `acrossfade=d=${seconds.toFixed(3)}:c1=qsin:c2=qsin` : 'concat=n=2:v=0:a=1';
}
