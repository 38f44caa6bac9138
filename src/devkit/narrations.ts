/**
 * Long test narrations with known section starts, made from the real issue texts in
 * ../shared/newsletters: sections are taken in order until the narration reaches the
 * wanted length, written out as one markdown issue, and read aloud by flite.
 * Deterministic for a given length and seed; nothing generated is committed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { narrate, type Narration } from '../demo/narrate.js';
import { sha256Buffer } from '../hash.js';
import { readIssue } from '../newsletter/index.js';
import type { Issue } from '../newsletter/types.js';

/** flite's default voice reads about this many words a minute. */
const WORDS_PER_MINUTE = 165;

export function sharedDir(): string {
  return resolve(process.env.LETTERPOD_SHARED ?? join(process.cwd(), '..', 'shared'));
}

export interface LongNarration {
  issueFile: string;
  recording: string;
  issue: Issue;
  narration: Narration;
}

/**
 * A narration of about `minutes` minutes in `dir`, reused when already there for the same
 * length and seed (its truth is kept beside it in `an-<n>.narration.json`).
 */
export async function longNarration(minutes: number, dir: string, seed = 1): Promise<LongNarration> {
  const newsletters = join(sharedDir(), 'newsletters');
  if (!existsSync(newsletters)) throw new Error(`no shared newsletters at ${newsletters} (set LETTERPOD_SHARED)`);
  await mkdir(dir, { recursive: true });
  const words = minutes * WORDS_PER_MINUTE;
  const parts: string[] = [];
  let count = 0;
  for (const name of (await readdir(newsletters)).filter((n) => n.endsWith('.md')).sort()) {
    const issue = await readIssue(join(newsletters, name));
    for (const s of issue.sections) {
      if (s.kind !== 'summary') continue;
      parts.push(`## ${s.title}\n\n${s.text}\n`);
      count += s.text.split(/\s+/).length;
      if (count >= words) break;
    }
    if (count >= words) break;
  }
  const number = 900 + minutes;
  const issueFile = join(dir, `an-${number}.md`);
  await writeFile(issueFile, `---\ntitle: "A ${minutes}-minute benchmark narration"\nissue: ${number}\n---\n\n${parts.join('\n')}`);
  const issue = await readIssue(issueFile);
  const recording = join(dir, `an-${number}.wav`);
  const truthFile = join(dir, `an-${number}.narration.json`);
  const sections = narrationSections(issue);
  const textHash = sha256Buffer(JSON.stringify(sections));
  if (existsSync(recording) && existsSync(truthFile)) {
    const kept = JSON.parse(await readFile(truthFile, 'utf8')) as { seed: number; text: string; narration: Narration };
    if (kept.seed === seed && kept.text === textHash) return { issueFile, recording, issue, narration: kept.narration };
  }
  const narration = await narrate(sections, recording, { seed });
  await writeFile(truthFile, JSON.stringify({ seed, text: textHash, narration }));
  return { issueFile, recording, issue, narration };
}

/** The sections a long narration reads (and the aligner gets): those with any text. */
export function narrationSections(issue: Issue): { id: string; text: string }[] {
  return issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
}
