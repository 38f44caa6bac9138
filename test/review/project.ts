/**
 * A review project: issue #301 with four summaries, of which the narrator skips the third
 * (so the build reports it not read), read by the demo narrator; review.required is the
 * default (when-warned), so the episode waits for review.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { SHOW } from '../publish/project.js';

export const TITLES = [
  'Reward models that ask before acting on uncertain instructions from their operators',
  'Interpretability of small transformers',
  'Scaling laws for oversight',
  'Debate as a training signal',
];

const BODIES = [
  'This paper studies reward models that ask questions. The authors run careful experiments and find that the simple baseline works better than expected. They discuss what this means for future systems.',
  'Small transformers can be taken apart circuit by circuit. The work traces how a two layer model copies tokens, and finds that attention heads specialise early in training. It ends with open questions about larger models.',
  'How does the cost of oversight grow with model size? The authors fit curves to a dozen supervision setups and predict that weak supervisors lose ground slowly. Critics argue the fits are too optimistic.',
  'Two models argue and a judge decides who is right. The experiments show that honest debaters win more often when the judge can quote evidence. The gains hold across three question sets.',
];

export function reviewIssueText(n: number): string {
  const body = TITLES.map((t, i) => `**[${t}](https://example.org/papers/${n}-${i})** *(Ada Byron)* (summarized by Rohin): ${BODIES[i]}\n`).join('\n');
  return `---\ntitle: "[AN #${n}]: ${TITLES[0]}"\nissue: ${n}\nurl: https://example.org/an/${n}\n---\n\n**Newsletter #${n}**\n\nHIGHLIGHTS\n==========\n\n${body}`;
}

/** `dir` becomes a project with issue `n`, recorded without the summary at `skip` (an index into TITLES). */
export async function reviewProject(dir: string, n = 301, skip = 2): Promise<{ issue: Issue; recording: string }> {
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW }, null, 2));
  const file = join(dir, 'newsletters', `an-${n}.md`);
  await writeFile(file, reviewIssueText(n));
  const issue = await readIssue(file);
  const skipped = issue.sections.find((s) => s.title === TITLES[skip])?.id;
  const sections = issue.sections.filter((s) => s.text.trim() && s.id !== skipped).map((s) => ({ id: s.id, text: s.text }));
  const recording = join(dir, 'recordings', `an-${n}.wav`);
  await narrate(sections, recording, { seed: n, pauseSeconds: 1.5 });
  return { issue, recording };
}
