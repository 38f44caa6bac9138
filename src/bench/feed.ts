#!/usr/bin/env node
/**
 * npm run bench:feed [-- rounds]: how long renderFeed takes for the 170 episodes of the
 * Alignment Newsletter spreadsheet (../shared/newsletters/summaries.csv, or
 * $LETTERPOD_SHARED/newsletters/summaries.csv): show notes and descriptions made by
 * renderNotes/plainDescription from every summary, tiny stand-in MP3s. Prints the median,
 * fastest and slowest render (wall) time and the CPU time per render, the feed size, and
 * the time `check` needs to parse and rule on it against the local files.
 *
 * The same fixture builder serves test/feed/scale.test.ts (exported below).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { exampleConfig, parseConfig, type LoadedConfig } from '../config/config.js';
import { INTRO_MUSIC_ID } from '../episode/chapters.js';
import { renderNotes } from '../episode/notes.js';
import type { ChapterReport } from '../episode/report.js';
import { srtTime, vttTime } from '../episode/timecode.js';
import { renderFeed } from '../feed/render.js';
import { plainDescription } from '../feed/text.js';
import { PODCAST_GUID_NAMESPACE, uuidV5 } from '../feed/uuid.js';
import type { Issue, Link, Section } from '../newsletter/types.js';
import { FEED_KEY, keys, MANIFEST_KEY } from '../store/keys.js';
import { serializeManifest, type Manifest, type ManifestEpisode, type StoredFile } from '../store/manifest.js';

// ---- summaries.csv -----------------------------------------------------------------------------

/** RFC 4180 CSV: quoted fields with "" for a quote and line breaks inside, CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const MD_LINK = /\[([^\]]*)\]\(([^)\s]+)\)/g;

/** Markdown links → their text, collected in order. */
function unlink(markdown: string, links: Link[]): string {
  return markdown.replace(MD_LINK, (_, text: string, url: string) => {
    links.push({ text, url });
    return text;
  });
}

/**
 * The issues of summaries.csv as parsed issues: an intro, the categories as headings (in
 * the order they first appear), one summary section per row.
 */
export function issuesFromSummaries(csv: string): Issue[] {
  const [header, ...rows] = parseCsv(csv);
  if (!header) return [];
  const col = (name: string) => header.indexOf(name);
  const at = { category: col('Category'), title: col('Title'), authors: col('Authors'), email: col('Email'), summarizer: col('Summarizer'), summary: col('Summary'), opinion: col('My opinion'), more: col('Read more') };
  const byIssue = new Map<number, string[][]>();
  for (const row of rows) {
    const m = /^AN #(\d+)$/.exec((row[at.email] ?? '').trim());
    if (!m) continue;
    const n = Number(m[1]);
    byIssue.set(n, [...(byIssue.get(n) ?? []), row]);
  }
  const issues: Issue[] = [];
  for (const [number, issueRows] of [...byIssue].sort((a, b) => a[0] - b[0])) {
    const sections: Section[] = [];
    const id = () => `s${sections.length + 1}`;
    const intro = `Alignment Newsletter #${number}: recent work relevant to AI alignment, summarized by the team. Find every summary in the spreadsheet.`;
    sections.push({ id: id(), kind: 'intro', title: 'Introduction', body: intro, text: intro, links: [{ text: 'spreadsheet', url: 'https://rohinshah.com/alignment-newsletter/' }] });
    let category = '';
    for (const row of issueRows) {
      const cat = (row[at.category] ?? '').trim();
      if (cat && cat !== category) {
        category = cat;
        sections.push({ id: id(), kind: 'heading', title: cat, text: cat, links: [] });
      }
      const links: Link[] = [];
      const title = (row[at.title] ?? '').trim() || 'Untitled';
      const body = unlink(row[at.summary] ?? '', links);
      const opinion = unlink(row[at.opinion] ?? '', links);
      unlink(row[at.more] ?? '', links);
      const summarizer = (row[at.summarizer] ?? '').trim();
      sections.push({
        id: id(),
        kind: 'summary',
        title,
        ...(row[at.authors]?.trim() ? { authors: row[at.authors]!.trim() } : {}),
        ...(summarizer ? { summarizer } : {}),
        body,
        ...(opinion.trim() ? { opinion } : {}),
        text: `${title}. ${body} ${opinion}`,
        links,
      });
    }
    const first = issueRows[0]?.[at.title]?.trim() ?? `Issue ${number}`;
    issues.push({ number, title: first, format: 'markdown', sections, source: `summaries.csv#AN-${number}` });
  }
  return issues;
}

