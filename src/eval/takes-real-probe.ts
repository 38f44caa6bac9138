#!/usr/bin/env node
/**
 * node dist/eval/takes-real-probe.js  (after `npx tsc -p tsconfig.json`)
 *
 * Do real speech takes clear the order's MIN_HEARD (takes/order.ts, 0.05)? Take sets of the
 * LibriVox sonnets (../shared/speech, one reading of each) under harder conditions than the
 * REAL take case of eval:takes (which reads them at 0/−6/+3 dB over pink −62 dBFS): a take
 * slowed or sped up (whole-file atempo), a louder room, a quieter take. For each: the order
 * found or the refusal, and every section's scores per take (identification's score, as
 * order.ts sees it). Then the same takes against another issue's text (the demo issue):
 * what a real take scores for text it does not read — the level a lower MIN_HEARD would have
 * to stay above. Cases cached in .cache/eval-takes-probe/. Printed once for docs/takes.md.
 */
import { join, resolve } from 'node:path';
import { sharedDir } from '../devkit/narrations.js';
import { readIssue } from '../newsletter/index.js';
import type { Issue } from '../newsletter/types.js';
import { orderTakes } from '../takes/build.js';
import { recordingFeatures, textFeatures } from '../takes/listen.js';
import { MIN_HEARD, QUERY_SECONDS, scoreSections } from '../takes/order.js';
import { buildCase, type Effects, type Segment } from './compose.js';
import { sonnetSection } from './corpus.js';

interface ProbeTake {
  sonnets: number[];
  gainDb?: number;
  tempo?: number;
  noise: NonNullable<Effects['noise']>;
}

const PINK60 = { dbfs: -60, color: 'pink' as const };
const SETS: Record<string, ProbeTake[]> = {
  'as REAL (0/-6/+3 dB, pink -62)': [
    { sonnets: [1], noise: { dbfs: -62, color: 'pink' } },
    { sonnets: [2], gainDb: -6, noise: { dbfs: -62, color: 'pink' } },
    { sonnets: [3], gainDb: 3, noise: { dbfs: -62, color: 'pink' } },
  ],
  'II at tempo 1.25, white -45': [{ sonnets: [1], noise: PINK60 }, { sonnets: [2], tempo: 1.25, noise: { dbfs: -45, color: 'white' } }, { sonnets: [3], noise: PINK60 }],
  'I at tempo 1.3': [{ sonnets: [1], tempo: 1.3, noise: PINK60 }, { sonnets: [2], noise: PINK60 }, { sonnets: [3], noise: PINK60 }],
  'I and II one take; III tempo 1.15, white -48': [{ sonnets: [1, 2], noise: { dbfs: -58, color: 'pink' } }, { sonnets: [3], tempo: 1.15, noise: { dbfs: -48, color: 'white' } }],
  'all pink -40': [1, 2, 3].map((n) => ({ sonnets: [n], noise: { dbfs: -40, color: 'pink' as const } })),
  'I in white -36': [{ sonnets: [1], noise: { dbfs: -36, color: 'white' } }, { sonnets: [2], noise: PINK60 }, { sonnets: [3], noise: PINK60 }],
  'III at tempo 0.75, white -36': [{ sonnets: [1], noise: PINK60 }, { sonnets: [2], noise: PINK60 }, { sonnets: [3], tempo: 0.75, noise: { dbfs: -36, color: 'white' } }],
  'I at tempo 0.8, pink -40': [{ sonnets: [1], tempo: 0.8, noise: { dbfs: -40, color: 'pink' } }, { sonnets: [2], noise: PINK60 }, { sonnets: [3], noise: PINK60 }],
  'I at tempo 0.8, -8 dB, brown -40': [{ sonnets: [1], tempo: 0.8, gainDb: -8, noise: { dbfs: -40, color: 'brown' } }, { sonnets: [2], noise: PINK60 }, { sonnets: [3], noise: PINK60 }],
  'I at tempo 0.7': [{ sonnets: [1], tempo: 0.7, noise: PINK60 }, { sonnets: [2], noise: PINK60 }, { sonnets: [3], noise: PINK60 }],
};

const root = resolve('.cache', 'eval-takes-probe');
const sonnets = await Promise.all([1, 2, 3].map(sonnetSection));
const issue: Issue = {
  number: 960,
  title: 'Three sonnets',
  format: 'markdown',
  source: join(sharedDir(), 'speech', 'sonnet-p001.txt'),
  sections: sonnets.map((s) => ({ id: s.id, kind: 'summary' as const, title: s.title, text: s.text, links: [] })),
};
const demo = await readIssue(resolve('demo/an-999.md'));
const queries = async (i: Issue) => Promise.all(i.sections.filter((s) => s.text.trim()).map(async (s) => ({ id: s.id, title: s.title, query: await textFeatures(s.text, 'en', QUERY_SECONDS) })));
const [sonnetQueries, demoQueries] = await Promise.all([queries(issue), queries(demo)]);

let seed = 500;
const wrong: number[] = [];
console.log(`MIN_HEARD ${MIN_HEARD}`);
for (const [label, takes] of Object.entries(SETS)) {
  const files: string[] = [];
  for (const [k, t] of takes.entries()) {
    const segments: Segment[] = [{ kind: 'pause', seconds: 0.7 }];
    t.sonnets.forEach((n, i) => {
      if (i > 0) segments.push({ kind: 'pause', seconds: 1.2 });
      segments.push({ kind: 'section', id: `sonnet-${n}`, parts: [{ file: `speech/sonnet-p00${n}.mp3`, gainDb: t.gainDb ?? 0 }] });
    });
    segments.push({ kind: 'pause', seconds: 0.9 });
    const effects: Effects = { noise: t.noise, ...(t.tempo ? { tempo: t.tempo } : {}) };
    const built = await buildCase(`probe-${label.replace(/\W+/g, '-')}-${k}`, { seed: seed++, sections: sonnets, segments, effects }, root);
    files.push(built.audio);
  }
  const name = (f: string) => `take ${files.indexOf(f) + 1}`;
  let outcome: string;
  try {
    const o = await orderTakes(files, issue, 'en');
    outcome = o.takes.map((t) => `${name(t.file)} reads ${sonnets[t.first].id}…${sonnets[t.last].id}`).join(', ');
  } catch (e) {
    outcome = `REFUSED: ${(e instanceof Error ? e.message : String(e)).replace(/\/\S+\/audio\.wav/g, 'take')}`;
  }
  console.log(`${label}: ${outcome}`);
  const features = await Promise.all(files.map(async (file) => ({ file, features: await recordingFeatures(file) })));
  for (const e of await scoreSections(sonnetQueries, features)) console.log(`    ${e.id}: ${e.scores.map((s) => `${name(s.file)} ${s.score.toFixed(4)}`).join(', ')}`);
  const other = await scoreSections(demoQueries, features);
  for (const f of files) {
    const best = other.flatMap((e) => e.scores.filter((s) => s.file === f).map((s) => ({ id: e.id, score: s.score }))).sort((a, b) => b.score - a.score);
    wrong.push(best[0]?.score ?? 0);
    console.log(`    ${name(f)} against the demo issue (text it does not read): best ${best[0]?.id} ${best[0]?.score.toFixed(4)}, next ${best[1]?.id} ${best[1]?.score.toFixed(4)}`);
  }
}
console.log(`real takes against text they do not read: best score max ${Math.max(...wrong).toFixed(4)} (${wrong.length} takes)`);
