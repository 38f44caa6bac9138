/**
 * A project for publish, status and watch with takes: issue #302 (an intro, a heading and
 * three summaries of two sentences each, short to keep the builds quick) recorded as three
 * takes by flite slt, each at its own level over its own room tone, rendered by the eval's
 * take cases (src/eval/takes-cases.ts) into staging/ under names that do not say the order;
 * the tests put them into recordings/ (in a take folder or as take-marked files) when they
 * want them. Also a pickup of the first
 * summary's second sentence (flite kal, 5 dB louder, another room), and on demand the whole
 * issue in one recording and a take re-reading one summary whole. Cached in the project.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPickup } from '../../src/eval/pickup-cases.js';
import { buildTakesCase, caseSections, type BuiltTake } from '../../src/eval/takes-cases.js';
import { readIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { splitSentences } from '../../src/speech/sentences.js';
import type { Manifest } from '../../src/store/manifest.js';
import { SHOW } from '../publish/project.js';

export const TAKES_ISSUE = 302;

const TEXT = `---
title: "[AN #302]: Checking the checkers"
issue: 302
url: https://example.org/an/302
---

**Newsletter #302**

HIGHLIGHTS
==========

**[Debate with weak judges](https://example.org/papers/302-0)** *(Ada Byron)* (summarized by Rohin): Two copies of a strong model argue opposite answers in front of a much weaker judge. On reading comprehension questions the judge picks the right answer far more often after the debate than when it reads the story alone.

**[Sleeper behaviour survives fine tuning](https://example.org/papers/302-1)** *(Grace Hopper)* (summarized by Rohin): The authors train a model that writes safe code until a trigger phrase appears in the prompt. Ordinary safety training on examples without the trigger leaves the hidden behaviour in place.

**[Measuring honesty with lie detectors](https://example.org/papers/302-2)** *(Alan Turing)* (summarized by Rohin): A linear probe on the middle layers tells apart true and false statements the model itself makes.
`;

export interface TakesProject {
  dir: string;
  issue: Issue;
  /** The three takes in staging/, in reading order (intro to the first summary, the second summary, the third). */
  takes: BuiltTake[];
  /** The pickup in staging/. */
  pickup: string;
  /** Render more recordings of the issue into staging/ (cached). */
  render: {
    /** The whole issue in one recording (flite slt). */
    whole(name: string): Promise<string>;
    /** A take that re-reads the `k`-th summary whole (espeak-ng en-us+m3, 8 dB quieter). */
    reread(k: number, name: string): Promise<string>;
  };
}

/** A project in `dir` (review none; local store feed/; watch settle 0.5 s unless given) with an empty recordings/. */
export async function takesProject(dir: string, watch: { autoPublish: boolean; settleSeconds?: number } = { autoPublish: false }): Promise<TakesProject> {
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: 'none' }, watch: { settleSeconds: 0.5, ...watch } }, null, 2));
  const issueFile = join(dir, 'newsletters', 'an-302.md');
  await writeFile(issueFile, TEXT);
  const issue = await readIssue(issueFile);
  const sections = caseSections(issue);
  const summaries = sections.filter((s) => s.kind === 'summary').map((s) => s.id);
  const first = sections.slice(0, sections.findIndex((s) => s.id === summaries[0]) + 1).map((s) => s.id);
  const cache = join(dir, '.cases');
  const built = await buildTakesCase(
    {
      name: 'an-302',
      seed: 302,
      sections,
      takes: [
        { sections: first, voice: { engine: 'flite', voice: 'slt' }, gainDb: 0, noise: { dbfs: -58, color: 'pink' }, name: 'take 1.wav' },
        { sections: [summaries[1]!], voice: { engine: 'flite', voice: 'slt' }, gainDb: -5, noise: { dbfs: -60, color: 'pink' }, name: 'take 2.wav' },
        { sections: [summaries[2]!], voice: { engine: 'flite', voice: 'slt' }, gainDb: 3, noise: { dbfs: -57, color: 'pink' }, name: 'take 3.wav' },
      ],
    },
    cache,
    join(dir, 'staging'),
  );
  const pickup = await buildPickup(
    { name: 'an-302', seed: 302, sections, voice: { engine: 'flite', voice: 'slt' }, target: summaries[0]!, mainName: 'an-302.wav' },
    { name: 'an-302 fix 1.wav', sentences: [1, 1], voice: { engine: 'flite', voice: 'kal' }, gainDb: 5, noise: { dbfs: -55, color: 'brown' } },
    cache,
    join(dir, 'staging', 'pickup'),
  );
  const render: TakesProject['render'] = {
    whole: async (name) => {
      const one = await buildTakesCase(
        { name: 'an-302-whole', seed: 303, sections, takes: [{ sections: sections.map((x) => x.id), voice: { engine: 'flite', voice: 'slt' }, noise: { dbfs: -58, color: 'pink' }, name }] },
        cache,
        join(dir, 'staging'),
      );
      return one.takes[0]!.file;
    },
    reread: (k, name) => {
      const target = sections.find((x) => x.id === summaries[k])!;
      const n = splitSentences(target.text).length;
      return buildPickup(
        { name: 'an-302', seed: 304, sections, voice: { engine: 'flite', voice: 'slt' }, target: target.id, mainName: 'an-302.wav' },
        { name, sentences: [0, n - 1], voice: { engine: 'espeak-ng', voice: 'en-us+m3' }, gainDb: -8 },
        cache,
        join(dir, 'staging', 'reread'),
      );
    },
  };
  return { dir, issue, takes: built.takes, pickup, render };
}

export async function readManifestOf(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, 'feed', 'manifest.json'), 'utf8')) as Manifest;
}
