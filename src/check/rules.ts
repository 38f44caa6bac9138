/**
 * The rules `letterpod check` applies: pure functions over a parsed feed (the tags Apple,
 * PSP-1 and the podcast namespace require, and what they must look like) and, for what the
 * feed points to, over a Fetcher (enclosure size vs HEAD, Range → 206, Content-Type, the
 * artwork's real size and shape, chapters and transcripts reachable).
 *
 * Severity: error = an app or directory refuses or mishandles it (Apple rejects the feed,
 * the episode does not play, GUIDs collide); warning = a recommendation of Apple/PSP-1 is
 * not met, or something works only in some apps; info = what was not checked, and why.
 */
import { isAppleCategory } from '../spec/apple-categories.js';
import { artworkProblems, imageInfo } from '../feed/artwork.js';
import { personProblem } from '../feed/people.js';
import { DESCRIPTION_MAX_BYTES } from '../feed/text.js';
import { podcastGuid } from '../feed/uuid.js';
import { itemLabel, NS, type Finding, type ParsedFeed, type Severity } from './feed.js';
import { mapLimit, type Fetcher, type ProbeResult } from './fetch.js';
import { attribute, child, children, textOf, type XmlElement } from './xml.js';

type Push = (severity: Severity, rule: string, message: string, element?: XmlElement) => void;

function collector(where: string, fallback: XmlElement): { findings: Finding[]; push: Push } {
  const findings: Finding[] = [];
  const push: Push = (severity, rule, message, element) => findings.push({ severity, rule, where, message, line: (element ?? fallback).line });
  return { findings, push };
}

const text = (element: XmlElement | undefined): string => (element ? textOf(element).trim() : '');
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function absoluteUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const NON_ASCII = /[^\x21-\x7e]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONES: Record<string, number> = { UT: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };
const RFC2822 = /^(?:([A-Za-z]{3}),\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|[A-Za-z]{1,3})$/;

/** The instant of an RFC 2822 date-time, or why it is not one. */
export function parseRfc2822(value: string): { date: Date } | { problem: string } {
  const m = RFC2822.exec(value.trim());
  if (!m) return { problem: 'not an RFC 2822 date ("Wed, 15 Jan 2020 18:00:00 GMT")' };
  const [, day, dd, mon, yyyy, hh, mi, ss, zone] = m as unknown as [string, string | undefined, string, string, string, string, string, string | undefined, string];
  const month = MONTHS.indexOf(mon);
  if (month < 0) return { problem: `"${mon}" is not an English month abbreviation` };
  let offset: number;
  if (/^[+-]\d{4}$/.test(zone)) {
    const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3));
    offset = zone[0] === '-' ? -minutes : minutes;
  } else {
    const known = ZONES[zone.toUpperCase()];
    if (known === undefined) return { problem: `time zone "${zone}" is not one RFC 2822 knows` };
    offset = known;
  }
  const [d, h, n, s] = [Number(dd), Number(hh), Number(mi), Number(ss ?? 0)];
  const utc = Date.UTC(Number(yyyy), month, d, h, n, s) - offset * 60_000;
  const check = new Date(Date.UTC(Number(yyyy), month, d));
  if (check.getUTCDate() !== d || h > 23 || n > 59 || s > 60) return { problem: 'the date or time is out of range' };
  if (day !== undefined) {
    if (!DAYS.includes(day)) return { problem: `"${day}" is not an English weekday abbreviation` };
    if (DAYS[check.getUTCDay()] !== day) return { problem: `${dd} ${mon} ${yyyy} is a ${DAYS[check.getUTCDay()]}, not a ${day}` };
  }
  return { date: new Date(utc) };
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
}

/** The feed's atom:link rel="self" href, when it has one. */
export function selfUrl(feed: ParsedFeed): string | undefined {
  const self = children(feed.channel, NS.atom, 'link').find((l) => attribute(l, 'rel') === 'self');
  return self ? attribute(self, 'href') : undefined;
}

// ---- channel ---------------------------------------------------------------------------------

export function namespaceRules(feed: ParsedFeed): Finding[] {
  const { findings, push } = collector('document', feed.rss);
  const scope = feed.channel.scope;
  const bound = (uri: string) => [...scope.values()].includes(uri);
  const expect: Array<[prefix: string, uri: string, severity: Severity, why: string]> = [
    ['itunes', NS.itunes, 'error', 'Apple reads its tags only under this exact, case-sensitive URI'],
    ['podcast', NS.podcast, 'warning', 'AntennaPod, gPodder and podcast-namespace readers know only this URI'],
    ['atom', NS.atom, 'warning', 'atom:link rel="self" is read under this URI'],
    ['content', NS.content, 'warning', 'content:encoded is read under this URI'],
  ];
  for (const [prefix, uri, severity, why] of expect) {
    const actual = scope.get(prefix);
    if (actual !== undefined && actual !== uri) push(severity, `namespace.${prefix}`, `prefix "${prefix}" is bound to "${actual}", not "${uri}"; ${why}`);
    else if (prefix === 'itunes' && !bound(uri)) push('error', 'namespace.itunes', `the iTunes namespace (${uri}) is not declared; Apple needs it`);
  }
  return findings;
}

