/**
 * Issue 17, item 3: `letterpod watch` with autoPublish — a pickup dropped into recordings/
 * after its issue's episode was published rebuilds that episode from the recording and the
 * pickup and re-publishes it under the same GUID and pubDate with a new audio key; the
 * journal shows the pickup as published for that issue. Removing the pickup builds and
 * publishes the original again, same GUID and pubDate. Recordings are only read.
 */
import { copyFile, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { sha256File } from '../../src/hash.js';
import type { Manifest, ManifestEpisode } from '../../src/store/manifest.js';
import { scratch } from '../helpers/tmp.js';
import { PICKUP_NAME, pickupProject, readManifestOf, type PickupProject } from '../takes/pickup-project.js';
import { entry, Watcher } from './helpers.js';

describe('watch: a pickup dropped after the episode was published', () => {
  let p: PickupProject;
  let w: Watcher | undefined;
  let first: Manifest;
  let mainSha: string;
  let withPickup: ManifestEpisode | undefined;

  beforeAll(async () => {
    p = await pickupProject(await scratch('watch-pickup'), { autoPublish: true });
    mainSha = (await sha256File(p.main.main)).sha256;
    w = await Watcher.start(p.dir);
    await w.waitForJournal((j) => j.recordings.some((e) => e.name === 'an-301.wav' && e.state === 'published'), 60_000);
    first = await readManifestOf(p.dir);
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('re-publishes the episode with the pickup spliced in, under the same GUID and pubDate, with a new audio key', async () => {
    await copyFile(p.staged, join(p.dir, 'recordings', PICKUP_NAME));
    const j = await w!.waitForJournal((j) => j.recordings.some((e) => e.name === PICKUP_NAME && ['published', 'failed'].includes(e.state)), 60_000);
    const e = entry(j, PICKUP_NAME);
    expect(e.error).toBeUndefined();
    expect([e.state, e.issue]).toEqual(['published', 301]);
    const before = first.episodes[0]!;
    const after = (await readManifestOf(p.dir)).episodes;
    expect(after).toHaveLength(1);
    expect([after[0]!.guid, after[0]!.pubDate]).toEqual([before.guid, before.pubDate]);
    expect(after[0]!.audio.key).not.toBe(before.audio.key);
    expect(e.episode!.guid).toBe(before.guid);
    const report = JSON.parse(await readFile(join(p.dir, '.letterpod', 'build', 'an-301', 'episode.json'), 'utf8')) as EpisodeReport;
    expect(report.pieces!.map((x) => [x.file, x.role])).toEqual([
      [p.main.main, 'take'],
      [join(p.dir, 'recordings', PICKUP_NAME), 'pickup'],
    ]);
    expect(report.replaced![0]!.file).toBe(join(p.dir, 'recordings', PICKUP_NAME));
    expect(after[0]!.audio.sha256).toBe(report.audio.sha256);
    // the log says it, and the recording is untouched and no error note was left
    expect(w!.events('published', PICKUP_NAME)[0]!.message).toMatch(/published #301 again \(same GUID\)/);
    expect((await sha256File(p.main.main)).sha256).toBe(mainSha);
    expect(existsSync(join(p.dir, 'recordings', `${PICKUP_NAME}.letterpod-error.txt`))).toBe(false);
    withPickup = (await readManifestOf(p.dir)).episodes[0]!;
  });

  it('removing the pickup builds and publishes the original again, under the same GUID and pubDate', async () => {
    expect(withPickup).toBeDefined();
    const before = entry(await w!.waitForJournal(() => true, 1000), 'an-301.wav');
    await rm(join(p.dir, 'recordings', PICKUP_NAME));
    const j = await w!.waitForJournal(
      (j) => !j.recordings.some((e) => e.name === PICKUP_NAME) && j.recordings.some((e) => e.name === 'an-301.wav' && e.state === 'published' && e.publishedAt !== before.publishedAt),
      60_000,
    );
    expect(entry(j, 'an-301.wav').episode!.guid).toBe(withPickup!.guid);
    const after = (await readManifestOf(p.dir)).episodes;
    expect(after).toHaveLength(1);
    expect([after[0]!.guid, after[0]!.pubDate]).toEqual([withPickup!.guid, withPickup!.pubDate]);
    expect(after[0]!.audio.key).not.toBe(withPickup!.audio.key);
    const report = JSON.parse(await readFile(join(p.dir, '.letterpod', 'build', 'an-301', 'episode.json'), 'utf8')) as EpisodeReport;
    expect([report.pieces, report.replaced, report.source.sha256]).toEqual([undefined, undefined, mainSha]);
    expect(w!.events('queued', 'an-301.wav').map((l) => l.message)).toEqual([`${PICKUP_NAME} was removed: building #301 again from an-301.wav`]);
    expect((await sha256File(p.main.main)).sha256).toBe(mainSha);
  });
});
