/**
 * `letterpod review` end to end: a real project (issue #301 read by the demo narrator, who
 * skips the third summary), the review server started by the CLI, and
 * - the server's safety: fixed routes (no path traversal), writes only with the run's
 *   token, loopback Host only, audio with Range;
 * - in headless Chromium (playwright-core, the system's /usr/bin/chromium): marks and cues
 *   drawn as episode.json and the transcript have them, a mark moved with the keyboard and
 *   snapped to a pause, a chapter given to the not-read summary at a pause, Approve;
 * - then `letterpod publish`: the MP3's CHAP frames (ffprobe), chapters.json, the
 *   transcript, the notes and the feed carry the corrections, the audio bytes after the ID3
 *   tag are those of the first publish, and the GUID and pubDate are unchanged.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id3Length } from '../../src/audio/id3.js';
import { DEFAULT_CHAPTER_TITLES, shortChapterTitle } from '../../src/episode/chapter-titles.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import type { Manifest } from '../../src/store/manifest.js';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';
import { reviewProject, TITLES } from './project.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

let dir: string;
let server: ChildProcess | undefined;
let url: URL;
let stdout = '';

const buildDir = () => join(dir, '.letterpod', 'build', 'an-301');
const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const afterTag = (b: Buffer) => b.subarray(id3Length(b));

function startReview(): Promise<URL> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'dist', 'cli', 'main.js'), 'review', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = stdout.match(/^review: (http:\/\/\S+)$/m);
      if (m) resolve(new URL(m[1]!));
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => reject(new Error(`letterpod review exited (${code}) before printing its URL:\n${stdout}\n${stderr}`)));
  });
}

async function stopReview(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** A raw HTTP request (fetch would normalise the path and refuse to set Host). */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  dir = await scratch('review');
  await reviewProject(dir);
  url = await startReview();
}, 400_000);

afterAll(async () => {
  await stopReview();
});

