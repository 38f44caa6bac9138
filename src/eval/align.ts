#!/usr/bin/env node
/**
 * npm run eval:align [-- [--ci] [--build-only] [--verbose] [case …]]
 *
 * Builds (or reuses, under .cache/eval/) every case of the corpus, aligns each in its own
 * process under GNU time, scores it against the truth, prints one row per case and the
 * pooled figures against the targets. Exit code 1 when a target is missed.
 * Full results: .cache/eval/last-run.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORPUS, findCase, type EvalCase } from './corpus.js';
import { build, cacheRoot, caseRow, header, loadWarning, overall, problems, runCase, type CaseRun } from './run.js';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const names = args.filter((a) => !a.startsWith('--'));
for (const f of flags) {
  if (!['--ci', '--build-only', '--verbose'].includes(f)) {
    console.error(`unknown option ${f}\nusage: eval/align.js [--ci] [--build-only] [--verbose] [case …]\ncases: ${CORPUS.map((c) => c.name).join(', ')}`);
    process.exit(2);
  }
}
let cases: EvalCase[] = names.length ? names.map(findCase) : CORPUS;
if (flags.has('--ci')) cases = cases.filter((c) => c.ci);

const root = cacheRoot();
const t0 = performance.now();
const built = [];
for (const c of cases) {
  const t = performance.now();
  const b = await build(c, root);
  if (b.rendered) console.error(`built ${c.name}: ${(b.truth.durationSeconds / 60).toFixed(1)} min in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  built.push(b);
}
if (flags.has('--build-only')) {
  for (const b of built) console.log(`${b.name}\t${b.audio}`);
  process.exit(0);
}

console.log(header());
const runs: CaseRun[] = [];
const busy = new Set<string>();
for (let k = 0; k < cases.length; k++) {
  const r = await runCase(cases[k], built[k]);
  runs.push(r);
  console.log(caseRow(r));
  const w = loadWarning();
  if (w) busy.add(w.replace(/load average [\d.]+/, 'load average above the core count'));
}
for (const w of busy) console.log(w);
const o = overall(runs);
console.log('');
for (const l of o.lines) console.log(l);
const issues = runs.flatMap((r) => problems(r));
if (issues.length) {
  console.log(`\nsections off by more than 0.3 s, missed, or wrongly kept:`);
  for (const l of flags.has('--verbose') ? issues : issues.slice(0, 40)) console.log(l);
  if (!flags.has('--verbose') && issues.length > 40) console.log(`  … ${issues.length - 40} more (--verbose)`);
}
console.log(`\n${o.pass ? 'PASS' : 'FAIL'} (${runs.length} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
await mkdir(root, { recursive: true });
await writeFile(join(root, 'last-run.json'), JSON.stringify({ at: new Date().toISOString(), pass: o.pass, runs }, null, 1));
process.exit(o.pass ? 0 : 1);