const EXPLICIT_OK = new Set(['true', 'false']);
const EXPLICIT_OLD = new Set(['yes', 'no', 'clean', 'explicit']);

export function channelRules(feed: ParsedFeed): Finding[] {
  const c = feed.channel;
  const { findings, push } = collector('channel', c);
  const one = (uri: string, local: string) => child(c, uri, local);

  const title = one('', 'title');
  if (!text(title)) push('error', 'channel.title', 'no <title> (required by RSS, Apple and PSP-1)', title);
  const description = one('', 'description');
  if (!text(description)) push('error', 'channel.description', 'no <description> (required by PSP-1 and Apple)', description);
  else if (bytes(text(description)) > DESCRIPTION_MAX_BYTES) {
    push('error', 'channel.description', `<description> is ${bytes(text(description))} bytes; PSP-1 and Apple allow ${DESCRIPTION_MAX_BYTES}`, description);
  }
  const link = one('', 'link');
  if (!text(link)) push('error', 'channel.link', 'no <link> to the show\'s web page (required by PSP-1)', link);
  else if (!absoluteUrl(text(link))) push('warning', 'channel.link', `<link> "${text(link)}" is not an http(s) URL`, link);
  const language = one('', 'language');
  if (!text(language)) push('error', 'channel.language', 'no <language> (required by PSP-1; Apple uses it for the storefront)', language);
  else if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(text(language))) {
    push('error', 'channel.language', `<language> "${text(language)}" is not an ISO 639 code like "en" or "en-us"`, language);
  }

  const self = children(c, NS.atom, 'link').find((l) => attribute(l, 'rel') === 'self');
  if (!self) push('error', 'channel.self', 'no <atom:link rel="self" href="…"> with the feed\'s own URL (required by PSP-1)');
  else if (!absoluteUrl(attribute(self, 'href'))) push('error', 'channel.self', `atom:link rel="self" has no absolute href ("${attribute(self, 'href') ?? ''}")`, self);

  const image = one(NS.itunes, 'image');
  const href = image ? attribute(image, 'href') : undefined;
  if (!image || !href) push('error', 'channel.image', 'no <itunes:image href="…"> (Apple and PSP-1 require square artwork, 1400–3000 px)', image);
  else if (!absoluteUrl(href)) push('error', 'channel.image', `itunes:image href "${href}" is not an absolute http(s) URL`, image);
  else if (!/\.(jpe?g|png)$/i.test(new URL(href).pathname)) {
    push('warning', 'channel.image', `itunes:image "${href}" does not end in .jpg or .png (PSP-1: the extension must match the file type)`, image);
  }

  const categories = children(c, NS.itunes, 'category');
  if (!categories.length) push('error', 'channel.category', 'no <itunes:category> (Apple and PSP-1 require one from Apple\'s list)');
  for (const cat of categories) {
    const main = attribute(cat, 'text') ?? '';
    if (!isAppleCategory(main)) {
      push('error', 'channel.category', `itunes:category "${main}" is not on Apple's list (the text is case-sensitive)`, cat);
      continue;
    }
    for (const sub of children(cat, NS.itunes, 'category')) {
      const name = attribute(sub, 'text') ?? '';
      if (!isAppleCategory(main, name)) push('error', 'channel.category', `"${name}" is not a subcategory of "${main}" on Apple's list`, sub);
    }
  }

  const explicit = one(NS.itunes, 'explicit');
  const explicitValue = text(explicit).toLowerCase();
  if (!explicit) push('error', 'channel.explicit', 'no <itunes:explicit> (Apple and PSP-1 require true or false)');
  else if (EXPLICIT_OLD.has(explicitValue)) push('warning', 'channel.explicit', `itunes:explicit "${text(explicit)}": Apple now documents only true and false`, explicit);
  else if (!EXPLICIT_OK.has(explicitValue)) push('error', 'channel.explicit', `itunes:explicit "${text(explicit)}" is neither true nor false`, explicit);

  if (!text(one(NS.itunes, 'author'))) push('warning', 'channel.author', 'no <itunes:author> (recommended by PSP-1; Apple shows it under the title)');
  const owner = one(NS.itunes, 'owner');
  if (!owner || !text(child(owner, NS.itunes, 'email'))) {
    push('warning', 'channel.owner', 'no <itunes:owner><itunes:email> (Apple mails ownership checks there)', owner);
  }
  const type = one(NS.itunes, 'type');
  if (type && !['episodic', 'serial'].includes(text(type))) push('error', 'channel.type', `itunes:type "${text(type)}" is neither episodic nor serial`, type);

  const guid = one(NS.podcast, 'guid');
  if (!guid) push('warning', 'channel.guid', 'no <podcast:guid> (recommended by PSP-1: a UUIDv5 of the feed URL that stays with the show)');
  else if (!UUID.test(text(guid))) push('error', 'channel.guid', `podcast:guid "${text(guid)}" is not a UUID`, guid);
  else {
    const selfHref = self ? attribute(self, 'href') : undefined;
    if (selfHref && absoluteUrl(selfHref) && podcastGuid(selfHref) !== text(guid).toLowerCase()) {
      push('info', 'channel.guid', `podcast:guid is not the UUIDv5 of the self URL (${podcastGuid(selfHref)}); fine if the feed moved, since the GUID stays with the show`, guid);
    }
  }
  const locked = one(NS.podcast, 'locked');
  if (!locked) push('warning', 'channel.locked', 'no <podcast:locked> (recommended by PSP-1: yes or no, may other hosts import this feed)');
  else if (!['yes', 'no'].includes(text(locked))) push('error', 'channel.locked', `podcast:locked "${text(locked)}" is neither yes nor no`, locked);

  if (feed.items.length === 0) push('warning', 'channel.items', 'the feed has no episodes (Apple accepts a new show only with at least one)');
  return findings;
}

