#!/usr/bin/env node
/**
 * One alignment in its own process, so its wall time and peak RSS can be measured with
 * GNU time (see devkit/time.ts):
 *
 *   node dist/eval/align-child.js <audio> <sections.json> [language]
 *
 * `sections.json` is `{id, text}[]`; `language` the text's (BCP 47, e.g. de), default
 * English. Tuning values: env LETTERPOD_ALIGN_PARAMS (JSON, see align/params.ts). Prints
 * `{durationSeconds, sections, leadIn, ending, stats}` as JSON (sentences left out: they
 * are not scored and can be large).
 */
import { readFile } from 'node:fs/promises';
import { alignRecording, type AlignSection } from '../align/index.js';
import { paramsFromEnv } from '../align/params.js';

const [audio, sectionsFile, language] = process.argv.slice(2);
if (!audio || !sectionsFile) {
  console.error('usage: align-child.js <audio> <sections.json> [language]');
  process.exit(2);
}
const sections = JSON.parse(await readFile(sectionsFile, 'utf8')) as AlignSection[];
const a = await alignRecording(audio, sections, { params: paramsFromEnv(), ...(language ? { language } : {}) });
process.stdout.write(JSON.stringify({ durationSeconds: a.durationSeconds, sections: a.sections, leadIn: a.leadIn, ending: a.ending, stats: a.stats }) + '\n');
