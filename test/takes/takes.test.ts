/**
 * Issue 17, takes: an issue recorded as five takes (flite, each at its own level over its
 * own room tone) under names whose order is not the reading order, built through the real
 * CLI from the take folder. Checked against the takes' truth: the order, every chapter in
 * episode time, the joined recording holding each take's samples at the place episode.json
 * says (at its gain), no digital silence at the joins, the loudness either side of each join,
 * the takes untouched and listed with their hashes. Then the refusals: a take that reads
 * nothing of the issue, two takes of the same section.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { buildTakesCase, caseSections, splitIntoTakes, type BuiltTakesCase } from '../../src/eval/takes-cases.js';
import { scoreTakes, type TakesScore } from '../../src/eval/takes-score.js';
import { sha256File } from '../../src/hash.js';
import { collectPieces, takeMark } from '../../src/intake/takes.js';
import { decodePcm } from '../../src/media/ffmpeg.js';
import { readIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { orderTakes } from '../../src/takes/build.js';
import { evenSteps, matchGains } from '../../src/takes/join.js';
import { rereadsOfMain } from '../../src/takes/order.js';
import { digitalSilence, fillDigitalSilence, roomTone } from '../../src/takes/pcm.js';
import { letterpod, problems } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

describe('take names', () => {
  it('reads the take or pickup mark after the issue number', () => {
    expect(takeMark('an-102-part1.wav')).toEqual({ role: 'take', mark: 'part1' });
    expect(takeMark('AN102 b.flac')).toEqual({ role: 'take', mark: 'b' });
    expect(takeMark('an-102_03.m4a')).toEqual({ role: 'take', mark: '03' });
    expect(takeMark('an-102-pickup.wav')).toEqual({ role: 'pickup', mark: 'pickup' });
    expect(takeMark('an-102 fix 3.wav')).toEqual({ role: 'pickup', mark: 'fix 3' });
  });

  it('refuses takes of different issues, naming them', async () => {
    const dir = await scratch('take-names');
    for (const n of ['an-102-a.wav', 'an-103-b.wav']) await copyFile(join(projectRoot, 'assets', 'review', 'review.css'), join(dir, n));
    await expect(collectPieces([join(dir, 'an-102-a.wav'), join(dir, 'an-103-b.wav')])).rejects.toThrow(/different issues \(#102: an-102-a\.wav; #103: an-103-b\.wav\)/);
  });
});

describe('takes that re-read the main recording', () => {
  const ev = (scores: Record<string, number>) => ({ id: 'x', scores: Object.entries(scores).map(([file, score]) => ({ file, score, atSeconds: 0 })).sort((a, b) => b.score - a.score) });
  it('are pickups when every section they clearly read is in the main recording too', () => {
    const evidence = [ev({ main: 0.2, b: 0.01, c: 0.02 }), ev({ main: 0.08, b: 0.6, c: 0.01 }), ev({ main: 0.01, b: 0.02, c: 0.3 })];
    // b re-reads the second section (which main reads, scoring lower: another voice); c reads the third, which main does not
    expect(rereadsOfMain(evidence, 'main', ['main', 'b', 'c'])).toEqual(['b']);
  });
  it('are not pickups when they also read something the main recording does not', () => {
    const evidence = [ev({ main: 0.2, b: 0.18 }), ev({ main: 0.01, b: 0.25 })];
    expect(rereadsOfMain(evidence, 'main', ['main', 'b'])).toEqual([]);
  });
});

describe('loudness across takes', () => {
  it('evens out the steps at the joins while each take stays near the mean', () => {
    // take 2 starts 4 LU quieter than take 1 ends; its integrated loudness is like the others'
    const g = matchGains([
      { integratedLufs: -20, startLufs: -20, endLufs: -20 },
      { integratedLufs: -20, startLufs: -24, endLufs: -20 },
      { integratedLufs: -26, startLufs: -26, endLufs: -26 },
    ]);
    const step1 = -20 + g[1] - 4 - (-20 + g[0]);
    const step2 = -26 + g[2] - (-20 + g[1]);
    expect(Math.abs(step1)).toBeLessThan(0.5);
    expect(Math.abs(step2)).toBeLessThan(0.5);
    // plain integrated matching would have left a 4 LU step at the first join
    expect(g[2] - g[0]).toBeGreaterThan(5);
  });

  it('corrects measured steps at the joins with small gain changes', () => {
    const steps = [-1.6, 0.2, 1.2];
    const d = evenSteps(steps);
    const left = steps.map((st, j) => st + d[j + 1] - d[j]);
    for (const l of left) expect(Math.abs(l)).toBeLessThan(0.2);
    expect(Math.max(...d.map(Math.abs))).toBeLessThan(2);
  });

  it('fills digital silence with the room tone around it', () => {
    const rate = 8000;
    const x = new Float32Array(rate * 2);
    let seed = 7;
    for (let i = 0; i < x.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      x[i] = ((seed / 0x7fffffff) - 0.5) * 0.002;
    }
    x.fill(0, 4000, 9000);
    expect(digitalSilence(x, rate).length).toBe(1);
    const tone = roomTone(x, rate)!;
    expect(tone).toBeDefined();
    expect(digitalSilence(tone, rate)).toEqual([]);
    expect(fillDigitalSilence(x, rate, tone)).toBe(5000);
    expect(digitalSilence(x, rate)).toEqual([]);
  });
});

describe('an issue recorded as five takes', () => {
  let work: string;
  let built: BuiltTakesCase;
  let issue: Issue;
  let report: EpisodeReport;
  let score: TakesScore;
  let before: Map<string, string>;

  beforeAll(async () => {
    work = await scratch('takes');
    const issueFile = join(projectRoot, 'demo', 'an-999.md');
    issue = await readIssue(issueFile);
    const sections = caseSections(issue);
    const groups = splitIntoTakes(sections, 5);
    // names sort as e, c, a, d, b: not the reading order
    const names = ['an-999 e.wav', 'an-999 c.wav', 'an-999 a.wav', 'an-999 d.wav', 'an-999 b.wav'];
    const gains = [0, -6, 3, -3, -8];
    built = await buildTakesCase(
      { name: 'an-999', seed: 5, sections, takes: groups.map((g, k) => ({ sections: g, voice: { engine: 'flite', voice: 'slt' }, gainDb: gains[k], noise: { dbfs: -58, color: 'pink' }, name: names[k] })) },
      join(work, 'cases'),
      join(work, 'recordings'),
    );
    before = new Map(await Promise.all(built.takes.map(async (t) => [t.file, (await sha256File(t.file)).sha256] as [string, string])));
    const r = await letterpod(['build', built.folder, '--issue', issueFile, '--out', join(work, 'out'), '--json'], work);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout) as EpisodeReport;
    score = await scoreTakes(built, report);
  });

  it('orders the takes by what they read, not by their names', () => {
    expect(score.orderRight).toBe(true);
    expect(report.pieces!.map((p) => basename(p.file))).toEqual(['an-999 e.wav', 'an-999 c.wav', 'an-999 a.wav', 'an-999 d.wav', 'an-999 b.wav']);
    expect(report.pieces!.map((p) => p.sections)).toEqual(splitIntoTakes(caseSections(issue), 5));
  });

  it('places every chapter within 0.1 s (median) and 0.3 s (max) of the truth in episode time', () => {
    expect(score.missing).toEqual([]);
    const errors = score.chapters.map((c) => c.error).sort((a, b) => a - b);
    expect(errors.length).toBe(5);
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThanOrEqual(0.1);
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.3);
  });

  it('joins the takes with room tone (no digital silence) and even loudness', () => {
    expect(score.joins.length).toBe(4);
    for (const j of score.joins) {
      expect(j.digitalSilenceMs).toBe(0);
      expect(j.differenceLu).toBeLessThanOrEqual(1.5);
    }
  });

  it('puts each take\'s own samples, at its gain, where episode.json says', async () => {
    const joinedFile = report.recording;
    const rate = 22050;
    const joined = await decodePcm(joinedFile, rate);
    for (const p of report.pieces!) {
      const take = await decodePcm(p.file, rate);
      const mid = (p.sourceStartSeconds + p.sourceEndSeconds) / 2;
      const g = 10 ** (p.gainDb / 20);
      const a = Math.round(mid * rate);
      const b = Math.round((p.offsetSeconds + mid - p.sourceStartSeconds) * rate);
      let err = 0;
      let energy = 0;
      for (let i = 0; i < rate; i++) {
        err += (joined[b + i] - take[a + i] * g) ** 2;
        energy += (take[a + i] * g) ** 2;
      }
      expect(err / energy).toBeLessThan(1e-3);
    }
  });

  it('leaves the takes untouched and lists each with its hash', async () => {
    for (const t of built.takes) expect((await sha256File(t.file)).sha256).toBe(before.get(t.file));
    for (const p of report.pieces!) expect(p.sha256).toBe(before.get(p.file));
    const onDisk = JSON.parse(await readFile(report.files.report, 'utf8')) as EpisodeReport;
    expect(onDisk.pieces?.length).toBe(5);
  });

  it('refuses a take that reads nothing of the issue, naming it with its closest section and score', async () => {
    const other = await buildTakesCase(
      {
        name: 'other',
        seed: 9,
        sections: [{ id: 'x1', kind: 'summary', title: 'Weather', text: 'The forecast for the coast calls for strong winds and heavy rain through Thursday, with the harbour closed to small boats until the storm passes. Inland, farmers are told to bring the cattle in early.' }],
        takes: [{ sections: ['x1'], voice: { engine: 'flite', voice: 'slt' }, name: 'an-999 stray.wav' }],
      },
      join(work, 'cases'),
      join(work, 'stray'),
    );
    const files = [...built.takes.map((t) => t.file).slice(0, 2), other.takes[0].file];
    await expect(orderTakes(files, issue, 'en')).rejects.toThrow(/an-999 stray\.wav: it reads nothing of the issue \(closest: ".*", score 0\.\d{3}/);
  });

  it('refuses two takes of the same section, naming both', async () => {
    const dup = join(work, 'dup');
    await mkdir(dup, { recursive: true });
    const first = built.takes[1].file;
    await copyFile(first, join(dup, 'an-999 again.wav'));
    await expect(orderTakes([first, join(dup, 'an-999 again.wav'), built.takes[2].file], issue, 'en')).rejects.toThrow(/an-999 c\.wav and an-999 again\.wav|an-999 again\.wav and an-999 c\.wav/);
  });
});
