#!/usr/bin/env node
/**
 * npm run eval:takes [-- case …]
 *
 * Issues recorded as takes dropped under names that say nothing of their order, each take
 * at its own level over its own room tone: letterpod orders them by listening, joins them
 * and builds one episode; each is scored against the takes' truth (src/eval/takes-score.ts).
 * Printed per part: TUNE (the voices the take thresholds were chosen on: flite slt and kal
 * on the demo issue), HELD-OUT (voices and text never looked at while choosing: espeak-ng
 * en-us+m7 and festival kal_diphone on AN #83), REAL (LibriVox sonnets, one take each).
 * Targets: chapter error median ≤ 0.1 s, max ≤ 0.3 s (episode time); no digital silence at
 * the joins; short-term loudness (3 s) on either side of each join within 1.5 LU.
 * Cases are cached under .cache/eval-takes/; results in .cache/eval-takes/last-run.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exampleConfig, parseConfig } from '../config/config.js';
import { sharedDir } from '../devkit/narrations.js';
import { prng } from '../demo/narrate.js';
import { collectPieces } from '../intake/takes.js';
import { readIssue } from '../newsletter/index.js';
import type { Issue } from '../newsletter/types.js';
import { buildFromTakes } from '../takes/build.js';
import type { CaseSection, TtsVoice } from './compose.js';
import { sonnetSection } from './corpus.js';
import { quantile } from './metrics.js';
import { buildTakesCase, caseSections, splitIntoTakes, type TakesCaseSpec } from './takes-cases.js';
import { scoreTakes, type TakesScore } from './takes-score.js';

export const TARGETS = { medianSeconds: 0.1, maxSeconds: 0.3, joinLu: 1.5 } as const;

type Part = 'tune' | 'held-out' | 'real';

interface EvalTakesCase {
  part: Part;
  spec: TakesCaseSpec;
  issue: Issue;
}

const GAINS = [0, -6, 3, -3, -8, 2];
const MARKS = ['part1', 'b', '03', 'take 4', 'zz'];

/** n take names for issue `number` whose sort order is not the reading order. */
function shuffledNames(number: number, n: number, seed: number): string[] {
  const rnd = prng(seed);
  const names = MARKS.slice(0, n).map((m, k) => `an-${number} ${m}-${k}.wav`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  return names;
}

function ttsCase(part: Part, name: string, issue: Issue, sections: CaseSection[], voice: TtsVoice, seed: number, noise: { dbfs: number; color: 'white' | 'pink' | 'brown' }): EvalTakesCase {
  const groups = splitIntoTakes(sections, 5);
  const names = shuffledNames(issue.number, groups.length, seed);
  return {
    part,
    issue,
    spec: {
      name,
      seed,
      sections,
      takes: groups.map((g, k) => ({ sections: g, voice, gainDb: GAINS[k], noise, name: names[k] })),
    },
  };
}

async function cases(): Promise<EvalTakesCase[]> {
  const out: EvalTakesCase[] = [];
  const demo = await readIssue(resolve('demo/an-999.md'));
  const demoSections = caseSections(demo);
  out.push(ttsCase('tune', 'tune-demo-flite-slt', demo, demoSections, { engine: 'flite', voice: 'slt' }, 11, { dbfs: -58, color: 'pink' }));
  out.push(ttsCase('tune', 'tune-demo-flite-kal', demo, demoSections, { engine: 'flite', voice: 'kal' }, 12, { dbfs: -55, color: 'brown' }));
  // held out: another text, voices never used while choosing the thresholds
  const an83Full = await readIssue(join(sharedDir(), 'newsletters', 'an-083.md'));
  const keep = new Set(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's11', 's12']);
  const an83: Issue = { ...an83Full, sections: an83Full.sections.filter((s) => keep.has(s.id)) };
  const an83Sections = caseSections(an83);
  out.push(ttsCase('held-out', 'held-an083-espeak-m7', an83, an83Sections, { engine: 'espeak-ng', voice: 'en-us+m7', wordsPerMinute: 160 }, 21, { dbfs: -60, color: 'pink' }));
  out.push(ttsCase('held-out', 'held-an083-festival-kal', an83, an83Sections, { engine: 'festival', voice: 'kal_diphone' }, 22, { dbfs: -57, color: 'white' }));
  // real speech: the three LibriVox sonnets, each its own take
  const sonnets = await Promise.all([1, 2, 3].map(sonnetSection));
  const sonnetIssue: Issue = {
    number: 960,
    title: 'Three sonnets',
    format: 'markdown',
    source: join(sharedDir(), 'speech', 'sonnet-p001.txt'),
    sections: sonnets.map((s) => ({ id: s.id, kind: 'summary' as const, title: s.title, text: s.text, links: [] })),
  };
  const names = shuffledNames(960, 3, 31);
  out.push({
    part: 'real',
    issue: sonnetIssue,
    spec: {
      name: 'real-sonnets-3-takes',
      seed: 31,
      sections: sonnets,
      takes: sonnets.map((s, k) => ({ sections: [s.id], files: { [s.id]: `speech/sonnet-p00${k + 1}.mp3` }, gainDb: GAINS[k], noise: { dbfs: -62, color: 'pink' as const }, name: names[k] })),
    },
  });
  return out;
}

