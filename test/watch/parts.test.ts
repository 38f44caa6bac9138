/**
 * The watcher's parts on real files: the completeness rule, the arrival queue and the
 * arrival order, the journal's atomic writes and its entries' moves between states, the
 * sidecar note, the watch lock and which names count as recordings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { mkdir, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { LetterpodError } from '../../src/errors.js';
import { isCandidateRecording } from '../../src/intake/files.js';
import { arrivalOf, Arrivals } from '../../src/watch/arrivals.js';
import { Journal, journalPath, readJournal, type JournalEntry, type WaitingEntry } from '../../src/watch/journal.js';
import { acquireWatchLock, lockPath } from '../../src/watch/lock.js';
import { ArrivalQueue } from '../../src/watch/queue.js';
import { SettleDetector, type FileSnapshot } from '../../src/watch/settle.js';
import { removeSidecar, sidecarPath, sidecarText, writeSidecar } from '../../src/watch/sidecar.js';
import { newTake, toBuilt, toFailed, toProcessing, toPublished, toWaiting, updated, withBuild, workerGone } from '../../src/watch/transitions.js';
import { scratch } from '../helpers/tmp.js';

let base: string;
beforeAll(async () => {
  base = await scratch('watch-parts');
});

interface Settled {
  path: string;
  at: number;
  snapshot: FileSnapshot;
}

function detector(settleMs: number) {
  const completed: Settled[] = [];
  const gone: string[] = [];
  const empty: string[] = [];
  const d = new SettleDetector({
    settleMs,
    pollMs: 25,
    onComplete: (path, snapshot) => completed.push({ path, at: Date.now(), snapshot }),
    onGone: (path) => gone.push(path),
    onEmpty: (path) => empty.push(path),
  });
  return { d, completed, gone, empty };
}

describe('settle: a file is complete once size and mtime stayed unchanged for the window', () => {
  it('a file appended to every 100 ms for 1 s completes once, a window after its last write, at its full size', async () => {
    const path = join(base, 'growing.wav');
    const { d, completed } = detector(300);
    const handle = await open(path, 'w');
    let lastWrite = 0;
    try {
      for (let i = 0; i < 10; i++) {
        await handle.write(Buffer.alloc(1000, i));
        await handle.sync();
        lastWrite = Date.now();
        d.touch(path); // as the file watcher would, on each change
        await sleep(100);
        expect(completed).toHaveLength(0);
      }
    } finally {
      await handle.close();
    }
    await sleep(700);
    d.close();
    expect(completed).toHaveLength(1);
    expect(completed[0]!.snapshot.size).toBe(10_000);
    expect(completed[0]!.at - lastWrite).toBeGreaterThanOrEqual(290);
  });

  it('writes without events are noticed by polling: the window restarts on a size or mtime change', async () => {
    const path = join(base, 'silent.wav');
    await writeFile(path, Buffer.alloc(500, 1));
    const { d, completed } = detector(300);
    d.touch(path);
    for (let i = 0; i < 5; i++) {
      await sleep(150);
      // same size, new content and mtime: only the mtime (and ctime) says it changed
      await writeFile(path, Buffer.alloc(500, i + 2));
    }
    const last = Date.now();
    expect(completed).toHaveLength(0);
    await sleep(600);
    d.close();
    expect(completed).toHaveLength(1);
    expect(completed[0]!.at - last).toBeGreaterThanOrEqual(290);
  });

  it('an empty file is never complete; a file removed while settling is reported gone', async () => {
    const emptyPath = join(base, 'empty.wav');
    const gonePath = join(base, 'gone.wav');
    await writeFile(emptyPath, '');
    await writeFile(gonePath, 'x');
    const { d, completed, gone, empty } = detector(200);
    d.touch(emptyPath);
    d.touch(gonePath);
    await sleep(50);
    await rm(gonePath);
    await sleep(500);
    expect(completed).toHaveLength(0);
    expect(empty).toEqual([emptyPath]);
    expect(gone).toEqual([gonePath]);
    expect(d.settling()).toEqual([]);
    d.close();
  });
});

describe('arrival queue', () => {
  it('hands out names in arrival order, each once', () => {
    const q = new ArrivalQueue();
    q.push('an-995.wav', 5);
    q.push('an-991.wav', 1);
    q.push('an-993.wav', 3);
    q.push('an-991.wav', 1);
    q.push('an-992.wav', 2);
    expect(q.list()).toEqual(['an-991.wav', 'an-992.wav', 'an-993.wav', 'an-995.wav']);
    expect(q.remove('an-993.wav')).toBe(true);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual(['an-991.wav', 'an-992.wav', 'an-995.wav', undefined]);
  });
});

describe('arrival order', () => {
  it('live takes arrive in the order they are noted, strictly increasing; a noted take keeps its arrival', () => {
    const a = new Arrivals();
    const first = a.note('an-992.wav');
    const second = a.note('an-991.wav');
    expect(second.arrivalMs).toBeGreaterThan(first.arrivalMs);
    expect(a.note('an-992.wav')).toBe(first);
  });

  it('a take found on disk arrived at its birth time, or at its mtime when it was rewritten in place', () => {
    const st = { ino: 7, birthtimeMs: 1000, mtimeMs: 5000 };
    expect(arrivalOf(undefined, st)).toBe(1000);
    expect(arrivalOf({ ino: 8 }, st)).toBe(1000); // replaced by another file
    expect(arrivalOf({ ino: 7 }, st)).toBe(5000);
    expect(arrivalOf(undefined, { ...st, birthtimeMs: 0 })).toBe(5000);
  });

  it('an earlier take still on its way holds up a later one; one whose window passed with nothing coming is forgotten', () => {
    const a = new Arrivals();
    const early = a.note('an-991.wav');
    const onTheWay = new Set(['an-991.wav']);
    const take = { queued: () => false, onTheWay: (name: string) => onTheWay.has(name) };
    expect(a.earlierPending(early.arrivalMs + 1, 1000, take)).toBe(true);
    expect(a.earlierPending(early.arrivalMs, 1000, take)).toBe(false); // not earlier than itself
    expect(a.earlierPending(early.arrivalMs + 1, 1000, { ...take, queued: (name) => name === 'an-991.wav' })).toBe(false);
    // seen too long ago and not on its way: forgotten
    early.seenMs -= 10_000;
    onTheWay.clear();
    expect(a.earlierPending(early.arrivalMs + 1, 1000, take)).toBe(false);
    expect(a.get('an-991.wav')).toBeUndefined();
    // found by the initial scan: it arrived at its birth time, and holds up later ones while it settles
    a.found('old.wav', Date.now() - 60_000);
    expect(a.earlierPending(Date.now() - 30_000, 1000, take)).toBe(true);
  });
});

function sampleEntry(name: string, arrivalMs: number): JournalEntry {
  const now = new Date().toISOString();
  return {
    name,
    path: `/x/recordings/${name}`,
    state: 'waiting',
    arrivedAt: new Date(arrivalMs).toISOString(),
    arrivalMs,
    size: 1,
    mtime: now,
    mtimeMs: 1,
    ctimeMs: 1,
    ino: 1,
    sha256: 'a'.repeat(64),
    attempts: 0,
    takes: 1,
    firstSeenAt: now,
    updatedAt: now,
  };
}

describe('journal', () => {
  it('a project where watch never ran has an empty journal', async () => {
    const j = await readJournal(join(base, 'no-project'));
    expect(j.recordings).toEqual([]);
    expect(j.watcher).toBeUndefined();
  });

  it('is written atomically: a reader polling during 200 saves only ever sees whole journals; no temp file stays', async () => {
    const root = join(base, 'journal');
    const journal = await Journal.open(root);
    let saving = true;
    let reads = 0;
    const reader = (async () => {
      while (saving) {
        if (existsSync(journalPath(root))) {
          const j = await readJournal(root); // throws on a torn file
          expect(j.version).toBe(1);
          reads++;
        }
        await sleep(0);
      }
    })();
    for (let i = 1; i <= 200; i++) {
      journal.set(sampleEntry(`an-${i}.wav`, 1000 - i)); // later files arrived earlier
      if (i % 3 === 0) journal.delete(`an-${i - 1}.wav`);
      await journal.save();
    }
    saving = false;
    await reader;
    expect(reads).toBeGreaterThan(5);
    const j = await readJournal(root);
    expect(j.recordings).toHaveLength(200 - 66);
    expect(j.recordings[0]!.name).toBe('an-200.wav');
    expect(j.recordings.map((e) => e.arrivalMs)).toEqual([...j.recordings.map((e) => e.arrivalMs)].sort((a, b) => a - b));
    expect((await readdir(join(root, '.letterpod'))).sort()).toEqual(['state.json']);
  });

  it('coalesced saves still end with the last state on disk', async () => {
    const root = join(base, 'journal-coalesce');
    const journal = await Journal.open(root);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      journal.set(sampleEntry(`an-${i}.wav`, i));
      saves.push(journal.save());
    }
    await Promise.all(saves);
    expect((await readJournal(root)).recordings).toHaveLength(20);
  });

  it('a damaged journal is an error that names the file and the fix', async () => {
    const root = join(base, 'journal-bad');
    await mkdir(join(root, '.letterpod'), { recursive: true });
    await writeFile(journalPath(root), '{"version": 1, "recordings": [');
    const error = await readJournal(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LetterpodError);
    expect((error as LetterpodError).file).toBe(journalPath(root));
    expect((error as LetterpodError).fix).toMatch(/Delete it/);
  });
});

describe('journal transitions', () => {
  const snapshot = { size: 10, mtimeMs: 2000, ctimeMs: 2000, ino: 3 };
  const take = (previous?: JournalEntry): WaitingEntry =>
    newTake({ name: 'an-991.wav', path: '/x/recordings/an-991.wav', snapshot, sha256: 'b'.repeat(64), arrivalMs: 1000, seenAt: undefined, previous, now: 'T0' });

  it('a new take is waiting with no attempts; a second take under the name counts, keeps the sidecar and says what it replaces', () => {
    const first = take();
    expect(first).toMatchObject({ state: 'waiting', attempts: 0, takes: 1, firstSeenAt: 'T0', queuedAt: 'T0', arrivedAt: new Date(1000).toISOString(), mtime: new Date(2000).toISOString() });
    expect(first.note).toBeUndefined();
    const failed = toFailed(toProcessing(first, 'T1'), { phase: 'match', problem: 'p', fix: 'f', message: 'm' }, new Date(3000));
    const second = take({ ...failed, firstSeenAt: 'T-1', sidecar: '/x/recordings/an-991.wav.letterpod-error.txt' });
    expect(second).toMatchObject({ state: 'waiting', attempts: 0, takes: 2, firstSeenAt: 'T-1', sidecar: '/x/recordings/an-991.wav.letterpod-error.txt' });
    expect(second.note).toBe('take 2 (replaces a failed take)');
    expect(second).not.toHaveProperty('error');
  });

  it('a run: processing with a stage and a worker, built, then published; each state has only its fields', () => {
    let live = toProcessing({ ...take(), note: 'queued', error: { phase: 'match', problem: 'p', fix: 'f', message: 'm' }, failedAt: 'T' }, 'T1');
    expect(live).toMatchObject({ state: 'processing', stage: 'start', attempts: 1, startedAt: 'T1' });
    expect(live).not.toHaveProperty('error');
    expect(live).not.toHaveProperty('failedAt');
    expect(live).not.toHaveProperty('note');
    live = updated(live, { stage: 'analyse', workerPid: 42, issue: 991, issueTitle: 'T', matchedBy: 'name' });
    live = workerGone(live);
    expect(live).not.toHaveProperty('workerPid');
    const build = { dir: '/b', audio: '/b/a.mp3', audioBytes: 5, audioSha256: 'c', reused: false };
    const built = withBuild(live, { issue: 991, issueTitle: 'T', builtAt: 'T2', build });
    const waits = toBuilt(built, 'waits for `letterpod publish`', 'T3');
    expect(waits).toMatchObject({ state: 'built', issue: 991, builtAt: 'T2', build, note: 'waits for `letterpod publish`', updatedAt: 'T3' });
    expect(waits).not.toHaveProperty('stage');
    const episode = { guid: 'g', slug: 's', audioUrl: 'u', audioBytes: 5, firstPublish: true };
    const published = toPublished(updated(built, { stage: 'publish' }), episode, 'T4');
    expect(published).toMatchObject({ state: 'published', publishedAt: 'T4', episode, build });
    expect(published).not.toHaveProperty('stage');
  });

  it('back to waiting: an interrupted run loses its stage and worker; a failure to retry keeps its error until it runs', () => {
    const live = updated(toProcessing(take(), 'T1'), { stage: 'master', workerPid: 42 });
    const interrupted = toWaiting(live, 'interrupted', 'T2');
    expect(interrupted).toMatchObject({ state: 'waiting', note: 'interrupted', attempts: 1, updatedAt: 'T2' });
    expect(interrupted).not.toHaveProperty('stage');
    expect(interrupted).not.toHaveProperty('workerPid');
    const failed = toFailed(live, { phase: 'build', problem: 'p', fix: 'f', message: 'm' }, new Date(5000));
    expect(failed).toMatchObject({ state: 'failed', failedAt: new Date(5000).toISOString(), error: { phase: 'build' } });
    expect(failed).not.toHaveProperty('workerPid');
    const retry = toWaiting(failed, 'queued');
    expect(retry).toMatchObject({ state: 'waiting', error: { phase: 'build' } });
  });
});

describe('sidecar', () => {
  it('is one paragraph naming the recording, the problem and what to do, and is never a recording itself', async () => {
    const dir = join(base, 'sidecar');
    await mkdir(dir, { recursive: true });
    const recording = join(dir, 'an-555.wav');
    await writeFile(recording, 'take');
    const path = await writeSidecar(
      recording,
      { phase: 'match', problem: 'no text for issue #555 in /p/newsletters', fix: 'Add the issue text as /p/newsletters/an-555.md (or fix the recording\'s name)' },
      new Date('2026-01-02T03:04:05Z'),
      true,
    );
    expect(path).toBe(sidecarPath(recording));
    const text = await readFile(path, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toContain(`an-555.wav (${recording})`);
    expect(text).toContain('no text for issue #555');
    expect(text).toContain('What to do: Add the issue text as /p/newsletters/an-555.md');
    expect(text).toContain('2026-01-02T03:04:05.000Z');
    expect(text).toContain('publishes the episode and removes this note');
    expect(isCandidateRecording('an-555.wav.letterpod-error.txt')).toBe(false);
    expect(await readFile(recording, 'utf8')).toBe('take');
    expect(await readdir(dir)).toEqual(['an-555.wav', 'an-555.wav.letterpod-error.txt']);
    expect(await removeSidecar(recording)).toBe(true);
    expect(await removeSidecar(recording)).toBe(false);
    expect(await readdir(dir)).toEqual(['an-555.wav']);
  });

  it('says what to do for an unreadable file, with the build kept for publish when not auto-publishing', () => {
    const text = sidecarText('/p/recordings/an-9.wav', { phase: 'probe', problem: 'the file is empty (0 bytes)', fix: 'Export the recording again' }, new Date(0), false);
    expect(text).toMatch(/^letterpod could not read the recording an-9\.wav \(\/p\/recordings\/an-9\.wav\)/);
    expect(text).toContain('drop the corrected take into the folder under the same name, an-9.wav');
    expect(text).toContain('keeps the build for `letterpod publish`');
  });
});

describe('which names are recordings', () => {
  it('partial downloads, uploads in progress, temp, hidden and sidecar files are not', () => {
    for (const name of [
      'an-1.wav.part',
      'an-1.wav.crdownload',
      'an-1.wav.tmp',
      'an-1.wav.filepart',
      'an-1.wav.download',
      '.an-1.wav',
      '.an-1.wav.Xy12Ab',
      'an-1.wav.letterpod-error.txt',
      'an-1.txt',
    ]) {
      expect([name, isCandidateRecording(name)]).toEqual([name, false]);
    }
    for (const name of ['an-1.wav', 'AN1.flac', 'Alignment Newsletter 1.mp3', 'an_1_final.m4a']) {
      expect([name, isCandidateRecording(name)]).toEqual([name, true]);
    }
  });
});

describe('watch lock', () => {
  it('one watcher per project; a lock left by a dead process is taken over', async () => {
    const root = join(base, 'lock');
    const release = await acquireWatchLock(root);
    const error = await acquireWatchLock(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LetterpodError);
    expect((error as LetterpodError).problem).toContain(`pid ${process.pid}`);
    await release();
    expect(existsSync(lockPath(root))).toBe(false);

    // a lock whose process is gone
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    await writeFile(lockPath(root), JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    const again = await acquireWatchLock(root);
    expect(JSON.parse(await readFile(lockPath(root), 'utf8')).pid).toBe(process.pid);
    await again();
  });
});

