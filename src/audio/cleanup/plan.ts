/**
 * The cleanup chain of one recording: the high-pass, then the adaptive steps measured on
 * the recording's room tone (the pauses the analysis pass found, a few seconds decoded on
 * their own): notches for the mains lines present, noise reduction with the room tone's
 * profile. The chain runs in the existing encode; what each step measured goes into
 * episode.json.
 */
import { cleanupFilters, type CleanupSettings } from '../cleanup.js';
import { lineDb, welch } from './spectrum.js';
import { detectHum, humFilters, type HumLine } from './hum.js';
import { chooseFloor, denoiseFilter, sampleProfile, type NoiseProfile } from './denoise.js';
import { decodePcm } from '../../media/ffmpeg.js';
import { floorDbfs, pickRoomTone, readRoomTone, rmsDbfs } from './room-tone.js';
import { resolveSteps, type CleanupPreset, type StepOverrides } from './presets.js';
import { planLevel, type LevelPlan, type LoudnessFrame, type Passage } from './leveler.js';

export interface CleanupConfig extends CleanupSettings, StepOverrides {
  preset?: CleanupPreset;
}

export interface StepReport {
  applied: boolean;
  /** Why not, when not applied. */
  reason?: string;
}

export interface CleanupReport {
  preset: CleanupPreset;
  highpassHz: number | null;
  roomTone: { seconds: number; windows: number; levelDbfs: number | null };
  hum: StepReport & { mainsHz: 50 | 60 | null; lines: (HumLine & { reductionDb?: number })[] };
  noise: StepReport & { floorBeforeDbfs?: number; floorAfterDbfs?: number; reductionDb?: number; profile?: NoiseProfile };
  /** The leveler: the passages found (recording time), their speech loudness and gains. */
  level?: StepReport & { passages: Passage[] };
  /** The chain the speech is mastered with. */
  filters: string | null;
}

export interface CleanupPlan {
  filters: string | undefined;
  /** The leveler's gains, run after `filters` (master.ts `level`); undefined when nothing is levelled. */
  level?: LevelPlan;
  report: CleanupReport;
}

export interface PlanInput {
  recording: string;
  sampleRate: number;
  /** Pauses of the recording (s), from the analysis pass. */
  pauses: readonly (readonly [number, number])[];
  /** The kept part of the recording (s). */
  from: number;
  to: number;
  settings: CleanupConfig;
  /** ebur128's frames of the analysis pass (leveler.ts `loudnessFrames`): without them there is no leveler. */
  frames?: readonly LoudnessFrame[];
  signal?: AbortSignal;
}

/** Room tone shorter than this (s) is too little to measure anything on. */
const MIN_ROOM_TONE_SECONDS = 0.5;
/** Window of the hum lines' before/after spectra (samples): 0.34 s at 48 kHz, 2.9 Hz bins (a coarser bin measures the noise beside the line). */
const LINE_WINDOW = 16384;
/** The rate the room tone is analysed at: the recording's, up to 48 kHz. */
const MAX_RATE = 48000;

export async function planCleanup(p: PlanInput): Promise<CleanupPlan> {
  const plan = await planRoomToneSteps(p);
  const step = resolveSteps(p.settings.enabled, p.settings.preset ?? 'podcast', p.settings).level;
  if (!step.enabled) plan.report.level = { applied: false, reason: 'off', passages: [] };
  else if (!p.frames?.length) plan.report.level = { applied: false, reason: 'no loudness frames to measure on', passages: [] };
  else {
    const { plan: level, passages } = planLevel(p.frames, p.pauses, p.from, p.to, step);
    plan.report.level = level
      ? { applied: true, passages }
      : { applied: false, reason: `one passage (no two ≥ ${step.minPassageSeconds} s apart by ≥ ${step.minStepLu} LU)`, passages };
    if (level) plan.level = level;
  }
  return plan;
}

