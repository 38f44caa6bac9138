import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { LetterpodError } from '../../src/errors.js';
import { scratch } from '../helpers/tmp.js';

const show = {
  title: 'Show',
  description: 'About things',
  author: 'Author',
  owner: { name: 'Owner', email: 'owner@example.org' },
  link: 'https://example.org/',
};

describe('config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratch('config');
  });

  async function writeConfig(name: string, value: unknown): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(value));
    return file;
  }

  it('fills defaults and resolves paths against the config file', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ show, store: { type: 'local', path: 'site' } }));
    const c = await loadConfig(file);
    expect(c.loudness).toEqual({ targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 });
    expect(c.resolved.store).toBe(join(dir, 'site'));
    expect(c.resolved.recordings).toBe(join(dir, 'recordings'));
    expect(c.store.publicBaseUrl).toBe('http://localhost:8080/');
    expect(c.show.explicit).toBe(false);
    expect(c.output).toEqual({ channels: 'auto', monoKbps: 96, stereoKbps: 128 });
  });

  it('reads the output format, filling the fields left out', async () => {
    const file = join(dir, 'output.json');
    await writeFile(file, JSON.stringify({ show, output: { channels: 'mono', monoKbps: 64 } }));
    const c = await loadConfig(file);
    expect(c.output).toEqual({ channels: 'mono', monoKbps: 64, stereoKbps: 128 });
    const forced = await loadConfig(await writeConfig('stereo.json', { show, output: { channels: 'stereo', stereoKbps: 192 } }));
    expect(forced.output).toEqual({ channels: 'stereo', monoKbps: 96, stereoKbps: 192 });
  });

  it('without a file uses the built-in example show in the current folder', async () => {
    const c = await loadConfig(undefined, dir);
    expect(c.file).toBeUndefined();
    expect(c.resolved.store).toBe(join(dir, 'feed'));
  });

  it.each([
    ['broken JSON', '{"show": {', /config is not valid JSON/],
    ['a wrong type', JSON.stringify({ show, loudness: { targetLufs: 'loud' } }), /loudness\.targetLufs/],
    ['a target out of range', JSON.stringify({ show, loudness: { targetLufs: -3 } }), /loudness\.targetLufs/],
    ['a bad e-mail', JSON.stringify({ show: { ...show, owner: { name: 'x', email: 'nope' } } }), /show\.owner\.email/],
    ['an unknown field', JSON.stringify({ show, lodness: {} }), /lodness/],
    ['an unknown channel mode', JSON.stringify({ show, output: { channels: 'surround' } }), /output\.channels: .*"auto".*"mono".*"stereo"/],
    ['a bitrate MP3 does not have', JSON.stringify({ show, output: { monoKbps: 100 } }), /output\.monoKbps: an MP3 bitrate in kbps: one of 32, .* 320/],
    ['a bitrate given as text', JSON.stringify({ show, output: { stereoKbps: '128k' } }), /output\.stereoKbps: .*number/],
    ['a fractional bitrate', JSON.stringify({ show, output: { stereoKbps: 127.5 } }), /output\.stereoKbps/],
    ['an unknown output field', JSON.stringify({ show, output: { sampleRate: 48000 } }), /output: .*sampleRate/],
  ])('rejects %s with one line naming the file and the field', async (_name, text, field) => {
    const file = join(dir, 'bad.json');
    await writeFile(file, text);
    const err = await loadConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LetterpodError);
    const message = (err as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(field);
    expect(message).not.toContain('\n');
  });

  it('a missing --config file is an error, not the default', async () => {
    await expect(loadConfig(join(dir, 'nope.json'))).rejects.toThrow(/config file not found/);
  });
});
