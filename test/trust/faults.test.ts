/**
 * Issue 14, the parts below the pipeline: complete recordings only (truncated MP3/WAV),
 * no-speech refusals from a sample, file names that can never be options, nested CTOC,
 * config checks, issue text limits and http(s)-only links, faults as one line, unique temp
 * files and their cleanup, store locks of dead processes, a hanging S3 endpoint.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderId3 } from '../../src/audio/id3.js';
import { checkConfigFiles, parseConfig } from '../../src/config/config.js';
import { describeFault } from '../../src/faults.js';
import { checkComplete, checkPlausible } from '../../src/intake/complete.js';
import { ffprobe, fileArg } from '../../src/media/ffmpeg.js';
import { probeAudio } from '../../src/media/probe.js';
import { removeStaleTemps, tempName } from '../../src/files/temp.js';
import { readIssue } from '../../src/newsletter/index.js';
import { LocalStore } from '../../src/store/local.js';
import { S3Store } from '../../src/store/s3.js';
import { ff, speak } from '../helpers/audio.js';
import { scratch } from '../helpers/tmp.js';

const SHOW = {
  title: 'T', description: 'D', author: 'A', owner: { name: 'P', email: 'p@example.org' }, link: 'https://example.org/',
};

let dir: string;
beforeAll(async () => {
  dir = await scratch('trust-faults');
  await speak(join(dir, 'speech.wav'), 'This is the newsletter. It has several sentences, read at an even pace. We stop between them. Then one more sentence, to make it long enough.');
  await ff('-i', join(dir, 'speech.wav'), '-c:a', 'libmp3lame', '-b:a', '64k', join(dir, 'full.mp3'));
});

/** A dead pid: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('close', r));
  return child.pid!;
}

describe('complete recordings only', () => {
  it('an MP3 cut in half (interrupted upload) is refused, naming the seconds it has and its header claims', async () => {
    const half = join(dir, 'an-089.mp3');
    const full = await readFile(join(dir, 'full.mp3'));
    await writeFile(half, full.subarray(0, Math.floor(full.length / 2)));
    const info = await probeAudio(half);
    await expect(checkComplete(half, info)).rejects.toThrow(/^an-089\.mp3 ends after 4 s of the 9 s its header claims: the upload or export looks incomplete/);
    await expect(checkComplete(join(dir, 'full.mp3'), await probeAudio(join(dir, 'full.mp3')))).resolves.toBeUndefined();
  });

  it('a WAV whose header claims more data than it has is refused', async () => {
    const wav = join(dir, 'an-090.wav');
    await copyFile(join(dir, 'speech.wav'), wav);
    await truncate(wav, Math.floor((await stat(wav)).size / 2));
    await expect(checkComplete(wav, await probeAudio(wav))).rejects.toThrow(/an-090\.wav ends after 4 s of the 9 s its header claims/);
  });

  it('silence, a tone (music-like) and a file far longer than its text are refused from a sample, saying what was heard', async () => {
    const issue = { number: 7, sections: [{ text: 'word '.repeat(300) }] };
    const silent = join(dir, 'silent.wav');
    await ff('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '60', silent);
    const t0 = Date.now();
    await expect(checkPlausible(silent, await probeAudio(silent), issue)).rejects.toThrow(/no speech: heard only silence/);
    const tone = join(dir, 'tone.wav');
    await ff('-f', 'lavfi', '-i', 'sine=frequency=440:duration=60', '-af', 'volume=0.5', tone);
    await expect(checkPlausible(tone, await probeAudio(tone), issue)).rejects.toThrow(/continuous sound without the pauses of speech, like music/);
    await expect(checkPlausible(tone, { durationSeconds: 6 * 3600 }, issue)).rejects.toThrow(/is 6 h 00 min long, but the text of #7 \(300 words\) reads in about 2 min 00 s/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await checkPlausible(join(dir, 'speech.wav'), await probeAudio(join(dir, 'speech.wav')), { number: 7, sections: [{ text: 'word '.repeat(20) }] })).toEqual([]);
  });
});

describe('file names are never options', () => {
  it('a recording named -rf.wav is probed as a file', async () => {
    const sub = join(dir, 'names');
    await mkdir(sub, { recursive: true });
    await copyFile(join(dir, 'speech.wav'), join(sub, '-rf.wav'));
    await copyFile(join(dir, 'speech.wav'), join(sub, 'an102:final.wav'));
    const cwd = process.cwd();
    process.chdir(sub);
    try {
      expect((await probeAudio('-rf.wav')).durationSeconds).toBeGreaterThan(5);
      expect((await probeAudio('an102:final.wav')).durationSeconds).toBeGreaterThan(5);
      expect(fileArg('-rf.wav')).toBe('file:-rf.wav');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('ID3 chapters above 255', () => {
  it('300 chapters: a top-level CTOC of child CTOCs; ffprobe reads all 300', async () => {
    const chapters = Array.from({ length: 300 }, (_, i) => ({ startSeconds: i * 0.02, endSeconds: (i + 1) * 0.02, title: `c${i}`, url: i === 0 ? 'javascript:alert(1)' : undefined }));
    const tag = renderId3({ title: 'x', chapters });
    const mp3 = join(dir, 'chapters.mp3');
    await ff('-f', 'lavfi', '-i', 'sine=duration=6.5', '-c:a', 'libmp3lame', '-id3v2_version', '0', join(dir, 'raw.mp3'));
    await writeFile(mp3, Buffer.concat([tag, await readFile(join(dir, 'raw.mp3'))]));
    const { stdout } = await ffprobe(['-v', 'error', '-print_format', 'json', '-show_chapters', fileArg(mp3)]);
    expect((JSON.parse(stdout.toString()) as { chapters: unknown[] }).chapters).toHaveLength(300);
    expect(tag.includes(Buffer.from('javascript:'))).toBe(false);
  });
});

describe('config and issue texts', () => {
  it('refuses paths.build inside the store, a javascript: publicBaseUrl, and names a missing cover before any analysis', async () => {
    expect(() => parseConfig({ show: SHOW, paths: { build: 'feed/build' } }, 'c.json', dir)).toThrow(/paths\.build: .* overlaps the store folder/);
    expect(() => parseConfig({ show: SHOW, store: { type: 'local', path: '.letterpod' } }, 'c.json', dir)).toThrow(/overlaps the store folder/);
    expect(() => parseConfig({ show: SHOW, store: { type: 'local', publicBaseUrl: 'javascript:alert(1)//' } }, 'c.json', dir)).toThrow(/publicBaseUrl must be an http/);
    const config = parseConfig({ show: { ...SHOW, image: 'nope.jpg' }, music: { intro: 'music/intro.wav' } }, 'c.json', dir);
    await expect(checkConfigFiles(config)).rejects.toThrow(/show\.image: .*nope\.jpg does not exist/);
    expect(config.review.required).toBe('when-warned');
  });

  it('refuses issue texts over 1 MB or 500 sections; drops javascript: links and URLs', async () => {
    const big = join(dir, 'an-500.md');
    await writeFile(big, '---\nissue: 500\n---\n\n' + 'word '.repeat(250_000));
    await expect(readIssue(big)).rejects.toThrow(/is 1\.3 MB, more than an issue text can be/);
    const many = join(dir, 'an-501.md');
    await writeFile(many, '---\nissue: 501\n---\n\n' + Array.from({ length: 520 }, (_, i) => `# Part ${i}\n\nText ${i}.\n`).join('\n'));
    await expect(readIssue(many)).rejects.toThrow(/has 5\d\d sections, more than an episode can have chapters \(limit 500\)/);
    const js = join(dir, 'an-502.md');
    await writeFile(js, '---\nissue: 502\nurl: "javascript:alert(1)"\n---\n\n# One\n\n[Evil](javascript:alert(1)) and [good](https://example.org/p).\n');
    const issue = await readIssue(js);
    expect(issue.url).toBeUndefined();
    expect(issue.sections.flatMap((s) => s.links.map((l) => l.url))).toEqual(['https://example.org/p']);
  });
});

describe('faults', () => {
  it('ENOSPC, EROFS, EACCES: one line with a fix', () => {
    const e = (code: string) => Object.assign(new Error(`${code}: x`), { code, path: '/p/feed/x' });
    expect(describeFault(e('ENOSPC'))).toMatchObject({ problem: 'the disk is full (/p/feed/x)', fix: expect.stringMatching(/Free some space/) });
    expect(describeFault(e('EROFS'))?.problem).toBe('the folder is on a read-only file system (/p/feed/x)');
    expect(describeFault(e('EACCES'))?.fix).toMatch(/write access to \/p\/feed\/x/);
    expect(describeFault(new Error('x'))).toBeUndefined();
  });

  it('temp names are unique per process and call; a dead process\'s temps are removed on the next run, a live one\'s kept', async () => {
    const sub = join(dir, 'temps');
    await mkdir(sub, { recursive: true });
    const a = tempName(join(sub, 'an-091.mp3'), 'part');
    expect(a).not.toBe(tempName(join(sub, 'an-091.mp3'), 'part'));
    const gone = await deadPid();
    const dead = a.replace(`.${process.pid}.`, `.${gone}.`);
    await writeFile(dead, 'x');
    await writeFile(a, 'mine');
    await writeFile(join(sub, `episode.json.tmp-${gone}`), 'old');
    const removed = await removeStaleTemps(sub, 24 * 3600_000);
    expect(removed.sort()).toEqual([dead.split('/').pop(), `episode.json.tmp-${gone}`].sort());
    expect(existsSync(a)).toBe(true);
  });

  it('the local store takes over a lock whose owner is gone at once, and removes .tmp leftovers of dead processes', async () => {
    const root = join(dir, 'store');
    const store = new LocalStore(root, { lockTimeoutMs: 10_000, staleLockMs: 60_000 });
    await store.put('feed.xml', Buffer.from('a'), { contentType: 'text/xml', cacheControl: 'x' });
    const locks = join(root, '.letterpod-store', 'locks');
    await mkdir(locks, { recursive: true });
    const pid = await deadPid();
    await writeFile(join(locks, 'feed.xml.lock'), JSON.stringify({ pid, host: hostname() }));
    const t0 = Date.now();
    await store.put('feed.xml', Buffer.from('b'), { contentType: 'text/xml', cacheControl: 'x' });
    expect(Date.now() - t0).toBeLessThan(1000);
    await mkdir(join(root, 'episodes', 'an-001'), { recursive: true });
    const leftover = join(root, 'episodes', 'an-001', `.an-001-abc.mp3.${pid}.0123456789ab.tmp`);
    await writeFile(leftover, 'half');
    expect(await store.removeStaleTemps()).toEqual([`episodes/an-001/.an-001-abc.mp3.${pid}.0123456789ab.tmp`]);
    expect(await readdir(join(root, 'episodes', 'an-001'))).toEqual([]);
  });

  it('a hanging S3 endpoint (accepts, never answers) fails within its bounded timeout and retries, with a clear error', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const store = new S3Store(
      { type: 's3', bucket: 'hang', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, publicBaseUrl: 'https://cdn.example.org/' } as never,
      { credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestTimeoutMs: 400, maxAttempts: 2, retryBaseDelayMs: 10 } as never,
    );
    const t0 = Date.now();
    const error = await store.head('feed.xml').then(() => undefined, (e: Error) => e);
    const took = Date.now() - t0;
    for (const s of sockets) s.destroy();
    server.close();
    expect(error?.message).toMatch(/hang|127\.0\.0\.1|time/i);
    expect(error?.message).not.toMatch(/unexpected/);
    expect(took).toBeLessThan(5000);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
  });
});
