/**
 * `letterpod check`: a feed's bytes → findings (error / warning / info). The rules are pure
 * functions over the parsed feed (rules.ts); what the feed points to is looked at through a
 * Fetcher (fetch.ts): real HTTP for a served feed, the store folder for a local one.
 */
import { parseFeed, type Finding, type ParsedFeed, type Severity } from './feed.js';
import type { Fetcher } from './fetch.js';
import { networkFindings, staticFindings, type NetworkOptions } from './rules.js';

export type { Finding, ParsedFeed, Severity } from './feed.js';
export { selfUrl } from './rules.js';
export { httpFetcher, localFetcher, type Fetcher } from './fetch.js';

export interface CheckReport {
  /** What was checked (a path or URL). */
  source: string;
  /** Items in the feed (0 when it could not be parsed). */
  items: number;
  /** Errors first, then warnings, then info; feed order within each. */
  findings: Finding[];
  errors: number;
  warnings: number;
  infos: number;
}

export interface CheckOptions extends NetworkOptions {
  source: string;
  /**
   * How to reach enclosures and artwork (or a function of the parsed feed giving one, e.g.
   * to map its self URL onto a folder); without one only the feed itself is checked.
   */
  fetcher?: Fetcher | ((feed: ParsedFeed) => Fetcher);
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function summarize(source: string, items: number, findings: Finding[]): CheckReport {
  const sorted = findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i).map(({ f }) => f);
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return { source, items, findings: sorted, errors: count('error'), warnings: count('warning'), infos: count('info') };
}

export async function checkFeed(bytes: Uint8Array, options: CheckOptions): Promise<CheckReport> {
  const parsed = parseFeed(bytes);
  if (!parsed.feed) return summarize(options.source, 0, parsed.findings);
  const findings = [...parsed.findings, ...staticFindings(parsed.feed)];
  const fetcher = typeof options.fetcher === 'function' ? options.fetcher(parsed.feed) : options.fetcher;
  if (fetcher) findings.push(...(await networkFindings(parsed.feed, fetcher, options)));
  else findings.push({ severity: 'info', rule: 'network.offline', where: 'feed', message: 'enclosures and artwork not fetched (offline): sizes, Range support and artwork dimensions unchecked' });
  return summarize(options.source, parsed.feed.items.length, findings);
}
