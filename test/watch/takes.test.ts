/**
 * Issue 17: `letterpod watch` (autoPublish) with a take folder. The folder's takes are
 * built as one episode (the same path as `letterpod build recordings/an-302/`) only once
 * every file in it is complete: a take still being written holds back the one already
 * complete, so the episode is built once, from both. A take dropped into the folder later
 * rebuilds the episode with it and re-publishes it under the same GUID and pubDate with a
 * new audio key; removing it rebuilds the episode without it. One job per episode: the
 * folder's second take takes the first one's build and publish (coalesced), it does not
 * publish the episode again "(unchanged)". The takes are only read.
 */
import { copyFile, mkdir, open, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { sha256File } from '../../src/hash.js';
import type { Manifest, ManifestEpisode } from '../../src/store/manifest.js';
import { scratch } from '../helpers/tmp.js';
import { readManifestOf, takesProject, type TakesProject } from '../takes/takes-project.js';
import { entry, stateOf, Watcher } from './helpers.js';

const report = async (dir: string) => JSON.parse(await readFile(join(dir, '.letterpod', 'build', 'an-302', 'episode.json'), 'utf8')) as EpisodeReport;

describe('watch: a take folder', () => {
  let p: TakesProject;
  let w: Watcher | undefined;
  let folder: string;
  let first: Manifest;
  let withC: ManifestEpisode | undefined;

  beforeAll(async () => {
    p = await takesProject(await scratch('watch-takes'), { autoPublish: true, settleSeconds: 1 });
    w = await Watcher.start(p.dir);
    folder = join(p.dir, 'recordings', 'an-302');
    await mkdir(folder);
    // a.wav (the second summary) is copied in at once; b.wav (the opening) is still being
    // written in chunks 250 ms apart (less than the 1 s window) long after a.wav is complete
    await copyFile(p.takes[1]!.file, join(folder, 'a.wav'));
    const data = await readFile(p.takes[0]!.file);
    const handle = await open(join(folder, 'b.wav'), 'w');
    try {
      for (let i = 0; i < 12; i++) {
        await handle.write(data.subarray(Math.floor((data.length * i) / 12), Math.floor((data.length * (i + 1)) / 12)));
        if (i < 11) await sleep(250);
      }
    } finally {
      await handle.close();
    }
    await w.waitForJournal((j) => ['an-302/a.wav', 'an-302/b.wav'].every((n) => ['published', 'failed'].includes(stateOf(j, n) ?? '')), 90_000);
    first = await readManifestOf(p.dir);
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('builds and publishes the folder as one episode, once, after its last take is complete', async () => {
    const j = await w!.waitForJournal(() => true, 1000);
    for (const n of ['an-302/a.wav', 'an-302/b.wav']) {
      const e = entry(j, n);
      expect(e.error).toBeUndefined();
      expect([e.state, e.issue]).toEqual(['published', 302]);
    }
    // a.wav was complete seconds before b.wav, and still waited for it: one build and one
    // publish (a.wav's job, made from both takes); b.wav's job is coalesced into it rather
    // than finding the build current and publishing it again "(unchanged)"
    expect(w!.events('built').map((l) => l.recording)).toEqual(['an-302/a.wav']);
    expect(w!.events('reused')).toEqual([]);
    expect(w!.events('published').map((l) => l.recording)).toEqual(['an-302/a.wav']);
    expect(w!.events('coalesced').map((l) => [l.recording, l.message])).toEqual([['an-302/b.wav', expect.stringMatching(/^an-302\/b\.wav: in the build of an-302\/a\.wav, #302: published with it \(guid /)]]);
    expect(entry(j, 'an-302/b.wav').episode).toEqual(entry(j, 'an-302/a.wav').episode);
    expect(entry(j, 'an-302/b.wav').build?.audioSha256).toBe(entry(j, 'an-302/a.wav').build?.audioSha256);
    expect(Date.parse(w!.events('processing')[0]!.time)).toBeGreaterThanOrEqual(Date.parse(w!.events('complete', 'an-302/b.wav')[0]!.time));
    const r = await report(p.dir);
    expect(r.pieces!.map((x) => [basename(x.file), x.role, x.sha256])).toEqual([
      ['b.wav', 'take', (await sha256File(p.takes[0]!.file)).sha256],
      ['a.wav', 'take', (await sha256File(p.takes[1]!.file)).sha256],
    ]);
    expect(first.episodes.map((e) => [e.number, e.audio.sha256])).toEqual([[302, r.audio.sha256]]);
  });

  it('a take dropped into the folder later re-publishes the episode with it, under the same GUID and pubDate with a new audio key', async () => {
    await copyFile(p.takes[2]!.file, join(folder, 'c.wav'));
    const j = await w!.waitForJournal((j) => ['published', 'failed'].includes(stateOf(j, 'an-302/c.wav') ?? ''), 90_000);
    const e = entry(j, 'an-302/c.wav');
    expect(e.error).toBeUndefined();
    expect([e.state, e.issue, e.episode?.guid]).toEqual(['published', 302, first.episodes[0]!.guid]);
    const r = await report(p.dir);
    expect(r.pieces!.map((x) => basename(x.file))).toEqual(['b.wav', 'a.wav', 'c.wav']);
    const after = (await readManifestOf(p.dir)).episodes;
    expect(after).toHaveLength(1);
    expect([after[0]!.guid, after[0]!.pubDate]).toEqual([first.episodes[0]!.guid, first.episodes[0]!.pubDate]);
    expect(after[0]!.audio.key).not.toBe(first.episodes[0]!.audio.key);
    expect(after[0]!.audio.sha256).toBe(r.audio.sha256);
    expect(w!.events('published', 'an-302/c.wav')[0]!.message).toMatch(/published #302 again \(same GUID\)/);
    // the takes were only read, and no error note was left
    for (const [k, n] of ['b.wav', 'a.wav', 'c.wav'].entries()) expect((await sha256File(join(folder, n))).sha256).toBe((await sha256File(p.takes[k]!.file)).sha256);
    expect(existsSync(join(folder, 'c.wav.letterpod-error.txt'))).toBe(false);
    withC = (await readManifestOf(p.dir)).episodes[0]!;
  });

  it('removing a take builds and publishes the episode again without it, once, under the same GUID and pubDate', async () => {
    expect(withC).toBeDefined();
    const before = entry(await w!.waitForJournal(() => true, 1000), 'an-302/a.wav');
    await rm(join(folder, 'c.wav'));
    const j = await w!.waitForJournal(
      (j) => !j.recordings.some((e) => e.name === 'an-302/c.wav') && j.recordings.some((e) => e.name === 'an-302/a.wav' && e.state === 'published' && e.publishedAt !== before.publishedAt),
      90_000,
    );
    expect(entry(j, 'an-302/a.wav').episode!.guid).toBe(withC!.guid);
    expect(w!.events('queued').map((l) => l.message)).toEqual(['an-302/c.wav was removed: building #302 again from an-302/a.wav']);
    const r = await report(p.dir);
    expect(r.pieces!.map((x) => basename(x.file))).toEqual(['b.wav', 'a.wav']);
    const after = (await readManifestOf(p.dir)).episodes;
    expect([after[0]!.guid, after[0]!.pubDate]).toEqual([withC!.guid, withC!.pubDate]);
    expect(after[0]!.audio.key).not.toBe(withC!.audio.key);
    expect(after[0]!.audio.sha256).toBe(r.audio.sha256);
  });
});
