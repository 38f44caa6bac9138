/**
 * Bad input gets one line naming the file and the fix, exit code 1, and nothing is
 * written into feed/. The recording itself is left exactly as it was.
 */
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { letterpod, problems } from '../helpers/cli.js';
import { ff, speak } from '../helpers/audio.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';

let speech: string;
let base: string;

/** A fresh project folder with the demo issue and the given recordings. */
async function project(name: string, recordings: Record<string, string | Buffer | { copy: string }>): Promise<string> {
  const dir = join(base, name);
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await copyFile(join(projectRoot, 'demo', 'an-999.md'), join(dir, 'newsletters', 'an-999.md'));
  for (const [file, content] of Object.entries(recordings)) {
    const path = join(dir, 'recordings', file);
    if (typeof content === 'object' && 'copy' in content) await copyFile(content.copy, path);
    else await writeFile(path, content);
  }
  return dir;
}

function expectOneLineError(r: { code: number | null; stderr: string; stdout: string }, file: string, fix: RegExp): void {
  expect(r.code).toBe(1);
  const lines = problems(r.stderr).trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(fix);
  expect(r.stdout).toBe('');
}

describe('bad input', () => {
  beforeAll(async () => {
    base = await scratch('bad-input');
    speech = join(base, 'speech.wav');
    await speak(speech, 'A short recording that is real speech but belongs to no issue in the folder at all.');
  });

  it('a text file named .wav', async () => {
    const dir = await project('text-as-wav', { 'an-999.wav': 'this is not audio, just text\n'.repeat(50) });
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'an-999.wav', /not an audio file.*Export it again/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
    expect(await readFile(join(dir, 'recordings', 'an-999.wav'), 'utf8')).toBe('this is not audio, just text\n'.repeat(50));
  });

  it('a pickup dropped into recordings/ is refused, never built as the whole reading', async () => {
    const dir = await project('pickup', { 'an-999 fix 2.wav': { copy: speech } });
    const before = await readFile(join(dir, 'recordings', 'an-999 fix 2.wav'));
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'an-999 fix 2.wav', /is a pickup \(its name says "fix 2"\).*letterpod build <the recording of #999>/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
    expect((await readFile(join(dir, 'recordings', 'an-999 fix 2.wav'))).equals(before)).toBe(true);
  });

  it('an empty file', async () => {
    const dir = await project('empty', { 'an-999.flac': '' });
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'an-999.flac', /empty.*Export the recording again/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
    expect(existsSync(join(dir, 'recordings', 'an-999.flac'))).toBe(true);
  });

  it('a recording with no matching issue', async () => {
    const dir = await project('no-issue', { 'an-555.wav': { copy: speech } });
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'an-555.wav', /no text for issue #555.*Add the issue text/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
  });

  it('a recording whose name and tags carry no issue number', async () => {
    const dir = await project('no-number', { 'final take.wav': { copy: speech } });
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'final take.wav', /no issue number.*Rename it/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
  });

  it('a malformed config', async () => {
    const dir = await project('bad-config', { 'an-999.wav': { copy: speech } });
    await writeFile(join(dir, 'letterpod.config.json'), '{ "show": { "title": "x", }');
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'letterpod.config.json', /not valid JSON.*Fix the JSON/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
  });

  it('a config that is valid JSON but not a valid config', async () => {
    const dir = await project('invalid-config', { 'an-999.wav': { copy: speech } });
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ show: { title: 'x' }, loudness: { targetLufs: 5 } }));
    const r = await letterpod(['--config', 'bad.json', 'publish'], dir);
    expectOneLineError(r, 'bad.json', /invalid config .*show\.description/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
  });

  it('build on a text file named .wav fails the same way', async () => {
    const dir = await project('build-text', { 'an-999.wav': 'not audio' });
    const r = await letterpod(['build', 'recordings/an-999.wav', '--issue', 'newsletters/an-999.md', '--out', 'out', '--json'], dir);
    expectOneLineError(r, 'an-999.wav', /not an audio file/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a recording shorter than 3 s', async () => {
    const short = join(base, 'short.wav');
    await speak(short, 'Hi.');
    const dir = await project('short', { 'an-999.wav': { copy: short } });
    const r = await letterpod(['publish'], dir);
    expectOneLineError(r, 'an-999.wav', /only \d\.\d s long/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
  });

  it('a recording that is almost all silence', async () => {
    // one short sentence in a minute of room tone: nothing to normalize or align
    const word = join(base, 'word.wav');
    await speak(word, 'Hello there.');
    const quiet = join(base, 'almost-silent.wav');
    await ff('-f', 'lavfi', '-i', 'anoisesrc=a=0.0002:d=30:r=22050:seed=3', '-i', word, '-f', 'lavfi', '-i', 'anoisesrc=a=0.0002:d=30:r=22050:seed=4',
      '-filter_complex', '[0:a][1:a][2:a]concat=n=3:v=0:a=1', quiet);
    const dir = await project('almost-silent', { 'an-999.wav': { copy: quiet } });
    const before = readdirSync(join(dir, 'recordings'));
    const r = await letterpod(['publish'], dir);
    // refused from a sample before any analysis (it was once found only after decoding it all)
    expectOneLineError(r, 'an-999.wav', /no speech: heard only silence or hiss \(loudest -\d+ dBFS in \d+ s sampled across the recording\)/);
    expect(existsSync(join(dir, 'feed'))).toBe(false);
    // the recording is left as it was
    expect(readdirSync(join(dir, 'recordings'))).toEqual(before);
  });

  it('a usage mistake exits 2', async () => {
    const r = await letterpod(['build'], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'recording'/);
  });
});
