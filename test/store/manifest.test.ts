import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LetterpodError } from '../../src/errors.js';
import { LocalStore } from '../../src/store/local.js';
import { emptyManifest, readManifest, serializeManifest, writeManifest, type Manifest } from '../../src/store/manifest.js';
import { PreconditionFailedError } from '../../src/store/store.js';
import { removeDir, sha256, tempDir } from './fixtures.js';

const now = new Date('2024-05-01T12:00:00.000Z');

function withEpisode(m: Manifest, number: number): Manifest {
  const h = sha256(`audio ${number}`);
  return {
    ...m,
    episodes: [
      ...m.episodes,
      {
        number,
        slug: `an-${number}`,
        guid: `guid-${number}`,
        pubDate: now.toISOString(),
        firstPublishedAt: now.toISOString(),
        updatedAt: now.toISOString(),
        title: `Issue ${number}`,
        description: 'text',
        notesHtml: '<p>text</p>',
        audio: { key: `episodes/an-${number}/an-${number}-${h.slice(0, 8)}.mp3`, bytes: 100, sha256: h, durationSeconds: 3 },
        transcripts: {},
        source: { sha256: h },
      },
    ],
  };
}

describe('manifest', () => {
  let dir: string;
  let store: LocalStore;
  beforeEach(async () => {
    dir = await tempDir('manifest');
    store = new LocalStore(join(dir, 'feed'));
  });
  afterEach(() => removeDir(dir));

  it('is absent before the first publish, then reads back with its ETag', async () => {
    expect(await readManifest(store)).toBeUndefined();
    const m = withEpisode(emptyManifest(now), 101);
    const etag = await writeManifest(store, m, undefined);
    const loaded = await readManifest(store);
    expect(loaded?.manifest).toEqual(m);
    expect(loaded?.etag).toBe(etag);
    expect(loaded?.text).toBe(serializeManifest(m));
    expect(await readFile(join(dir, 'feed', 'manifest.json'), 'utf8')).toBe(serializeManifest(m));
  });

  it('fails with PreconditionFailedError when written with a stale ETag', async () => {
    const first = await writeManifest(store, emptyManifest(now), undefined);
    const a = await readManifest(store);
    const b = await readManifest(store);
    expect(a?.etag).toBe(first);
    await writeManifest(store, withEpisode(a!.manifest, 101), a!.etag); // publisher A wins
    const err = await writeManifest(store, withEpisode(b!.manifest, 102), b!.etag).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect(err).toBeInstanceOf(LetterpodError);
    expect((err as Error).message).toMatch(/conditional write failed \(If-Match: [0-9a-f]{64}, but its ETag is [0-9a-f]{64}\)/);
    expect((await readManifest(store))?.manifest.episodes.map((e) => e.number)).toEqual([101]);
  });

  it('fails with PreconditionFailedError when creating over an existing manifest (If-None-Match *)', async () => {
    await writeManifest(store, withEpisode(emptyManifest(now), 101), undefined);
    await expect(writeManifest(store, emptyManifest(now), undefined)).rejects.toThrow(
      /conditional write failed \(If-None-Match: \*, but the object exists\)/,
    );
    expect((await readManifest(store))?.manifest.episodes).toHaveLength(1);
  });

  it('reports a damaged manifest as a LetterpodError naming it', async () => {
    await writeManifest(store, emptyManifest(now), undefined);
    await writeFile(join(dir, 'feed', 'manifest.json'), '{"version": 99}');
    await expect(readManifest(store)).rejects.toThrow(/manifest\.json: manifest does not match version 1 \(version/);
    await writeFile(join(dir, 'feed', 'manifest.json'), '{oops');
    await expect(readManifest(store)).rejects.toThrow(/manifest is not valid JSON/);
  });
});
