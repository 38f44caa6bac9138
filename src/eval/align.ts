#!/usr/bin/env node
/**
 * npm run eval:align [-- [--ci] [--split tune|heldout|real] [--set name=value …]
 *                        [--sweep name=v1,v2,…] [--build-only] [--verbose] [case …]]
 *
 * Builds (or reuses, under .cache/eval/) every case of the corpus, aligns each in its own
 * process under GNU time, scores it against the truth, prints one row per case and the
 * summary: ALL, TUNE, HELD-OUT, REAL SPEECH against the targets, and the gap between tune
 * and held-out. Exit code 1 when a target is missed. Full results: .cache/eval/last-run.json.
 *
 *   --split S        only the cases of split S (tune, heldout) or the real-speech ones (real)
 *   --set n=v        run with this alignment parameter (src/align/params.ts); repeatable
 *   --sweep n=a,b,…  for each value: the TUNE cases (of the selection), one summary line;
 *                    then the held-out cases with the best value (fewest failures, then
 *                    misses, boundaries over 0.3 s, p95, median) — tune on tune, report held-out
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alignParams, DEFAULT_ALIGN_PARAMS } from '../align/params.js';
import { CORPUS, findCase, type EvalCase } from './corpus.js';
import type { BuiltCase } from './compose.js';
import { build, cacheRoot, caseRow, header, loadWarning, overall, partLine, partSummary, problems, runCase, type CaseRun, type PartSummary } from './run.js';

const USAGE = `usage: eval/align.js [--ci] [--split tune|heldout|real] [--set name=value …] [--sweep name=v1,v2,…] [--build-only] [--verbose] [case …]
cases: ${CORPUS.map((c) => c.name).join(', ')}
parameters: ${Object.keys(DEFAULT_ALIGN_PARAMS).join(', ')}`;

function fail(msg: string): never {
  console.error(`${msg}\n${USAGE}`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const flags = new Set<string>();
const names: string[] = [];
const sets: Record<string, number> = {};
let split: string | undefined;
let sweep: { name: string; values: number[] } | undefined;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => {
    const eq = a.indexOf('=');
    if (eq > 0) return a.slice(eq + 1);
    if (i + 1 >= argv.length) fail(`${a} needs a value`);
    return argv[++i];
  };
  const opt = a.split('=')[0];
  if (opt === '--split') {
    split = value();
    if (!['tune', 'heldout', 'real'].includes(split)) fail(`--split ${split}: use tune, heldout or real`);
  } else if (opt === '--set') {
    const [k, v] = value().split('=');
    if (v === undefined) fail(`--set needs name=value`);
    sets[k] = Number(v);
  } else if (opt === '--sweep') {
    const [k, v] = value().split('=');
    if (!v) fail(`--sweep needs name=v1,v2,…`);
    sweep = { name: k, values: v.split(',').map(Number) };
  } else if (['--ci', '--build-only', '--verbose'].includes(a)) flags.add(a);
  else if (a.startsWith('--')) fail(`unknown option ${a}`);
  else names.push(a);
}
try {
  alignParams(sets);
  if (sweep) for (const v of sweep.values) alignParams({ ...sets, [sweep.name]: v });
} catch (e) {
  fail((e as Error).message);
}

let cases: EvalCase[] = names.length ? names.map(findCase) : CORPUS;
if (flags.has('--ci')) cases = cases.filter((c) => c.ci);
if (split === 'real') cases = cases.filter((c) => c.real);
else if (split) cases = cases.filter((c) => c.split === split);
if (cases.length === 0) fail('no cases selected');

const root = cacheRoot();
const t0 = performance.now();
const built = new Map<string, BuiltCase>();
for (const c of cases) {
  const t = performance.now();
  const b = await build(c, root);
  if (b.rendered) console.error(`built ${c.name}: ${(b.truth.durationSeconds / 60).toFixed(1)} min in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  built.set(c.name, b);
}
if (flags.has('--build-only')) {
  for (const c of cases) console.log(`${c.name}\t${c.split}${c.real ? ' real' : ''}\t${c.voice}\t${built.get(c.name)!.audio}`);
  process.exit(0);
}

const busy = new Set<string>();
/** Run `cs` with these parameters (children read LETTERPOD_ALIGN_PARAMS). */
async function runAll(cs: EvalCase[], params: Record<string, number>, print: boolean): Promise<CaseRun[]> {
  if (Object.keys(params).length) process.env.LETTERPOD_ALIGN_PARAMS = JSON.stringify(params);
  else delete process.env.LETTERPOD_ALIGN_PARAMS;
  const runs: CaseRun[] = [];
  if (print) console.log(header());
  for (const c of cs) {
    const r = await runCase(c, built.get(c.name)!);
    runs.push(r);
    if (print) console.log(caseRow(r));
    const w = loadWarning();
    if (w) busy.add(w.replace(/load average [\d.]+/, 'load average above the core count'));
  }
  return runs;
}

const paramText = (p: Record<string, number>) => (Object.keys(p).length ? Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ') : 'defaults');

if (sweep) {
  const tune = cases.filter((c) => c.split === 'tune');
  const held = cases.filter((c) => c.split === 'heldout');
  if (tune.length === 0) fail('--sweep needs tune cases in the selection');
  console.log(`sweep ${sweep.name} over ${tune.length} TUNE cases (${paramText(sets)} otherwise):`);
  const results: { value: number; part: PartSummary }[] = [];
  for (const value of sweep.values) {
    const runs = await runAll(tune, { ...sets, [sweep.name]: value }, false);
    const part = partSummary(`${sweep.name}=${value}`, runs);
    results.push({ value, part });
    console.log(partLine(part));
  }
  const better = (a: PartSummary, b: PartSummary) =>
    a.verdict.failures.length - b.verdict.failures.length || a.misses - b.misses || a.over - b.over || a.p95 - b.p95 || a.median - b.median || a.max - b.max;
  const best = [...results].sort((a, b) => better(a.part, b.part))[0];
  console.log(`best on TUNE: ${sweep.name}=${best.value}`);
  if (held.length) {
    const runs = await runAll(held, { ...sets, [sweep.name]: best.value }, true);
    const part = partSummary(`HELD-OUT (${sweep.name}=${best.value})`, runs);
    console.log(`\n${partLine(part)}`);
    const dp = part.p95 - best.part.p95;
    console.log(`GAP tune → held-out at ${sweep.name}=${best.value}: p95 ${dp >= 0 ? '+' : ''}${dp.toFixed(3)} s, misses ${best.part.misses} → ${part.misses}`);
  }
  for (const w of busy) console.log(w);
  process.exit(0);
}

if (Object.keys(sets).length) console.log(`parameters: ${paramText(sets)}`);
const runs = await runAll(cases, sets, true);
for (const w of busy) console.log(w);
const o = overall(runs);
console.log('');
for (const l of o.lines) console.log(l);
const issues = runs.flatMap((r) => problems(r));
if (issues.length) {
  console.log(`\nsections off by more than 0.3 s, missed, or wrongly kept; lead-ins and endings wrong:`);
  for (const l of flags.has('--verbose') ? issues : issues.slice(0, 40)) console.log(l);
  if (!flags.has('--verbose') && issues.length > 40) console.log(`  … ${issues.length - 40} more (--verbose)`);
}
console.log(`\n${o.pass ? 'PASS' : 'FAIL'} (${runs.length} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
await mkdir(root, { recursive: true });
await writeFile(join(root, 'last-run.json'), JSON.stringify({ at: new Date().toISOString(), pass: o.pass, gapProblem: o.gapProblem, params: sets, runs }, null, 1));
process.exit(o.pass ? 0 : 1);
