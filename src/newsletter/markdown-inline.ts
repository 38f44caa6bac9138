/**
 * Inline markdown: find links, and turn inline markdown into display text (what a reader
 * sees: link texts kept, URLs, emphasis markers and escapes removed).
 */
import type { Link } from './types.js';

interface LinkToken {
  start: number;
  end: number;
  text: string;
  url: string;
  image: boolean;
}

/** Index of the bracket closing the one at `open` (nesting and backslash escapes respected). */
function closing(s: string, open: number, openCh: string, closeCh: string): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === openCh) depth++;
    else if (c === closeCh) {
      depth--;
      if (depth === 0) return i;
    } else if (c === '\n' && openCh === '(') return -1;
  }
  return -1;
}

/** Every inline link `[text](url)` and image `![alt](url)` in reading order (outermost only). */
function scanLinks(md: string): LinkToken[] {
  const out: LinkToken[] = [];
  for (let i = 0; i < md.length; i++) {
    const c = md[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '[') continue;
    const close = closing(md, i, '[', ']');
    if (close < 0 || md[close + 1] !== '(') continue;
    const paren = closing(md, close + 1, '(', ')');
    if (paren < 0) continue;
    const target = md.slice(close + 2, paren).trim();
    const url = (target.split(/\s+/)[0] ?? '').replace(/^<|>$/g, '');
    const image = i > 0 && md[i - 1] === '!';
    out.push({ start: image ? i - 1 : i, end: paren + 1, text: md.slice(i + 1, close), url, image });
    i = paren;
  }
  return out;
}

/** Replace each link (and image) by what `fn` returns. */
export function replaceLinks(md: string, fn: (text: string, url: string, image: boolean) => string): string {
  const tokens = scanLinks(md);
  if (tokens.length === 0) return md;
  let out = '';
  let at = 0;
  for (const t of tokens) {
    out += md.slice(at, t.start) + fn(t.text, t.url, t.image);
    at = t.end;
  }
  return out + md.slice(at);
}

const AUTOLINK = /<((?:https?|mailto):[^>\s]+)>/g;

/** The links of a markdown fragment, display text and URL, in reading order (images skipped). */
export function extractLinks(md: string): Link[] {
  const links: Link[] = [];
  const rest = replaceLinks(md, (text, url, image) => {
    if (!image && url) links.push({ text: mdToDisplay(text) || url, url });
    return ' ';
  });
  for (const m of rest.matchAll(AUTOLINK)) links.push({ text: m[1]!, url: m[1]! });
  return links;
}

const HTML_TAG = /<\/?(?:a|b|i|u|em|strong|span|div|p|br|hr|img|sup|sub|small|center|font|table|tr|td|th|tbody|thead|ul|ol|li|h[1-6])\b[^>]*>/gi;

/** Remove emphasis markers (`**x**`, `__x__`, `*x*`, `_x_`) and inline code ticks. */
export function stripEmphasis(s: string): string {
  return s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
    .replace(/(^|[^\\\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1$2')
    .replace(/(^|[^\\*\w])\*(?=[^\s*])([^*\n]*?[^\s\\*])\*(?![*\w])/g, '$1$2')
    .replace(/(^|[^\\\w])_(?=[^\s_])([^_\n]*?[^\s\\_])_(?!\w)/g, '$1$2')
    .replace(/\*\*/g, '')
    .replace(/`+([^`]*)`+/g, '$1');
}

/** `\_` → `_`, `\*` → `*`, …: markdown backslash escapes. */
export function unescapeMarkdown(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!<>|~"'])/g, '$1');
}

/**
 * Display text of inline markdown: images dropped, links replaced by their text,
 * autolinks by their URL, emphasis/code markers and escapes removed, spaces tidied.
 * Wrapped lines are joined; list items stay on their own lines.
 */
export function mdToDisplay(md: string): string {
  const flat = replaceLinks(md, (text, _url, image) => (image ? '' : text)).replace(AUTOLINK, '$1');
  const lines = unescapeMarkdown(stripEmphasis(flat.replace(HTML_TAG, '')))
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '');
  // Wrapped lines rejoin; list items keep their own line.
  return lines.reduce((out, line, i) => (i === 0 ? line : `${out}${LIST_ITEM.test(line) ? '\n' : ' '}${line}`), '');
}

const LIST_ITEM = /^(?:[-*+•]|\d+[.)])\s/;

/** The link `s` starts with (after optional spaces), and where it ends; undefined if none. */
export function leadingLink(s: string): { text: string; url: string; end: number } | undefined {
  const first = scanLinks(s)[0];
  if (!first || first.image || s.slice(0, first.start).trim() !== '') return undefined;
  return { text: first.text, url: first.url, end: first.end };
}
