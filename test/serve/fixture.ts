/**
 * A real published store for the serve tests: two episodes and a cover published by the
 * real protocol into `<project>/feed`, plus the things a server must not give away — a
 * secret beside the store, symlinks out of it and to the manifest, temp and partial files,
 * a FIFO — and a file copied in by hand (no store sidecar).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EpisodeReport } from '../../src/episode/report.js';
import { publishEpisodes } from '../../src/publish/protocol.js';
import { LocalStore } from '../../src/store/local.js';
import { readManifest } from '../../src/store/manifest.js';
import { makeBuild, makePng, sha256, testConfig } from '../store/fixtures.js';

export const SECRET = 'TOP-SECRET-outside-the-store';

export interface ServedStore {
  project: string;
  feedDir: string;
  /** Keys of the published objects. */
  keys: { feed: string; audio: string; audio2: string; chapters: string; vtt: string; srt: string; cover: string };
  /** A hand-copied MP3 named with its hash (no sidecar), and one without a hash in its name. */
  handCopied: { hashed: string; plain: string };
  /** The same-store symlink that is allowed (points at a public object). */
  innerLink: string;
}

export async function makeServedStore(project: string): Promise<ServedStore> {
  const builds = join(project, 'builds');
  const r1: EpisodeReport = await makeBuild(builds, { number: 101, title: 'First', published: '2024-03-01', seconds: 20 });
  const r2: EpisodeReport = await makeBuild(builds, { number: 102, title: 'Second', frequency: 550, published: '2024-03-08' });
  const cover = join(builds, 'cover.png');
  await makePng(cover, 1400);
  const config = testConfig(project, { image: cover, publicBaseUrl: 'http://localhost:8080/' });
  const feedDir = config.resolved.store!;
  const store = new LocalStore(feedDir);
  await publishEpisodes(config, store, [r1, r2], { now: new Date('2024-05-01T12:00:00Z') });
  const manifest = (await readManifest(store))!.manifest;
  const ep1 = manifest.episodes.find((e) => e.number === 101)!;
  const ep2 = manifest.episodes.find((e) => e.number === 102)!;
  const keys = {
    feed: 'feed.xml',
    audio: ep1.audio.key,
    audio2: ep2.audio.key,
    chapters: ep1.chapters!.key,
    vtt: ep1.transcripts.vtt!.key,
    srt: ep1.transcripts.srt!.key,
    cover: manifest.artwork!.key,
  };

  // Outside the store: a secret file beside it and a folder with one.
  await writeFile(join(project, 'secret.txt'), `${SECRET}\n`);
  await mkdir(join(project, 'outside'), { recursive: true });
  await writeFile(join(project, 'outside', 'secret.txt'), `${SECRET}\n`);
  // Inside: links out, a link to the private manifest, one to a public object.
  await symlink('/etc/passwd', join(feedDir, 'passwd.mp3'));
  await symlink(join(project, 'secret.txt'), join(feedDir, 'episodes', 'an-101', 'secret.mp3'));
  await symlink(join(project, 'outside'), join(feedDir, 'episodes', 'out'));
  await symlink('../../manifest.json', join(feedDir, 'episodes', 'an-101', 'chapters-00000000.json'));
  const innerLink = 'episodes/an-102/latest.mp3';
  await symlink(join('..', '..', ep2.audio.key), join(feedDir, innerLink));
  // Temp and partial files.
  await writeFile(join(feedDir, '.tmp-upload'), SECRET);
  await writeFile(join(feedDir, 'episodes', 'an-101', 'an-101-new.mp3.part'), SECRET);
  await writeFile(join(feedDir, 'episodes', 'an-101', 'notes.tmp'), SECRET);
  await promisify(execFile)('mkfifo', [join(feedDir, 'episodes', 'an-101', 'pipe.mp3')]);
  // Copied in by hand, no sidecar.
  const audioBytes = await readFile(join(feedDir, keys.audio2));
  const hashed = `episodes/extra/extra-${sha256(audioBytes).slice(0, 8)}.mp3`;
  const plain = 'episodes/extra/extra.mp3';
  await mkdir(join(feedDir, 'episodes', 'extra'), { recursive: true });
  await copyFile(join(feedDir, keys.audio2), join(feedDir, hashed));
  await copyFile(join(feedDir, keys.audio2), join(feedDir, plain));
  await writeFile(
    join(project, 'letterpod.config.json'),
    JSON.stringify({ show: { ...config.show, image: cover }, store: { type: 'local', path: 'feed', publicBaseUrl: 'http://localhost:8080/' } }, null, 2),
  );
  return { project, feedDir, keys, handCopied: { hashed, plain }, innerLink };
}

/**
 * Remove a scratch folder. (scratch() registers its own afterAll, but one registered from
 * inside a beforeAll hook is not run by vitest 4, so the suites here clean up themselves.)
 */
export async function cleanUp(dir: string | undefined): Promise<void> {
  if (dir && !process.env.LETTERPOD_KEEP_TMP) await rm(dir, { recursive: true, force: true });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request with a literal path (nothing normalized or decoded), no keep-alive. */
export function request(port: number, path: string, options: { method?: string; headers?: OutgoingHttpHeaders } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes on a socket, for request lines the http client refuses to send (NUL, spaces). */
export function rawRequest(port: number, requestLine: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(Buffer.from(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}
