/**
 * `letterpod status` on a local store: a project whose issues are in every state — issue
 * text only, recorded but not built, built from an older take or text, built but not
 * published, published, published with an older audio, published with objects missing,
 * published with no local files left — and recordings matched by name, by their build, or
 * not at all. Builds are fixture builds made current for their recording (./project.ts).
 */
import { appendFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../src/config/config.js';
import { publishAll } from '../../src/publish/pipeline.js';
import { projectStatus, type IssueStatus, type StatusReport } from '../../src/publish/status.js';
import { LocalStore } from '../../src/store/local.js';
import { readManifest } from '../../src/store/manifest.js';
import { letterpod } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import { snapshot } from '../store/fixtures.js';
import { addEpisode, makeProject, makeWav } from './project.js';

describe('letterpod status (local store)', () => {
  let dir: string;
  let config: LoadedConfig;
  let store: LocalStore;
  let status: StatusReport;
  let published: Map<number, { guid: string; audioKey: string; vttKey?: string }>;
  const issue = (n: number): IssueStatus => {
    const found = status.issues.find((i) => i.number === n);
    if (!found) throw new Error(`no status for #${n}`);
    return found;
  };

  beforeAll(async () => {
    dir = await scratch('status');
    config = await makeProject(dir, { type: 'local', path: 'feed', publicBaseUrl: 'https://cdn.example.org/podcast/' });
    store = new LocalStore(config.resolved.store!);
    for (const number of [101, 102, 106, 109, 110]) await addEpisode(config, { number, title: `Issue ${number}`, published: '2024-03-01T00:00:00Z' });
    const result = await publishAll(config, { store });
    expect(result.reused).toHaveLength(5);
    expect(result.built).toEqual([]);
    const manifest = (await readManifest(store))!.manifest;
    published = new Map(manifest.episodes.map((e) => [e.number, { guid: e.guid, audioKey: e.audio.key, vttKey: e.transcripts.vtt?.key }]));

    // After publishing: a re-master of #102, new builds, a new take, an edited text, …
    await addEpisode(config, { number: 102, title: 'Issue 102', published: '2024-03-01T00:00:00Z', frequency: 880 });
    await addEpisode(config, { number: 103, title: 'Issue 103' });
    await addEpisode(config, { number: 104, title: 'Issue 104', built: false });
    await addEpisode(config, { number: 105, title: 'Issue 105', built: false, recording: false });
    await makeWav(join(config.resolved.recordings, 'an-106.wav'), 1234); // another take, not built yet
    await addEpisode(config, { number: 107, title: 'Issue 107' });
    await appendFile(join(config.resolved.newsletters, 'an-107.md'), '\nOne more sentence.\n');
    const { recording } = await addEpisode(config, { number: 108, title: 'Issue 108' });
    await rename(recording, join(config.resolved.recordings, 'take-final.wav')); // no number: matched by its build
    await makeWav(join(config.resolved.recordings, 'mystery.wav'), 4321);
    await store.delete(published.get(109)!.vttKey!);
    await rm(join(config.resolved.newsletters, 'an-110.md'));
    await rm(join(config.resolved.recordings, 'an-110.wav'));
    await rm(join(config.resolved.build, 'an-110'), { recursive: true });

    status = await projectStatus(config);
  });

  it('tells every state apart, with what publish would do', () => {
    expect(status.issues.map((i) => [i.number, i.state])).toEqual([
      [101, 'published'],
      [102, 'published, differs'],
      [103, 'built, not published'],
      [104, 'not built'],
      [105, 'no recording'],
      [106, 'published, build outdated'],
      [107, 'build outdated'],
      [108, 'built, not published'],
      [109, 'published, objects missing'],
      [110, 'published'],
    ]);
    expect(issue(101)).toMatchObject({ build: { state: 'current' }, differs: [], missing: [], next: 'nothing', recording: { by: 'name' } });
    expect(issue(101).published).toMatchObject({ guid: published.get(101)!.guid, audioKey: published.get(101)!.audioKey, pubDate: '2024-03-01T00:00:00.000Z' });
    expect(issue(102)).toMatchObject({ build: { state: 'current' }, differs: ['audio'], next: 'update the episode (audio); GUID and date stay' });
    expect(issue(102).build.audioSha256).not.toBe(issue(102).published!.audioSha256);
    expect(issue(103)).toMatchObject({ build: { state: 'current' }, next: 'publish' });
    expect(issue(103).published).toBeUndefined();
    expect(issue(104)).toMatchObject({ build: { state: 'none' }, next: 'build and publish' });
    expect(issue(105)).toMatchObject({ build: { state: 'none' }, next: 'nothing until its recording is in recordings/' });
    expect(issue(105).recording).toBeUndefined();
    expect(issue(106)).toMatchObject({ build: { state: 'outdated', why: 'the recording changed' } });
    expect(issue(107)).toMatchObject({ build: { state: 'outdated', why: 'the issue text changed' }, next: 'rebuild and publish' });
    expect(issue(108)).toMatchObject({ recording: { by: 'build' }, build: { state: 'current' } });
    expect(issue(108).recording!.path).toMatch(/take-final\.wav$/);
    expect(issue(109).missing).toEqual(['#109 VTT transcript: missing']);
    expect(issue(109).next).toBe('re-upload 1 object');
    expect(issue(110)).toMatchObject({ title: 'Issue 110', build: { state: 'none' }, next: 'nothing' });
    expect(issue(110).file).toBeUndefined();
  });

  it('lists the recordings with their match, and the store with what it lacks', () => {
    const recs = new Map(status.recordings.map((r) => [r.path.split('/').pop(), r]));
    expect([...recs.keys()]).toEqual(['an-101.wav', 'an-102.wav', 'an-103.wav', 'an-104.wav', 'an-106.wav', 'an-107.wav', 'an-109.wav', 'mystery.wav', 'take-final.wav']);
    expect(recs.get('an-104.wav')).toMatchObject({ issue: 104, by: 'name' });
    expect(recs.get('take-final.wav')).toMatchObject({ issue: 108, by: 'build' });
    expect(recs.get('mystery.wav')).toEqual({
      path: join(config.resolved.recordings, 'mystery.wav'),
      problem: 'no issue number in its name or tags (publish will identify it by listening)',
    });
    expect(status.remote).toMatchObject({ store: `local folder ${config.resolved.store}`, manifest: true, episodes: 5, feed: 'current' });
    expect(status.remote.missing).toEqual([{ key: published.get(109)!.vttKey, problem: '#109 VTT transcript: missing' }]);
    expect(status.problems).toEqual([]);
  });

  it('says when feed.xml is not the render of the manifest', async () => {
    const renamed = { ...config, show: { ...config.show, title: 'Renamed Show' } };
    expect((await projectStatus(renamed)).remote.feed).toBe('stale');
    const emptyDir = await scratch('status-empty');
    const empty = await makeProject(emptyDir, { type: 'local', path: 'feed' });
    const nothing = await projectStatus(empty);
    expect(nothing.issues).toEqual([]);
    expect(nothing.remote).toMatchObject({ manifest: false, episodes: 0, feed: 'missing', missing: [] });
  });

  it('the command prints a table (and --json the same report) and writes nothing', async () => {
    const before = await snapshot(dir);
    const human = await letterpod(['status'], dir);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toBe('');
    const lines = human.stdout.split('\n');
    expect(lines[0]).toBe(`store: local folder ${config.resolved.store}: 5 episodes published, last change ${status.remote.updatedAt}`);
    expect(lines).toContain('  missing from the store: ' + published.get(109)!.vttKey + ' (#109 VTT transcript: missing)');
    expect(lines.find((l) => l.startsWith('ISSUE'))).toMatch(/^ISSUE\s+TITLE\s+RECORDING\s+BUILD\s+PUBLISHED\s+STATE\s+PUBLISH WOULD$/);
    expect(lines.find((l) => l.startsWith('#102'))).toMatch(/^#102\s+Issue 102\s+an-102\.wav\s+current\s+2024-03-01\s+published, differs: audio\s+update the episode \(audio\); GUID and date stay$/);
    expect(lines.find((l) => l.startsWith('#106'))).toMatch(/published, build outdated \(the recording changed\)\s+rebuild, then update the episode/);
    expect(lines.find((l) => l.startsWith('#105'))).toMatch(/^#105\s+Issue 105\s+—\s+—\s+—\s+no recording/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}take-final\.wav\s+#108\s+matched by its build \(same bytes\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}mystery\.wav\s+\?\s+no issue number in its name or tags/));

    const json = await letterpod(['status', '--json'], dir);
    expect(json.code).toBe(0);
    // the report, plus the drop folder's journal (empty: no watcher ever ran here)
    const { drop, ...report } = JSON.parse(json.stdout) as { drop: unknown[] };
    expect(drop).toEqual([]);
    expect(report).toEqual(JSON.parse(JSON.stringify(await projectStatus(await loadConfig(undefined, dir)))));
    expect(await snapshot(dir)).toEqual(before);
  });
});
