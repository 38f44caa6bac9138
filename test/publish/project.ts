/**
 * Project folders for publish/status tests without running real builds: issue texts in
 * newsletters/, short WAV recordings in recordings/, and fixture builds (test/store/fixtures.ts)
 * in the build folder whose episode.json names exactly those recordings, texts and settings —
 * so `letterpod publish` and `status` take them for current builds, as they would a real one.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, type LoadedConfig } from '../../src/config/config.js';
import { buildSettings } from '../../src/episode/build.js';
import type { EpisodeReport } from '../../src/episode/report.js';
import { makeBuild, sha256 } from '../store/fixtures.js';

const run = promisify(execFile);

export interface ProjectEpisode {
  number: number;
  title?: string;
  published?: string;
  /** Tone of the built MP3 (another value = another master). */
  frequency?: number;
  /** Length of the built MP3 (s). */
  seconds?: number;
  /** Write the recording (default true). */
  recording?: boolean;
  /** Make a current build (default true). */
  built?: boolean;
  /** Tone of the recording (another value = another take). */
  take?: number;
}

export const SHOW = {
  title: 'Alignment Newsletter Podcast',
  description: 'Recorded summaries of the Alignment Newsletter.',
  author: 'Alignment Newsletter',
  owner: { name: 'Podcast Producer', email: 'producer@example.org' },
  language: 'en',
  link: 'https://example.org/alignment-newsletter',
  category: 'Technology',
  explicit: false,
};

export function issueText(number: number, title: string, published?: string): string {
  return [
    '---',
    `title: "[AN #${number}]: ${title}"`,
    `issue: ${number}`,
    ...(published ? [`published: ${published}`] : []),
    `url: https://example.org/an/${number}`,
    '---',
    '',
    `**Newsletter #${number}**`,
    '',
    'HIGHLIGHTS',
    '==========',
    '',
    `**[${title}](https://example.org/papers/${number})** *(Ada Byron)* (summarized by Rohin): A summary of the paper for issue ${number}.`,
    '',
  ].join('\n');
}

/** A project folder with letterpod.config.json naming `store`. */
export async function makeProject(dir: string, store: Record<string, unknown>): Promise<LoadedConfig> {
  await mkdir(join(dir, 'newsletters'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await writeFile(join(dir, 'letterpod.config.json'), JSON.stringify({ show: SHOW, store }, null, 2));
  return loadConfig(undefined, dir);
}

/** A short WAV take (a tone: its frequency makes the bytes). */
export async function makeWav(path: string, frequency: number): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=1`,
    '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', path,
  ]);
}

/** Make a fixture build current for the project's recording, issue text and settings. */
export async function markCurrent(config: LoadedConfig, report: EpisodeReport, recording: string, issueFile: string): Promise<EpisodeReport> {
  const rec = await readFile(recording);
  const updated: EpisodeReport = {
    ...report,
    recording,
    source: { bytes: rec.length, sha256: sha256(rec), issueSha256: sha256(await readFile(issueFile)), settings: buildSettings(config) },
  };
  await writeFile(report.files.report, JSON.stringify(updated, null, 2) + '\n');
  return updated;
}

/** Add an episode: its issue text, its recording and a current build (each optional). */
export async function addEpisode(config: LoadedConfig, ep: ProjectEpisode): Promise<{ issueFile: string; recording: string; report?: EpisodeReport }> {
  const title = ep.title ?? `Issue ${ep.number}`;
  const issueFile = join(config.resolved.newsletters, `an-${ep.number}.md`);
  await writeFile(issueFile, issueText(ep.number, title, ep.published));
  const recording = join(config.resolved.recordings, `an-${ep.number}.wav`);
  if (ep.recording !== false) await makeWav(recording, ep.take ?? 200 + ep.number);
  if (ep.built === false) return { issueFile, recording };
  const report = await makeBuild(config.resolved.build, {
    number: ep.number,
    title,
    ...(ep.published ? { published: ep.published } : {}),
    url: `https://example.org/an/${ep.number}`,
    frequency: ep.frequency ?? 300 + ep.number,
    seconds: ep.seconds ?? 2,
  });
  if (ep.recording === false) return { issueFile, recording, report };
  return { issueFile, recording, report: await markCurrent(config, report, recording, issueFile) };
}