// ---- items -----------------------------------------------------------------------------------

const APPLE_MEDIA = new Set(['audio/mpeg', 'audio/x-m4a', 'audio/mp4', 'video/mp4', 'video/x-m4v', 'video/quicktime', 'application/pdf', 'document/x-epub']);
const DURATION = /^(\d+|(\d+:)?[0-5]?\d:[0-5]\d)(\.\d+)?$/;

function itemRules(item: XmlElement, index: number): Finding[] {
  const { findings, push } = collector(itemLabel(item, index), item);
  const one = (uri: string, local: string) => child(item, uri, local);

  if (!text(one('', 'title'))) push('error', 'item.title', 'no <title> (required by Apple and PSP-1)', one('', 'title'));

  const enclosures = children(item, '', 'enclosure');
  const enclosure = enclosures[0];
  if (!enclosure) push('error', 'enclosure.missing', 'no <enclosure> (required: the episode\'s media file)');
  else {
    if (enclosures.length > 1) push('warning', 'enclosure.many', `${enclosures.length} <enclosure> elements; apps play only the first`, enclosures[1]);
    const url = attribute(enclosure, 'url');
    if (!url) push('error', 'enclosure.url', '<enclosure> has no url', enclosure);
    else if (!absoluteUrl(url)) push('error', 'enclosure.url', `enclosure url "${url}" is not an absolute http(s) URL`, enclosure);
    else if (NON_ASCII.test(url)) push('error', 'enclosure.ascii', `enclosure url has characters other than printable ASCII (Apple: ASCII-only URLs): ${url}`, enclosure);
    const length = attribute(enclosure, 'length');
    if (length === undefined || length.trim() === '') {
      push('error', 'enclosure.length', '<enclosure> has no length (Apple and PSP-1 need the exact file size in bytes)', enclosure);
    } else if (!/^\d+$/.test(length.trim())) {
      push('error', 'enclosure.length', `enclosure length "${length}" is not a whole number of bytes`, enclosure);
    } else if (Number(length) === 0) {
      push('error', 'enclosure.length', 'enclosure length is 0; it must be the exact file size in bytes', enclosure);
    }
    const type = attribute(enclosure, 'type');
    if (!type) push('error', 'enclosure.type', '<enclosure> has no type (Apple and PSP-1 require the MIME type, audio/mpeg for MP3)', enclosure);
    else if (!APPLE_MEDIA.has(type.toLowerCase())) push('warning', 'enclosure.type', `enclosure type "${type}" is not one Apple plays`, enclosure);
  }

  const guid = one('', 'guid');
  if (!text(guid)) push('error', 'guid.missing', 'no <guid> (required by Apple and PSP-1: a unique id that never changes)', guid);
  else if (attribute(guid!, 'isPermaLink') !== 'false' && !absoluteUrl(text(guid))) {
    push('warning', 'guid.permalink', 'the guid is not a URL but isPermaLink is not "false" (RSS treats it as a link)', guid);
  }

  const pubDate = one('', 'pubDate');
  if (!pubDate) push('warning', 'item.pubDate', 'no <pubDate> (apps sort and date episodes by it)');
  else {
    const parsed = parseRfc2822(text(pubDate));
    if ('problem' in parsed) push('error', 'item.pubDate', `pubDate "${text(pubDate)}": ${parsed.problem} (Apple requires RFC 2822)`, pubDate);
  }

  const description = one('', 'description');
  if (!text(description) && !one(NS.content, 'encoded')) push('warning', 'item.description', 'no <description> (recommended by PSP-1)');
  else if (bytes(text(description)) > DESCRIPTION_MAX_BYTES) {
    push('error', 'item.description', `<description> is ${bytes(text(description))} bytes; Apple allows ${DESCRIPTION_MAX_BYTES}`, description);
  }

  const duration = one(NS.itunes, 'duration');
  if (!duration) push('info', 'item.duration', 'no <itunes:duration> (apps show the length only after downloading)');
  else if (!DURATION.test(text(duration))) push('error', 'item.duration', `itunes:duration "${text(duration)}" is neither seconds nor [HH:]MM:SS`, duration);
  const episode = one(NS.itunes, 'episode');
  if (episode && !/^[1-9]\d*$/.test(text(episode))) push('error', 'item.episode', `itunes:episode "${text(episode)}" is not a positive whole number`, episode);
  const episodeType = one(NS.itunes, 'episodeType');
  if (episodeType && !['full', 'trailer', 'bonus'].includes(text(episodeType))) {
    push('error', 'item.episodeType', `itunes:episodeType "${text(episodeType)}" is not full, trailer or bonus`, episodeType);
  }
  const explicit = one(NS.itunes, 'explicit');
  if (explicit && !EXPLICIT_OK.has(text(explicit).toLowerCase())) push('warning', 'item.explicit', `itunes:explicit "${text(explicit)}" is neither true nor false`, explicit);

  const podcastEpisode = one(NS.podcast, 'episode');
  if (podcastEpisode && !/^\d+(\.\d+)?$/.test(text(podcastEpisode))) {
    push('error', 'item.podcastEpisode', `podcast:episode "${text(podcastEpisode)}" is not a number`, podcastEpisode);
  }
  for (const t of children(item, NS.podcast, 'transcript')) {
    const url = attribute(t, 'url');
    const type = attribute(t, 'type');
    if (!absoluteUrl(url) || !type) push('error', 'transcript.attributes', 'podcast:transcript needs an absolute url and a type', t);
    const rel = attribute(t, 'rel');
    if (rel !== undefined && rel !== 'captions') push('warning', 'transcript.rel', `podcast:transcript rel="${rel}"; the namespace defines only "captions"`, t);
  }
  const chapters = children(item, NS.podcast, 'chapters');
  for (const ch of chapters) {
    if (!absoluteUrl(attribute(ch, 'url')) || !attribute(ch, 'type')) push('error', 'chapters.attributes', 'podcast:chapters needs an absolute url and a type', ch);
    else if (attribute(ch, 'type') !== 'application/json+chapters') {
      push('warning', 'chapters.type', `podcast:chapters type "${attribute(ch, 'type')}"; the namespace's JSON chapters are "application/json+chapters"`, ch);
    }
  }
  if (chapters.length > 1) push('warning', 'chapters.many', 'more than one podcast:chapters (the namespace allows one per item)', chapters[1]);
  for (const p of children(item, NS.podcast, 'person')) {
    if (!text(p)) push('error', 'person.name', 'podcast:person without a name', p);
    const problem = personProblem(attribute(p, 'role'), attribute(p, 'group'));
    if (problem) push('warning', 'person.taxonomy', `podcast:person "${text(p)}": ${problem}`, p);
    for (const name of ['href', 'img']) {
      const value = attribute(p, name);
      if (value !== undefined && !absoluteUrl(value)) push('warning', 'person.url', `podcast:person ${name} "${value}" is not an absolute URL`, p);
    }
  }
  return findings;
}

