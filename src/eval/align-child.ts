#!/usr/bin/env node
/**
 * One alignment in its own process, so its wall time and peak RSS can be measured with
 * GNU time (see bench/time.ts):
 *
 *   node dist/eval/align-child.js <audio> <sections.json>
 *
 * `sections.json` is `{id, text}[]`. Prints `{durationSeconds, sections, stats}` as JSON
 * (sentences left out: they are not scored and can be large).
 */
import { readFile } from 'node:fs/promises';
import { alignRecording, type AlignSection } from '../align/index.js';

const [audio, sectionsFile] = process.argv.slice(2);
if (!audio || !sectionsFile) {
  console.error('usage: align-child.js <audio> <sections.json>');
  process.exit(2);
}
const sections = JSON.parse(await readFile(sectionsFile, 'utf8')) as AlignSection[];
const a = await alignRecording(audio, sections);
process.stdout.write(JSON.stringify({ durationSeconds: a.durationSeconds, sections: a.sections, stats: a.stats }) + '\n');
