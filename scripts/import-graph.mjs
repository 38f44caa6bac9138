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

/** Layers, lowest first: a folder may import its own layer's peers only where listed, and any lower layer. */
const layers = [
  ['errors', 'hash', 'process-alive', 'faults', 'process', 'stages', 'fsx'],
  ['media', 'signal'],
  ['speech', 'newsletter'],
  ['align'],
  ['intake', 'audio'],
  ['episode'],
  ['store', 'feed'],
  ['config'],
  ['check', 'publish'],
  ['watch', 'serve'],
  ['cli'],
  ['demo', 'eval', 'bench'],
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
      if (a === undefined || b === undefined) bad.push(`${from} → ${to} (not in a layer)`);
      else if (b >= a && !(from === 'store' && to === 'feed') && !(from === 'feed' && to === 'store') && !(a === b && from !== to && ['check', 'publish'].includes(from) && false)) {
        if (b > a || from !== to) bad.push(`${from} → ${to}`);
      }
    }
  }
  if (bad.length) {
    console.log(`\n${bad.length} arrow(s) against the layer order:\n  ${bad.join('\n  ')}`);
    process.exitCode = 1;
  } else console.log('\nno arrow runs against the layer order');
}
