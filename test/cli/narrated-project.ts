/**
 * A project with short narrated issues (#201, #202, …): three summaries each, read by the
 * demo narrator, so that a publish really matches, checks, aligns, masters and publishes
 * them (about 10 s of work per recording on this machine).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import { SHOW } from '../publish/project.js';

const TOPICS = [
  'Reward models that ask before acting',
  'Interpretability of small transformers',
  'Scaling laws for oversight',
  'Debate as a training signal',
  'Corrigibility in simple gridworlds',
  'Measuring deception in language models',
];

export function narratedIssueText(n: number): string {
  const titles = [0, 1, 2].map((i) => TOPICS[(n + i) % TOPICS.length]!);
  const body = titles
    .map(
      (t, i) =>
        `**[${t}](https://example.org/papers/${n}-${i})** *(Ada Byron)* (summarized by Rohin): This paper studies ${t.toLowerCase()}. ` +
        'The authors run a series of careful experiments and find that the simple baseline works better than expected, although the gains shrink as the models grow. ' +
        'They discuss what this means for future systems and which questions remain open.\n',
    )
    .join('\n');
  return `---\ntitle: "[AN #${n}]: ${titles[0]}"\nissue: ${n}\nurl: https://example.org/an/${n}\n---\n\n**Newsletter #${n}**\n\nHIGHLIGHTS\n==========\n\n${body}`;
}

/** `dir` becomes a project (review: none) with the given issues, each with its narrated recording. */
export async function narratedProject(dir: string, numbers: readonly number[]): Promise<void> {
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, review: { required: 'none' } }, null, 2));
  for (const n of numbers) {
    const file = join(dir, 'newsletters', `an-${n}.md`);
    await writeFile(file, narratedIssueText(n));
    const issue = await readIssue(file);
    const sections = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
    await narrate(sections, join(dir, 'recordings', `an-${n}.wav`), { seed: n });
  }
}