/** The steps measured on the room tone: the hum notches and the denoiser. */
async function planRoomToneSteps(p: PlanInput): Promise<CleanupPlan> {
  const c = p.settings;
  const preset = c.preset ?? 'podcast';
  const steps = resolveSteps(c.enabled, preset, c);
  const highpass = cleanupFilters(c);
  const report: CleanupReport = {
    preset,
    highpassHz: c.enabled ? c.highpassHz : null,
    roomTone: { seconds: 0, windows: 0, levelDbfs: null },
    hum: { applied: false, mainsHz: null, lines: [] },
    noise: { applied: false },
    filters: highpass ?? null,
  };
  const off = (why: string) => {
    if (!report.hum.applied && !report.hum.reason) report.hum.reason = steps.hum.enabled ? why : 'off';
    if (!report.noise.applied && !report.noise.reason) report.noise.reason = steps.noise.enabled ? why : 'off';
  };
  if (!steps.hum.enabled && !steps.noise.enabled) {
    off('off');
    return { filters: highpass, report };
  }
  const windows = pickRoomTone(p.pauses, p.from, p.to);
  const seconds = windows.reduce((s, w) => s + w.seconds, 0);
  if (seconds < MIN_ROOM_TONE_SECONDS) {
    off(`too little room tone (${seconds.toFixed(2)} s of pauses, ${MIN_ROOM_TONE_SECONDS} s needed)`);
    return { filters: highpass, report };
  }
  const rate = Math.min(MAX_RATE, p.sampleRate);
  const tone = await readRoomTone(p.recording, windows, rate);
  try {
    report.roomTone = { seconds: Math.round(tone.seconds * 100) / 100, windows: windows.length, levelDbfs: rmsDbfs(tone.segments) };
    // hum, on the room tone as recorded
    let notches: string | undefined;
    if (steps.hum.enabled) {
      const found = detectHum(tone.segments, rate, steps.hum);
      notches = humFilters(found);
      report.hum = { applied: Boolean(notches), mainsHz: found.mainsHz, lines: found.lines, ...(notches ? {} : { reason: 'no mains hum in the room tone' }) };
    } else report.hum.reason = 'off';
    const pre = [highpass, notches].filter(Boolean).join(',') || undefined;
    // noise, on the room tone after the high-pass and the notches
    let denoise: string | undefined;
    const before = pre ? await decodePcm(tone.file, rate, { filters: pre }) : Float32Array.from(tone.segments.flatMap((s) => [...s]));
    const beforeDbfs = floorDbfs(before, rate);
    if (!steps.noise.enabled) report.noise.reason = 'off';
    else if (!(beforeDbfs >= steps.noise.minFloorDbfs)) report.noise = { applied: false, reason: `room tone at ${beforeDbfs} dBFS, below ${steps.noise.minFloorDbfs} dBFS`, floorBeforeDbfs: beforeDbfs };
    else {
      const bands = await sampleProfile(tone.file, tone.seconds, pre);
      if (!bands) report.noise = { applied: false, reason: 'afftdn gave no noise profile', floorBeforeDbfs: beforeDbfs };
      else {
        const choice = await chooseFloor(tone.file, rate, rate, pre, bands, beforeDbfs, steps.noise);
        // the chain runs at the recording's own rate in the encode
        denoise = denoiseFilter(choice.profile, p.sampleRate);
        report.noise = {
          applied: true,
          floorBeforeDbfs: beforeDbfs,
          floorAfterDbfs: choice.afterDbfs,
          reductionDb: Math.round((beforeDbfs - choice.afterDbfs) * 10) / 10,
          profile: choice.profile,
        };
      }
    }
    const filters = [pre, denoise].filter(Boolean).join(',') || undefined;
    // what the whole chain did to each hum line of the room tone: per window, the median over
    // the windows (a window holding a breath or a word's tail does not speak for the room)
    if (report.hum.applied && filters) {
      const after = await decodePcm(tone.file, rate, { filters });
      let at = 0;
      const pairs = tone.segments.map((seg) => {
        const out = after.subarray(at, at + seg.length);
        at += seg.length;
        return [seg, out] as const;
      }).filter(([seg, out]) => seg.length >= LINE_WINDOW && out.length === seg.length);
      const spectra = pairs.map(([seg, out]) => [welch([seg], rate, LINE_WINDOW), welch([out], rate, LINE_WINDOW)] as const);
      report.hum.lines = report.hum.lines.map((l) => {
        const cuts = spectra.map(([a, b]) => lineDb(a, l.hz) - lineDb(b, l.hz)).sort((x, y) => x - y);
        return cuts.length ? { ...l, reductionDb: Math.round(cuts[Math.floor(cuts.length / 2)]! * 10) / 10 } : l;
      });
    }
    report.filters = filters ?? null;
    return { filters, report };
  } finally {
    await tone.remove();
  }
}
