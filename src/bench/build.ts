#!/usr/bin/env node
/**
 * npm run bench:build [-- 10 30]: wall time and peak memory of `letterpod build` on
 * narrations of the given lengths (minutes), with the chapter placement error.
 */
import { join, resolve } from 'node:path';
import type { EpisodeReport } from '../episode/report.js';
import { longNarration } from './narrations.js';
import { timeCommand } from './time.js';

const minutesList = process.argv.slice(2).map(Number).filter((n) => n > 0);
const lengths = minutesList.length ? minutesList : [10, 30];
const work = resolve('.cache', 'bench');
const cli = resolve('dist', 'cli', 'main.js');

console.log('| narration | sections | build wall | peak RSS | chapter error median / max |');
console.log('|---|---|---|---|---|');
for (const minutes of lengths) {
  const dir = join(work, `build-${minutes}`);
  const n = await longNarration(minutes, dir);
  const run = await timeCommand(process.execPath, [cli, 'build', n.recording, '--issue', n.issueFile, '--out', join(dir, 'out'), '--json']);
  if (run.code !== 0) throw new Error(`build failed for the ${minutes}-minute narration`);
  const report = JSON.parse(run.stdout) as EpisodeReport;
  const truth = new Map(n.narration.starts.map((s) => [s.id, s.startSeconds]));
  const errors = report.chapters
    .slice(1)
    .map((c) => Math.abs(c.startSeconds - (truth.get(c.id) ?? Number.NaN)))
    .sort((a, b) => a - b);
  const median = errors[Math.floor(errors.length / 2)] ?? 0;
  const max = errors[errors.length - 1] ?? 0;
  const dur = n.narration.durationSeconds / 60;
  console.log(
    `| ${dur.toFixed(1)} min | ${report.chapters.length} | ${run.wallSeconds.toFixed(1)} s | ${run.peakRssMb.toFixed(0)} MB | ${median.toFixed(2)} s / ${max.toFixed(2)} s |`,
  );
}
