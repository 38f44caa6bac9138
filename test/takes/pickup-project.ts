/**
 * A project for publish and watch with a pickup: issue #301 (three summaries, every
 * sentence its own), its narration by flite slt as recordings/an-301.wav, and a pickup of
 * the first summary's second sentence by flite kal, 5 dB louder over another room's
 * noise, rendered into staging/ (the test drops it into recordings/ when it wants it).
 * Rendered by the eval's pickup cases (src/eval/pickup-cases.ts), cached in the project.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../src/store/manifest.js';
import { buildMain, buildPickup, type BuiltPickupCase, type PickupCaseSpec } from '../../src/eval/pickup-cases.js';
import { caseSections } from '../../src/eval/takes-cases.js';
import { readIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { SHOW } from '../publish/project.js';

export const PICKUP_ISSUE = 301;
export const PICKUP_NAME = 'an-301 fix 1.wav';

const TEXT = `---
title: "[AN #301]: Reward models that ask before acting"
issue: 301
url: https://example.org/an/301
---

**Newsletter #301**

HIGHLIGHTS
==========

**[Reward models that ask before acting](https://example.org/papers/301-0)** *(Ada Byron)* (summarized by Rohin): This paper trains an assistant that asks a question whenever its reward model is unsure. Questions cost the user a little time, so the assistant learns to ask only when the answer would change its plan. In a kitchen simulator it makes half as many mistakes as an assistant that never asks.

**[Interpretability of small transformers](https://example.org/papers/301-1)** *(Grace Hopper)* (summarized by Rohin): The authors take apart a two layer transformer that adds three digit numbers. They find one attention head that carries the digit from the ones column into the tens column, and a second head that does the same one column further left. Removing either head breaks addition only for sums that need that carry.

**[Scaling laws for oversight](https://example.org/papers/301-2)** *(Alan Turing)* (summarized by Rohin): How much weaker can an overseer be than the model it checks? Across four tasks, a checker at one tenth of the model's size still catches most planted errors. The gap closes slowly with size, and the authors give a simple curve that fits all four tasks.
`;

export interface PickupProject {
  dir: string;
  issue: Issue;
  main: BuiltPickupCase;
  /** The pickup, rendered outside recordings/. */
  staged: string;
}

/** A project in `dir` (review none; local store feed/; watch settle 0.5 s) with the recording in recordings/. */
export async function pickupProject(dir: string, watch: { autoPublish: boolean } = { autoPublish: false }): Promise<PickupProject> {
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: 'none' }, watch: { settleSeconds: 0.5, ...watch } }, null, 2));
  const issueFile = join(dir, 'newsletters', 'an-301.md');
  await writeFile(issueFile, TEXT);
  const issue = await readIssue(issueFile);
  const sections = caseSections(issue);
  const target = sections.find((s) => s.kind === 'summary')!.id; // the first summary: its second sentence is re-read
  const spec: PickupCaseSpec = { name: 'an-301', seed: 301, sections, voice: { engine: 'flite', voice: 'slt' }, noise: { dbfs: -60, color: 'pink' }, target, mainName: 'an-301.wav' };
  const cache = join(dir, '.cases');
  const main = await buildMain(spec, cache, join(dir, 'recordings'));
  const staged = await buildPickup(spec, { name: PICKUP_NAME, sentences: [1, 1], voice: { engine: 'flite', voice: 'kal' }, gainDb: 5, noise: { dbfs: -55, color: 'brown' } }, cache, join(dir, 'staging'));
  return { dir, issue, main, staged };
}

export async function readManifestOf(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, 'feed', 'manifest.json'), 'utf8')) as Manifest;
}
