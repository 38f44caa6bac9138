#!/usr/bin/env node
/**
 * Who imports whom, by folder of src/: every relative `import … from './x.js'` (and
 * `import('./x.js')`) of every .ts file under src/, folded to the folder it lives in
 * (top-level files count as their own name: config, errors, …). Prints one line per
 * folder with the folders it imports, and the arrows that break the allowed order when
 * --check is given (the order is docs/architecture.md's layers).
 *
 *   node scripts/import-graph.mjs [srcDir] [--check] [--json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
const srcDir = resolve(args.find((a) => !a.startsWith('--')) ?? 'src');

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

/** The folder a source file belongs to: its first path segment under src/ ("config" for src/config.ts). */
function unit(file) {
  const rel = relative(srcDir, file).split(sep);
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
}

const graph = new Map();
const importRe = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
for (const file of files(srcDir)) {
  const from = unit(file);
  if (!graph.has(from)) graph.set(from, new Set());
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (!target.startsWith(srcDir + sep)) continue;
    const to = unit(target);
    if (to !== from) graph.get(from).add(to);
  }
}

/**
 * The allowed order (docs/architecture.md), lowest first: a folder may import any folder
 * of a lower layer, and none of its own or a higher one — except the pairs in SAME_LAYER.
 * FORBIDDEN lists arrows ruled out even though they point down.
 */
const layers = [
  ['errors', 'hash', 'process-alive', 'async'],
  ['faults', 'spec', 'process', 'files'],
  ['stages', 'media', 'signal', 'config'],
  ['speech', 'newsletter'],
  ['align'],
  ['intake', 'audio'],
  ['episode'],
  ['takes'],
  ['store'],
  ['feed'],
  ['check', 'publish'],
  ['watch', 'serve'],
  ['review'],
  ['cli'],
  ['demo'],
  ['devkit'],
  ['eval', 'bench'],
];
const FORBIDDEN = [
  ['feed', 'config'],
  ['store', 'config'],
  ['bench', 'eval'],
  ['eval', 'bench'],
];
const level = new Map(layers.flatMap((names, i) => names.map((n) => [n, i])));

const sorted = [...graph.keys()].sort((a, b) => (level.get(a) ?? 99) - (level.get(b) ?? 99) || a.localeCompare(b));
if (args.includes('--json')) {
  console.log(JSON.stringify(Object.fromEntries(sorted.map((k) => [k, [...graph.get(k)].sort()])), null, 2));
} else {
  const width = Math.max(...sorted.map((k) => k.length));
  for (const k of sorted) console.log(`${k.padEnd(width)} → ${[...graph.get(k)].sort().join(', ') || '(nothing)'}`);
}
if (args.includes('--check')) {
  const bad = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      const a = level.get(from);
      const b = level.get(to);
      if (a === undefined || b === undefined) bad.push(`${from} → ${to} (a folder not in any layer)`);
      else if (b >= a) bad.push(`${from} → ${to} (${b === a ? 'same layer' : 'a later layer'})`);
      else if (FORBIDDEN.some(([f, t]) => f === from && t === to)) bad.push(`${from} → ${to} (forbidden)`);
    }
  }
  if (bad.length) {
    console.log(`\n${bad.length} arrow(s) against the rules:\n  ${bad.join('\n  ')}`);
    process.exitCode = 1;
  } else console.log('\nevery arrow follows the rules');
}
