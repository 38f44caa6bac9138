/**
 * Running cases: build (or reuse) a case, align it — in a child process under GNU time
 * (wall, peak RSS) or in this process (tests) — and score it; plus the report table.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { alignRecording, type AlignSection } from '../align/index.js';
import { paramsFromEnv } from '../align/params.js';
import { timeCommand } from '../devkit/time.js';
import { buildCase, type BuiltCase } from './compose.js';
import type { EvalCase } from './corpus.js';
import { fmt, scoreCase, summarize, TARGETS, verdict, type CaseScore, type ReportedLike, type ReportedRecording, type Verdict } from './metrics.js';

export function cacheRoot(): string {
  return resolve(process.env.LETTERPOD_EVAL_CACHE ?? resolve('.cache', 'eval'));
}

export async function build(c: EvalCase, root = cacheRoot()): Promise<BuiltCase> {
  return buildCase(c.name, await c.script(), root);
}

export interface CaseRun {
  name: string;
  real: boolean;
  /** Added after the aligner's rules were written and never looked at while developing them. */
  fresh: boolean;
  split: 'tune' | 'heldout';
  voice: string;
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
  leadIn?: ReportedRecording['leadIn'];
  ending?: ReportedRecording['ending'];
}

interface ChildOutput {
  durationSeconds: number;
  sections: ReportedLike[];
  stats: { wallMs: number };
  leadIn?: ReportedRecording['leadIn'];
  ending?: ReportedRecording['ending'];
}

const CHILD = resolve(fileURLToPath(import.meta.url), '..', 'align-child.js');

/**
 * Align a built case and score it. `inProcess` skips the child process (no RSS figure).
 * Tuning values: env LETTERPOD_ALIGN_PARAMS (JSON), in the child and in process alike.
 */
export async function runCase(c: EvalCase, built: BuiltCase, opts: { inProcess?: boolean } = {}): Promise<CaseRun> {
  const base = {
    name: c.name,
    real: c.real === true,
    fresh: c.fresh === true,
    split: c.split,
    voice: c.voice,
    durationSeconds: built.truth.durationSeconds,
    sections: built.truth.sections.length,
  };
  let out: ChildOutput | undefined;
  let wallSeconds = 0;
  let peakRssMb: number | undefined;
  let error: string | undefined;
  if (opts.inProcess) {
    const t0 = performance.now();
    try {
      const sections = JSON.parse(await readFile(built.sectionsFile, 'utf8')) as AlignSection[];
      out = await alignRecording(built.audio, sections, { params: paramsFromEnv(), ...(c.language ? { language: c.language } : {}) });
    } catch (e) {
      error = (e as Error).message;
    }
    wallSeconds = (performance.now() - t0) / 1000;
  } else {
    const t = await timeCommand(process.execPath, [CHILD, built.audio, built.sectionsFile, ...(c.language ? [c.language] : [])]);
    wallSeconds = t.wallSeconds;
    peakRssMb = t.peakRssMb;
    if (t.code === 0) out = JSON.parse(t.stdout) as ChildOutput;
    else {
      const own = t.stderr.split('\tCommand being timed:')[0].trim();
      error = `align-child exited ${t.code}${own ? `: ${own.slice(-400)}` : ''}`;
    }
  }
  const reported = out?.sections ?? [];
  const rec: ReportedRecording = { leadIn: out?.leadIn ?? null, ending: out?.ending ?? null };
  const truthRec = { leadIn: built.truth.leadIn ?? null, ending: built.truth.ending ?? null };
  const run: CaseRun = { ...base, score: scoreCase(built.truth.sections, reported, { truth: truthRec, reported: rec }), wallSeconds, reported };
  if (out) {
    run.leadIn = rec.leadIn;
    run.ending = rec.ending;
    if (!('leadIn' in out) || !('ending' in out)) run.error = `the aligner's output lacks ${'leadIn' in out ? '' : 'leadIn '}${'ending' in out ? '' : 'ending'}`.trim();
  }
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
  ['case', 30, false],
  ['split', 7, false],
  ['dur', 7, true],
  ['sect', 5, true],
  ['median', 7, true],
  ['p95', 7, true],
  ['max', 7, true],
  ['misses', 7, true],
  ['skipped ok', 11, true],
  ['order', 6, true],
  ['lead-in', 8, true],
  ['ending', 7, true],
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
    r.split,
    `${(r.durationSeconds / 60).toFixed(1)}m`,
    String(r.sections),
    fmt(s.median),
    fmt(s.p95),
    fmt(s.max),
    String(r.score.misses),
    `${r.score.skippedCorrect}/${r.score.skippedTotal}`,
    r.score.orderOk ? 'ok' : 'BAD',
    leadInCell(r.score),
    endingCell(r.score),
    r.wallSeconds.toFixed(2),
    r.peakRssMb === undefined ? '—' : r.peakRssMb.toFixed(0),
  ]);
}

