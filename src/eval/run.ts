/**
 * Running cases: build (or reuse) a case, align it — in a child process under GNU time
 * (wall, peak RSS) or in this process (tests) — and score it; plus the report table.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { alignRecording, type AlignSection } from '../align/index.js';
import { timeCommand } from '../bench/time.js';
import { buildCase, type BuiltCase } from './compose.js';
import type { EvalCase } from './corpus.js';
import { fmt, scoreCase, summarize, TARGETS, verdict, type CaseScore, type ReportedLike, type Verdict } from './metrics.js';

export function cacheRoot(): string {
  return resolve(process.env.LETTERPOD_EVAL_CACHE ?? resolve('.cache', 'eval'));
}

export async function build(c: EvalCase, root = cacheRoot()): Promise<BuiltCase> {
  return buildCase(c.name, await c.script(), root);
}

export interface CaseRun {
  name: string;
  real: boolean;
  durationSeconds: number;
  sections: number;
  score: CaseScore;
  /** Whole child process (or the in-process call). */
  wallSeconds: number;
  peakRssMb?: number;
  /** `stats.wallMs` of the alignment itself. */
  alignMs?: number;
  error?: string;
  reported: ReportedLike[];
}

interface ChildOutput {
  durationSeconds: number;
  sections: ReportedLike[];
  stats: { wallMs: number };
}

const CHILD = resolve(fileURLToPath(import.meta.url), '..', 'align-child.js');

/** Align a built case and score it. `inProcess` skips the child process (no RSS figure). */
export async function runCase(c: EvalCase, built: BuiltCase, opts: { inProcess?: boolean } = {}): Promise<CaseRun> {
  const base = { name: c.name, real: c.real === true, durationSeconds: built.truth.durationSeconds, sections: built.truth.sections.length };
  let out: ChildOutput | undefined;
  let wallSeconds = 0;
  let peakRssMb: number | undefined;
  let error: string | undefined;
  if (opts.inProcess) {
    const t0 = performance.now();
    try {
      const sections = JSON.parse(await readFile(built.sectionsFile, 'utf8')) as AlignSection[];
      out = await alignRecording(built.audio, sections);
    } catch (e) {
      error = (e as Error).message;
    }
    wallSeconds = (performance.now() - t0) / 1000;
  } else {
    const t = await timeCommand(process.execPath, [CHILD, built.audio, built.sectionsFile]);
    wallSeconds = t.wallSeconds;
    peakRssMb = t.peakRssMb;
    if (t.code === 0) out = JSON.parse(t.stdout) as ChildOutput;
    else error = `align-child exited ${t.code}`;
  }
  const reported = out?.sections ?? [];
  const run: CaseRun = { ...base, score: scoreCase(built.truth.sections, reported), wallSeconds, reported };
  if (peakRssMb !== undefined) run.peakRssMb = peakRssMb;
  if (out) run.alignMs = out.stats.wallMs;
  if (error) run.error = error;
  return run;
}

// ---------------------------------------------------------------------------------------
// report

/**
 * A warning when the machine is busy (1-minute load average above the core count): wall
 * times are then not this code's alone. Empty when it is quiet.
 */
