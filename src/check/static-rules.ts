/**
 * The static rules of `letterpod check`: pure functions over a parsed feed — the tags
 * Apple, PSP-1 and the podcast namespace require and what they must look like, unique
 * GUIDs and enclosures, https and URL schemes. Nothing here touches the network.
 */
import { isAppleCategory } from '../spec/apple-categories.js';
import { personProblem } from '../feed/people.js';
import { DESCRIPTION_MAX_BYTES } from '../feed/text.js';
import { podcastGuid } from '../feed/uuid.js';
import { itemLabel, NS, type Finding, type ParsedFeed, type Severity } from './feed.js';
import { attribute, child, children, textOf, type XmlElement } from './xml.js';
import { collector, text, bytes, absoluteUrl, NON_ASCII, UUID, isLoopback } from './rule-helpers.js';
import { parseRfc2822 } from './rfc2822.js';
import { reachRules } from './reach-rules.js';

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
    ...reachRules(feed),
  ];
}