function leadInCell(s: CaseScore): string {
  const l = s.leadIn;
  if (!l) return '—';
  const mark = l.right ? '' : ' BAD';
  return `${l.truthSeconds > 0 ? l.truthSeconds.toFixed(0) + 's' : 'none'}${l.reported ? '+' : '-'}${mark}`;
}

function endingCell(s: CaseScore): string {
  const e = s.ending;
  if (!e) return '—';
  if (!e.partial) return e.right ? 'full' : 'BAD';
  return e.right ? 'cut ok' : 'BAD';
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
  const l = r.score.leadIn;
  if (l && !l.right) {
    lines.push(`  ${r.name}: lead-in of ${fmt(l.truthSeconds, 1)} s ${l.reported ? `reported (${fmt(r.leadIn!.startSeconds, 2)}–${fmt(r.leadIn!.endSeconds, 2)}), must not be` : 'not reported, must be'}`);
  }
  const e = r.score.ending;
  if (e && !e.right) {
    if (!e.partial) lines.push(`  ${r.name}: complete recording reported ending in ${e.reportedSectionId}`);
    else {
      const after = e.wrongAfterEnd.length ? `; not reported after-end: ${e.wrongAfterEnd.join(', ')}` : '';
      lines.push(`  ${r.name}: cut in ${e.truthSectionId}, reported ending ${e.reportedSectionId ?? 'none'}${after}`);
    }
  }
  return lines;
}

export interface PartSummary {
  label: string;
  cases: number;
  n: number;
  median: number;
  p95: number;
  max: number;
  /** Boundaries off by more than the p95 target (0.3 s): what p95 alone can hide. */
  over: number;
  misses: number;
  skipped: [number, number];
  leadIns: [number, number];
  endings: [number, number];
  falseEndings: number;
  verdict: Verdict;
}

export function partSummary(label: string, rs: readonly CaseRun[]): PartSummary {
  const errors = rs.flatMap((r) => r.score.errors);
  const s = summarize(errors);
  const sum = (f: (r: CaseRun) => number) => rs.reduce((a, r) => a + f(r), 0);
  const decided = rs.filter((r) => r.score.leadIn && r.score.leadIn.expected !== undefined);
  const partial = rs.filter((r) => r.score.ending?.partial);
  return {
    label,
    cases: rs.length,
    n: s.n,
    median: s.median,
    p95: s.p95,
    max: s.max,
    over: errors.filter((e) => e > TARGETS.p95Seconds).length,
    misses: sum((r) => r.score.misses),
    skipped: [sum((r) => r.score.skippedCorrect), sum((r) => r.score.skippedTotal)],
    leadIns: [decided.filter((r) => r.score.leadIn!.right).length, decided.length],
    endings: [partial.filter((r) => r.score.ending!.right).length, partial.length],
    falseEndings: rs.filter((r) => r.score.ending && !r.score.ending.partial && !r.score.ending.right).length,
    verdict: rs.length ? verdict(rs.map((r) => r.score)) : { pass: false, failures: ['no cases'] },
  };
}

