/**
 * The stages of letterpod's pipeline as a type, and the one helper that runs a stage:
 * it announces its start and end (with the time it took) to a listener, passes on its
 * progress (a fraction, with the time left estimated from the elapsed time), refuses to
 * start once the run is aborted, and logs all of it with LETTERPOD_DEBUG. The build, the
 * publish pipeline, the watch worker's messages and the watch journal all speak in these.
 */
import { debugLog } from '../process/debug.js';

/** In pipeline order. */
export const STAGES = ['match', 'check', 'probe', 'analyse', 'master', 'artifacts', 'publish'] as const;
export type Stage = (typeof STAGES)[number];

/** What each stage does, for people. */
export const STAGE_TITLES: Record<Stage, string> = {
  match: 'finding its issue',
  check: 'checking the take',
  probe: 'reading the file',
  analyse: 'aligning and measuring',
  master: 'mastering',
  artifacts: 'writing chapters, transcripts and notes',
  publish: 'publishing',
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export type StageEvent =
  | { type: 'start'; stage: Stage; subject: string; at: number }
  | { type: 'progress'; stage: Stage; subject: string; at: number; fraction: number; etaSeconds: number | undefined }
  | { type: 'end'; stage: Stage; subject: string; at: number; elapsedMs: number; ok: boolean };

export type StageListener = (event: StageEvent) => void;

export interface StepContext {
  readonly stage: Stage;
  readonly signal: AbortSignal | undefined;
  /** Report progress as a fraction 0–1 (throttled: at most every 250 ms or 1 %). */
  progress(fraction: number): void;
  /** A callback for ffmpeg's position in seconds that reports progress against `totalSeconds`. */
  seconds(totalSeconds: number): (seconds: number) => void;
}

export interface StageRunnerOptions {
  /** What the stages run on (a recording's path), carried in every event. */
  subject: string;
  onEvent?: StageListener;
  signal?: AbortSignal;
}

/** Runs the stages of one subject (a recording): `stages.run('analyse', async (step) => …)`. */
export interface StageRunner {
  run<T>(stage: Stage, fn: (step: StepContext) => Promise<T>): Promise<T>;
}

export function stageRunner(opts: StageRunnerOptions): StageRunner {
  const { subject } = opts;
  const emit = (event: StageEvent) => {
    try {
      opts.onEvent?.(event);
    } catch {
      // a display that fails must not fail the build
    }
  };
  return {
    async run<T>(stage: Stage, fn: (step: StepContext) => Promise<T>): Promise<T> {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const started = Date.now();
      debugLog(`stage ${stage} of ${subject}: start`);
      emit({ type: 'start', stage, subject, at: started });
      let last = { at: 0, fraction: -1 };
      const progress = (fraction: number) => {
        const f = Math.max(0, Math.min(1, fraction));
        const now = Date.now();
        if (now - last.at < 250 && f - last.fraction < 0.01) return;
        last = { at: now, fraction: f };
        const elapsed = (now - started) / 1000;
        const etaSeconds = f > 0.02 && elapsed > 0.5 ? (elapsed * (1 - f)) / f : undefined;
        emit({ type: 'progress', stage, subject, at: now, fraction: f, etaSeconds });
      };
      const step: StepContext = {
        stage,
        signal: opts.signal,
        progress,
        seconds: (total) => (s) => {
          if (total > 0) progress(s / total);
        },
      };
      let ok = false;
      try {
        const result = await fn(step);
        ok = true;
        return result;
      } finally {
        const elapsedMs = Date.now() - started;
        debugLog(`stage ${stage} of ${subject}: ${ok ? 'done' : 'failed'} in ${(elapsedMs / 1000).toFixed(2)} s`);
        emit({ type: 'end', stage, subject, at: Date.now(), elapsedMs, ok });
      }
    },
  };
}
