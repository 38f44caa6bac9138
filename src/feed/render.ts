/**
 * feed.xml from the manifest (plus the show metadata of the config), with the `podcast`
 * package. Deterministic: the same manifest and config give the same bytes, because
 * lastBuildDate is the newest change recorded in the manifest, never "now".
 */
import { Podcast, type FeedItunesCategory, type ItemOptions } from 'podcast';
import type { LoadedConfig } from '../config.js';
import { LetterpodError } from '../errors.js';
import { FEED_TYPES } from '../store/content-types.js';
import type { Manifest, ManifestEpisode } from '../store/manifest.js';
import { DESCRIPTION_MAX_BYTES, truncateUtf8, xmlSafe } from './text.js';
import { feedUrl, publicUrl } from './urls.js';
import { podcastGuid } from './uuid.js';

/** The episode title from show.episodeTitle ("AN #{number}: {title}"). */
export function episodeTitle(pattern: string, episode: { number: number; title: string }): string {
  return pattern.replace(/\{(number|title)\}/g, (_, name: string) => (name === 'number' ? String(episode.number) : episode.title));
}

/** "Society & Culture > Philosophy" → the itunes:category tree. */
export function parseCategory(category: string): FeedItunesCategory[] {
  const [main, ...subs] = category.split('>').map((part) => part.trim()).filter(Boolean);
  if (!main) return [];
  return [subs.length ? { text: main, subcats: [{ text: subs.join(' ') }] } : { text: main }];
}

/** Newest first: by pubDate, then by issue number. */
export function feedOrder(episodes: readonly ManifestEpisode[]): ManifestEpisode[] {
  return [...episodes].sort((a, b) => Date.parse(b.pubDate) - Date.parse(a.pubDate) || b.number - a.number);
}

/** The newest content change the manifest records (what lastBuildDate shows). */
export function lastChange(manifest: Manifest): Date {
  let newest = Date.parse(manifest.channel.updatedAt);
  for (const episode of manifest.episodes) {
    newest = Math.max(newest, Date.parse(episode.updatedAt), Date.parse(episode.pubDate));
  }
  return new Date(newest);
}

function itemOptions(config: LoadedConfig, episode: ManifestEpisode): ItemOptions {
  const base = config.store.publicBaseUrl;
  const custom: unknown[] = [];
  if (episode.chapters) {
    custom.push({ 'podcast:chapters': { _attr: { url: publicUrl(base, episode.chapters.key), type: FEED_TYPES.chapters } } });
  }
  if (episode.transcripts.vtt) {
    custom.push({
      'podcast:transcript': {
        _attr: { url: publicUrl(base, episode.transcripts.vtt.key), type: FEED_TYPES.transcriptVtt, rel: 'captions' },
      },
    });
  }
  if (episode.transcripts.srt) {
    custom.push({
      'podcast:transcript': {
        _attr: { url: publicUrl(base, episode.transcripts.srt.key), type: FEED_TYPES.transcriptSrt, rel: 'captions' },
      },
    });
  }
  custom.push({ 'podcast:episode': episode.number });
  return {
    title: xmlSafe(episodeTitle(config.show.episodeTitle, episode)),
    itunesTitle: xmlSafe(episode.title),
    description: truncateUtf8(xmlSafe(episode.description), DESCRIPTION_MAX_BYTES),
    content: xmlSafe(episode.notesHtml),
    url: episode.url,
    guid: episode.guid,
    date: new Date(episode.pubDate),
    enclosure: { url: publicUrl(base, episode.audio.key), size: episode.audio.bytes, type: FEED_TYPES.audio },
    itunesAuthor: xmlSafe(config.show.author),
    itunesExplicit: config.show.explicit,
    itunesDuration: String(Math.round(episode.audio.durationSeconds)),
    itunesEpisode: episode.number,
    itunesEpisodeType: 'full',
    customElements: custom,
  };
}

export function renderFeed(config: LoadedConfig, manifest: Manifest): string {
  const show = config.show;
  const self = feedUrl(config.store.publicBaseUrl);
  const imageUrl = manifest.artwork ? publicUrl(config.store.publicBaseUrl, manifest.artwork.key) : undefined;
  const episodes = feedOrder(manifest.episodes);
  const podcast = new Podcast({
    title: xmlSafe(show.title),
    description: xmlSafe(show.description),
    feedUrl: self,
    siteUrl: show.link,
    imageUrl,
    itunesImage: imageUrl,
    author: xmlSafe(show.author),
    copyright: show.copyright === undefined ? undefined : xmlSafe(show.copyright),
    language: show.language,
    pubDate: episodes[0] ? new Date(episodes[0].pubDate) : undefined,
    generator: 'letterpod',
    itunesOwner: { name: xmlSafe(show.owner.name), email: show.owner.email },
    itunesExplicit: show.explicit,
    itunesCategory: parseCategory(show.category),
    itunesType: 'episodic',
    namespaces: { iTunes: true, podcast: true, simpleChapters: false },
    customElements: [
      { 'podcast:locked': [{ _attr: { owner: show.owner.email } }, 'no'] },
      { 'podcast:guid': podcastGuid(self) },
    ],
  });
  for (const episode of episodes) podcast.addItem(itemOptions(config, episode));
  const xml = podcast.buildXml({ indent: '  ' });
  // rss always writes lastBuildDate = now; pin it to the newest change in the manifest.
  const pinned = /(<generator>letterpod<\/generator>\s*)<lastBuildDate>[^<]*<\/lastBuildDate>/;
  if (!pinned.test(xml)) {
    throw new LetterpodError({ problem: 'feed rendering: no lastBuildDate after the generator', fix: 'This is a bug in letterpod; please report it' });
  }
  const built = lastChange(manifest).toUTCString();
  return xml.replace(pinned, (_, head: string) => `${head}<lastBuildDate>${built}</lastBuildDate>`) + '\n';
}
