/**
 * Noise reduction learned from the room tone: ffmpeg's afftdn with the noise profile it
 * samples from the room-tone sample itself (its `sample_noise` command over the whole
 * sample, read back from its log as the 15-band `bn` profile), and the noise floor chosen
 * on the same sample: the lowest (gentlest) floor that brings the room tone down by the
 * wanted amount. The profile is fixed (no tracking), so the filter does not pump on speech.
 */
import { decodePcm, ffmpeg, fileArg } from '../../media/ffmpeg.js';
import { floorDbfs } from './room-tone.js';
import type { NoiseStep } from './presets.js';

export interface NoiseProfile {
  /** afftdn's 15 band levels relative to their mean (dB). */
  bands: number[];
  /** afftdn's noise floor (dB) and reduction (dB). */
  floorDb: number;
  reductionDb: number;
}

/** afftdn's noise floor range (dB). */
const MIN_NF = -80;
const MAX_NF = -20;
/** How much more afftdn may take than the wanted drop of the room tone (dB). */
const NR_HEADROOM_DB = 10;

/** The highest floor tried, above the room tone's level (dB). */
const MAX_FLOOR_ABOVE_DB = 15;

/**
 * afftdn with a profile, for a stream at `rate`. afftdn delays its output by two of its
 * hops (2 × ⌊rate/80⌋ samples, 25 ms): the stream is padded by as much at its end and the
 * delay cut from the start, so the result lines up with its input sample for sample (the
 * chapters, the transcript and a pickup's splice stay where they were) and keeps its length.
 */
export function denoiseFilter(p: NoiseProfile, rate: number): string {
  const delay = 2 * Math.floor(rate / 80);
  const afftdn = `afftdn=nr=${p.reductionDb}:nf=${p.floorDb}:nt=c:bn=${p.bands.map((b) => b.toFixed(2)).join('|')}`;
  return `apad=pad_len=${delay},${afftdn},asetpts=N/SR/TB,atrim=start_sample=${delay},asetpts=N/SR/TB`;
}

/** The filters `denoiseFilter` writes, found in a chain (the whole group). */
export const DENOISE_GROUP = /(^|,)(apad=pad_len=\d+,afftdn=[^,]*,asetpts=N\/SR\/TB,atrim=start_sample=\d+,asetpts=N\/SR\/TB)(,|$)/;

/** afftdn's profile of the room-tone file after `pre` (the high-pass and notches). */
export async function sampleProfile(roomTone: string, seconds: number, pre: string | undefined): Promise<number[] | undefined> {
  const stop = Math.max(0.05, seconds - 0.05).toFixed(3);
  const chain = [pre, `asendcmd=c='0.0 afftdn sn start\\; ${stop} afftdn sn stop'`, 'afftdn'].filter(Boolean).join(',');
  const { stderr } = await ffmpeg(['-hide_banner', '-i', fileArg(roomTone), '-af', chain, '-f', 'null', '-'], { stderrLimit: 1 << 20 });
  const m = /bn=((?:-?[\d.]+ ){15})/.exec(stderr);
  if (!m) return undefined;
  return m[1]!.trim().split(/\s+/).map(Number);
}

export interface NoiseChoice {
  profile: NoiseProfile;
  /** The room tone's noise floor before and after (dBFS, median of 50 ms frames). */
  beforeDbfs: number;
  afterDbfs: number;
}

/**
 * The gentlest floor that meets `step.reductionDb` on the room tone (bisection over afftdn's
 * range, ~6 short runs); the strongest allowed when none does.
 */
export async function chooseFloor(roomTone: string, rate: number, chainRate: number, pre: string | undefined, bands: number[], beforeDbfs: number, step: NoiseStep): Promise<NoiseChoice> {
  const reductionDb = Math.min(97, step.reductionDb + NR_HEADROOM_DB);
  const level = async (floorDb: number) => {
    const profile = { bands, floorDb, reductionDb };
    return { profile, afterDbfs: floorDbfs(await decodePcm(roomTone, rate, { filters: [pre, denoiseFilter(profile, chainRate)].filter(Boolean).join(',') }), rate) };
  };
  let lo = MIN_NF;
  // never a floor far above the room tone's own level: that would take speech with it
  let hi = Math.max(MIN_NF + 5, Math.min(MAX_NF, Math.round(beforeDbfs + MAX_FLOOR_ABOVE_DB)));
  let best = await level(hi);
  if (beforeDbfs - best.afterDbfs < step.reductionDb) return { ...best, beforeDbfs };
  while (hi - lo > 2.5) {
    const mid = Math.round(((lo + hi) / 2) * 2) / 2;
    const at = await level(mid);
    if (beforeDbfs - at.afterDbfs >= step.reductionDb) {
      hi = mid;
      best = at;
    } else lo = mid;
  }
  return { ...best, beforeDbfs };
}
