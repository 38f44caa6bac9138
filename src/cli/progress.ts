/**
 * What a command shows while stages run (the conventions of DESIGN.md "CLI surface"):
 *
 * - on a terminal (stderr is a TTY): one line per recording, redrawn in place — the
 *   stage, a bar and percent from ffmpeg's progress, the time left — and left behind as
 *   "built in 42 s" (or "failed after …") when the recording is done;
 * - piped: one line per stage as it starts, with the time of day, written at once;
 * - `--quiet` (or `--json` when stderr is not a terminal): nothing.
 *
 * Everything goes to stderr: stdout stays the command's result.
 */
import { basename } from 'node:path';
import { STAGES, STAGE_TITLES, type Stage, type StageEvent, type StageListener } from '../stages/stage.js';
import { clock, duration } from './format.js';

export type DisplayMode = 'tty' | 'lines' | 'off';

export function displayMode(flags: { quiet?: boolean; json?: boolean }, stream: NodeJS.WriteStream = process.stderr): DisplayMode {
  if (flags.quiet) return 'off';
  if (stream.isTTY) return 'tty';
  return flags.json ? 'off' : 'lines';
}

export interface ProgressDisplay {
  listener: StageListener;
  /** Leave the last live line behind (call before printing anything else). */
  close(): void;
}

const BAR = 20;

/** How a subject's last stage reads once it is over. */
const DONE: Partial<Record<Stage, string>> = { match: 'matched', check: 'checked', artifacts: 'built', publish: 'published' };

function bar(fraction: number): string {
  const full = Math.round(fraction * BAR);
  return '█'.repeat(full) + '░'.repeat(BAR - full);
}

export function progressDisplay(mode: DisplayMode, stream: NodeJS.WriteStream = process.stderr, name: (subject: string) => string = basename): ProgressDisplay {
  if (mode === 'off') return { listener: () => {}, close: () => {} };
  if (mode === 'lines') {
    return {
      listener: (e: StageEvent) => {
        if (e.type === 'start') stream.write(`${clock(e.at)} ${name(e.subject)}: ${e.stage} (${STAGE_TITLES[e.stage]})\n`);
        else if (e.type === 'end' && !e.ok) stream.write(`${clock(e.at)} ${name(e.subject)}: ${e.stage} failed after ${duration(e.elapsedMs / 1000)}\n`);
      },
      close: () => {},
    };
  }
  // a terminal: one live line for the recording in progress
  let live: { subject: string; firstAt: number; stage: Stage; fraction?: number; eta?: number; failed?: boolean } | undefined;
  let shown = false;
  let last = '';
  const columns = () => Math.max(40, (stream.columns || 100) - 1);
  const draw = (line: string) => {
    const text = line.length > columns() ? line.slice(0, columns() - 1) + '…' : line;
    if (text === last) return;
    stream.write(`\r\x1b[2K${text}`);
    shown = true;
    last = text;
  };
  const finish = () => {
    if (!live) return;
    const took = duration((Date.now() - live.firstAt) / 1000);
    draw(`${name(live.subject)}: ${live.failed ? `${live.stage} failed after ${took}` : `${DONE[live.stage] ?? `${live.stage} done`} in ${took}`}`);
    stream.write('\n');
    shown = false;
    last = '';
    live = undefined;
  };
  const render = () => {
    if (!live) return;
    const n = STAGES.indexOf(live.stage) + 1;
    const pct = live.fraction !== undefined ? ` ${bar(live.fraction)} ${String(Math.floor(live.fraction * 100)).padStart(3)}%` : '';
    const eta = live.eta !== undefined ? `, ${duration(live.eta)} left` : '';
    draw(`${name(live.subject)}: [${n}/${STAGES.length}] ${live.stage} — ${STAGE_TITLES[live.stage]}${pct}${eta}`);
  };
  return {
    listener: (e: StageEvent) => {
      if (live && live.subject !== e.subject) finish();
      if (!live) live = { subject: e.subject, firstAt: e.at, stage: e.stage };
      if (e.type === 'start') live = { ...live, stage: e.stage, fraction: undefined, eta: undefined };
      else if (e.type === 'progress') live = { ...live, stage: e.stage, fraction: e.fraction, eta: e.etaSeconds };
      else if (!e.ok) live = { ...live, failed: true };
      render();
    },
    close: () => {
      finish();
      if (shown) stream.write('\n');
    },
  };
}
