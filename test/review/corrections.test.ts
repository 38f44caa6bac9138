/**
 * The corrections file: validation with errors that name the file, what is wrong and what
 * to do; applying it to an episode's automatic result (moves, a chapter for a not-read
 * summary, removal, titles) with the transcript following; ignored (with a warning) for
 * another take. No audio: the analysis is made up around a real issue text.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeAnalysis } from '../../src/episode/analysis.js';
import { resolveEpisode } from '../../src/episode/apply-corrections.js';
import { correctEpisode } from '../../src/episode/correct.js';
import { correctionsPath, parseCorrections, readCorrections, serializeCorrections } from '../../src/episode/corrections.js';
import { LetterpodError } from '../../src/errors.js';
import { readIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { scratch } from '../helpers/tmp.js';
import { reviewIssueText, TITLES } from './project.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
let issue: Issue;
let ids: Record<string, string>;
let analysis: EpisodeAnalysis;

beforeAll(async () => {
  const dir = await scratch('corrections');
  const file = join(dir, 'an-301.md');
  await writeFile(file, reviewIssueText(301));
  issue = await readIssue(file);
  const id = (title: string) => issue.sections.find((s) => s.title === title)!.id;
  ids = { intro: issue.sections.find((s) => s.kind === 'intro')!.id, a: id(TITLES[0]!), b: id(TITLES[1]!), skipped: id(TITLES[2]!), d: id(TITLES[3]!) };
  const chapter = (key: string, title: string, start: number, end: number, confidence = 0.9) => ({ id: ids[key]!, title, startSeconds: start, endSeconds: end, confidence });
  analysis = {
    version: 1,
    recordingSha256: SHA,
    episodeSeconds: 60,
    peaks: [],
    peaksPerSecond: 20,
    loudness: { perSecond: 5, shortTermLufs: [], targetLufs: -16 },
    pauses: [[9.5, 10], [29.6, 30], [39, 40.2], [44.5, 45]],
    automatic: {
      chapters: [chapter('intro', 'Introduction', 0, 10, 1), chapter('a', TITLES[0]!, 10, 30), chapter('b', TITLES[1]!, 30, 45, 0.4), chapter('d', TITLES[3]!, 45, 60)],
      skipped: [{ id: ids.skipped!, title: TITLES[2]! }],
      warnings: [`"${TITLES[2]}" seems not to be read in the recording; it gets no chapter`],
    },
    cues: [
      { sectionId: ids.intro!, startSeconds: 1, endSeconds: 9, text: 'Newsletter number 301.' },
      { sectionId: ids.a!, startSeconds: 10, endSeconds: 20, text: 'First.' },
      { sectionId: ids.a!, startSeconds: 20, endSeconds: 29, text: 'Second.' },
      { sectionId: ids.b!, startSeconds: 30, endSeconds: 44, text: 'Third.' },
      { sectionId: ids.d!, startSeconds: 45, endSeconds: 59, text: 'Fourth.' },
    ],
  };
});

function problemOf(fn: () => unknown): LetterpodError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LetterpodError);
    return e as LetterpodError;
  }
  throw new Error('expected a LetterpodError');
}

describe('the corrections file', () => {
  it('lives beside the issue text', () => {
    expect(correctionsPath('/p/newsletters/an-102.md')).toBe('/p/newsletters/an-102.review.json');
    expect(correctionsPath('/p/newsletters/an-102.txt')).toBe('/p/newsletters/an-102.review.json');
  });

  it('round-trips through its deterministic text, sections in numeric id order', () => {
    const c = { recordingSha256: SHA, sections: { s10: 'not-read' as const, s2: { startSeconds: 12.5 }, s3: { title: 'Short' } } };
    const text = serializeCorrections(c);
    expect(Object.keys(JSON.parse(text).sections)).toEqual(['s2', 's3', 's10']);
    expect(parseCorrections(text, 'x.review.json')).toEqual(c);
  });

  it.each([
    ['{"recordingSha256": ', 'not valid JSON'],
    [JSON.stringify({ sections: {} }), 'recordingSha256'],
    [JSON.stringify({ recordingSha256: 'abc', sections: {} }), "recording's sha256"],
    [JSON.stringify({ recordingSha256: SHA, sections: { s3: { startSeconds: -1 } } }), 'sections.s3'],
    [JSON.stringify({ recordingSha256: SHA, sections: { s3: {} } }), 'give "startSeconds", "title" or both'],
    [JSON.stringify({ recordingSha256: SHA, sections: { s3: 'skip' } }), 'sections.s3'],
    [JSON.stringify({ recordingSha256: SHA, sections: { s3: { title: '  ' } } }), 'an empty title'],
    [JSON.stringify({ recordingSha256: SHA, sections: {}, extra: 1 }), 'extra'],
  ])('refuses %s naming the file and the problem', (text, problem) => {
    const e = problemOf(() => parseCorrections(text, 'newsletters/an-301.review.json'));
    expect(e.message.startsWith('newsletters/an-301.review.json: ')).toBe(true);
    expect(e.message).toContain(problem);
    expect(e.fix.length).toBeGreaterThan(10);
  });
});

describe('applying corrections', () => {
  it('moves a mark: its chapter and the one before change their spans, the sentences around it follow', () => {
    const r = correctEpisode(analysis, issue, { recordingSha256: SHA, sections: { [ids.b!]: { startSeconds: 32 } } });
    const b = r.chapters.find((c) => c.id === ids.b)!;
    expect(b).toMatchObject({ startSeconds: 32, endSeconds: 45, confidence: 1, corrected: true });
    expect(r.chapters.find((c) => c.id === ids.a)!.endSeconds).toBe(32);
    // the sentence before the mark (20–29) stretches to the new mark, the one after it
    // starts there; the sentences further away keep their times
    expect(r.cues.find((c) => c.text === 'Second.')).toMatchObject({ startSeconds: 20, endSeconds: 30.8 });
    expect(r.cues.find((c) => c.text === 'Third.')).toMatchObject({ startSeconds: 32, endSeconds: 44 });
    expect(r.cues.find((c) => c.text === 'First.')).toMatchObject({ startSeconds: 10, endSeconds: 20 });
    expect(r.cues.find((c) => c.text === 'Fourth.')).toMatchObject({ startSeconds: 45, endSeconds: 59 });
    // moved earlier: the sentence before it shrinks
    const earlier = correctEpisode(analysis, issue, { recordingSha256: SHA, sections: { [ids.b!]: { startSeconds: 25 } } });
    expect(earlier.cues.find((c) => c.text === 'Second.')).toMatchObject({ startSeconds: 20, endSeconds: 24.5 });
    expect(earlier.cues.find((c) => c.text === 'Third.')).toMatchObject({ startSeconds: 25, endSeconds: 44 });
    expect(earlier.cues.find((c) => c.text === 'First.')).toMatchObject({ startSeconds: 10, endSeconds: 20 });
    expect(r.applied).toEqual([`"${TITLES[1]}" moves from 30 s to 32 s`]);
  });

  it('gives a not-read summary a chapter, with its sentences as cues, and it is no longer listed as not read', () => {
    const r = correctEpisode(analysis, issue, { recordingSha256: SHA, sections: { [ids.skipped!]: { startSeconds: 40.1 } } });
    expect(r.chapters.map((c) => c.id)).toEqual([ids.intro, ids.a, ids.b, ids.skipped, ids.d]);
    const fresh = r.chapters.find((c) => c.id === ids.skipped)!;
    expect(fresh).toMatchObject({ title: TITLES[2], startSeconds: 40.1, endSeconds: 45, url: 'https://example.org/papers/301-2', corrected: true });
    expect(r.chapters.find((c) => c.id === ids.b)!.endSeconds).toBe(40.1);
    // the chapter it was cut from fits its sentence under the mark before it
    expect(r.cues.find((c) => c.text === 'Third.')).toMatchObject({ startSeconds: 30 });
    expect(r.cues.find((c) => c.text === 'Third.')!.endSeconds).toBeLessThanOrEqual(40.1);
    for (let i = 1; i < r.cues.length; i++) expect(r.cues[i]!.startSeconds).toBeGreaterThanOrEqual(r.cues[i - 1]!.endSeconds);
    const cues = r.cues.filter((c) => c.sectionId === ids.skipped);
    expect(cues.length).toBeGreaterThan(1);
    expect(cues[0]!.startSeconds).toBe(40.1);
    expect(cues.at(-1)!.endSeconds).toBeCloseTo(45, 2);
    expect(r.skipped).toEqual([]);
  });

  it('a chapter cut by a mark between two of its sentences fits the sentence before the mark and the ones after it before the mark, without overlaps', () => {
    const two: EpisodeAnalysis = {
      ...analysis,
      cues: [...analysis.cues.filter((c) => c.text !== 'Third.'), { sectionId: ids.b!, startSeconds: 30, endSeconds: 36, text: 'Third.' }, { sectionId: ids.b!, startSeconds: 37, endSeconds: 44, text: 'Third and a half.' }],
    };
    const r = correctEpisode(two, issue, { recordingSha256: SHA, sections: { [ids.skipped!]: { startSeconds: 36.5 } } });
    const third = r.cues.find((c) => c.text === 'Third.')!;
    const half = r.cues.find((c) => c.text === 'Third and a half.')!;
    expect(third.startSeconds).toBe(30);
    expect(half.endSeconds).toBeLessThanOrEqual(36.5);
    expect(half.startSeconds).toBeGreaterThanOrEqual(third.endSeconds);
    for (let i = 1; i < r.cues.length; i++) expect(r.cues[i]!.startSeconds).toBeGreaterThanOrEqual(r.cues[i - 1]!.endSeconds);
  });

  it('removes a chapter (its seconds go to the chapter before) and shortens a title', () => {
    const r = correctEpisode(analysis, issue, { recordingSha256: SHA, sections: { [ids.b!]: 'no-chapter', [ids.a!]: { title: 'Reward models that ask' } } });
    expect(r.chapters.map((c) => [c.id, c.title, c.startSeconds, c.endSeconds])).toEqual([
      [ids.intro, 'Introduction', 0, 10],
      [ids.a, 'Reward models that ask', 10, 45],
      [ids.d, TITLES[3], 45, 60],
    ]);
    // b's cue now belongs to a, mapped linearly from a's old span (10–45) onto its new one (the same)
    expect(r.cues.find((c) => c.text === 'Third.')).toMatchObject({ startSeconds: 30, endSeconds: 44 });
  });

  it('declares a read section not read: no chapter, no cues, listed as not read', () => {
    const r = correctEpisode(analysis, issue, { recordingSha256: SHA, sections: { [ids.d!]: 'not-read' } });
    expect(r.chapters.map((c) => c.id)).not.toContain(ids.d);
    expect(r.cues.map((c) => c.text)).not.toContain('Fourth.');
    expect(r.skipped.map((s) => s.id)).toEqual([ids.skipped, ids.d]);
  });

  it.each([
    [{ s99: { startSeconds: 3 } }, '"s99" is neither a chapter nor a summary'],
    [{ B: { startSeconds: 75 } }, 'after the end of the episode'],
    [{ B: { startSeconds: 30.2 }, SKIP: { startSeconds: 30.4 } }, 'start less than 0.5 s apart'],
    [{ SKIP: { title: 'Scaling' } }, 'has no chapter to give the title'],
  ])('refuses %j with the corrections file named', (raw, problem) => {
    const sections = JSON.parse(JSON.stringify(raw).replaceAll('"B"', `"${ids.b}"`).replaceAll('"SKIP"', `"${ids.skipped}"`));
    const e = problemOf(() => correctEpisode(analysis, issue, { recordingSha256: SHA, sections }, 'newsletters/an-301.review.json'));
    expect(e.file).toBe('newsletters/an-301.review.json');
    expect(e.problem).toContain(problem);
  });

  it('ignores corrections made for another take, with a warning naming the file', async () => {
    const file = correctionsPath(issue.source);
    await writeFile(file, serializeCorrections({ recordingSha256: OTHER, sections: { [ids.b!]: { startSeconds: 32 } } }));
    const loaded = await readCorrections(issue.source);
    const r = resolveEpisode(analysis, issue, loaded);
    expect(r.chapters.find((c) => c.id === ids.b)!.startSeconds).toBe(30);
    expect(r.corrections).toBeUndefined();
    expect(r.warnings.at(-1)).toContain(`${file} was made for another take`);
    // the same file for this take applies
    await writeFile(file, serializeCorrections({ recordingSha256: SHA, sections: { [ids.b!]: { startSeconds: 32 } } }));
    const applied = resolveEpisode(analysis, issue, await readCorrections(issue.source));
    expect(applied.chapters.find((c) => c.id === ids.b)!.startSeconds).toBe(32);
    expect(applied.corrections?.file).toBe(file);
    expect(applied.warnings).toEqual(analysis.automatic.warnings);
  });
});