/** GUIDs and enclosure URLs must be unique across items: a repeat makes apps merge or drop episodes. */
function uniquenessRules(feed: ParsedFeed): Finding[] {
  const findings: Finding[] = [];
  const seen = (what: 'guid' | 'enclosure', value: (item: XmlElement) => XmlElement | undefined, get: (e: XmlElement) => string | undefined) => {
    const first = new Map<string, number>();
    feed.items.forEach((item, i) => {
      const element = value(item);
      const v = element ? get(element)?.trim() : undefined;
      if (!v) return;
      const earlier = first.get(v);
      if (earlier === undefined) {
        first.set(v, i);
        return;
      }
      findings.push({
        severity: 'error',
        rule: `${what}.unique`,
        where: itemLabel(item, i),
        message:
          what === 'guid'
            ? `guid "${v}" is also the guid of ${itemLabel(feed.items[earlier]!, earlier)}; apps treat them as one episode`
            : `enclosure URL is also the enclosure of ${itemLabel(feed.items[earlier]!, earlier)}; Apple ignores a repeated URL`,
        line: element!.line,
      });
    });
  };
  seen('guid', (item) => child(item, '', 'guid'), (e) => textOf(e));
  seen('enclosure', (item) => child(item, '', 'enclosure'), (e) => attribute(e, 'url'));
  return findings;
}