export function loadWarning(): string {
  const load = loadavg()[0];
  const cores = cpus().length;
  return load > cores ? `note: load average ${load.toFixed(1)} on ${cores} cores while measuring — wall times are inflated by other work` : '';
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

const COLS: [string, number, boolean][] = [
  ['case', 28, false],
  ['dur', 7, true],
  ['sect', 5, true],
  ['median', 7, true],
  ['p95', 7, true],
  ['max', 7, true],
  ['misses', 7, true],
  ['skipped ok', 11, true],
  ['order', 6, true],
  ['wall s', 7, true],
  ['peak MB', 8, true],
];

function row(cells: string[]): string {
  return cells.map((c, i) => pad(c, COLS[i][1], COLS[i][2])).join(' ');
}

export function header(): string {
  return `${row(COLS.map((c) => c[0]))}\n${row(COLS.map((c) => '-'.repeat(c[1])))}`;
}

export function caseRow(r: CaseRun): string {
  const s = r.score.summary;
  return row([
    r.name + (r.error ? ' (ERROR)' : ''),
    `${(r.durationSeconds / 60).toFixed(1)}m`,
    String(r.sections),
    fmt(s.median),
    fmt(s.p95),
    fmt(s.max),
    String(r.score.misses),
    `${r.score.skippedCorrect}/${r.score.skippedTotal}`,
    r.score.orderOk ? 'ok' : 'BAD',
    r.wallSeconds.toFixed(2),
    r.peakRssMb === undefined ? '—' : r.peakRssMb.toFixed(0),
  ]);
}

/** Sections that miss a target, for whoever is tuning the aligner. */
export function problems(r: CaseRun, threshold = TARGETS.p95Seconds): string[] {
  const lines: string[] = [];
  if (r.error) lines.push(`  ${r.name}: ${r.error}`);
  for (const s of r.score.sections) {
    const bad = (s.error !== undefined && s.error > threshold) || s.miss || s.falseChapter;
    if (!bad) continue;
    const what = s.miss ? 'MISSED (reported skipped)' : s.falseChapter ? 'SKIPPED by the narrator but given a chapter' : `error ${fmt(s.error!)} s`;
    const truth = s.present ? `truth [${fmt(s.pauseStartSeconds!, 2)}, ${fmt(s.startSeconds!, 2)}]` : 'not read';
    lines.push(`  ${r.name} ${s.id} (${s.kind}${s.scored ? '' : ', not scored'}): ${what}; ${truth}; mark ${s.mark === undefined ? '—' : fmt(s.mark, 2)}`);
  }
  if (!r.score.orderOk) lines.push(`  ${r.name}: sections out of order or marks not increasing`);
  return lines;
}

export interface Overall {
  all: Verdict;
  real: Verdict;
  lines: string[];
  pass: boolean;
}

export function overall(runs: readonly CaseRun[]): Overall {
  const pooled = (rs: readonly CaseRun[]) => summarize(rs.flatMap((r) => r.score.errors));
  const line = (label: string, rs: readonly CaseRun[], v: Verdict) => {
    const s = pooled(rs);
    const misses = rs.reduce((a, r) => a + r.score.misses, 0);
    const sk = rs.reduce((a, r) => a + r.score.skippedCorrect, 0);
    const skT = rs.reduce((a, r) => a + r.score.skippedTotal, 0);
    return `${label}: ${s.n} boundaries in ${rs.length} cases — median ${fmt(s.median)} s, p95 ${fmt(s.p95)} s, max ${fmt(s.max)} s, misses ${misses}, skipped reported ${sk}/${skT} → ${v.pass ? 'PASS' : `FAIL (${v.failures.join('; ')})`}`;
  };
  const realRuns = runs.filter((r) => r.real);
  const all = verdict(runs.map((r) => r.score));
  const real = realRuns.length ? verdict(realRuns.map((r) => r.score)) : { pass: true, failures: [] };
  const lines = [line('ALL', runs, all)];
  if (realRuns.length) lines.push(line('REAL SPEECH', realRuns, real));
  const headings = summarize(runs.flatMap((r) => r.score.headingErrors));
  if (headings.n) lines.push(`(headings, not scored: ${headings.n} — median ${fmt(headings.median)} s, p95 ${fmt(headings.p95)} s, max ${fmt(headings.max)} s)`);
  lines.push(`targets: median ≤ ${TARGETS.medianSeconds} s, p95 ≤ ${TARGETS.p95Seconds} s, max ≤ ${TARGETS.maxSeconds} s, every present section found, skipped ones reported skipped, order kept`);
  return { all, real, lines, pass: all.pass && real.pass };
}