// ---- tiny media ----------------------------------------------------------------------------------

/**
 * A silent MP3: `frames` MPEG-1 Layer III frames, 32 kbps, 44.1 kHz, mono (104 bytes,
 * 1152 samples each; zero side info is digital silence).
 */
export function silentMp3(frames: number): Buffer {
  const frame = Buffer.alloc(104);
  frame.set([0xff, 0xfb, 0x10, 0xc0]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A one-colour RGB PNG of width × height. */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [20, 40, 90]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the show ----------------------------------------------------------------------------------

export interface ScaleShow {
  config: LoadedConfig;
  manifest: Manifest;
  issues: Issue[];
  /** Every object of the store by key (audio, chapters, transcripts, artwork, manifest.json, feed.xml). */
  objects: Map<string, Buffer>;
}

export interface ScaleOptions {
  /** Where the show's config would live (its store folder is `<root>/feed`). */
  root: string;
  publicBaseUrl?: string;
  itemLimit?: number;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const WEEK = 7 * 24 * 3600 * 1000;
const FIRST_ISSUE = Date.UTC(2018, 3, 9, 17, 0, 0); // AN #1: 9 April 2018

export function scaleConfig(root: string, publicBaseUrl = 'https://cdn.example.org/an/', itemLimit?: number): LoadedConfig {
  return parseConfig(
    {
      // the example show, with everything the feed can carry about it
      show: {
        ...exampleConfig.show,
        copyright: 'Rohin Shah and contributors, CC BY 4.0',
        image: 'cover.png',
        narrator: 'Robert Miles',
        newsletterAuthor: 'Rohin Shah',
        people: {
          'Rohin Shah': { href: 'https://rohinshah.com/', img: 'https://example.org/people/rohin.jpg' },
        },
      },
      store: { type: 'local', path: 'feed', publicBaseUrl },
      ...(itemLimit ? { feed: { itemLimit } } : {}),
    },
    join(root, 'letterpod.config.json'),
    root,
  );
}

/** Chapters as a build would make them: intro music on every other issue, then intro and summaries a minute apart. */
function chaptersFor(issue: Issue): { chapters: ChapterReport[]; seconds: number } {
  const chapters: ChapterReport[] = [];
  let t = 0;
  if (issue.number % 2 === 0) {
    chapters.push({ id: INTRO_MUSIC_ID, title: 'Intro', startSeconds: 0, endSeconds: 8, confidence: 1 });
    t = 8;
  }
  for (const s of issue.sections) {
    if (s.kind === 'heading') continue;
    chapters.push({ id: s.id, title: s.title, startSeconds: t, endSeconds: 0, confidence: 0.9 });
    t += s.kind === 'intro' ? 25 : 60 + (s.text.length % 90);
  }
  chapters.forEach((c, i) => (c.endSeconds = chapters[i + 1]?.startSeconds ?? t));
  return { chapters, seconds: t };
}

/**
 * The whole show in memory: config, manifest and every store object, deterministic (GUIDs
 * are UUIDv5 of the slug; dates weekly from AN #1).
 */
export function buildScaleShow(csv: string, options: ScaleOptions): ScaleShow {
  const config = scaleConfig(options.root, options.publicBaseUrl, options.itemLimit);
  const objects = new Map<string, Buffer>();
  const put = (key: string, body: Buffer): StoredFile => {
    objects.set(key, body);
    return { key, bytes: body.length, sha256: sha(body) };
  };
  const cover = solidPng(1400, 1400);
  const artworkKey = keys.cover(sha(cover), 'png');
  objects.set(artworkKey, cover);
  const issues = issuesFromSummaries(csv);
  const episodes: ManifestEpisode[] = issues.map((issue) => {
    const slug = `an-${issue.number}`;
    const { chapters, seconds } = chaptersFor(issue);
    const mp3 = silentMp3(20 + (issue.number % 23));
    const audio = put(keys.audio(slug, sha(mp3)), mp3);
    const chaptersJson = Buffer.from(JSON.stringify({ version: '1.2.0', chapters: chapters.map((c) => ({ startTime: c.startSeconds, title: c.title })) }) + '\n');
    const vtt = Buffer.from(`WEBVTT\n\n${chapters.map((c) => `${vttTime(c.startSeconds)} --> ${vttTime(c.endSeconds)}\n${c.title}\n`).join('\n')}`);
    const srt = Buffer.from(chapters.map((c, i) => `${i + 1}\n${srtTime(c.startSeconds)} --> ${srtTime(c.endSeconds)}\n${c.title}\n`).join('\n'));
    const notesHtml = renderNotes(issue, chapters);
    const date = new Date(FIRST_ISSUE + (issue.number - 1) * WEEK).toISOString();
    return {
      number: issue.number,
      slug,
      guid: uuidV5(`letterpod-bench/${slug}`, PODCAST_GUID_NAMESPACE),
      pubDate: date,
      firstPublishedAt: date,
      updatedAt: date,
      title: issue.title,
      url: `https://example.org/alignment-newsletter/${issue.number}`,
      description: plainDescription(notesHtml, issue.title),
      notesHtml,
      audio: { ...audio, durationSeconds: seconds },
      chapters: put(keys.chapters(slug, sha(chaptersJson)), chaptersJson),
      transcripts: { vtt: put(keys.transcriptVtt(slug, sha(vtt)), vtt), srt: put(keys.transcriptSrt(slug, sha(srt)), srt) },
      source: { sha256: sha(`recording ${issue.number}`) },
    };
  });
  const last = episodes.reduce((t, e) => Math.max(t, Date.parse(e.updatedAt)), FIRST_ISSUE);
  const manifest: Manifest = {
    version: 1,
    channel: { fingerprint: 'bench', updatedAt: new Date(last).toISOString() },
    artwork: { key: artworkKey, bytes: cover.length, sha256: sha(cover), contentType: 'image/png' },
    episodes,
  };
  objects.set(MANIFEST_KEY, Buffer.from(serializeManifest(manifest)));
  objects.set(FEED_KEY, Buffer.from(renderFeed(config, manifest)));
  return { config, manifest, issues, objects };
}

/** Write the store objects into `folder` (a local store as `letterpod serve` or `check` reads it). */
export async function writeStore(folder: string, objects: Map<string, Buffer>): Promise<void> {
  for (const [key, body] of objects) {
    const path = join(folder, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }
}

export function summariesCsvPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const shared = resolve(process.env.LETTERPOD_SHARED ?? join(here, '..', '..', '..', 'shared'));
  return join(shared, 'newsletters', 'summaries.csv');
}

// ---- the benchmark -----------------------------------------------------------------------------

async function main(): Promise<void> {
  const rounds = Math.max(5, Number(process.argv[2] ?? 50) || 50);
  const csvPath = summariesCsvPath();
  if (!existsSync(csvPath)) {
    console.error(`bench:feed: ${csvPath} not found (set LETTERPOD_SHARED to the shared data folder)`);
    process.exit(1);
  }
  const root = join(tmpdir(), `letterpod-bench-feed-${process.pid}`);
  const show = buildScaleShow(await readFile(csvPath, 'utf8'), { root });
  const { checkFeed, localFetcher } = await import('../check/index.js');
  const times: number[] = [];
  let xml = '';
  let cpu = { user: 0, system: 0 };
  for (let i = 0; i < rounds + 5; i++) {
    if (i === 5) cpu = process.cpuUsage(); // the first renders warm up the JIT
    const start = process.hrtime.bigint();
    xml = renderFeed(show.config, show.manifest);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= 5) times.push(ms);
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / rounds;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const bytes = Buffer.byteLength(xml);
  const folder = join(root, 'feed');
  await writeStore(folder, show.objects);
  const start = process.hrtime.bigint();
  const report = await checkFeed(Buffer.from(xml), { source: 'bench', fetcher: localFetcher(folder, [show.config.store.publicBaseUrl]) });
  const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
  await rm(root, { recursive: true, force: true });
  console.log(`renderFeed, ${show.manifest.episodes.length} episodes, ${(bytes / 1e6).toFixed(2)} MB feed.xml, ${rounds} rounds:`);
  console.log(`  median ${median.toFixed(1)} ms, fastest ${times[0]!.toFixed(1)} ms, slowest ${times[times.length - 1]!.toFixed(1)} ms (target ≤ 100 ms)`);
  console.log(`  CPU ${cpuMs.toFixed(1)} ms per render (steadier than wall time on a busy machine)`);
  console.log(`check (parse, rules, local files): ${checkMs.toFixed(0)} ms, ${report.errors} errors, ${report.warnings} warnings`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
