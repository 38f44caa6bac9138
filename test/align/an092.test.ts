/**
 * A real issue (/work/shared/newsletters/an-092.md, parsed by the newsletter parser),
 * narrated by flite's kal16 voice (a diphone voice: fast to synthesize, and nothing like
 * espeak-ng), about 17 minutes: every section start within 0.5 s.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alignRecording } from '../../src/align/index.js';
import { narrate } from '../../src/demo/narrate.js';
import { readIssue } from '../../src/newsletter/index.js';
import { describeShared, projectRoot, sharedPath } from '../helpers/shared.js';
import { checkShape, startErrors } from './helpers.js';

const tmp = join(projectRoot, 'test', '.tmp', `align-an092-${process.pid}`);
beforeAll(() => mkdir(tmp, { recursive: true }));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describeShared('alignRecording on AN #92 (shared)', () => {
  it('places all section starts within 0.5 s', async () => {
    const issue = await readIssue(sharedPath('newsletters', 'an-092.md'));
    const sections = issue.sections.map((s) => ({ id: s.id, text: s.text }));
    expect(sections.length).toBeGreaterThan(10);
    const wav = join(tmp, 'an-092.wav');
    const n = await narrate(sections, wav, { engine: 'flite', voice: 'kal16', seed: 92, noiseDb: -62 });
    expect(n.durationSeconds).toBeGreaterThan(600);
    const a = await alignRecording(wav, sections);
    const errors = startErrors(a, n);
    const abs = errors.map(Math.abs).sort((x, y) => x - y);
    console.log(
      `AN #92: ${sections.length} sections, ${n.durationSeconds.toFixed(0)} s; max |error| ${abs[abs.length - 1].toFixed(3)} s, ` +
        `median ${abs[Math.floor(abs.length / 2)].toFixed(3)} s; ${JSON.stringify(a.stats)}`,
    );
    for (let k = 0; k < errors.length; k++) expect(Math.abs(errors[k]), `section ${sections[k].id}`).toBeLessThan(0.5);
    checkShape(a, sections);
    expect(a.stats.wallMs).toBeLessThan(60_000);
  });
});