/** Plain http:// where apps want https (one finding per kind of URL, loopback hosts only noted). */
function httpsRules(feed: ParsedFeed): Finding[] {
  const kinds: Array<[rule: string, what: string, urls: Array<string | undefined>]> = [];
  const c = feed.channel;
  const self = children(c, NS.atom, 'link').find((l) => attribute(l, 'rel') === 'self');
  const image = child(c, NS.itunes, 'image');
  kinds.push(['https.feed', 'the feed URL (atom:link self)', [self ? attribute(self, 'href') : undefined]]);
  kinds.push(['https.artwork', 'the artwork', [image ? attribute(image, 'href') : undefined]]);
  const enclosures = feed.items.map((i) => child(i, '', 'enclosure')).map((e) => (e ? attribute(e, 'url') : undefined));
  kinds.push(['https.enclosure', 'enclosure URLs', enclosures]);
  const side = feed.items.flatMap((i) => [...children(i, NS.podcast, 'transcript'), ...children(i, NS.podcast, 'chapters')].map((e) => attribute(e, 'url')));
  kinds.push(['https.episode-files', 'chapter and transcript URLs', side]);
  const findings: Finding[] = [];
  for (const [rule, what, urls] of kinds) {
    const plain = urls.map(absoluteUrl).filter((u): u is URL => u?.protocol === 'http:');
    if (!plain.length) continue;
    const local = plain.every(isLoopback);
    findings.push({
      severity: local ? 'info' : 'warning',
      rule,
      where: 'feed',
      message: local
        ? `http:// for ${what} on a loopback host (${plain[0]!.host}): fine for testing; publish with an https:// store.publicBaseUrl`
        : `http:// for ${plain.length === 1 ? what : `${plain.length} ${what}`} (e.g. ${plain[0]!.href}): Apple asks for https, and iOS apps may refuse plain http`,
    });
  }
  return findings;
}

/** A URL that is not http(s): its scheme ("javascript:", "data:", …), else undefined (relative or http(s)). */
export function badScheme(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // browsers ignore control characters and whitespace inside a scheme ("java\tscript:")
  const m = /^\s*([a-z][a-z0-9+.\-\s]*):/i.exec(value);
  if (!m) return undefined;
  const scheme = m[1]!.replace(/\s+/g, '').toLowerCase();
  return scheme === 'http' || scheme === 'https' ? undefined : `${scheme}:`;
}

