/**
 * Real podcast clients' parsers on a feed file: gPodder's podcastparser and feedparser
 * (Python, Debian packages python3-podcastparser and python3-feedparser, installed by
 * scripts/setup.sh --test). Suites that need them are skipped, with the reason in their
 * name, when python3 or a module is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe } from 'vitest';

/** Debian's python3 (where its packages are), before whatever python3 comes first on PATH (pyenv…). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function hasModule(name: string): boolean {
  const r = spawnSync(PYTHON, ['-c', `import ${name}`], { stdio: 'ignore' });
  return r.status === 0;
}

export const pythonParsers = {
  podcastparser: hasModule('podcastparser'),
  feedparser: hasModule('feedparser'),
};
const missing = Object.entries(pythonParsers).filter(([, ok]) => !ok).map(([name]) => `python3-${name}`);

/** `describe` for suites that read feeds with podcastparser and feedparser: skipped, saying why, without them. */
export function describePython(name: string, fn: () => void): void {
  if (missing.length === 0) describe(name, fn);
  else describe.skip(`${name} (skipped: ${missing.join(', ')} not installed; run scripts/setup.sh --test)`, fn);
}

export interface ParsedItem {
  guid: string;
  /** Seconds since the epoch, as the parser read the pubDate. */
  published: number;
  title: string;
  enclosure?: string;
  /** feedparser only: psc:chapters starts and titles. */
  chapters?: { start: string; title: string }[];
}

export interface ParsedBy {
  podcastparser: { items: ParsedItem[]; newLocation?: string; hub?: string };
  feedparser: { items: ParsedItem[]; bozo: boolean; newLocation?: string };
}

const SCRIPT = String.raw`
import calendar, json, sys
import feedparser, podcastparser
path, url = sys.argv[1], sys.argv[2]
with open(path, 'rb') as f:
    pp = podcastparser.parse(url, f)
fp = feedparser.parse(path)
def fp_item(e):
    out = {'guid': e.get('id', ''), 'published': calendar.timegm(e.published_parsed) if e.get('published_parsed') else 0, 'title': e.get('title', '')}
    enc = [l.get('href') for l in e.get('links', []) if l.get('rel') == 'enclosure']
    if enc: out['enclosure'] = enc[0]
    if e.get('psc_chapters'):
        out['chapters'] = [{'start': c.get('start'), 'title': c.get('title')} for c in e['psc_chapters'].get('chapters', [])]
    return out
print(json.dumps({
  'podcastparser': {
    'items': [{'guid': e['guid'], 'published': e['published'], 'title': e['title'], 'enclosure': (e['enclosures'][0]['url'] if e['enclosures'] else None)} for e in pp.get('episodes', [])],
    'newLocation': pp.get('new_url'), 'hub': pp.get('hub')},
  'feedparser': {'items': [fp_item(e) for e in fp.entries], 'bozo': bool(fp.bozo), 'newLocation': fp.feed.get('itunes_new-feed-url') or fp.feed.get('itunes_new_feed_url')},
}))
`;

/** Both parsers' reading of the feed at `path` (`url` is the address podcastparser is told it came from). */
export function parseWithPython(path: string, url = 'https://example.org/feed.xml'): ParsedBy {
  const out = execFileSync(PYTHON, ['-c', SCRIPT, path, url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out) as ParsedBy;
}
