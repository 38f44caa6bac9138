/**
 * Feeds as other hosts write them, for import tests: CDATA descriptions, itunes: and
 * googleplay: tags, numeric offsets in pubDates, http enclosures, host-made GUIDs, and on
 * request the flaws real feeds have (missing lengths, a duplicate GUID, a trailer).
 */
import { createHash } from 'node:crypto';
import { xmlSafe } from '../../src/feed/text.js';

export interface OldItem {
  number?: number;
  title: string;
  description: string;
  guid: string;
  pubDate: string;
  url: string;
  length?: number;
  duration: string;
  episodeType?: 'full' | 'trailer' | 'bonus';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon, 09 Apr 2018 16:00:00 +0000", as many hosts write it (not toUTCString's "GMT"). */
export function hostDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** A host-made GUID (not a UUID, not a URL). */
export const hostGuid = (n: number | string) => `oldhost-${createHash('sha1').update(String(n)).digest('hex').slice(0, 16)}`;

/** Weekly items from 2018-04-09, one per issue. */
export function weeklyItems(issues: ReadonlyArray<{ number: number; title: string; summary: string }>, host = 'http://old-host.example'): OldItem[] {
  return issues.map((issue, i) => ({
    number: issue.number,
    title: `AN #${issue.number}: ${issue.title}`,
    description: `<p>${issue.summary}</p><p>Read it at <a href="https://example.org/an/${issue.number}">the newsletter</a> &amp; more.</p>`,
    guid: hostGuid(issue.number),
    pubDate: hostDate(new Date(Date.UTC(2018, 3, 9 + 7 * i, 16))),
    url: `${host}/an/an-${issue.number}.mp3`,
    length: 1_000_000 + issue.number,
    duration: `00:${String(20 + (issue.number % 30)).padStart(2, '0')}:13`,
  }));
}

const cdata = (s: string) => `<![CDATA[${xmlSafe(s)}]]>`;
const esc = (s: string) => xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function oldFeedXml(items: readonly OldItem[], show = { title: 'Alignment Newsletter Audio', link: 'https://old-host.example/an' }): string {
  const body = items
    .map((it) => [
      '    <item>',
      `      <title>${esc(it.title)}</title>`,
      `      <description>${cdata(it.description)}</description>`,
      `      <googleplay:description>${cdata(it.description)}</googleplay:description>`,
      `      <guid isPermaLink="false">${cdata(it.guid)}</guid>`,
      `      <pubDate>${it.pubDate}</pubDate>`,
      `      <enclosure url="${esc(it.url)}"${it.length !== undefined ? ` length="${it.length}"` : ''} type="audio/mpeg"/>`,
      `      <itunes:duration>${it.duration}</itunes:duration>`,
      it.number !== undefined ? `      <itunes:episode>${it.number}</itunes:episode>` : '',
      `      <itunes:episodeType>${it.episodeType ?? 'full'}</itunes:episodeType>`,
      '      <itunes:explicit>no</itunes:explicit>',
      '    </item>',
    ].filter(Boolean).join('\n'))
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>${esc(show.title)}</title>
    <link>${show.link}</link>
    <description>${cdata('<p>Audio of the Alignment Newsletter.</p>')}</description>
    <language>en-us</language>
    <copyright>© Old Host</copyright>
    <atom:link href="https://old-host.example/an/feed.rss" rel="self" type="application/rss+xml"/>
    <itunes:author>Alignment Newsletter</itunes:author>
    <itunes:owner><itunes:name>Old Producer</itunes:name><itunes:email>old@example.org</itunes:email></itunes:owner>
    <itunes:image href="https://old-host.example/an/cover.jpg"/>
    <itunes:category text="Technology"/>
    <itunes:explicit>no</itunes:explicit>
    <googleplay:author>Alignment Newsletter</googleplay:author>
    <podcast:guid>4e2b3b1a-0c5f-5d6e-9a8b-1c2d3e4f5a6b</podcast:guid>
${body}
  </channel>
</rss>
`;
}
