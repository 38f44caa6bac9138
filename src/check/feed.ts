/** A feed as `check` sees it: the parsed XML with its channel and items, and the finding type. */
import { child, decodeXmlBytes, parseXml, textOf, XmlSyntaxError, type XmlDocument, type XmlElement } from './xml.js';

export const NS = {
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  podcast: 'https://podcastindex.org/namespace/1.0',
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  psc: 'http://podlove.org/simple-chapters',
} as const;

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** A stable id of the rule ("enclosure.length"). */
  rule: string;
  /** "channel", or "item 3 (AN #101: …)". */
  where: string;
  message: string;
  /** The line in feed.xml, when known. */
  line?: number;
}

export interface ParsedFeed {
  doc: XmlDocument;
  rss: XmlElement;
  channel: XmlElement;
  items: XmlElement[];
}

export type ParseOutcome = { feed: ParsedFeed; findings: Finding[] } | { feed: undefined; findings: Finding[] };

/** Bytes → ParsedFeed, or the findings that say why there is none (not UTF-8, not well-formed, not RSS). */
export function parseFeed(bytes: Uint8Array): ParseOutcome {
  const fatal = (rule: string, message: string, line?: number): ParseOutcome => ({
    feed: undefined,
    findings: [{ severity: 'error', rule, where: 'document', message, ...(line ? { line } : {}) }],
  });
  let doc: XmlDocument;
  try {
    doc = parseXml(decodeXmlBytes(bytes));
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      return fatal('xml.well-formed', `not well-formed XML, so every app refuses it: ${error.reason} (line ${error.line}, column ${error.column})`, error.line);
    }
    throw error;
  }
  const findings: Finding[] = [];
  const declared = doc.declaration?.encoding;
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) {
    findings.push({ severity: 'error', rule: 'xml.encoding', where: 'document', message: `the XML declaration says encoding="${declared}"; feeds must be UTF-8 (and declare it)` });
  }
  if (doc.doctype) {
    findings.push({ severity: 'warning', rule: 'xml.doctype', where: 'document', message: 'the feed has a DOCTYPE; podcast feeds have none and some parsers refuse it' });
  }
  const rss = doc.root;
  if (rss.uri !== '' || rss.local !== 'rss') {
    return { feed: undefined, findings: [...findings, ...fatal('rss.root', `the root element is <${rss.name}>, not <rss>: not an RSS 2.0 feed`, rss.line).findings] };
  }
  const channel = child(rss, '', 'channel');
  if (!channel) return { feed: undefined, findings: [...findings, ...fatal('rss.channel', '<rss> has no <channel>', rss.line).findings] };
  const version = rss.attributes.find((a) => a.uri === '' && a.local === 'version')?.value;
  if (version !== '2.0') {
    findings.push({ severity: 'error', rule: 'rss.version', where: 'document', message: `<rss version="${version ?? ''}">: Apple needs RSS 2.0 (version="2.0")`, line: rss.line });
  }
  const items = channel.children.filter((c): c is XmlElement => typeof c !== 'string' && c.uri === '' && c.local === 'item');
  return { feed: { doc, rss, channel, items }, findings };
}

/** How findings name an item: its position and title (or GUID). */
export function itemLabel(item: XmlElement, index: number): string {
  const title = child(item, '', 'title');
  const name = title ? textOf(title).trim() : '';
  const short = name.length > 60 ? `${name.slice(0, 57)}…` : name;
  return short ? `item ${index + 1} (${short})` : `item ${index + 1}`;
}
