/**
 * `letterpod watch` as the narrator uses it: real files dropped into recordings/ of a
 * real project, a real watcher process (chokidar), real builds and a real local store.
 * Issues are made from the demo issue with one short summary each, so a narration is
 * ~15 s and a build takes seconds.
 */
import { copyFile, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFeed } from 'podcast-partytime';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/hash.js';
import type { Manifest } from '../../src/store/manifest.js';
import { readJournal, type JournalView } from '../../src/watch/journal.js';
import { letterpod, problems } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';
import {
  Watcher,
  alive,
  demoIssueText,
  entry,
  eventually,
  listFiles,
  makeProject,
  narrateIssue,
  processesMentioning,
  stageOf,
  stateOf,
} from './helpers.js';

const GOOD = [991, 992, 993, 994, 995];
let base: string;
/** Issue texts by number (996: a sixth issue whose first recording is corrupt). */
const issues: Record<number, string> = {};
/** Narrated recordings by issue number; a second take of 991; the good take of 996. */
const takes: Record<number, string> = {};
let retake991: string;
let retake996: string;
const CORRUPT = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '), Buffer.alloc(40_000, 0x5a)]);

beforeAll(async () => {
  base = await scratch('watch');
  const texts = join(base, 'texts');
  await makeProject(texts, { settleSeconds: 1, autoPublish: false }, {});
  for (const [i, n] of [...GOOD, 996].entries()) issues[n] = await demoIssueText(n, i);
  for (const [n, text] of Object.entries(issues)) await writeFile(join(texts, 'newsletters', `an-${n}.md`), text);
  const narrations = [...GOOD, 996].map(async (n) => {
    takes[n] = join(base, `take-${n}.wav`);
    await narrateIssue(join(texts, 'newsletters', `an-${n}.md`), takes[n]!, n);
  });
  retake991 = join(base, 'retake-991.wav');
  await Promise.all([...narrations, narrateIssue(join(texts, 'newsletters', 'an-991.md'), retake991, 4242)]);
  retake996 = takes[996]!;
});

/** The store as the feed sees it: every enclosure and its size, and which files exist. */
async function storeCheck(dir: string, replaced: string[] = []): Promise<{ manifest: Manifest; feed: NonNullable<ReturnType<typeof parseFeed>> }> {
  const store = join(dir, 'feed');
  const manifest = JSON.parse(await readFile(join(store, 'manifest.json'), 'utf8')) as Manifest;
  const feed = parseFeed(await readFile(join(store, 'feed.xml'), 'utf8'));
  expect(feed).not.toBeNull();
  for (const item of feed!.items) {
    const path = join(store, decodeURIComponent(new URL(item.enclosure!.url).pathname));
    expect(item.enclosure!.length).toBe((await stat(path)).size);
  }
  // nothing dangling: the store holds exactly what the manifest references (+ manifest and feed,
  // and the objects of replaced takes, which the protocol keeps for apps still downloading them),
  // and no temp file of an interrupted upload
  const referenced = new Set(['feed.xml', 'manifest.json', ...replaced]);
  for (const e of manifest.episodes) {
    referenced.add(e.audio.key);
    if (e.chapters) referenced.add(e.chapters.key);
    if (e.transcripts.vtt) referenced.add(e.transcripts.vtt.key);
    if (e.transcripts.srt) referenced.add(e.transcripts.srt.key);
  }
  const files = (await listFiles(store)).filter((f) => !f.startsWith('.letterpod-store/'));
  expect(files).toEqual([...referenced].sort());
  return { manifest, feed: feed! };
}

function terminal(j: JournalView, names: string[]): boolean {
  return names.every((n) => ['published', 'failed', 'built'].includes(stateOf(j, n) ?? ''));
}

