/**
 * Issue 17: which files of recordings/ make one episode, from their names alone
 * (intake/takes.ts listEpisodeSources, and the watcher's episodeGroup that waits for the
 * other pieces of an episode). The files are empty: nothing here listens to audio.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRecordings } from '../../src/intake/files.js';
import { listEpisodeSources, listTakeFolderRecordings } from '../../src/intake/takes.js';
import { episodeGroup } from '../../src/watch/watcher.js';
import { scratch } from '../helpers/tmp.js';

async function recordings(files: string[]): Promise<string> {
  const dir = join(await scratch('sources'), 'recordings');
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), '');
  }
  return dir;
}

describe('the episodes of recordings/, from names', () => {
  it('groups take-marked files, a take folder and pickups by issue; a recording without a number stands alone', async () => {
    const dir = await recordings([
      'an-102-part1.wav',
      'AN102 b.flac',
      'an-102 fix 3.wav',
      'an-103/b.wav',
      'an-103/a.wav',
      'an-103/an-103-pickup.wav',
      'an-103_03.m4a',
      'an-104.wav',
      'an-104-pickup.wav',
      'interview.wav',
      'an-105 fix 1.wav',
      'pickup.wav',
    ]);
    const { sources, lonePickups, folderProblems } = await listEpisodeSources(dir, await listRecordings(dir));
    const at = (f: string) => join(dir, f);
    expect(sources.map((s) => ({ issue: s.issue, kind: s.kind, path: s.path, takes: s.takes, pickups: s.pickups }))).toEqual([
      { issue: 103, kind: 'folder', path: at('an-103'), takes: [at('an-103/a.wav'), at('an-103/b.wav'), at('an-103_03.m4a')], pickups: [at('an-103/an-103-pickup.wav')] },
      { issue: 102, kind: 'takes', path: at('an-102-part1.wav'), takes: [at('an-102-part1.wav'), at('AN102 b.flac')], pickups: [at('an-102 fix 3.wav')] },
      { issue: 104, kind: 'file', path: at('an-104.wav'), takes: [at('an-104.wav')], pickups: [at('an-104-pickup.wav')] },
      { issue: undefined, kind: 'file', path: at('interview.wav'), takes: [at('interview.wav')], pickups: [] },
    ]);
    expect(lonePickups).toEqual([{ file: at('pickup.wav') }, { file: at('an-105 fix 1.wav'), issue: 105 }]);
    expect(folderProblems).toEqual([]);
    expect(await listTakeFolderRecordings(dir)).toEqual([at('an-103/a.wav'), at('an-103/an-103-pickup.wav'), at('an-103/b.wav')]);
  });

  it('names a take folder that carries no issue number, or holds takes of two issues, with the fix', async () => {
    const dir = await recordings(['monday/a.wav', 'mixed/an-106 a.wav', 'mixed/an-107 b.wav', '.hidden/an-108.wav', 'empty/notes.txt']);
    const { sources, folderProblems } = await listEpisodeSources(dir, await listRecordings(dir));
    expect(sources).toEqual([]);
    expect(folderProblems.map((p) => [p.file, p.problem, p.fix])).toEqual([
      [join(dir, 'mixed'), 'is a take folder with takes of different issues (#106: an-106 a.wav; #107: an-107 b.wav)', "Keep one issue's takes in a take folder named after it (move the others out)"],
      [join(dir, 'monday'), 'is a take folder whose name carries no issue number (nor do its files)', `Name the folder after its issue (${join(dir, 'an-102')}/)`],
    ]);
  });

  it('the watcher holds a piece back for the others of its episode: its take folder, or its issue', () => {
    expect(['an-102/a.wav', 'an-102-part1.wav', 'an-102 fix 3.wav', 'AN102 b.flac'].map(episodeGroup)).toEqual(['#102', '#102', '#102', '#102']);
    expect(episodeGroup('monday/a.wav')).toBe('monday/');
    expect(episodeGroup('interview.wav')).toBeUndefined();
  });
});
