#!/usr/bin/env node
/**
 * Synthesize a narrator recording of an issue with espeak-ng: the spoken intro, each
 * heading and summary in order, pauses between them. Used by `npm run quickstart` to
 * publish a real episode from a fresh clone.
 *
 *   node dist/demo/make-recording.js <issue.md> <out.wav>
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readIssue } from '../newsletter/index.js';
import { narrate } from './narrate.js';

const [issueFile, outWav] = process.argv.slice(2);
if (!issueFile || !outWav) {
  process.stderr.write('usage: make-recording <issue.md> <out.wav>\n');
  process.exit(2);
}
const issue = await readIssue(issueFile);
await mkdir(dirname(outWav), { recursive: true });
const sections = issue.sections.filter((s) => s.text.trim()).map((s) => ({ id: s.id, text: s.text }));
const narration = await narrate(sections, outWav, { seed: issue.number });
process.stderr.write(
  `demo: narrated issue #${issue.number} (${sections.length} sections, ${narration.durationSeconds.toFixed(1)} s) into ${outWav}\n`,
);