describe('a file written in chunks over 3 s', () => {
  let dir: string;
  let w: Watcher;
  let lastWrite: number;

  beforeAll(async () => {
    dir = join(base, 'chunks');
    await makeProject(dir, { settleSeconds: 1, autoPublish: false }, { 991: issues[991]!, 992: issues[992]! });
    w = await Watcher.start(dir);
    const data = await readFile(takes[991]!);
    const part = await readFile(takes[992]!);
    const rec = join(dir, 'recordings');
    // an-991.wav grows in 10 chunks, 330 ms apart (less than the 1 s window); meanwhile an-992
    // arrives as a .part upload that is renamed when done, and a hidden and a .crdownload copy appear
    const handle = await open(join(rec, 'an-991.wav'), 'w');
    const upload = await open(join(rec, 'an-992.wav.part'), 'w');
    try {
      for (let i = 0; i < 10; i++) {
        const [a, b] = [Math.floor((data.length * i) / 10), Math.floor((data.length * (i + 1)) / 10)];
        await handle.write(data.subarray(a, b));
        await upload.write(part.subarray(Math.floor((part.length * i) / 10), Math.floor((part.length * (i + 1)) / 10)));
        lastWrite = Date.now();
        if (i === 3) {
          await writeFile(join(rec, '.an-993.wav'), data);
          await writeFile(join(rec, 'an-994.wav.crdownload'), data.subarray(0, 1000));
        }
        if (i < 9) await sleep(330);
      }
    } finally {
      await handle.close();
      await upload.close();
    }
    await sleep(1500); // the .part file sits complete-looking for longer than the window: still never a recording
    await rename(join(rec, 'an-992.wav.part'), join(rec, 'an-992.wav'));
    await w.waitForJournal((j) => stateOf(j, 'an-991.wav') === 'built' && stateOf(j, 'an-992.wav') === 'built', 90_000);
  });

  it('is processed exactly once, after its last write, from its complete content', async () => {
    const complete = w.events('complete', 'an-991.wav');
    expect(complete).toHaveLength(1);
    expect(Date.parse(complete[0]!.time) - lastWrite).toBeGreaterThanOrEqual(900);
    expect(w.events('processing', 'an-991.wav')).toHaveLength(1);
    const j = await w.waitForJournal(() => true, 1000);
    const e = entry(j, 'an-991.wav');
    expect(e.attempts).toBe(1);
    expect(e.takes).toBe(1);
    expect(e.issue).toBe(991);
    expect(e.size).toBe((await stat(takes[991]!)).size);
    const full = (await sha256File(takes[991]!)).sha256;
    expect(e.sha256).toBe(full);
    const report = JSON.parse(await readFile(join(dir, '.letterpod', 'build', 'an-991', 'episode.json'), 'utf8'));
    expect(report.source.sha256).toBe(full);
    expect(e.note).toMatch(/letterpod publish/);
    expect(existsSync(join(dir, 'feed'))).toBe(false); // autoPublish is off
  });

  it('partial uploads, hidden and .crdownload files are never processed; the renamed upload is, once', async () => {
    const names = new Set(w.lines.map((l) => l.recording).filter(Boolean));
    expect([...names].sort()).toEqual(['an-991.wav', 'an-992.wav']);
    expect(w.events('processing', 'an-992.wav')).toHaveLength(1);
    const j = await w.waitForJournal(() => true, 1000);
    expect(j.recordings.map((r) => r.name).sort()).toEqual(['an-991.wav', 'an-992.wav']);
    const rec = await listFiles(join(dir, 'recordings'));
    expect(rec).toEqual(['.an-993.wav', 'an-991.wav', 'an-992.wav', 'an-994.wav.crdownload']);
  });

  it('a second watcher on the same project is refused', async () => {
    const second = await letterpod(['watch'], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`another letterpod watch \\(pid ${w.pid},.*Run one watcher per project`));
  });

  it('the builds are the ones `letterpod publish` then publishes, without building again', async () => {
    expect(await w.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(w.events('stopped')).toHaveLength(1);
    const r = await letterpod(['publish'], dir);
    expect(problems(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^built /m);
    expect(r.stdout).toContain('(2 episodes; 2 in this run)');
  });
});

describe('a burst: 5 recordings, a corrupt file and one for an unknown issue dropped at once (autoPublish)', () => {
  let dir: string;
  let w: Watcher;
  let first: { manifest: Manifest; feed: NonNullable<ReturnType<typeof parseFeed>> };
  const dropOrder = ['an-991.wav', 'an-992.wav', 'an-996.wav', 'an-993.wav', 'an-555.wav', 'an-994.wav', 'an-995.wav'];
  const all = dropOrder;

  beforeAll(async () => {
    dir = join(base, 'burst');
    const texts: Record<number, string> = {};
    for (const n of [...GOOD, 996]) texts[n] = issues[n]!;
    await makeProject(dir, { settleSeconds: 0.5, autoPublish: true }, texts);
    w = await Watcher.start(dir);
    const rec = join(dir, 'recordings');
    for (const name of dropOrder) {
      if (name === 'an-996.wav') await writeFile(join(rec, name), CORRUPT);
      else if (name === 'an-555.wav') await copyFile(takes[993]!, join(rec, name)); // real speech, no issue #555
      else await copyFile(takes[Number(name.slice(3, 6))]!, join(rec, name));
    }
    await w.waitForJournal((j) => terminal(j, all), 150_000);
    first = await storeCheck(dir);
  });

  it('all 5 are published, each once, in the order they were dropped', async () => {
    const j = await w.waitForJournal(() => true, 1000);
    for (const n of GOOD) {
      const e = entry(j, `an-${n}.wav`);
      expect([e.name, e.state, e.attempts]).toEqual([`an-${n}.wav`, 'published', 1]);
    }
    expect(w.events('processing').map((l) => l.recording)).toEqual(dropOrder);
    expect(w.events('published').map((l) => l.recording)).toEqual(GOOD.map((n) => `an-${n}.wav`));
    const publishedAt = GOOD.map((n) => Date.parse(entry(j, `an-${n}.wav`).publishedAt!));
    expect(publishedAt).toEqual([...publishedAt].sort((a, b) => a - b));
    expect(first.feed.items.map((i) => i.title).sort()).toEqual(
      GOOD.map((n) => `AN #${n}: ${/title: "\[AN #\d+\]: (.*)"/.exec(issues[n]!)![1]}`).sort(),
    );
    expect(new Set(first.manifest.episodes.map((e) => e.guid)).size).toBe(5);
    expect(first.manifest.episodes.map((e) => e.number)).toEqual(GOOD);
  });

  it('the corrupt file and the unknown issue each end failed, with a sidecar saying what to do; the originals are untouched', async () => {
    const j = await w.waitForJournal(() => true, 1000);
    const corrupt = entry(j, 'an-996.wav');
    expect(corrupt.state).toBe('failed');
    expect(corrupt.error?.phase).toBe('probe');
    expect(corrupt.error?.problem).toMatch(/not an audio file|no audio stream|duration/);
    const unknown = entry(j, 'an-555.wav');
    expect(unknown.state).toBe('failed');
    expect(unknown.error?.phase).toBe('match');
    expect(unknown.error?.problem).toContain('no text for issue #555');
    for (const [name, fix] of [
      ['an-996.wav', /What to do: Export it again/],
      ['an-555.wav', /What to do: Add the issue text as .*an-555\.md/],
    ] as const) {
      const sidecar = join(dir, 'recordings', `${name}.letterpod-error.txt`);
      expect(entry(j, name).sidecar).toBe(sidecar);
      const text = await readFile(sidecar, 'utf8');
      expect(text.trimEnd().split('\n')).toHaveLength(1);
      expect(text).toContain(join(dir, 'recordings', name));
      expect(text).toMatch(fix);
    }
    expect(await readFile(join(dir, 'recordings', 'an-996.wav'))).toEqual(CORRUPT);
    expect((await sha256File(join(dir, 'recordings', 'an-555.wav'))).sha256).toBe((await sha256File(takes[993]!)).sha256);
    // the sidecars are not recordings: nothing in the journal or the log is about them
    expect(j.recordings.map((r) => r.name).sort()).toEqual([...all].sort());
    expect(w.lines.some((l) => String(l.recording ?? '').endsWith('.txt'))).toBe(false);
    expect(first.manifest.episodes.some((e) => e.number === 996 || e.number === 555)).toBe(false);
  });

  it('corrected takes: the corrupt one goes through and loses its sidecar; a replaced take is re-published under the same GUID', async () => {
    const rec = join(dir, 'recordings');
    const before = first.manifest.episodes.find((e) => e.number === 991)!;
    // replace by rename (how most tools save), and by rewriting the file in place
    await copyFile(retake996, join(rec, '.an-996.wav.upload'));
    await rename(join(rec, '.an-996.wav.upload'), join(rec, 'an-996.wav'));
    await copyFile(retake991, join(rec, 'an-991.wav'));
    await w.waitForJournal((j) => {
      const a = j.recordings.find((r) => r.name === 'an-991.wav');
      const b = j.recordings.find((r) => r.name === 'an-996.wav');
      return a?.takes === 2 && a.state === 'published' && b?.takes === 2 && b.state === 'published';
    }, 90_000);
    // the journal says published before the error note goes: the log line says when it went
    await w.waitForLine((l) => l.event === 'sidecar-removed' && l.recording === 'an-996.wav', 10_000);
    expect(existsSync(join(rec, 'an-996.wav.letterpod-error.txt'))).toBe(false);
    expect(existsSync(join(rec, 'an-555.wav.letterpod-error.txt'))).toBe(true);
    expect(w.events('sidecar-removed', 'an-996.wav')).toHaveLength(1);
    const oldKeys = [before.audio.key, before.chapters!.key, before.transcripts.vtt!.key, before.transcripts.srt!.key];
    const after = await storeCheck(dir, oldKeys);
    const again = after.manifest.episodes.find((e) => e.number === 991)!;
    expect(again.guid).toBe(before.guid);
    expect(again.pubDate).toBe(before.pubDate);
    expect(again.audio.key).not.toBe(before.audio.key);
    expect(again.source.sha256).toBe((await sha256File(retake991)).sha256);
    const item = after.feed.items.find((i) => i.guid === before.guid)!;
    expect(item.enclosure!.url).toContain(again.audio.key);
    expect(after.manifest.episodes.map((e) => e.number)).toEqual([...GOOD, 996]);
    // the other episodes did not change
    for (const n of [992, 993, 994, 995]) {
      expect(after.manifest.episodes.find((e) => e.number === n)).toEqual(first.manifest.episodes.find((e) => e.number === n));
    }
  });

  it('a change in newsletters/ retries a recording that failed to match; removing a recording drops it and its sidecar', async () => {
    const rec = join(dir, 'recordings');
    const issueFile = join(dir, 'newsletters', 'an-555.md');
    // an issue text for #555 that cannot be read: the retry fails again, now naming that file
    await writeFile(issueFile, '---\ntitle: "[AN #555]: Placeholder"\nissue: 555\n---\n\n');
    const j = await w.waitForJournal((j) => entry(j, 'an-555.wav').error?.file === issueFile, 30_000);
    expect(entry(j, 'an-555.wav').state).toBe('failed');
    expect(w.events('retry', 'an-555.wav')).toHaveLength(1);
    expect(await readFile(join(rec, 'an-555.wav.letterpod-error.txt'), 'utf8')).toContain(`(the problem is in ${issueFile})`);
    // the narrator takes the stray file out
    await rm(join(rec, 'an-555.wav'));
    await w.waitForJournal((j) => !j.recordings.some((r) => r.name === 'an-555.wav'), 30_000);
    // the journal drops it before its error note goes: the log line comes after both
    await w.waitForLine((l) => l.event === 'removed' && l.recording === 'an-555.wav', 10_000);
    expect(existsSync(join(rec, 'an-555.wav.letterpod-error.txt'))).toBe(false);
    expect(w.events('removed', 'an-555.wav')).toHaveLength(1);
    await rm(issueFile);
    expect(await w.stop()).toEqual({ code: 0, signal: null });
    expect((await readJournal(dir)).watcher).toBeUndefined();
  });

  describe('kill -9 mid-build, a stop mid-build, restarts: the feed converges to the uninterrupted one', () => {
    let dir2: string;
    let guid991: string;

    it('kill -9 while #992 is being built leaves nothing partial in the store, and no build process behind', async () => {
      dir2 = join(base, 'restart');
      await makeProject(dir2, { settleSeconds: 0.5, autoPublish: true }, { 991: issues[991]!, 992: issues[992]!, 993: issues[993]! });
      const rec = join(dir2, 'recordings');
      await copyFile(takes[991]!, join(rec, 'an-991.wav'));
      await copyFile(takes[992]!, join(rec, 'an-992.wav'));
      const w1 = await Watcher.start(dir2);
      const j = await w1.waitForJournal(
        (j) => stateOf(j, 'an-991.wav') === 'published' && ['analyse', 'master'].includes(entry(j, 'an-992.wav').stage ?? ''),
        90_000,
      );
      const workerPid = entry(j, 'an-992.wav').workerPid!;
      expect(alive(workerPid)).toBe(true);
      await w1.kill9();
      guid991 = entry(j, 'an-991.wav').episode!.guid;
      // the build process and its ffmpegs go with the watcher
      await eventually(() => !alive(workerPid) && processesMentioning(dir2).length === 0, 1500, 'the build processes to end');
      const after = await storeCheck(dir2);
      expect(after.manifest.episodes.map((e) => e.number)).toEqual([991]);
      const journal = await readJournalNow(dir2);
      expect(entry(journal, 'an-992.wav').state).toBe('processing');
      expect(journal.watcher).toBeUndefined();
      // an interrupted build is not a finished one
      expect(existsSync(join(dir2, '.letterpod', 'build', 'an-992', 'episode.json'))).toBe(false);
    });

    it('a restart resumes #992 and picks up #993, dropped while it was down; SIGTERM mid-build stops cleanly', async () => {
      await copyFile(takes[993]!, join(dir2, 'recordings', 'an-993.wav'));
      const w2 = await Watcher.start(dir2);
      // written right after 'watching', but it may reach the pipe's reader in a later chunk
      await w2.waitForLine((l) => l.event === 'resumed', 5000);
      expect(w2.events('resumed')).toHaveLength(1);
      const j = await w2.waitForJournal(
        (j) => stateOf(j, 'an-992.wav') === 'published' && ['analyse', 'master'].includes(stageOf(j, 'an-993.wav') ?? ''),
        90_000,
      );
      const workerPid = entry(j, 'an-993.wav').workerPid!;
      const started = Date.now();
      expect(await w2.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(alive(workerPid)).toBe(false);
      expect(processesMentioning(dir2)).toEqual([]);
      const stopped = await readJournalNow(dir2);
      expect(entry(stopped, 'an-993.wav').state).toBe('waiting');
      expect(entry(stopped, 'an-993.wav').note).toMatch(/interrupted/);
      expect(stopped.watcher).toBeUndefined();
      const store = await storeCheck(dir2);
      expect(store.manifest.episodes.map((e) => e.number)).toEqual([991, 992]);
    });

    it('a third start finishes the queue: same episodes, objects and sizes as the uninterrupted run, GUIDs kept', async () => {
      const w3 = await Watcher.start(dir2);
      await w3.waitForJournal((j) => ['an-991.wav', 'an-992.wav', 'an-993.wav'].every((n) => stateOf(j, n) === 'published'), 90_000);
      expect(await w3.stop()).toEqual({ code: 0, signal: null });
      const j = await readJournalNow(dir2);
      expect(['an-991.wav', 'an-992.wav', 'an-993.wav'].map((n) => entry(j, n).attempts)).toEqual([1, 2, 2]);
      // nothing was done twice: 991 was not processed again by the restarts
      expect(w3.events('processing').map((l) => l.recording)).toEqual(['an-993.wav']);

      const converged = await storeCheck(dir2);
      expect(converged.manifest.episodes.find((e) => e.number === 991)!.guid).toBe(guid991);
      const guids = converged.manifest.episodes.map((e) => e.guid);
      expect(new Set(guids).size).toBe(3);
      expect(converged.feed.items.map((i) => i.guid).sort()).toEqual([...guids].sort());
      // the uninterrupted run (the burst project before the corrected takes) built the same recordings
      const strip = (e: Manifest['episodes'][number]) => {
        const { guid: _g, firstPublishedAt: _f, updatedAt: _u, ...rest } = e;
        return rest;
      };
      for (const n of [991, 992, 993]) {
        expect(strip(converged.manifest.episodes.find((e) => e.number === n)!)).toEqual(strip(first.manifest.episodes.find((e) => e.number === n)!));
      }
      const items = (feed: typeof converged.feed) =>
        feed.items
          .filter((i) => /AN #99[123]:/.test(i.title))
          .map((i) => ({ title: i.title, pubDate: i.pubDate, url: new URL(i.enclosure!.url).pathname, length: i.enclosure!.length, duration: i.duration }))
          .sort((a, b) => a.title.localeCompare(b.title));
      expect(items(converged.feed)).toEqual(items(first.feed));
    });
  });
});

function readJournalNow(dir: string): Promise<JournalView> {
  return readJournal(dir);
}