interface CaseResult {
  name: string;
  part: Part;
  seconds: number;
  error?: string;
  score?: TakesScore;
}

function partLine(label: string, results: CaseResult[]): string {
  const errors = results.flatMap((r) => r.score?.chapters.map((c) => c.error) ?? []);
  const joins = results.flatMap((r) => r.score?.joins ?? []);
  const failed = results.filter((r) => r.error).length;
  const wrongOrder = results.filter((r) => r.score && !r.score.orderRight).length;
  const missing = results.reduce((a, r) => a + (r.score?.missing.length ?? 0), 0);
  const med = quantile(errors, 0.5);
  const max = errors.length ? Math.max(...errors) : NaN;
  const silence = joins.length ? Math.max(...joins.map((j) => j.digitalSilenceMs)) : NaN;
  const lu = joins.length ? Math.max(...joins.map((j) => j.differenceLu)) : NaN;
  const pass = failed === 0 && wrongOrder === 0 && missing === 0 && med <= TARGETS.medianSeconds && max <= TARGETS.maxSeconds && silence === 0 && lu <= TARGETS.joinLu;
  return `${label.padEnd(9)} cases ${results.length}  failed ${failed}  order wrong ${wrongOrder}  chapters ${errors.length} (missing ${missing})  median ${med.toFixed(3)} s  max ${max.toFixed(3)} s  joins ${joins.length}: digital silence max ${silence} ms, loudness step max ${lu.toFixed(2)} LU  ${pass ? 'PASS' : 'MISS'}`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const root = resolve('.cache/eval-takes');
  await mkdir(root, { recursive: true });
  const config = parseConfig(exampleConfig, undefined, root);
  const results: CaseResult[] = [];
  for (const c of await cases()) {
    if (only.length && !only.includes(c.spec.name)) continue;
    const t0 = Date.now();
    const built = await buildTakesCase(c.spec, join(root, 'cases'), join(root, 'work'));
    let r: CaseResult;
    try {
      const { report } = await buildFromTakes({ takes: await collectPieces([built.folder]), issue: c.issue, outDir: join(root, 'out', c.spec.name), config });
      const score = await scoreTakes(built, report);
      r = { name: c.spec.name, part: c.part, seconds: (Date.now() - t0) / 1000, score };
    } catch (e) {
      r = { name: c.spec.name, part: c.part, seconds: (Date.now() - t0) / 1000, error: e instanceof Error ? e.message : String(e) };
    }
    results.push(r);
    const s = r.score;
    if (!s) console.log(`${r.part.padEnd(9)} ${r.name.padEnd(28)} FAILED: ${r.error}`);
    else {
      const errs = s.chapters.map((x) => x.error);
      console.log(
        `${r.part.padEnd(9)} ${r.name.padEnd(28)} ${r.seconds.toFixed(0).padStart(3)} s  order ${s.orderRight ? 'right' : 'WRONG'}  chapters ${errs.length}${s.missing.length ? ` missing ${s.missing.join(',')}` : ''}  median ${quantile(errs, 0.5).toFixed(3)} max ${Math.max(...errs).toFixed(3)} s  ` +
          `joins: silence ${s.joins.map((j) => j.digitalSilenceMs).join('/')} ms, step ${s.joins.map((j) => j.differenceLu.toFixed(2)).join('/')} LU`,
      );
      for (const x of s.chapters.filter((x) => x.error > TARGETS.maxSeconds)) console.log(`    ${x.id}: mark ${x.markSeconds} s, truth ${x.truth.pauseStartSeconds.toFixed(2)}–${x.truth.startSeconds.toFixed(2)} s (error ${x.error} s)`);
    }
  }
  console.log('');
  for (const part of ['tune', 'held-out', 'real'] as const) {
    const rs = results.filter((r) => r.part === part);
    if (rs.length) console.log(partLine(part.toUpperCase(), rs));
  }
  await writeFile(join(root, 'last-run.json'), JSON.stringify(results, null, 1));
}

await main();
