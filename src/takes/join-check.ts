/**
 * The joins as the listener hears them: the short-term loudness (3 s) of the last
 * EDGE_SECONDS of speech before each join and the first EDGE_SECONDS after it, measured on
 * the final MP3 (ebur128). The takes are matched before mastering, but the master's
 * true-peak limiter takes more from a peaky take than from a smooth one, so a step can
 * appear only after it; the build measures and, when a step is over JOIN_STEP_LU, corrects
 * the takes' gains once and masters again.
 */
import { meanShortTerm, measureShortTerm } from '../episode/analysis.js';
import { EDGE_SECONDS } from './join.js';

/** Steps above this (LU) are corrected by a second master. */
export const JOIN_STEP_LU = 1.0;

export interface JoinStep {
  /** Episode time of the join's pause (s). */
  atSeconds: number;
  beforeLufs: number;
  afterLufs: number;
  /** after − before (LU). */
  stepLu: number;
}

/** `speech`: each take's speech in episode time, in order. */
export async function measureJoinSteps(mp3: string, speech: readonly { startSeconds: number; endSeconds: number }[], signal?: AbortSignal): Promise<JoinStep[]> {
  const { curve } = await measureShortTerm(mp3, signal);
  const mean = (a: number, b: number) => meanShortTerm(curve, a, b);
  const steps: JoinStep[] = [];
  for (let k = 1; k < speech.length; k++) {
    const aEnd = speech[k - 1].endSeconds;
    const bStart = speech[k].startSeconds;
    const before = mean(Math.max(speech[k - 1].startSeconds, aEnd - EDGE_SECONDS), aEnd);
    const after = mean(bStart, Math.min(speech[k].endSeconds, bStart + EDGE_SECONDS));
    const r2 = (x: number) => Math.round(x * 100) / 100;
    steps.push({ atSeconds: r2((aEnd + bStart) / 2), beforeLufs: r2(before), afterLufs: r2(after), stepLu: r2(after - before) });
  }
  return steps;
}
