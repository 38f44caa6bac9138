/**
 * Rules for what makes a feed reach apps beyond the basics: Podlove Simple Chapters
 * (psc:chapters), WebSub hub links, and the move of a feed (itunes:new-feed-url).
 */
import { itemLabel, NS, type Finding, type ParsedFeed } from './feed.js';
import { attribute, child, children, type XmlElement } from './xml.js';
import { absoluteUrl, collector, text } from './rule-helpers.js';
import { selfUrl } from './rule-helpers.js';

/** Podlove's normal play time: [HH:]MM:SS[.mmm]; feedparser reads only HH:MM:SS(.mmm). */
const NPT = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:\.(\d{1,3}))?$/;
const NPT_FULL = /^\d{2,}:[0-5]\d:[0-5]\d(?:\.\d{1,3})?$/;

function nptSeconds(value: string): number | undefined {
  const m = NPT.exec(value);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(`0.${m[4] ?? 0}`);
}

function pscRules(item: XmlElement, index: number): Finding[] {
  const { findings, push } = collector(itemLabel(item, index), item);
  const lists = children(item, NS.psc, 'chapters');
  if (lists.length > 1) push('error', 'psc.chapters', `${lists.length} <psc:chapters> in one item; Podlove allows one`, lists[1]);
  for (const list of lists.slice(0, 1)) {
    const entries = children(list, NS.psc, 'chapter');
    if (!entries.length) push('warning', 'psc.chapters', '<psc:chapters> has no <psc:chapter>', list);
    let previous = -1;
    for (const c of entries) {
      const start = attribute(c, 'start') ?? '';
      const seconds = nptSeconds(start);
      if (seconds === undefined) {
        push('error', 'psc.start', `psc:chapter start "${start}" is not a time like 00:01:02.500`, c);
        continue;
      }
      if (!NPT_FULL.test(start)) push('warning', 'psc.start', `psc:chapter start "${start}": feedparser reads only HH:MM:SS(.mmm)`, c);
      if (seconds < previous) push('error', 'psc.order', `psc:chapter start ${start} comes before the previous chapter's`, c);
      previous = seconds;
      const title = attribute(c, 'title') ?? '';
      if (!title.trim()) push('error', 'psc.title', `psc:chapter at ${start} has no title`, c);
      else if ([...title].length > 40) push('warning', 'psc.title', `psc:chapter title "${title}" is ${[...title].length} characters; players cut titles at about 40`, c);
      const href = attribute(c, 'href');
      if (href !== undefined && !absoluteUrl(href)) push('warning', 'psc.href', `psc:chapter href "${href}" is not an absolute http(s) URL`, c);
    }
    if (entries.length && nptSeconds(attribute(entries[0]!, 'start') ?? '') !== 0) {
      push('warning', 'psc.first', 'the first psc:chapter does not start at 00:00:00 (Spotify shows chapters only when it does)', entries[0]);
    }
  }
  return findings;
}

function hubRules(feed: ParsedFeed): Finding[] {
  const { findings, push } = collector('channel', feed.channel);
  for (const link of children(feed.channel, NS.atom, 'link').filter((l) => attribute(l, 'rel') === 'hub')) {
    const href = attribute(link, 'href');
    if (!absoluteUrl(href)) push('error', 'channel.hub', `atom:link rel="hub" has no absolute http(s) href ("${href ?? ''}")`, link);
  }
  return findings;
}

function redirectRules(feed: ParsedFeed): Finding[] {
  const { findings, push } = collector('channel', feed.channel);
  const moved = child(feed.channel, NS.itunes, 'new-feed-url');
  if (!moved) return findings;
  const target = text(moved);
  if (!absoluteUrl(target)) {
    push('error', 'channel.new-feed-url', `itunes:new-feed-url "${target}" is not an absolute http(s) URL`, moved);
  } else if (target === selfUrl(feed)) {
    push('error', 'channel.new-feed-url', `itunes:new-feed-url points at this feed itself (${target}): apps would loop`, moved);
  } else {
    push('info', 'channel.new-feed-url', `this feed tells apps it moved to ${target}`, moved);
  }
  return findings;
}

export function reachRules(feed: ParsedFeed): Finding[] {
  return [...feed.items.flatMap((item, i) => pscRules(item, i)), ...hubRules(feed), ...redirectRules(feed)];
}