export function partLine(p: PartSummary): string {
  const v = p.verdict;
  return (
    `${p.label.padEnd(11)} ${String(p.n).padStart(3)} boundaries in ${String(p.cases).padStart(2)} cases — median ${fmt(p.median)} s, p95 ${fmt(p.p95)} s, max ${fmt(p.max)} s, over ${fmt(TARGETS.p95Seconds, 1)} s ${p.over}, ` +
    `misses ${p.misses}, skipped reported ${p.skipped[0]}/${p.skipped[1]}, lead-ins right ${p.leadIns[0]}/${p.leadIns[1]}, endings right ${p.endings[0]}/${p.endings[1]}` +
    `${p.falseEndings ? ` (+${p.falseEndings} complete reported partial)` : ''} → ${v.pass ? 'PASS' : `FAIL (${v.failures.join('; ')})`}`
  );
}

export interface Overall {
  parts: PartSummary[];
  lines: string[];
  /** Held-out noticeably worse than tune. */
  gapProblem: boolean;
  pass: boolean;
}

/** A held-out p95 this much above the tune p95 (s) is a gap problem… */
export const GAP_P95_SECONDS = 0.1;

/**
 * The summary: ALL, TUNE, HELD-OUT, REAL SPEECH, FRESH (each must pass on its own), and the gap
 * between tune and held-out — the evaluation predicts what users see only if the held-out
 * figures are as good as the tuned ones.
 */
export function overall(runs: readonly CaseRun[]): Overall {
  const groups: [string, CaseRun[]][] = [
    ['ALL', [...runs]],
    ['TUNE', runs.filter((r) => r.split === 'tune')],
    ['HELD-OUT', runs.filter((r) => r.split === 'heldout')],
    ['REAL SPEECH', runs.filter((r) => r.real)],
    ['FRESH', runs.filter((r) => r.fresh)],
  ];
  const parts = groups.filter(([, rs]) => rs.length > 0).map(([label, rs]) => partSummary(label, rs));
  const lines = parts.map(partLine);
  const tune = parts.find((p) => p.label === 'TUNE');
  const held = parts.find((p) => p.label === 'HELD-OUT');
  let gapProblem = false;
  if (tune && held) {
    const rate = (p: PartSummary) => p.misses / Math.max(1, p.n + p.misses);
    const dp = held.p95 - tune.p95;
    const problem: string[] = [];
    if (!(dp <= GAP_P95_SECONDS)) problem.push(`held-out p95 ${fmt(dp)} s worse`);
    if (rate(held) > rate(tune)) problem.push(`held-out misses ${(100 * rate(held)).toFixed(1)} % of boundaries vs ${(100 * rate(tune)).toFixed(1)} %`);
    gapProblem = problem.length > 0;
    lines.push(
      `GAP tune → held-out: p95 ${fmt(tune.p95)} → ${fmt(held.p95)} s (${dp >= 0 ? '+' : ''}${fmt(dp)}), misses ${tune.misses} → ${held.misses}` +
        ` — ${gapProblem ? `PROBLEM: ${problem.join('; ')}; the tuned figures overstate what users see` : 'no gap'}`,
    );
  }
  const headings = summarize(runs.flatMap((r) => r.score.headingErrors));
  if (headings.n) lines.push(`(headings, not scored: ${headings.n} — median ${fmt(headings.median)} s, p95 ${fmt(headings.p95)} s, max ${fmt(headings.max)} s)`);
  lines.push(
    `targets, per part: median ≤ ${TARGETS.medianSeconds} s, p95 ≤ ${TARGETS.p95Seconds} s, max ≤ ${TARGETS.maxSeconds} s, every present section found, skipped ones reported skipped, order kept, lead-ins ≥ 3 s reported and < 1.5 s not, partial recordings' ending and after-end sections right`,
  );
  return { parts, lines, gapProblem, pass: parts.every((p) => p.verdict.pass) };
}
