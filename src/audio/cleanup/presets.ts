import type { LevelStep } from './leveler.js';
import type { DeclickStep } from './clicks.js';
import type { DeessStep } from './sibilance.js';

/**
 * Cleanup presets as data: what each adaptive step does under `cleanup.preset`, before the
 * per-step overrides of the config are laid over it. `off` is letterpod's behaviour before
 * the adaptive steps existed (the high-pass and the head/tail trim only).
 */

export const CLEANUP_PRESETS = ['off', 'light', 'podcast', 'strong'] as const;
export type CleanupPreset = (typeof CLEANUP_PRESETS)[number];

export interface HumStep {
  enabled: boolean;
  /** A mains line counts as present when it stands this far (dB) above the room tone's spectrum around it. */
  minProminenceDb: number;
  /** Lines looked at: the fundamental and its harmonics up to this multiple. */
  maxHarmonic: number;
}

export interface NoiseStep {
  enabled: boolean;
  /** How far (dB) the room tone's level is to come down; the noise floor is chosen for it on the room-tone sample. */
  reductionDb: number;
  /** Room tone quieter than this (dBFS, after the high-pass) is left alone. */
  minFloorDbfs: number;
}

export interface CleanupSteps {
  hum: HumStep;
  noise: NoiseStep;
  declick: DeclickStep;
  deess: DeessStep;
  level: LevelStep;
}

const HUM_ON: HumStep = { enabled: true, minProminenceDb: 10, maxHarmonic: 8 };
const HUM_OFF: HumStep = { ...HUM_ON, enabled: false };
/**
 * The declicker runs when the detector (a click 20× over the local level of the second
 * difference: none in the espeak fit set, 4 in 53 s of a real reading) finds 6 a minute.
 * Off in every preset until it meets issue 18's targets: on 20 injected clicks adeclick
 * removed 12–17 (≥ 18 wanted) and changed the speech elsewhere by up to −28.8 dB (≤ −40 dB
 * wanted), and it costs about twice an encode's CPU (bench:cleanup) — `cleanup.declick.enabled`
 * turns it on.
 */
const DECLICK: DeclickStep = { enabled: false, minPerMinute: 6, ratio: 20, threshold: 2 };
/** The de-esser runs over −7 dB of sibilance (the espeak fit set: −9.7 to −9.6 dB; +10 dB of 5–9 kHz presence: −4.5 dB). */
const DEESS: DeessStep = { enabled: true, maxSibilanceDb: -7, intensity: 0.5, maxReduction: 0.5 };
/**
 * The leveler (leveler.ts): podcast levels passages ≥ 20 s apart by ≥ 2 LU (natural reading
 * drifts by about 1 LU between paragraphs: the fit set's and the real readings' passages
 * stay one); light only clear session changes, strong smaller ones.
 */
const LEVEL: LevelStep = { enabled: true, minStepLu: 2, minPassageSeconds: 20, maxGainDb: 15 };

export const PRESET_STEPS: Record<CleanupPreset, CleanupSteps> = {
  off: { hum: HUM_OFF, noise: { enabled: false, reductionDb: 0, minFloorDbfs: -70 }, declick: { ...DECLICK, enabled: false }, deess: { ...DEESS, enabled: false }, level: { ...LEVEL, enabled: false } },
  light: { hum: HUM_ON, noise: { enabled: true, reductionDb: 10, minFloorDbfs: -70 }, declick: { ...DECLICK, minPerMinute: 12 }, deess: { ...DEESS, maxSibilanceDb: -5, intensity: 0.3 }, level: { ...LEVEL, minStepLu: 3, minPassageSeconds: 30, maxGainDb: 10 } },
  podcast: { hum: HUM_ON, noise: { enabled: true, reductionDb: 20, minFloorDbfs: -70 }, declick: DECLICK, deess: DEESS, level: LEVEL },
  strong: { hum: { ...HUM_ON, minProminenceDb: 8 }, noise: { enabled: true, reductionDb: 30, minFloorDbfs: -75 }, declick: { ...DECLICK, minPerMinute: 3 }, deess: { ...DEESS, maxSibilanceDb: -8, intensity: 0.7 }, level: { ...LEVEL, minStepLu: 1.5, minPassageSeconds: 15, maxGainDb: 20 } },
};

export type StepOverrides = { [K in keyof CleanupSteps]?: Partial<CleanupSteps[K]> };

/**
 * The steps for a preset with the config's overrides; every step off when cleanup is
 * disabled as a whole (`cleanup.enabled: false`).
 */
export function resolveSteps(enabled: boolean, preset: CleanupPreset, overrides: StepOverrides = {}): CleanupSteps {
  const base = PRESET_STEPS[preset];
  const steps: CleanupSteps = {
    hum: { ...base.hum, ...definedOnly(overrides.hum) },
    noise: { ...base.noise, ...definedOnly(overrides.noise) },
    declick: { ...base.declick, ...definedOnly(overrides.declick) },
    deess: { ...base.deess, ...definedOnly(overrides.deess) },
    level: { ...base.level, ...definedOnly(overrides.level) },
  };
  if (!enabled) {
    steps.hum = { ...steps.hum, enabled: false };
    steps.noise = { ...steps.noise, enabled: false };
    steps.level = { ...steps.level, enabled: false };
    steps.declick = { ...steps.declick, enabled: false };
    steps.deess = { ...steps.deess, enabled: false };
  }
  return steps;
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
