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
import { planLevel, type LevelPlan, type LevelStep, type LoudnessFrame, type Passage } from './leveler.js';
import { declickFilter, detectClicks } from './clicks.js';
import { deessFilter, sibilanceDb } from './sibilance.js';

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
  /** Clicks found on a sample of the speech (the build's detector, clicks.ts), and what the chain left of them there. */
  declick?: StepReport & { sampleSeconds?: number; found?: number; perMinute?: number; remaining?: number; removed?: number };
  /** Sibilance of the speech sample (sibilance.ts, dB), before and after the chain. */
  deess?: StepReport & { sibilanceDb?: number; sibilanceAfterDb?: number };
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
  /** Why the leveler must not run on this recording (it is levelled already), when it must not. */
  levelledBy?: string;
  signal?: AbortSignal;
}

/** Room tone shorter than this (s) is too little to measure anything on. */
const MIN_ROOM_TONE_SECONDS = 0.5;
/** Window of the hum lines' before/after spectra (samples): 0.34 s at 48 kHz, 2.9 Hz bins (a coarser bin measures the noise beside the line). */
const LINE_WINDOW = 16384;
/** The rate the room tone is analysed at: the recording's, up to 48 kHz. */
const MAX_RATE = 48000;

export async function planCleanup(p: PlanInput): Promise<CleanupPlan> {
  const steps = resolveSteps(p.settings.enabled, p.settings.preset ?? 'podcast', p.settings);
  const speech = steps.declick.enabled || steps.deess.enabled ? await readSpeechSample(p) : undefined;
  try {
    const found = speech && steps.declick.enabled ? speech.segments.reduce((n, x) => n + detectClicks(x, speech.rate, steps.declick.ratio).length, 0) : 0;
    const perMinute = speech ? Math.round((found / (speech.seconds / 60)) * 10) / 10 : 0;
    const declick = speech && steps.declick.enabled && perMinute >= steps.declick.minPerMinute ? declickFilter(steps.declick) : undefined;
    const sibilance = speech && steps.deess.enabled ? sibilanceDb(speech.segments, speech.rate) : Number.NaN;
    const deess = steps.deess.enabled && sibilance > steps.deess.maxSibilanceDb ? deessFilter(steps.deess) : undefined;
    const plan = await planRoomToneSteps(p, declick);
    if (deess) {
      plan.filters = join(plan.filters, deess);
      plan.report.filters = plan.filters ?? null;
    }
    // what the chain leaves on the same sample
    const after = speech && (declick || deess) ? splitLike(await decodePcm(speech.file, speech.rate, { filters: plan.filters! }), speech.segments) : undefined;
    const sampleSeconds = speech ? Math.round(speech.seconds * 10) / 10 : 0;
    if (!steps.declick.enabled) plan.report.declick = { applied: false, reason: 'off' };
    else {
      const remaining = after && declick ? after.reduce((n, x) => n + detectClicks(x, speech!.rate, steps.declick.ratio).length, 0) : undefined;
      plan.report.declick = {
        applied: Boolean(declick),
        ...(declick ? {} : { reason: `${perMinute} clicks a minute in the speech sample, ${steps.declick.minPerMinute} needed` }),
        sampleSeconds,
        found,
        perMinute,
        ...(remaining !== undefined ? { remaining, removed: Math.max(0, found - remaining) } : {}),
      };
    }
    if (!steps.deess.enabled) plan.report.deess = { applied: false, reason: 'off' };
    else {
      const afterDb = after && deess ? sibilanceDb(after, speech!.rate) : undefined;
      plan.report.deess = {
        applied: Boolean(deess),
        ...(deess ? {} : { reason: Number.isFinite(sibilance) ? `sibilance ${sibilance} dB, at most ${steps.deess.maxSibilanceDb} dB` : 'no sibilance measured' }),
        ...(Number.isFinite(sibilance) ? { sibilanceDb: sibilance } : {}),
        ...(afterDb !== undefined && Number.isFinite(afterDb) ? { sibilanceAfterDb: afterDb } : {}),
      };
    }
    return withLevel(plan, p, steps.level);
  } finally {
    await speech?.remove();
  }
}

/** Where the speech is sampled: all of the kept part up to this long (s), else windows spread evenly. */
const WHOLE_SPEECH_SECONDS = 120;
const SPEECH_WINDOWS = 10;
const SPEECH_WINDOW_SECONDS = 6;

/** A sample of the speech (the kept part, pauses and all) at the recording's rate (≤ 48 kHz), high-passed as the chain does. */
async function readSpeechSample(p: PlanInput): Promise<{ file: string; rate: number; segments: Float32Array[]; seconds: number; remove: () => Promise<void> } | undefined> {
  const span = p.to - p.from;
  if (!(span > 1)) return undefined;
  const windows = span <= WHOLE_SPEECH_SECONDS
    ? [{ startSeconds: p.from, seconds: span }]
    : Array.from({ length: SPEECH_WINDOWS }, (_, k) => ({ startSeconds: Math.round((p.from + ((k + 0.5) * span) / SPEECH_WINDOWS - SPEECH_WINDOW_SECONDS / 2) * 1000) / 1000, seconds: SPEECH_WINDOW_SECONDS }));
  const rate = Math.min(MAX_RATE, p.sampleRate);
  const raw = await readRoomTone(p.recording, windows, rate);
  const highpass = cleanupFilters(p.settings);
  const segments = highpass ? splitLike(await decodePcm(raw.file, rate, { filters: highpass }), raw.segments) : raw.segments;
  return { file: raw.file, rate, segments, seconds: raw.seconds, remove: raw.remove };
}

/** `x` cut into runs as long as `like`'s. */
function splitLike(x: Float32Array, like: readonly Float32Array[]): Float32Array[] {
  let at = 0;
  return like.map((s) => x.subarray(at, (at += s.length)));
}

function withLevel(plan: CleanupPlan, p: PlanInput, step: LevelStep): CleanupPlan {
  if (!step.enabled) plan.report.level = { applied: false, reason: 'off', passages: [] };
  else if (p.levelledBy) plan.report.level = { applied: false, reason: p.levelledBy, passages: [] };
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

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(',') || undefined;

/** The steps measured on the room tone: the hum notches and the denoiser (`declick` goes between them). */
async function planRoomToneSteps(p: PlanInput, declick?: string): Promise<CleanupPlan> {
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
    return { filters: join(highpass, declick), report: { ...report, filters: join(highpass, declick) ?? null } };
  }
  const windows = pickRoomTone(p.pauses, p.from, p.to);
  const seconds = windows.reduce((s, w) => s + w.seconds, 0);
  if (seconds < MIN_ROOM_TONE_SECONDS) {
    off(`too little room tone (${seconds.toFixed(2)} s of pauses, ${MIN_ROOM_TONE_SECONDS} s needed)`);
    return { filters: join(highpass, declick), report: { ...report, filters: join(highpass, declick) ?? null } };
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
    // the declicker before the denoiser: a click smeared over afftdn's window is no impulse any more
    const filters = join(pre, declick, denoise);
    // what the whole chain did to each hum line of the room tone: per window, the median over
    // the windows (a window holding a breath or a word's tail does not speak for the room)
    if (report.hum.applied && filters) {
      const after = await decodePcm(tone.file, rate, { filters });
      const outs = splitLike(after, tone.segments);
      const pairs = tone.segments.map((seg, k) => [seg, outs[k]!] as const).filter(([seg, out]) => seg.length >= LINE_WINDOW && out.length === seg.length);
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
