import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
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

  it('fills defaults and resolves paths against the config file', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ show, store: { type: 'local', path: 'site' } }));
    const c = await loadConfig(file);
    expect(c.loudness).toEqual({ targetLufs: -16, truePeakDbtp: -1.5, lraLu: 20 });
    expect(c.resolved.store).toBe(join(dir, 'site'));
    expect(c.resolved.recordings).toBe(join(dir, 'recordings'));
    expect(c.store.publicBaseUrl).toBe('http://localhost:8080/');
    expect(c.show.explicit).toBe(false);
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
