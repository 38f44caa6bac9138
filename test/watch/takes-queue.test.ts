/**
 * Issue 17: the watch queue waits per episode. A take folder (an-302/) whose a.wav is
 * complete waits while its b.wav is still being copied (written in chunks 150 ms apart,
 * less than the 1 s window, so it stays settling) — but another issue's recording
 * (an-303.wav) dropped after a.wav is built meanwhile, not held behind it. The folder is
 * still built once, from both takes, after b.wav is complete.
 */
import { copyFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeReport } from '../../src/episode/report.js';
import { scratch } from '../helpers/tmp.js';
import { takesProject, type TakesProject } from '../takes/takes-project.js';
import { demoIssueText, entry, narrateIssue, stateOf, Watcher } from './helpers.js';

describe('watch: a take still being copied holds up only its own episode', () => {
  let p: TakesProject;
  let w: Watcher | undefined;
  let writtenAt = 0;

  beforeAll(async () => {
    p = await takesProject(await scratch('watch-takes-queue'), { autoPublish: false, settleSeconds: 1 });
    await writeFile(join(p.dir, 'newsletters', 'an-303.md'), await demoIssueText(303, 1));
    const other = join(p.dir, 'staging', 'an-303.wav');
    await narrateIssue(join(p.dir, 'newsletters', 'an-303.md'), other, 303);
    w = await Watcher.start(p.dir);
    const folder = join(p.dir, 'recordings', 'an-302');
    await mkdir(folder);
    await copyFile(p.takes[1]!.file, join(folder, 'a.wav'));
    const data = await readFile(p.takes[0]!.file);
    const handle = await open(join(folder, 'b.wav'), 'w');
    try {
      // b.wav is written slowly: a chunk every 150 ms, until an-303 is built (or 30 s pass)
      const chunks = 200;
      let i = 0;
      for (; i < chunks; i++) {
        await handle.write(data.subarray(Math.floor((data.length * i) / chunks), Math.floor((data.length * (i + 1)) / chunks)));
        if (i === 2) {
          await w.waitForLine((l) => l.event === 'complete' && l.recording === 'an-302/a.wav', 20_000);
          await copyFile(other, join(p.dir, 'recordings', 'an-303.wav'));
        }
        if (w.events('built', 'an-303.wav').length > 0 || w.events('failed', 'an-303.wav').length > 0) break;
        await sleep(150);
      }
      await handle.write(data.subarray(Math.floor((data.length * (i + 1)) / chunks)));
      writtenAt = Date.now();
    } finally {
      await handle.close();
    }
    await w.waitForJournal((j) => ['an-302/a.wav', 'an-302/b.wav', 'an-303.wav'].every((n) => ['built', 'failed'].includes(stateOf(j, n) ?? '')), 120_000);
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('builds the other issue while the take folder waits for its last take', async () => {
    const j = await w!.waitForJournal(() => true, 1000);
    expect(entry(j, 'an-303.wav').error).toBeUndefined();
    expect([entry(j, 'an-303.wav').state, entry(j, 'an-303.wav').issue]).toEqual(['built', 303]);
    const built303 = Date.parse(w!.events('built', 'an-303.wav')[0]!.time);
    // an-303 was built while b.wav was still being written, and before b.wav was complete
    expect(built303).toBeLessThan(writtenAt);
    expect(built303).toBeLessThan(Date.parse(w!.events('complete', 'an-302/b.wav')[0]!.time));
  });

  it('still builds the take folder once, from both takes, after its last take is complete', async () => {
    const j = await w!.waitForJournal(() => true, 1000);
    for (const n of ['an-302/a.wav', 'an-302/b.wav']) expect([entry(j, n).state, entry(j, n).error]).toEqual(['built', undefined]);
    const folderBuilds = w!.events('built').filter((l) => l.recording?.startsWith('an-302/'));
    expect(folderBuilds.map((l) => l.recording)).toEqual(['an-302/a.wav']);
    // one job for the episode: b.wav takes a.wav's build (no second job finding it current)
    expect(w!.events('reused')).toEqual([]);
    expect(w!.events('coalesced').map((l) => [l.recording, l.message])).toEqual([['an-302/b.wav', 'an-302/b.wav: in the build of an-302/a.wav, #302: built with it; waits for `letterpod publish`']]);
    expect(entry(j, 'an-302/b.wav').build?.audioSha256).toBe(entry(j, 'an-302/a.wav').build?.audioSha256);
    const firstProcessing = w!.events('processing').find((l) => l.recording?.startsWith('an-302/'))!;
    expect(Date.parse(firstProcessing.time)).toBeGreaterThanOrEqual(Date.parse(w!.events('complete', 'an-302/b.wav')[0]!.time));
    const r = JSON.parse(await readFile(join(p.dir, '.letterpod', 'build', 'an-302', 'episode.json'), 'utf8')) as EpisodeReport;
    expect(r.pieces!.map((x) => basename(x.file))).toEqual(['b.wav', 'a.wav']);
  });
});
