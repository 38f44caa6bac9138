/** Alignment Newsletter issues as plain text (copied from a web page: no links, no markup). */
import { parseAnUnits, type Dialect, type ItemHead, type Unit } from './an-grammar.js';
import { plainParagraphs } from './blocks.js';
import type { Draft } from './sections.js';
import type { Link } from './types.js';

const URL = /\bhttps?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/g;

function display(raw: string): string {
  return raw
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

function links(raw: string): Link[] {
  return [...raw.matchAll(URL)].map((m) => ({ text: m[0], url: m[0] }));
}

/** People, not a remark: "Tom B. Brown et al", "Asya Bergal and Daniel Kokotajlo", "evhub". */
function looksLikeAuthors(s: string): boolean {
  return s.length <= 150 && s.split(/,|\band\b|&/).every((p) => /^\s*[\p{L}][\p{L}\p{M}.'’ -]*$/u.test(p) || p.trim() === '');
}

/** "Title (Authors)": the parenthesis closing the head holds the authors. */
function splitAuthors(head: string): { title: string; authors?: string } {
  const m = /^([\s\S]*\S)\s*\(([^()]+)\)$/.exec(head.trim());
  if (!m || !looksLikeAuthors(m[2]!)) return { title: head };
  return { title: m[1]!, authors: m[2]!.trim() };
}

const LIST_ITEM = /^(?:\d+[.)]|[-•*])\s/;

/** A one-line "Title (Authors)" paragraph with no sentence ending: an item without summary. */
function item(raw: string): ItemHead | undefined {
  if (raw.includes('\n') || raw.length > 200 || LIST_ITEM.test(raw)) return undefined;
  const m = /^(\p{Lu}[^\n]*?\S)\s*\(([^()]+)\)$/u.exec(raw.trim());
  if (!m || !/^\p{Lu}/u.test(m[2]!.trim()) || !looksLikeAuthors(m[2]!)) return undefined;
  return { title: m[1]!, authors: m[2]!.trim(), titleLinks: [], bodyRaw: '' };
}

/** A short line in capitals ("TECHNICAL AI ALIGNMENT") is a category heading. */
function isHeadingLine(p: string): boolean {
  return !p.includes('\n') && p.length <= 60 && !/\p{Ll}/u.test(p) && /\p{Lu}.*\p{Lu}/u.test(p) && !/[.:]$/.test(p);
}

export const plainDialect: Dialect = { display, links, splitAuthors, item };

export function plainUnits(text: string): Unit[] {
  return plainParagraphs(text).map((p) => ({ type: isHeadingLine(p) ? 'heading' : 'paragraph', raw: p }));
}

/** Section drafts of a plain-text issue (any front matter removed). */
export function parsePlain(text: string): Draft[] {
  return parseAnUnits(plainUnits(text), plainDialect, { review: false });
}
