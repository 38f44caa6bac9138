/**
 * Small real builds for store/feed tests: an MP3 made by ffmpeg, a chapters JSON, show
 * notes, transcripts, and an EpisodeReport describing them (as `letterpod build` would).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig, type LoadedConfig } from '../../src/config/config.js';
import type { EpisodeReport } from '../../src/episode/report.js';

const run = promisify(execFile);

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `letterpod-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A sine tone as MP3 (96 kbps mono). Different frequency or duration → different bytes. */
export async function makeMp3(path: string, frequency: number, seconds: number): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`,
    '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '96k', path,
  ]);
}

export async function makePng(path: string, size = 1400): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=navy:s=${size}x${size}`, '-frames:v', '1', path,
  ]);
}

export interface FixtureEpisode {
  number: number;
  title: string;
  published?: string;
  url?: string;
  frequency?: number;
  seconds?: number;
  notesHtml?: string;
  transcripts?: boolean;
  chapterTitles?: string[];
}

/** Build the artifacts of one episode in `dir/an-<number>/` and return its report. */
export async function makeBuild(dir: string, ep: FixtureEpisode): Promise<EpisodeReport> {
  const slug = `an-${ep.number}`;
  const out = join(dir, slug);
  await mkdir(out, { recursive: true });
  const seconds = ep.seconds ?? 3;
  const audio = join(out, `${slug}.mp3`);
  await makeMp3(audio, ep.frequency ?? 440, seconds);
  const audioBytes = await readFile(audio);
  const titles = ep.chapterTitles ?? ['Intro', 'Highlights'];
  const chapters = join(out, `${slug}.chapters.json`);
  await writeFile(
    chapters,
    JSON.stringify({ version: '1.2.0', chapters: titles.map((title, i) => ({ startTime: i, title })) }, null, 2) + '\n',
  );
  const notes = join(out, `${slug}.notes.html`);
  const escaped = ep.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  await writeFile(notes, ep.notesHtml ?? `<h2>${escaped}</h2>\n<p>Summaries &amp; opinions for issue ${ep.number}.</p>\n`);
  const files: EpisodeReport['files'] = { audio, chapters, notes, report: join(out, 'episode.json') };
  if (ep.transcripts !== false) {
    files.transcriptVtt = join(out, `${slug}.vtt`);
    files.transcriptSrt = join(out, `${slug}.srt`);
    await writeFile(files.transcriptVtt, 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello.\n');
    await writeFile(files.transcriptSrt, '1\n00:00:00,000 --> 00:00:01,000\nHello.\n');
  }
  const report: EpisodeReport = {
    issue: { number: ep.number, title: ep.title, ...(ep.published ? { published: ep.published } : {}), ...(ep.url ? { url: ep.url } : {}) },
    recording: `recordings/${slug}.wav`,
    audio: {
      path: audio,
      bytes: audioBytes.length,
      durationSeconds: seconds + 0.026,
      sampleRate: 44100,
      channels: 1,
      bitrateKbps: 96,
      sha256: sha256(audioBytes),
    },
    loudness: {
      targetLufs: -16,
      truePeakTargetDbtp: -1.5,
      mode: 'linear',
      gainDb: 0,
      limiterEngaged: false,
      encodes: 1,
      input: { integratedLufs: -20, truePeakDbtp: -3, lraLu: 2 },
      output: { integratedLufs: -16, truePeakDbtp: -1.6, lraLu: 2 },
    },
    skipped: [],
    quality: {
      highpassHz: 80,
      trimmedHeadSeconds: 0,
      trimmedTailSeconds: 0,
      recordingSeconds: seconds,
      speechSeconds: seconds,
      introSeconds: 0,
      outroSeconds: 0,
      speechOffsetSeconds: 0,
      episodeSeconds: seconds,
    },
    chapters: titles.map((title, i) => ({ id: `s${i + 1}`, title, startSeconds: i, endSeconds: i + 1, confidence: 1 })),
    files,
    warnings: [],
    source: {
      bytes: 1234,
      sha256: sha256(`recording ${ep.number} ${ep.frequency ?? 440}`),
      issueSha256: sha256(`issue ${ep.number}`),
      settings: 'test',
    },
    builtAt: '2024-05-01T10:00:00.000Z',
  };
  await writeFile(files.report, JSON.stringify(report, null, 2));
  return report;
}

export function testConfig(root: string, overrides: { image?: string; title?: string; publicBaseUrl?: string } = {}): LoadedConfig {
  return parseConfig(
    {
      show: {
        title: overrides.title ?? 'Alignment Newsletter Podcast',
        description: 'Recorded summaries of the Alignment Newsletter.',
        author: 'Alignment Newsletter',
        owner: { name: 'Podcast Producer', email: 'producer@example.org' },
        language: 'en',
        link: 'https://example.org/alignment-newsletter',
        category: 'Society & Culture > Philosophy',
        explicit: false,
        ...(overrides.image ? { image: overrides.image } : {}),
      },
      store: { type: 'local', path: 'feed', publicBaseUrl: overrides.publicBaseUrl ?? 'https://cdn.example.org/podcast/' },
    },
    join(root, 'letterpod.config.json'),
    root,
  );
}

export interface FileState {
  bytes: string;
  mtimeMs: number;
  size: number;
}

/** Every file under `dir` (hidden ones included) with its content hash and mtime. */
export async function snapshot(dir: string): Promise<Map<string, FileState>> {
  const out = new Map<string, FileState>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const info = await stat(path);
        out.set(relative(dir, path), { bytes: sha256(await readFile(path)), mtimeMs: info.mtimeMs, size: info.size });
      }
    }
  };
  await walk(dir);
  return out;
}
