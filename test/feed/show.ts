/**
 * Small real shows for feed and check tests: a config with every show field, a manifest,
 * and the store objects it names (silent MP3s, chapters, transcripts, PNG artwork), so a
 * rendered feed can be checked against real files, locally or over HTTP.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { silentMp3, solidPng } from '../../src/bench/feed.js';
import { parseConfig, type LoadedConfig } from '../../src/config/config.js';
import { renderFeed } from '../../src/feed/render.js';
import { FEED_KEY, keys, MANIFEST_KEY } from '../../src/store/keys.js';
import { serializeManifest, type Manifest, type ManifestEpisode, type StoredFile } from '../../src/store/manifest.js';

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export interface ShowOptions {
  publicBaseUrl?: string;
  show?: Record<string, unknown>;
  feed?: Record<string, unknown>;
  root?: string;
}

export function showConfig(options: ShowOptions = {}): LoadedConfig {
  const root = options.root ?? '/tmp/letterpod-show';
  return parseConfig(
    {
      show: {
        title: 'Alignment Newsletter Podcast',
        description: 'Recorded summaries of the Alignment Newsletter.',
        author: 'Alignment Newsletter',
        owner: { name: 'Podcast Producer', email: 'producer@example.org' },
        language: 'en',
        link: 'https://example.org/alignment-newsletter',
        copyright: 'Rohin Shah',
        category: 'Science > Mathematics',
        explicit: false,
        narrator: 'Robert Miles',
        newsletterAuthor: 'Rohin Shah',
        people: { 'Rohin Shah': { href: 'https://rohinshah.com/', img: 'https://example.org/rohin.jpg' } },
        ...options.show,
      },
      store: { type: 'local', path: 'feed', publicBaseUrl: options.publicBaseUrl ?? 'https://cdn.example.org/podcast/' },
      ...(options.feed ? { feed: options.feed } : {}),
    },
    join(root, 'letterpod.config.json'),
    root,
  );
}

export interface EpisodeInput {
  number: number;
  title?: string;
  pubDate?: string;
  updatedAt?: string;
  guid?: string;
  notesHtml?: string;
  description?: string;
  /** MPEG frames of the stand-in audio (size and duration follow). */
  frames?: number;
}

export interface BuiltShow {
  config: LoadedConfig;
  manifest: Manifest;
  objects: Map<string, Buffer>;
  xml: string;
}

/** A manifest and its store objects; artwork is a solid PNG of `artwork` px (width × height). */
export function buildShow(
  episodes: readonly EpisodeInput[],
  options: ShowOptions & { artwork?: [number, number] | null } = {},
): BuiltShow {
  const config = showConfig(options);
  const objects = new Map<string, Buffer>();
  const put = (key: string, body: Buffer): StoredFile => {
    objects.set(key, body);
    return { key, bytes: body.length, sha256: sha256(body) };
  };
  const list: ManifestEpisode[] = episodes.map((e) => {
    const slug = `an-${e.number}`;
    const mp3 = silentMp3(e.frames ?? 30 + e.number);
    const chapters = Buffer.from(JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Intro' }, { startTime: 1, title: 'Highlights' }] }));
    const vtt = Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello.\n');
    const srt = Buffer.from(`1\n00:00:00,000 --> 00:00:01,000\nHello ${e.number}.\n`);
    const pubDate = e.pubDate ?? new Date(Date.UTC(2024, 0, e.number % 28 + 1, 12)).toISOString();
    const title = e.title ?? `Issue ${e.number}`;
    return {
      number: e.number,
      slug,
      guid: e.guid ?? `00000000-0000-4000-8000-${String(e.number).padStart(12, '0')}`,
      pubDate,
      firstPublishedAt: pubDate,
      updatedAt: e.updatedAt ?? pubDate,
      title,
      url: `https://example.org/an/${e.number}`,
      description: e.description ?? `Summaries for issue ${e.number}.`,
      notesHtml: e.notesHtml ?? `<p>Summaries for <b>issue ${e.number}</b>.</p>\n`,
      audio: { ...put(keys.audio(slug, sha256(mp3)), mp3), durationSeconds: ((e.frames ?? 30 + e.number) * 1152) / 44100 },
      chapters: put(keys.chapters(slug, sha256(chapters)), chapters),
      transcripts: { vtt: put(keys.transcriptVtt(slug, sha256(vtt)), vtt), srt: put(keys.transcriptSrt(slug, sha256(srt)), srt) },
      source: { sha256: sha256(`src ${e.number}`) },
    };
  });
  let artwork: Manifest['artwork'];
  if (options.artwork !== null) {
    const [w, h] = options.artwork ?? [1400, 1400];
    const png = solidPng(w, h);
    artwork = { ...put(keys.cover(sha256(png), 'png'), png), contentType: 'image/png' };
  }
  const manifest: Manifest = {
    version: 1,
    channel: { fingerprint: 'test', updatedAt: '2024-01-01T00:00:00.000Z' },
    ...(artwork ? { artwork } : {}),
    episodes: list.sort((a, b) => a.number - b.number),
  };
  objects.set(MANIFEST_KEY, Buffer.from(serializeManifest(manifest)));
  const xml = renderFeed(config, manifest);
  objects.set(FEED_KEY, Buffer.from(xml));
  return { config, manifest, objects, xml };
}

/** Write the store objects into a folder (the bench's writer: one way to lay out a local store). */
export { writeStore as writeObjects } from '../../src/bench/feed.js';
