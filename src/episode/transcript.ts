/** Timed transcripts from the aligned issue text: WebVTT and SRT (no speech recognition). */

export interface Cue {
  startSeconds: number;
  endSeconds: number;
  text: string;
}

import { srtTime, vttTime } from './timecode.js';

/** Cues must not overlap and must have positive length; drop empties. */
function clean(cues: Cue[]): Cue[] {
  const out: Cue[] = [];
  for (const c of cues) {
    const text = c.text.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const prev = out[out.length - 1];
    const start = Math.max(c.startSeconds, prev ? prev.endSeconds : 0);
    const end = Math.max(c.endSeconds, start + 0.2);
    out.push({ startSeconds: start, endSeconds: end, text });
  }
  return out;
}

export function renderVtt(cues: Cue[]): string {
  const body = clean(cues).map((c, i) => `${i + 1}\n${vttTime(c.startSeconds)} --> ${vttTime(c.endSeconds)}\n${c.text.replace(/-->/g, '->')}\n`);
  return ['WEBVTT', '', ...body].join('\n');
}

export function renderSrt(cues: Cue[]): string {
  return clean(cues)
    .map((c, i) => `${i + 1}\n${srtTime(c.startSeconds)} --> ${srtTime(c.endSeconds)}\n${c.text}\n`)
    .join('\n');
}
