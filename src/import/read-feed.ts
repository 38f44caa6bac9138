/**
 * Reading an existing podcast feed for `letterpod import`: every item with what must be
 * kept exactly (GUID, pubDate, title, description, duration, episode number, enclosure),
 * the issue number it stands for when its title or episode number says, and the channel's
 * metadata as a proposed show config. Parsed with the project's own XML parser.
 */
import { NS, parseFeed } from '../check/feed.js';
import { parseRfc2822 } from '../check/rfc2822.js';
import { attribute, child, children, textOf, type XmlElement } from '../check/xml.js';
import { LetterpodError } from '../errors.js';
import type { ImportedItem } from '../store/manifest.js';

const GOOGLEPLAY = 'http://www.google.com/schemas/play-podcasts/1.0';

export interface SourceItem {
  /** Position in the source feed (1-based). */
  position: number;
  guid: string;
  /** The pubDate as an instant (ISO). */
  published: string;
  /** The issue it stands for, when its title or episode number says. */
  issue?: number;
  durationSeconds?: number;
  item: ImportedItem;
}

export interface ProposedShow {
  title?: string;
  description?: string;
  author?: string;
  owner?: { name?: string; email?: string };
  language?: string;
  link?: string;
  copyright?: string;
  image?: string;
  categories: string[];
  explicit?: boolean;
  type?: string;
  podcastGuid?: string;
}

export interface SourceFeed {
  show: ProposedShow;
  items: SourceItem[];
  /** Items that cannot be imported, and why (no GUID and no enclosure, a duplicate GUID, an unreadable date). */
  problems: { position: number; title: string; problem: string }[];
  /** Items imported with a flaw of the old feed that stays until their audio is copied (no enclosure length). */
  warnings: { position: number; title: string; warning: string }[];
}

const trimmed = (e: XmlElement | undefined): string | undefined => {
  const t = e ? textOf(e).trim() : '';
  return t ? t : undefined;
};

/** itunes:duration as seconds: "3600", "1:00:00", "59:59". */
export function durationSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})$/.exec(value);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/**
 * The issue an item stands for: "#12" or "Issue 12" in its title, else a positive
 * itunes:episode of a full episode. Trailers and bonus items stand for none.
 */
export function issueNumberOf(title: string, episode: string | undefined, episodeType: string | undefined): number | undefined {
  const type = episodeType?.trim().toLowerCase();
  if (type === 'trailer' || type === 'bonus') return undefined;
  const m = /#\s*(\d{1,6})\b/.exec(title) ?? /\bissue\s+(\d{1,6})\b/i.exec(title);
  if (m) return Number(m[1]);
  if (episode && /^\d{1,6}$/.test(episode.trim()) && Number(episode) > 0) return Number(episode);
  return undefined;
}

function readShow(channel: XmlElement): ProposedShow {
  const it = (local: string) => trimmed(child(channel, NS.itunes, local));
  const gp = (local: string) => trimmed(child(channel, GOOGLEPLAY, local));
  const owner = child(channel, NS.itunes, 'owner');
  const image = child(channel, NS.itunes, 'image');
  const categories: string[] = [];
  for (const c of children(channel, NS.itunes, 'category')) {
    const main = attribute(c, 'text');
    if (!main) continue;
    const sub = child(c, NS.itunes, 'category');
    categories.push(sub && attribute(sub, 'text') ? `${main} > ${attribute(sub, 'text')}` : main);
  }
  const explicit = it('explicit')?.toLowerCase();
  return {
    title: trimmed(child(channel, '', 'title')),
    description: trimmed(child(channel, '', 'description')) ?? it('summary') ?? gp('description'),
    author: it('author') ?? gp('author'),
    ...(owner ? { owner: { name: trimmed(child(owner, NS.itunes, 'name')), email: trimmed(child(owner, NS.itunes, 'email')) ?? gp('email') } } : {}),
    language: trimmed(child(channel, '', 'language')),
    link: trimmed(child(channel, '', 'link')),
    copyright: trimmed(child(channel, '', 'copyright')),
    image: (image && attribute(image, 'href')) ?? trimmed(child(child(channel, '', 'image') ?? channel, '', 'url')),
    categories,
    ...(explicit ? { explicit: ['true', 'yes', 'explicit'].includes(explicit) } : {}),
    type: it('type'),
    podcastGuid: trimmed(child(channel, NS.podcast, 'guid')),
  };
}