describe('letterpod review: the server', () => {
  it('prints a loopback URL with a token and lists the episode as needing review', () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(stdout).toMatch(/^#301 needs review \(1 warning to review\): /m);
  });

  it('serves the page, its assets and the episode data', async () => {
    const page = await raw('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.toString()).toContain('<script src="/assets/review.js">');
    const script = await raw('/assets/review.js');
    expect(script.status).toBe(200);
    expect(script.body.toString()).toContain('letterpod review page');
    const data = JSON.parse((await raw('/api/episodes/301')).body.toString()) as { chapters: unknown[]; analysis: { peaks: number[] } };
    const report = await readJson<EpisodeReport>(join(buildDir(), 'episode.json'));
    expect(data.chapters).toEqual(report.chapters);
    expect(data.analysis.peaks.length).toBeGreaterThan(100);
  });

  it.each([
    '/assets/../letterpod.config.json',
    '/assets/..%2fletterpod.config.json',
    '/assets/%2e%2e/%2e%2e/etc/passwd',
    '/audio/..%2f..%2fletterpod.config.json',
    '/audio/301.mp3/../../../letterpod.config.json',
    '//etc/passwd',
    '/newsletters/an-301.md',
    '/.letterpod/approvals.json',
    '/episodes/301/../../letterpod.config.json',
  ])('serves nothing outside its routes: %s', async (path) => {
    const res = await raw(path);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain('Alignment Newsletter');
    expect(res.body.toString()).not.toContain('root:');
  });

  it('answers only to a loopback Host', async () => {
    expect((await raw('/api/episodes', { headers: { Host: `attacker.example:${url.port}` } })).status).toBe(421);
    expect((await raw('/api/episodes', { headers: { Host: `localhost:${url.port}` } })).status).toBe(200);
  });

  it('streams the MP3 with Range', async () => {
    const mp3 = await readFile(join(buildDir(), 'an-301.mp3'));
    const res = await raw('/audio/301.mp3', { headers: { Range: 'bytes=100-1099' } });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 100-1099/${mp3.length}`);
    expect(res.body.equals(mp3.subarray(100, 1100))).toBe(true);
    expect((await raw('/audio/301.mp3', { headers: { Range: `bytes=${mp3.length}-` } })).status).toBe(416);
    expect((await raw('/audio/302.mp3')).status).toBe(404);
  });

  it('rejects writes without the token, or with a wrong one, and writes nothing', async () => {
    const body = JSON.stringify({ sections: { s4: { startSeconds: 30 } } });
    for (const headers of [{}, { 'X-Letterpod-Token': 'wrong' }, { 'X-Letterpod-Token': url.searchParams.get('token')!.slice(1) }]) {
      const res = await raw('/api/episodes/301/corrections', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
      expect(res.status).toBe(403);
      const approve = await raw('/api/episodes/301/approve', { method: 'POST', headers, body: '{}' });
      expect(approve.status).toBe(403);
    }
    expect(existsSync(join(dir, 'newsletters', 'an-301.review.json'))).toBe(false);
    expect(existsSync(join(dir, '.letterpod', 'approvals.json'))).toBe(false);
  });

  it('refuses a correction the episode cannot take, naming the file, and writes nothing', async () => {
    const res = await raw('/api/episodes/301/corrections', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Letterpod-Token': url.searchParams.get('token')! },
      body: JSON.stringify({ sections: { s99: { startSeconds: 3 } } }),
    });
    expect(res.status).toBe(400);
    const error = (JSON.parse(res.body.toString()) as { error: string }).error;
    expect(error).toContain('an-301.review.json');
    expect(error).toContain('"s99" is neither a chapter nor a summary');
    expect(existsSync(join(dir, 'newsletters', 'an-301.review.json'))).toBe(false);
  });
});

const describeBrowser = hasChromium ? describe : describe.skip;
describeBrowser(`letterpod review in a browser${hasChromium ? '' : ` (skipped: no ${CHROMIUM}; apt-get install chromium)`}`, () => {
  it('shows, corrects and approves an episode; publish carries the corrections without a re-master', async () => {
    // first publish: held for review (a not-read summary), then approved from the terminal
    const held = await letterpod(['publish'], dir);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/held: .*an-301\.wav \(#301\): #301 waits for review/);
    expect((await letterpod(['approve', '301'], dir)).code).toBe(0);
    const first = await letterpod(['publish'], dir);
    expect(first.code, first.stderr).toBe(0);
    const store = join(dir, 'feed');
    const before = (await readJson<Manifest>(join(store, 'manifest.json'))).episodes[0]!;
    const firstMp3 = await readFile(join(store, before.audio.key));

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      // the index: published, as the store has this very MP3
      await page.goto(url.href);
      await page.waitForSelector('#episodes tr[data-number="301"]');
      expect(await page.getAttribute('#episodes tr[data-number="301"]', 'data-state')).toBe('published');
      await page.click('#episodes tr[data-number="301"] a');
      await page.waitForSelector('.mark');

      // marks as episode.json has them, where they belong on the waveform, coloured by confidence
      const report = await readJson<EpisodeReport>(join(buildDir(), 'episode.json'));
      const duration = (await readJson<{ episodeSeconds: number }>(join(buildDir(), 'analysis.json'))).episodeSeconds;
      const wave = (await page.locator('.wave-wrap').boundingBox())!;
      const marks = await page.$$eval('.mark', (els) => els.map((e) => ({ id: (e as HTMLElement).dataset.id, start: Number((e as HTMLElement).dataset.start), cls: e.className, x: e.getBoundingClientRect().left + e.getBoundingClientRect().width / 2 })));
      expect(marks.map((m) => [m.id, m.start])).toEqual(report.chapters.map((c) => [c.id, c.startSeconds]));
      for (const [i, m] of marks.entries()) {
        expect(Math.abs((m.x - wave.x) / wave.width - report.chapters[i]!.startSeconds / duration)).toBeLessThan(0.01);
        const c = report.chapters[i]!.confidence;
        expect(m.cls).toContain(c >= 0.8 ? 'conf-high' : c >= 0.5 ? 'conf-mid' : 'conf-low');
      }
      // cues as the transcript has them
      const vtt = await readFile(join(buildDir(), 'transcript.vtt'), 'utf8');
      const cueTexts = await page.$$eval('#cues li', (els) => els.map((e) => e.lastChild?.textContent ?? ''));
      expect(cueTexts.length).toBe(vtt.match(/-->/g)!.length);
      for (const t of cueTexts) expect(vtt).toContain(t);
      // the not-read summary, with its reason
      const skipped = report.skipped[0]!;
      expect(skipped.title).toBe(TITLES[2]);
      expect(await page.textContent(`#not-read li[data-id="${skipped.id}"]`)).toContain('seems not to be read');
      // clicking a cue plays from it, and it is highlighted
      await page.click('#cues li:nth-child(3)');
      await page.waitForFunction(() => document.querySelector('#cues li.current') !== null);

      // the second mark: select with n, nudge +0.1 ×3 and +1 s, snap to the nearest pause, then +2 s
      const view = await page.evaluate(() => (window as unknown as { letterpodReview: { view: { analysis: { pauses: [number, number][] } } } }).letterpodReview.view);
      const pauses = view.analysis.pauses;
      const second = report.chapters[1]!;
      await page.keyboard.press('n');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      const nudged = Math.round((second.startSeconds + 1.3) * 1000) / 1000;
      expect(Number(await page.getAttribute(`.mark[data-id="${second.id}"]`, 'data-start'))).toBeCloseTo(nudged, 3);
      await page.keyboard.press('s');
      const dist = (p: [number, number], t: number) => (t < p[0] ? p[0] - t : t > p[1] ? t - p[1] : 0);
      const nearest = pauses.reduce((a, b) => (dist(b, nudged) < dist(a, nudged) ? b : a));
      const snapped = Math.round(Math.max(nearest[0], nearest[1] - 0.1) * 1000) / 1000;
      expect(Number(await page.getAttribute(`.mark[data-id="${second.id}"]`, 'data-start'))).toBeCloseTo(snapped, 3);
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      const moved = Math.round((snapped + 2) * 1000) / 1000;

      // the not-read summary gets a chapter at a pause inside the third chapter, picked on the waveform
      const third = report.chapters[2]!;
      const pause = pauses.find(([a, b]) => a > third.startSeconds + 3 && b < third.endSeconds - 3 && b - a > 0.2)!;
      expect(pause).toBeDefined();
      await page.click(`#not-read li[data-id="${skipped.id}"] button.give`);
      await page.mouse.click(wave.x + (((pause[0] + pause[1]) / 2) / duration) * wave.width, wave.y + wave.height / 2);
      const given = Math.round(Math.max(pause[0], pause[1] - 0.1) * 1000) / 1000;
      expect(Number(await page.getAttribute(`.mark[data-id="${skipped.id}"]`, 'data-start'))).toBeCloseTo(given, 3);

      await page.click('#save');
      await page.waitForFunction(() => /^saved/.test(document.getElementById('status')?.textContent ?? ''));
      const corrections = JSON.parse(await readFile(join(dir, 'newsletters', 'an-301.review.json'), 'utf8')) as { recordingSha256: string; sections: Record<string, { startSeconds?: number }> };
      expect(corrections.recordingSha256).toBe(report.source.sha256);
      expect(corrections.sections[second.id]!.startSeconds).toBeCloseTo(moved, 3);
      expect(corrections.sections[skipped.id]!.startSeconds).toBeCloseTo(given, 3);
      // the page now shows the applied episode: five marks, and it waits for review again
      expect(await page.$$eval('.mark', (els) => els.length)).toBe(report.chapters.length + 1);
      expect(await page.textContent('#state')).toBe('needs review');
      // and the transcript the build now has, with the summary's sentences
      const correctedVtt = await readFile(join(buildDir(), 'transcript.vtt'), 'utf8');
      const shown = await page.$$eval('#cues li', (els) => els.map((e) => e.lastChild?.textContent ?? ''));
      expect(shown.length).toBe(correctedVtt.match(/-->/g)!.length);
      expect(shown).toContain('How does the cost of oversight grow with model size?');
      // the show notes as they will appear: the new chapter with its timestamp
      const stamp = new Date(Math.floor(given) * 1000).toISOString().slice(11, 19);
      const notesDoc = await page.$eval('iframe.notes', (f) => (f as HTMLIFrameElement).srcdoc);
      expect(notesDoc).toMatch(new RegExp(`${stamp}[^]{0,200}${TITLES[2]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

      await page.click('#approve');
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'approved');
      if (process.env.LETTERPOD_REVIEW_SCREENSHOT) {
        await page.click(`.mark[data-id="${skipped.id}"]`);
        await page.evaluate(() => (document.querySelector('audio') as HTMLAudioElement).pause());
        await page.screenshot({ path: process.env.LETTERPOD_REVIEW_SCREENSHOT, fullPage: true });
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    await stopReview();
    const approvals = await readJson<Record<string, { correctionsSha256: string }>>(join(dir, '.letterpod', 'approvals.json'));
    expect(approvals['301']!.correctionsSha256).toBe(sha256(await readFile(join(dir, 'newsletters', 'an-301.review.json'))));

    // publish: no re-master, the corrections everywhere
    const second = await letterpod(['publish'], dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/^built /m);
    const after = (await readJson<Manifest>(join(store, 'manifest.json'))).episodes[0]!;
    expect(after.guid).toBe(before.guid);
    expect(after.pubDate).toBe(before.pubDate);
    expect(after.audio.key).not.toBe(before.audio.key);
    const mp3 = await readFile(join(store, after.audio.key));
    expect(sha256(mp3)).toBe(after.audio.sha256);
    expect(afterTag(mp3).equals(afterTag(firstMp3))).toBe(true);

    const report = await readJson<EpisodeReport>(join(buildDir(), 'episode.json'));
    expect(report.chapters).toHaveLength(5);
    expect(report.skipped).toEqual([]);
    const copy = join(dir, 'published.mp3');
    await copyFile(join(store, after.audio.key), copy);
    const probe = JSON.parse((await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_chapters', copy])).stdout) as { chapters: { start_time: string; tags?: { title?: string } }[] };
    // (player titles: the long first summary's is cut where a word ends)
    expect(probe.chapters.map((c) => [c.tags?.title, Number(c.start_time)])).toEqual(report.chapters.map((c) => [shortChapterTitle(c.title, DEFAULT_CHAPTER_TITLES), Math.round(c.startSeconds * 1000) / 1000]));
    expect(probe.chapters.map((c) => c.tags?.title)).toContain(TITLES[2]);

    const chaptersJson = JSON.parse(await readFile(join(store, after.chapters!.key), 'utf8')) as { chapters: { startTime: number; title: string }[] };
    const scaling = chaptersJson.chapters.find((c) => c.title === TITLES[2])!;
    expect(scaling).toBeDefined();
    const savedCorrections = JSON.parse(await readFile(join(dir, 'newsletters', 'an-301.review.json'), 'utf8')) as { sections: Record<string, { startSeconds: number }> };
    const skippedId = Object.keys(savedCorrections.sections).find((id) => report.chapters.find((c) => c.id === id)?.title === TITLES[2])!;
    expect(scaling.startTime).toBeCloseTo(savedCorrections.sections[skippedId]!.startSeconds, 3);
    const vtt = await readFile(join(store, after.transcripts.vtt!.key), 'utf8');
    expect(vtt).toContain('How does the cost of oversight grow with model size?');
    expect(after.notesHtml).toContain(TITLES[2]);
    const feed = await readFile(join(store, 'feed.xml'), 'utf8');
    expect(feed).toContain(after.chapters!.key);
    expect(feed).toContain(after.audio.key);
    expect(feed).toContain(TITLES[2]);
    expect(feed).toContain(`<guid isPermaLink="false">${before.guid}</guid>`);
  });
});
