/**
 * What a producer sees for a real reading that starts with unscripted speech and stops
 * partway through the text: an "Introduction" chapter at 0, the first sonnet's chapter
 * where it is read, the sonnet in progress keeping its chapter, the one after the end
 * reported as not in the recording, and a warning that says where the recording ends.
 * Human speech (LibriVox) from ../shared, composed by the eval builder (exact truth).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { alignRecording, type Alignment, type AlignSection } from '../../src/align/index.js';
import { alignmentWarnings, chaptersFrom, LEAD_IN_ID } from '../../src/episode/chapters.js';
import { buildCase, type BuiltCase } from '../../src/eval/compose.js';
import { sonnetSection } from '../../src/eval/corpus.js';
import type { Issue } from '../../src/newsletter/types.js';
import { espeakLanguages, espeakVoiceFor } from '../../src/speech/voices.js';
import { describeShared, projectRoot } from '../helpers/shared.js';

describeShared('a real reading with a spoken lead-in that stops partway (shared)', () => {
  let built: BuiltCase;
  let sections: AlignSection[];
  let a: Alignment;
  let issue: Issue;
  beforeAll(async () => {
    const text = await Promise.all([1, 2, 3].map(sonnetSection));
    built = await buildCase(
      'test-jfk-lead-sonnets-cut',
      {
        seed: 77,
        sections: text,
        segments: [
          { kind: 'pause', seconds: 0.5 },
          { kind: 'unscripted', label: 'JFK lead-in', parts: [{ file: 'speech/jfk.wav' }] },
          { kind: 'pause', seconds: 1.2 },
          { kind: 'section', id: 'sonnet-1', parts: [{ file: 'speech/sonnet-p001.mp3' }] },
          { kind: 'pause', seconds: 1.3 },
          { kind: 'section', id: 'sonnet-2', parts: [{ file: 'speech/sonnet-p002.mp3' }] },
          { kind: 'pause', seconds: 1.0 },
          { kind: 'section', id: 'sonnet-3', parts: [{ file: 'speech/sonnet-p003.mp3' }] },
        ],
        cut: { section: 'sonnet-2', fraction: 0.5 },
      },
      process.env.LETTERPOD_EVAL_CACHE ?? join(projectRoot, '.cache', 'eval'),
    );
    sections = JSON.parse(await readFile(built.sectionsFile, 'utf8')) as AlignSection[];
    a = await alignRecording(built.audio, sections);
    issue = {
      number: 1,
      title: 'Sonnets',
      format: 'markdown',
      source: built.sectionsFile,
      sections: text.map((s) => ({ id: s.id, kind: 'summary', title: s.title, text: s.text, links: [] })) as unknown as Issue['sections'],
    };
  });

  it('reports the sonnet after the end as not in the recording, and where the recording ends', () => {
    const truth = new Map(built.truth.sections.map((s) => [s.id, s]));
    expect(truth.get('sonnet-3')!.present).toBe(false);
    expect(a.sections.map((s) => s.status)).toEqual(['read', 'read', 'after-end']);
    expect(a.ending?.sectionId).toBe('sonnet-2');
    expect(a.ending?.notInRecording).toEqual(['sonnet-3']);
    // about half of sonnet II is in the recording
    const s2 = truth.get('sonnet-2')!;
    expect(a.ending!.secondsIntoSection).toBeGreaterThan(0.5 * (built.truth.durationSeconds - s2.startSeconds!));
    expect(a.ending!.secondsIntoSection).toBeLessThan(a.ending!.expectedSeconds);
    for (const id of ['sonnet-1', 'sonnet-2']) {
      const t = truth.get(id)!;
      const mark = a.sections.find((s) => s.id === id)!.startSeconds;
      expect(mark, id).toBeGreaterThanOrEqual(t.pauseStartSeconds! - 0.3);
      expect(mark, id).toBeLessThanOrEqual(t.startSeconds! + 0.3);
    }
  });

  it('gives the unscripted lead-in an Introduction chapter at 0 and starts the first sonnet where it is read', () => {
    const first = built.truth.sections.find((s) => s.id === 'sonnet-1')!;
    expect(a.leadIn).not.toBeNull();
    expect(a.leadIn!.endSeconds).toBeCloseTo(a.sections[0].startSeconds, 3);
    const chapters = chaptersFrom(issue, a, a.durationSeconds);
    expect(chapters.map((c) => c.id)).toEqual([LEAD_IN_ID, 'sonnet-1', 'sonnet-2']);
    expect(chapters[0]).toMatchObject({ title: 'Introduction', startSeconds: 0 });
    expect(chapters[1].startSeconds).toBeGreaterThan(first.pauseStartSeconds! - 0.3);
    expect(chapters[1].startSeconds).toBeLessThan(first.startSeconds! + 0.3);
    const warnings = alignmentWarnings(issue, a, chapters);
    const ending = warnings.find((w) => w.startsWith('the recording ends'));
    expect(ending, warnings.join('\n')).toMatch(/into "Sonnet II".*"Sonnet III" after it is not in it/);
    // the sonnet after the end is told once, in the ending line, not again as "not read"
    expect(warnings.filter((w) => w.includes('Sonnet III'))).toHaveLength(1);
  });
});

describeShared('a real reading that stops inside the text\'s last section, and one that does not (shared)', () => {
  const cache = () => process.env.LETTERPOD_EVAL_CACHE ?? join(projectRoot, '.cache', 'eval');
  let text: Awaited<ReturnType<typeof sonnetSection>>[];
  const reading = (cut: number | undefined) => ({
    seed: 78,
    sections: text,
    segments: [
      { kind: 'pause' as const, seconds: 0.6 },
      { kind: 'section' as const, id: 'sonnet-1', parts: [{ file: 'speech/sonnet-p001.mp3' }] },
      { kind: 'pause' as const, seconds: 1.2 },
      { kind: 'section' as const, id: 'sonnet-2', parts: [{ file: 'speech/sonnet-p002.mp3' }] },
      { kind: 'pause' as const, seconds: 1.4 },
      { kind: 'section' as const, id: 'sonnet-3', parts: [{ file: 'speech/sonnet-p003.mp3' }] },
      { kind: 'pause' as const, seconds: 0.8 },
    ],
    ...(cut === undefined ? {} : { cut: { section: 'sonnet-3', fraction: cut } }),
  });
  const align = async (name: string, cut: number | undefined) => {
    const built = await buildCase(name, reading(cut), cache());
    const sections = JSON.parse(await readFile(built.sectionsFile, 'utf8')) as AlignSection[];
    return { a: await alignRecording(built.audio, sections), built };
  };
  beforeAll(async () => {
    text = await Promise.all([1, 2, 3].map(sonnetSection));
  });

  it('cut 60 % into the last sonnet: its chapter stays, and the report says the recording ends inside it', async () => {
    const { a, built } = await align('test-sonnets-cut-in-last', 0.6);
    expect(a.sections.map((s) => s.status)).toEqual(['read', 'read', 'read']);
    expect(a.ending?.sectionId).toBe('sonnet-3');
    expect(a.ending?.notInRecording).toEqual([]);
    // where it ends: from the sonnet's first word to the cut (the truth), within a second
    const start = built.truth.sections.find((x) => x.id === 'sonnet-3')!.startSeconds!;
    expect(Math.abs(a.ending!.secondsIntoSection - (built.truth.ending!.cutSeconds! - start))).toBeLessThan(1);
    const issue = { number: 1, title: 'Sonnets', format: 'markdown', source: '', sections: text.map((s) => ({ id: s.id, kind: 'summary', title: s.title, text: s.text, links: [] })) } as unknown as Issue;
    const warnings = alignmentWarnings(issue, a, chaptersFrom(issue, a, a.durationSeconds));
    expect(warnings.join('\n')).toMatch(/the recording ends .* into "Sonnet III" .*it is the text's last section, and its last sentences are not in it/);
  });

  it('read to the end: no ending reported', async () => {
    const { a } = await align('test-sonnets-whole', undefined);
    expect(a.sections.map((s) => s.status)).toEqual(['read', 'read', 'read']);
    expect(a.ending).toBeNull();
  });
});

it('picks the espeak-ng voice from the text language', () => {
  const real = espeakLanguages();
  expect(espeakVoiceFor('de', real)).toBe('de');
  expect(espeakVoiceFor('es-ES', real)).toBe('es');
  const installed = new Set(['en-us', 'en-gb', 'de', 'es', 'es-419', 'fr-fr']);
  expect(espeakVoiceFor(undefined, installed)).toBe('en-us');
  expect(espeakVoiceFor('en', installed)).toBe('en-us');
  expect(espeakVoiceFor('en-GB', installed)).toBe('en-gb');
  expect(espeakVoiceFor('de-DE', installed)).toBe('de');
  expect(espeakVoiceFor('es', installed)).toBe('es');
  expect(espeakVoiceFor('fr', installed)).toBe('fr-fr');
  expect(espeakVoiceFor('xx', installed)).toBeUndefined();
});
