#!/usr/bin/env node
/**
 * npm run bench:review [-- 60]: what applying the producer's corrections costs on a long
 * episode. A narration of the given length (minutes; the one bench:build makes, cached in
 * .cache/bench/build-<n>) is built once with `letterpod build` (kept while its
 * episode.json and analysis.json are there); then corrections files of growing size are
 * written beside its issue text and applied to the build as publish and the review page
 * do (episode/apply-corrections.ts `reapplyCorrections`: ID3 chapters, chapters.json,
 * transcripts, notes, episode.json; the audio frames copied, never re-encoded), each
 * timed a few times. Prints a table: corrections, wall time median / max, the MP3's size,
 * and whether the audio after the ID3 tag stayed byte for byte the same. Target: ≤ 2 s at
 * 60 minutes; exit code 1 when missed or when the audio changed.
 */
import { existsSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { id3Length } from '../audio/id3.js';
import { reapplyCorrections } from '../episode/apply-corrections.js';
import { correctionsPath, serializeCorrections, type Corrections } from '../episode/corrections.js';
import type { EpisodeReport } from '../episode/report.js';
import { longNarration } from '../devkit/narrations.js';
import { runProcess } from '../process/run.js';

const TARGET_SECONDS = 2;
const RUNS = 5;
const minutes = Number(process.argv[2] ?? 60) || 60;
const dir = resolve('.cache', 'bench', `build-${minutes}`);
const out = join(dir, 'out');
const cli = resolve('dist', 'cli', 'main.js');

/** sha256 of the MP3's bytes after its ID3 tag: the audio frames. */
async function audioFramesHash(mp3: string): Promise<string> {
  const f = await open(mp3, 'r');
  const head = Buffer.alloc(10);
  await f.read(head, 0, 10, 0);
  await f.close();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(mp3, { start: id3Length(head) })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const n = await longNarration(minutes, dir);
const issueFile = n.issueFile;
await rm(correctionsPath(issueFile), { force: true });
if (!existsSync(join(out, 'episode.json')) || !existsSync(join(out, 'analysis.json'))) {
  const t = performance.now();
  await runProcess(process.execPath, [cli, 'build', n.recording, '--issue', issueFile, '--out', out, '--json', '--quiet'], { ignoreStdout: true });
  console.log(`built the ${minutes}-minute episode once in ${((performance.now() - t) / 1000).toFixed(1)} s (reused on the next run)`);
}
let report = JSON.parse(await readFile(join(out, 'episode.json'), 'utf8')) as EpisodeReport;
if (report.corrections) report = await reapplyCorrections(out, n.issue);
const chapters = report.chapters;
const frames = await audioFramesHash(report.files.audio);
const pick = (i: number) => chapters[Math.min(chapters.length - 1, Math.max(1, i))]!;

// growing sets: a moved mark; + a shorter title; + a removed chapter and a summary declared
// not read; every mark moved by 0.3 s (the biggest file a producer would write)
const sets: { what: string; sections: Corrections['sections'] }[] = [
  { what: '1 mark moved', sections: { [pick(5).id]: { startSeconds: pick(5).startSeconds + 1.2 } } },
  {
    what: '1 moved, 1 title',
    sections: { [pick(5).id]: { startSeconds: pick(5).startSeconds + 1.2 }, [pick(3).id]: { title: `${pick(3).title.split(' ').slice(0, 3).join(' ')} (short)` } },
  },
  {
    what: '1 moved, 1 title, 1 removed, 1 not read',
    sections: {
      [pick(5).id]: { startSeconds: pick(5).startSeconds + 1.2 },
      [pick(3).id]: { title: `${pick(3).title.split(' ').slice(0, 3).join(' ')} (short)` },
      [pick(7).id]: 'no-chapter',
      [pick(9).id]: 'not-read',
    },
  },
  { what: `all ${chapters.length - 1} marks moved`, sections: Object.fromEntries(chapters.slice(1).map((c) => [c.id, { startSeconds: c.startSeconds + 0.3 }])) },
];

console.log(`episode: ${(report.audio.durationSeconds / 60).toFixed(1)} min, ${chapters.length} chapters, MP3 ${(report.audio.bytes / 1e6).toFixed(1)} MB (${report.files.audio})`);
console.log('');
console.log('| corrections | apply wall, median / max of ' + RUNS + ' | MP3 after | audio frames after the tag |');
console.log('|---|---|---|---|');
let failed = false;
for (const set of sets) {
  const c: Corrections = { recordingSha256: report.source.sha256, sections: set.sections };
  const times: number[] = [];
  let after: EpisodeReport = report;
  for (let i = 0; i < RUNS; i++) {
    // alternate with no corrections, so every run has something to rewrite
    await rm(correctionsPath(issueFile), { force: true });
    await reapplyCorrections(out, n.issue);
    await writeFile(correctionsPath(issueFile), serializeCorrections(c));
    const t = performance.now();
    after = await reapplyCorrections(out, n.issue);
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  const same = (await audioFramesHash(after.files.audio)) === frames;
  const median = times[Math.floor(times.length / 2)]!;
  const max = times.at(-1)!;
  if (max > TARGET_SECONDS || !same) failed = true;
  console.log(`| ${set.what} (${after.corrections?.applied.length ?? 0} applied) | ${median.toFixed(2)} s / ${max.toFixed(2)} s | ${(after.audio.bytes / 1e6).toFixed(2)} MB, ${after.chapters.length} chapters | ${same ? 'identical' : 'CHANGED'} |`);
}
await rm(correctionsPath(issueFile), { force: true });
await reapplyCorrections(out, n.issue);
console.log('');
console.log(`target: applying a correction to a ${minutes}-minute episode ≤ ${TARGET_SECONDS} s, audio unchanged → ${failed ? 'FAIL' : 'PASS'}`);
process.exitCode = failed ? 1 : 0;
