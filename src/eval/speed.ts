#!/usr/bin/env node
/**
 * npm run bench:align [-- 15 30 60 120] (src/eval/speed.ts): alignment alone on long narrations (see
 * narrations.ts; reused from .cache/bench/), each in its own process under GNU time.
 * Prints wall time, peak RSS, the aligner's own `stats.wallMs`, the chapter error (pause
 * rule, see eval/metrics.ts), a linear-scaling check (time per minute), and PASS/FAIL
 * against the targets: the ~60-minute narration in ≤ 10 s wall and ≤ 300 MB peak RSS,
 * accuracy as in eval:align. Exit code 1 when a target is missed.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadWarning } from './run.js';
import { fmt, scoreCase, summarize, TARGETS, verdict, type CaseScore, type ReportedLike } from './metrics.js';
import { longNarration, narrationSections } from '../devkit/narrations.js';
import { timeCommand } from '../devkit/time.js';

const SPEED = { minutes: 60, wallSeconds: 10, peakRssMb: 300 } as const;
/** Linear enough: wall per minute of the longest within this factor of the shortest's. */
const LINEAR_FACTOR = 1.5;

const minutesList = process.argv.slice(2).map(Number).filter((n) => n > 0);
const lengths = minutesList.length ? minutesList : [15, 30, 60, 120];
const work = resolve('.cache', 'bench');
const child = resolve('dist', 'eval', 'align-child.js');

interface Row {
  minutes: number;
  durationMinutes: number;
  sections: number;
  wallSeconds: number;
  peakRssMb: number;
  cpuSeconds: number;
  alignSeconds: number;
  score: CaseScore;
}

console.log('| narration | sections | wall | CPU (user+sys) | peak RSS | alignment (stats) | wall per min | chapter error median / p95 / max | misses |');
console.log('|---|---|---|---|---|---|---|---|---|');
const rows: Row[] = [];
let failed = false;
let loaded = false;
for (const minutes of lengths) {
  const dir = join(work, `align-${minutes}`);
  const t = performance.now();
  const n = await longNarration(minutes, dir, 1);
  const made = (performance.now() - t) / 1000;
  if (made > 5) console.error(`(narrated ${minutes} min in ${made.toFixed(0)} s)`);
  const sections = narrationSections(n.issue);
  const sectionsFile = join(dir, 'sections.json');
  await writeFile(sectionsFile, JSON.stringify(sections));
  const run = await timeCommand(process.execPath, [child, n.recording, sectionsFile]);
  if (run.code !== 0) {
    console.log(`| ${minutes} min | ${sections.length} | FAILED (exit ${run.code}) | | | | | | |`);
    failed = true;
    continue;
  }
  const busy = loadWarning();
  if (busy) console.error(`(${minutes} min: ${busy})`);
  const out = JSON.parse(run.stdout) as { sections: ReportedLike[]; stats: { wallMs: number } };
  const kinds = new Map(n.issue.sections.map((s) => [s.id, s.kind]));
  const truth = n.narration.starts.map((s) => ({
    id: s.id,
    kind: kinds.get(s.id) ?? 'summary',
    present: true,
    startSeconds: s.startSeconds,
    pauseStartSeconds: s.pauseStartSeconds ?? s.startSeconds,
  }));
  const score = scoreCase(truth, out.sections);
  const row: Row = {
    minutes,
    durationMinutes: n.narration.durationSeconds / 60,
    sections: sections.length,
    wallSeconds: run.wallSeconds,
    peakRssMb: run.peakRssMb,
    cpuSeconds: run.cpuSeconds,
    alignSeconds: out.stats.wallMs / 1000,
    score,
  };
  rows.push(row);
  if (busy) loaded = true;
  const s = score.summary;
  console.log(
    `| ${row.durationMinutes.toFixed(1)} min | ${row.sections} | ${row.wallSeconds.toFixed(1)} s | ${row.cpuSeconds.toFixed(1)} s | ${row.peakRssMb.toFixed(0)} MB | ${row.alignSeconds.toFixed(1)} s | ${(row.wallSeconds / row.durationMinutes).toFixed(3)} s | ${fmt(s.median, 2)} / ${fmt(s.p95, 2)} / ${fmt(s.max, 2)} s | ${score.misses} |`,
  );
}

console.log('');
// speed: the narration nearest 60 minutes
const sixty = [...rows].sort((a, b) => Math.abs(a.minutes - SPEED.minutes) - Math.abs(b.minutes - SPEED.minutes))[0];
if (sixty) {
  const ok = sixty.wallSeconds <= SPEED.wallSeconds && sixty.peakRssMb <= SPEED.peakRssMb;
  console.log(
    `speed (${sixty.durationMinutes.toFixed(1)} min): ${sixty.wallSeconds.toFixed(1)} s wall, ${sixty.peakRssMb.toFixed(0)} MB peak — target ≤ ${SPEED.wallSeconds} s, ≤ ${SPEED.peakRssMb} MB → ${ok ? 'PASS' : 'FAIL'}`,
  );
  if (!ok) failed = true;
}
if (rows.length >= 2) {
  const per = rows.map((r) => r.wallSeconds / r.durationMinutes);
  const perAlign = rows.map((r) => r.alignSeconds / r.durationMinutes);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const factor = per[per.length - 1] / per[0];
  const memFactor = last.peakRssMb / first.peakRssMb / (last.durationMinutes / first.durationMinutes);
  const ok = factor <= LINEAR_FACTOR;
  console.log(
    `scaling: wall per minute ${per.map((p) => p.toFixed(3)).join(' → ')} s (alignment alone ${perAlign.map((p) => p.toFixed(3)).join(' → ')} s); ` +
      `longest/shortest per-minute ratio ${factor.toFixed(2)} (linear if ≤ ${LINEAR_FACTOR}) → ${ok ? 'PASS' : 'FAIL'}; ` +
      `peak RSS ${first.peakRssMb.toFixed(0)} → ${last.peakRssMb.toFixed(0)} MB (${(memFactor * 100).toFixed(0)} % of proportional growth)`,
  );
  if (!ok) failed = true;
}
const v = verdict(rows.map((r) => r.score));
const pooled = summarize(rows.flatMap((r) => r.score.errors));
console.log(
  `accuracy: ${pooled.n} boundaries — median ${fmt(pooled.median)} s, p95 ${fmt(pooled.p95)} s, max ${fmt(pooled.max)} s (targets ${TARGETS.medianSeconds} / ${TARGETS.p95Seconds} / ${TARGETS.maxSeconds} s) → ${v.pass ? 'PASS' : `FAIL (${v.failures.join('; ')})`}`,
);
if (!v.pass) failed = true;
if (loaded) console.log('note: the machine was busy (load average above the core count) during some runs: wall times are inflated');
console.log(failed ? 'FAIL' : 'PASS');
process.exit(failed ? 1 : 0);