/** Parse a feed's bytes; `from` names it in errors and in each imported item. */
export function readSourceFeed(bytes: Uint8Array, from: string): SourceFeed {
  const parsed = parseFeed(bytes);
  if (!parsed.feed) {
    throw new LetterpodError({ file: from, problem: `not a feed letterpod can import (${parsed.findings.map((f) => f.message).join('; ')})`, fix: 'Give the URL or file of the show\'s RSS feed' });
  }
  const { channel, items } = parsed.feed;
  const out: SourceFeed = { show: readShow(channel), items: [], problems: [], warnings: [] };
  const seen = new Map<string, number>();
  items.forEach((element, index) => {
    const position = index + 1;
    const title = trimmed(child(element, '', 'title')) ?? trimmed(child(element, NS.itunes, 'title')) ?? '';
    const fail = (problem: string) => out.problems.push({ position, title, problem });
    const enclosure = child(element, '', 'enclosure');
    const url = enclosure ? attribute(enclosure, 'url')?.trim() : undefined;
    const guidElement = child(element, '', 'guid');
    const guid = trimmed(guidElement) ?? url;
    if (!url) return fail('no enclosure URL (nothing to play)');
    if (!guid) return fail('no GUID');
    const first = seen.get(guid);
    if (first !== undefined) return fail(`duplicate GUID "${guid}" (also item ${first}); imported once`);
    seen.set(guid, position);
    const pubDateText = trimmed(child(element, '', 'pubDate'));
    if (!pubDateText) return fail('no pubDate');
    const date = parseRfc2822(pubDateText);
    const time = 'date' in date ? date.date : new Date(pubDateText);
    if (Number.isNaN(time.getTime())) return fail(`pubDate "${pubDateText}" is not a date`);
    const lengthText = enclosure ? attribute(enclosure, 'length')?.trim() : undefined;
    const length = lengthText && /^\d+$/.test(lengthText) && Number(lengthText) > 0 ? Number(lengthText) : undefined;
    const it = (local: string) => trimmed(child(element, NS.itunes, local));
    const description = trimmed(child(element, '', 'description')) ?? it('summary') ?? trimmed(child(element, GOOGLEPLAY, 'description')) ?? '';
    const contentEncoded = trimmed(child(element, NS.content, 'encoded'));
    const itemImage = child(element, NS.itunes, 'image');
    const permaLink = guidElement ? attribute(guidElement, 'isPermaLink') : undefined;
    const duration = it('duration');
    const episode = it('episode');
    const episodeType = it('episodeType');
    const item: ImportedItem = {
      from,
      title,
      pubDate: pubDateText,
      description,
      ...(contentEncoded ? { contentEncoded } : {}),
      ...(trimmed(child(element, '', 'link')) ? { link: trimmed(child(element, '', 'link')) } : {}),
      // RSS: a <guid> without isPermaLink is a permalink
      ...(guidElement ? { guidIsPermaLink: permaLink === undefined ? /^https?:\/\//.test(guid) : permaLink.trim() === 'true' } : {}),
      enclosure: { url, ...(length !== undefined ? { length } : {}), type: (enclosure && attribute(enclosure, 'type')?.trim()) || 'audio/mpeg' },
      ...(duration ? { duration } : {}),
      ...(episode ? { episode } : {}),
      ...(it('season') ? { season: it('season') } : {}),
      ...(episodeType ? { episodeType } : {}),
      ...(itemImage && attribute(itemImage, 'href') ? { image: attribute(itemImage, 'href') } : {}),
    };
    if (length === undefined) {
      out.warnings.push({ position, title, warning: `the enclosure has no length (apps and Apple need the exact size): --copy-audio measures it` });
    }
    const issue = issueNumberOf(title, episode, episodeType);
    const seconds = durationSeconds(duration);
    out.items.push({ position, guid, published: time.toISOString(), ...(issue !== undefined ? { issue } : {}), ...(seconds !== undefined ? { durationSeconds: seconds } : {}), item });
  });
  return out;
}
