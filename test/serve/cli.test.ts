/** `letterpod serve` as a real process: it serves the store, says where, and stops cleanly. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterpod } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';
import { scratch } from '../helpers/tmp.js';
import { cleanUp, makeServedStore, type ServedStore } from './fixture.js';

let s: ServedStore;
let base: string;

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  feedUrl: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `letterpod serve …` and wait until it prints the feed URL. */
function startServe(args: string[], cwd: string): Promise<Running> {
  const child = spawn(process.execPath, [join(projectRoot, 'dist', 'cli', 'main.js'), 'serve', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${out} ${err}`));
    }, 20_000);
    const check = () => {
      const m = /^feed: (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, stdout: () => out, stderr: () => err, feedUrl: m[1]!, exit });
      }
    };
    child.stdout.on('data', check);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited early: ${out} ${err}`));
    });
  });
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: timed out`)), ms))]);
}

function expectOneLine(r: { code: number | null; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

beforeAll(async () => {
  base = await scratch('serve-cli');
  s = await makeServedStore(join(base, 'show'));
});

afterAll(() => cleanUp(base));

describe('letterpod serve', () => {
  it('serves feed.xml on an ephemeral port, logs the request, and exits 0 on SIGTERM', async () => {
    const run = await startServe(['--port', '0', '--host', '127.0.0.1'], s.project);
    try {
      expect(run.stdout()).toMatch(/^serving .*feed at:\n {2}http:\/\/127\.0\.0\.1:\d+\/\nfeed: http:\/\/127\.0\.0\.1:\d+\/feed\.xml\n$/);
      // The config's publicBaseUrl (localhost:8080) is not where this server is.
      await until(() => run.stderr().includes('note:'));
      expect(run.stderr()).toMatch(/note: the feed's episode links use store\.publicBaseUrl http:\/\/localhost:8080\//);
      const r = await fetch(run.feedUrl);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
      expect(Buffer.from(await r.arrayBuffer()).equals(await readFile(join(s.feedDir, 'feed.xml')))).toBe(true);
      // fetch keeps its connection alive: shutdown must not wait for it.
      run.child.kill('SIGTERM');
      const exit = await withTimeout(run.exit, 10_000, 'exit after SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      await until(() => run.stderr().includes('stopping'));
      expect(run.stderr()).toMatch(/^GET \/feed\.xml 200 \d+ /m);
      expect(run.stderr()).toMatch(/SIGTERM: stopping/);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('exits 0 on SIGINT with a download still in flight, using --config from another folder', async () => {
    const run = await startServe(['--config', join(s.project, 'letterpod.config.json'), '--port', '0', '--host', '127.0.0.1'], base);
    try {
      const audioUrl = new URL(s.keys.audio, run.feedUrl.replace(/feed\.xml$/, ''));
      // A client that reads the headers and then stalls.
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(audioUrl, (res) => {
          expect(res.statusCode).toBe(200);
          res.pause();
          resolve();
        });
        req.on('error', reject);
        req.end();
      });
      run.child.kill('SIGINT');
      const exit = await withTimeout(run.exit, 10_000, 'exit after SIGINT');
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('refuses an S3 store with one line naming the config and what to do', async () => {
    const dir = join(base, 's3-show');
    await mkdir(dir, { recursive: true });
    const config = JSON.parse(await readFile(join(s.project, 'letterpod.config.json'), 'utf8')) as Record<string, unknown>;
    config.store = { type: 's3', bucket: 'podcast-bucket', region: 'eu-west-1', publicBaseUrl: 'https://cdn.example.org/podcast/' };
    await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify(config));
    const r = await letterpod(['serve', '--port', '0'], dir);
    expectOneLine(r, 1, /^letterpod: .*letterpod\.config\.json: store\.type is "s3": letterpod serve serves only a local store folder\. .*https:\/\/cdn\.example\.org\/podcast\//);
  });

  it('a port in use, a bad port and a missing store folder are one-line errors', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const busy = (blocker.address() as AddressInfo).port;
      expectOneLine(await letterpod(['serve', '--port', String(busy), '--host', '127.0.0.1'], s.project), 1, new RegExp(`port ${busy} is already in use.*--port`));
    } finally {
      blocker.close();
    }
    expectOneLine(await letterpod(['serve', '--port', 'http'], s.project), 2, /--port must be a TCP port number/);
    expectOneLine(await letterpod(['serve', '--port', '70000'], s.project), 2, /--port must be a TCP port number/);
    const empty = join(base, 'no-store');
    // not a project: refused, with the way out
    await mkdir(empty, { recursive: true });
    expectOneLine(await letterpod(['serve', '--port', '0'], empty), 2, /no letterpod\.config\.json in .*no-store: `letterpod serve` works on a project; run `letterpod init`/);
    // a project that never published
    await mkdir(join(empty, 'recordings'));
    await mkdir(join(empty, 'newsletters'));
    expectOneLine(await letterpod(['serve', '--port', '0'], empty), 1, /no-store\/feed: the store folder does not exist\. Run letterpod publish first/);
  });
});