/** The links inside HTML text (content:encoded, description): href/src values. */
function htmlLinks(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => (m[1] ?? m[2] ?? m[3] ?? '').replace(/&amp;/g, '&').replace(/&#0*58;|&colon;/gi, ':'));
}

const URL_ATTRIBUTES = new Set(['url', 'href', 'img', 'src']);

/** Only http(s) URLs: any other scheme (javascript:, data:, file:, …) in an attribute, a link or the HTML of the notes is an error. */
function schemeRules(feed: ParsedFeed): Finding[] {
  const findings: Finding[] = [];
  const visit = (e: XmlElement, where: string) => {
    for (const a of e.attributes) {
      const local = a.name.includes(':') ? a.name.slice(a.name.indexOf(':') + 1) : a.name;
      const scheme = URL_ATTRIBUTES.has(local) ? badScheme(a.value) : undefined;
      if (scheme) findings.push({ severity: 'error', rule: 'url.scheme', where, line: e.line, message: `<${e.name} ${a.name}> is a ${scheme} URL (${a.value.slice(0, 60)}): only http(s) URLs belong in a feed` });
    }
    const body = text(e);
    if ((e.local === 'link' || e.local === 'url' || e.local === 'docs') && e.children.every((c) => typeof c === 'string')) {
      const scheme = badScheme(body);
      if (scheme) findings.push({ severity: 'error', rule: 'url.scheme', where, line: e.line, message: `<${e.name}> is a ${scheme} URL (${body.slice(0, 60)}): only http(s) URLs belong in a feed` });
    }
    if (e.local === 'encoded' || e.local === 'description' || e.local === 'summary') {
      for (const link of htmlLinks(body)) {
        const scheme = badScheme(link);
        if (scheme && scheme !== 'mailto:') findings.push({ severity: 'error', rule: 'url.scheme', where, line: e.line, message: `a link in <${e.name}> is a ${scheme} URL (${link.slice(0, 60)}): apps that render the notes would run or follow it` });
      }
    }
    for (const c of e.children) if (typeof c !== 'string' && c.local !== 'item') visit(c, where);
  };
  visit(feed.channel, 'channel');
  feed.items.forEach((item, i) => visit(item, itemLabel(item, i)));
  return findings;
}

/** Every rule that needs only the feed itself. */
export function staticFindings(feed: ParsedFeed): Finding[] {
  return [
    ...schemeRules(feed),
    ...namespaceRules(feed),
    ...channelRules(feed),
    ...feed.items.flatMap((item, i) => itemRules(item, i)),
    ...uniquenessRules(feed),
    ...httpsRules(feed),
  ];
}

// ---- what the feed points to -----------------------------------------------------------------

export interface NetworkOptions {
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Largest artwork read (bytes). Default 16 MiB. */
  maxArtworkBytes?: number;
}

const mediaType = (value: string | undefined) => value?.split(';')[0]?.trim().toLowerCase();

function failure(result: ProbeResult, what: string): string | undefined {
  if (!result.ok) return `${what}: ${result.error}`;
  if (result.status >= 400) return `${what} answered ${result.status}`;
  return undefined;
}

async function enclosureFindings(feed: ParsedFeed, fetcher: Fetcher, concurrency: number, skipped: Set<string>): Promise<Finding[]> {
  const targets: Array<{ url: string; length: number | undefined; type: string | undefined; where: string; line: number }> = [];
  const seen = new Set<string>();
  feed.items.forEach((item, i) => {
    const e = child(item, '', 'enclosure');
    const url = e ? attribute(e, 'url') : undefined;
    if (!e || !url || !absoluteUrl(url) || seen.has(url)) return;
    seen.add(url);
    const length = attribute(e, 'length');
    targets.push({
      url,
      length: length && /^\d+$/.test(length.trim()) ? Number(length) : undefined,
      type: attribute(e, 'type'),
      where: itemLabel(item, i),
      line: e.line,
    });
  });
  const results = await mapLimit(targets, concurrency, async (t) => {
    const out: Finding[] = [];
    const push = (severity: Severity, rule: string, message: string) => out.push({ severity, rule, where: t.where, message, line: t.line });
    const head = await fetcher.head(t.url);
    if (!head.ok && head.skipped) {
      skipped.add(t.url);
      return out;
    }
    const broken = failure(head, `HEAD ${t.url}`);
    if (broken || !head.ok) {
      push('error', 'enclosure.reachable', `${broken ?? 'HEAD failed'} (Apple needs HEAD to answer for every episode)`);
      return out;
    }
    const size = head.headers['content-length'];
    if (size === undefined) push('warning', 'enclosure.head-length', 'HEAD gives no Content-Length, so apps cannot check the size');
    else if (t.length !== undefined && Number(size) !== t.length) {
      push('error', 'enclosure.length-mismatch', `enclosure length is ${t.length} bytes but the file is ${size} bytes${fetcher.kind === 'http' ? ' (HEAD Content-Length)' : ''}; apps cut or reject the download`);
    }
    if (fetcher.kind !== 'http') return out;
    const served = mediaType(head.headers['content-type']);
    if (!served) push('warning', 'enclosure.content-type', 'HEAD gives no Content-Type');
    else if (served === 'application/octet-stream' || served === 'binary/octet-stream') {
      push('error', 'enclosure.content-type', `served as ${served}; iOS refuses audio without its real type (${t.type ?? 'audio/mpeg'})`);
    } else if (t.type && served !== mediaType(t.type)) push('warning', 'enclosure.content-type', `served as ${served} but the feed says ${t.type}`);
    const ranged = await fetcher.get(t.url, { range: [0, 1], maxBytes: 64 });
    const rangeBroken = failure(ranged, 'GET with Range: bytes=0-1');
    if (rangeBroken || !ranged.ok) push('error', 'enclosure.range', `${rangeBroken ?? 'Range request failed'}; Apple requires byte-range support`);
    else if (ranged.status !== 206) {
      push('error', 'enclosure.range', `Range: bytes=0-1 answered ${ranged.status}, not 206 Partial Content: the server ignores byte ranges, which Apple requires (apps cannot seek or resume)`);
    } else {
      const total = /\/(\d+)\s*$/.exec(ranged.headers['content-range'] ?? '')?.[1];
      if (total !== undefined && t.length !== undefined && Number(total) !== t.length) {
        push('error', 'enclosure.length-mismatch', `enclosure length is ${t.length} bytes but Content-Range says ${total}`);
      }
    }
    return out;
  });
  return results.flat();
}

async function artworkFindings(feed: ParsedFeed, fetcher: Fetcher, maxBytes: number, skipped: Set<string>): Promise<Finding[]> {
  const image = child(feed.channel, NS.itunes, 'image');
  const href = image ? attribute(image, 'href') : undefined;
  if (!image || !href || !absoluteUrl(href)) return [];
  const { findings, push } = collector('channel', image);
  const got = await fetcher.get(href, { maxBytes });
  if (!got.ok && got.skipped) {
    skipped.add(href);
    return findings;
  }
  const broken = failure(got, `GET ${href}`);
  if (broken || !got.ok) {
    push('error', 'artwork.reachable', broken ?? 'artwork not readable');
    return findings;
  }
  if (fetcher.kind === 'http') {
    const head = await fetcher.head(href);
    const refused = failure(head, `HEAD ${href}`);
    if (refused) push('error', 'artwork.head', `${refused} (PSP-1: the artwork server must answer HEAD)`);
  }
  const info = imageInfo(got.body);
  if (!info) {
    push('error', 'artwork.format', `the artwork at ${href} is neither a JPEG nor a PNG (or its header is damaged)`);
    return findings;
  }
  for (const problem of artworkProblems(info, new URL(href).pathname)) push('error', `artwork.${problem.kind}`, `the artwork ${problem.message}`);
  if (fetcher.kind === 'http') {
    const served = mediaType(got.headers['content-type']);
    if (served && served !== info.contentType) push('warning', 'artwork.content-type', `the artwork is a ${info.format.toUpperCase()} served as ${served}`);
  }
  return findings;
}

async function episodeFileFindings(feed: ParsedFeed, fetcher: Fetcher, concurrency: number, skipped: Set<string>): Promise<Finding[]> {
  const targets: Array<{ url: string; kind: 'chapters' | 'transcript'; where: string; line: number }> = [];
  const seen = new Set<string>();
  feed.items.forEach((item, i) => {
    for (const [kind, local] of [['chapters', 'chapters'], ['transcript', 'transcript']] as const) {
      for (const e of children(item, NS.podcast, local)) {
        const url = attribute(e, 'url');
        if (!url || !absoluteUrl(url) || seen.has(url)) continue;
        seen.add(url);
        targets.push({ url, kind, where: itemLabel(item, i), line: e.line });
      }
    }
  });
  const results = await mapLimit(targets, concurrency, async (t): Promise<Finding[]> => {
    const got = t.kind === 'chapters' ? await fetcher.get(t.url, { maxBytes: 4 * 1024 * 1024 }) : await fetcher.head(t.url);
    if (!got.ok && got.skipped) {
      skipped.add(t.url);
      return [];
    }
    const broken = failure(got, `${t.kind === 'chapters' ? 'GET' : 'HEAD'} ${t.url}`);
    if (broken || !got.ok) return [{ severity: 'warning', rule: `${t.kind}.reachable`, where: t.where, message: broken ?? 'not readable', line: t.line }];
    if (t.kind !== 'chapters') return [];
    let json: unknown;
    try {
      json = JSON.parse(got.body.toString('utf8'));
    } catch {
      return [{ severity: 'warning', rule: 'chapters.json', where: t.where, message: `the chapters file ${t.url} is not JSON`, line: t.line }];
    }
    const doc = json as { version?: unknown; chapters?: unknown };
    const ok =
      typeof doc?.version === 'string' &&
      Array.isArray(doc.chapters) &&
      doc.chapters.every((c) => typeof (c as { startTime?: unknown })?.startTime === 'number');
    if (!ok) return [{ severity: 'warning', rule: 'chapters.json', where: t.where, message: `the chapters file ${t.url} lacks "version" or "chapters" with numeric startTime (JSON chapters 1.2)`, line: t.line }];
    const bad: Finding[] = [];
    for (const c of doc.chapters as { url?: unknown; img?: unknown; title?: unknown }[]) {
      for (const field of ['url', 'img'] as const) {
        const scheme = typeof c[field] === 'string' ? badScheme(c[field] as string) : undefined;
        if (scheme) bad.push({ severity: 'error', rule: 'url.scheme', where: t.where, line: t.line, message: `chapter "${String(c.title ?? '')}" in ${t.url} has a ${scheme} ${field} (${String(c[field]).slice(0, 60)}): only http(s) URLs` });
      }
    }
    return bad;
  });
  return results.flat();
}

/** URLs in an ID3v2 tag (WXXX/W*** frames, also inside CHAP; the COMM text when it is a URL). */
export function id3Urls(head: Buffer): string[] {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return [];
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const version = head[3]!;
  const urls: string[] = [];
  const walk = (buf: Buffer, from: number, to: number) => {
    let at = from;
    while (at + 10 <= to) {
      const id = buf.toString('latin1', at, at + 4);
      if (!/^[A-Z0-9]{4}$/.test(id)) break;
      const len = version === 4 ? ((buf[at + 4]! & 0x7f) << 21) | ((buf[at + 5]! & 0x7f) << 14) | ((buf[at + 6]! & 0x7f) << 7) | (buf[at + 7]! & 0x7f) : buf.readUInt32BE(at + 4);
      const body = buf.subarray(at + 10, Math.min(to, at + 10 + len));
      if (id === 'WXXX') {
        // encoding, description (terminated), URL (latin1)
        const enc = body[0];
        let k = 1;
        if (enc === 1 || enc === 2) {
          while (k + 1 < body.length && !(body[k] === 0 && body[k + 1] === 0)) k += 2;
          k += 2;
        } else {
          while (k < body.length && body[k] !== 0) k++;
          k += 1;
        }
        urls.push(body.toString('latin1', k).replace(/\0+$/, ''));
      } else if (id.startsWith('W')) {
        urls.push(body.toString('latin1').replace(/\0+$/, ''));
      } else if (id === 'COMM') {
        const t = (body[0] === 1 ? body.subarray(4).toString('utf16le') : body.subarray(4).toString('latin1')).replace(/[\0\ufeff]/g, ' ').trim();
        if (/^\s*[a-z][a-z0-9+.-]*:\S/i.test(t)) urls.push(t);
      } else if (id === 'CHAP') {
        let k = 0;
        while (k < body.length && body[k] !== 0) k++;
        walk(buf, at + 10 + k + 1 + 16, at + 10 + len);
      }
      at += 10 + len;
    }
  };
  walk(head, 10, Math.min(head.length, 10 + size));
  return urls;
}

async function tagFindings(feed: ParsedFeed, fetcher: Fetcher, concurrency: number): Promise<Finding[]> {
  const targets = feed.items
    .map((item, i) => ({ url: attribute(child(item, '', 'enclosure') ?? item, 'url'), where: itemLabel(item, i), line: item.line }))
    .filter((t): t is { url: string; where: string; line: number } => Boolean(t.url && absoluteUrl(t.url)));
  const results = await mapLimit(targets, concurrency, async (t): Promise<Finding[]> => {
    const got = await fetcher.get(t.url, { range: [0, 512 * 1024 - 1], maxBytes: 512 * 1024 });
    if (!got.ok) return [];
    return id3Urls(got.body)
      .map((u) => ({ u, scheme: badScheme(u) }))
      .filter((x) => x.scheme)
      .map((x) => ({ severity: 'error' as const, rule: 'url.scheme', where: t.where, line: t.line, message: `the MP3's ID3 tag holds a ${x.scheme} URL (${x.u.slice(0, 60)}): only http(s) URLs` }));
  });
  return results.flat();
}

/** Every rule that looks at what the feed points to, through `fetcher`. */
export async function networkFindings(feed: ParsedFeed, fetcher: Fetcher, options: NetworkOptions = {}): Promise<Finding[]> {
  const concurrency = options.concurrency ?? 8;
  const skipped = new Set<string>();
  const findings = [
    ...(await artworkFindings(feed, fetcher, options.maxArtworkBytes ?? 16 * 1024 * 1024, skipped)),
    ...(await enclosureFindings(feed, fetcher, concurrency, skipped)),
    ...(await episodeFileFindings(feed, fetcher, concurrency, skipped)),
    ...(await tagFindings(feed, fetcher, concurrency)),
  ];
  if (fetcher.kind === 'local') {
    findings.push({
      severity: 'info',
      rule: 'network.local',
      where: 'feed',
      message: 'checked against the local files: sizes only; Range (206), HEAD and Content-Type need the served feed, e.g. letterpod check http://…/feed.xml',
    });
  }
  if (skipped.size) {
    const first = [...skipped][0]!;
    findings.push({ severity: 'info', rule: 'network.skipped', where: 'feed', message: `${skipped.size} URL${skipped.size === 1 ? '' : 's'} outside the feed's folder not checked (e.g. ${first})` });
  }
  return findings;
}
