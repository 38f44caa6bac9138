/** Alignment Newsletter issues as markdown (the mailing-list / forum export). */
import { parseAnUnits, type Dialect, type ItemHead, type Unit } from './an-grammar.js';
import { markdownBlocks } from './blocks.js';
import { extractLinks, leadingLink, mdToDisplay } from './markdown-inline.js';
import type { Draft } from './sections.js';

/** Authors are the italic parenthesis closing a summary's head: `… *(Ben Poole et al)*`. */
function splitAuthors(head: string): { title: string; authors?: string } {
  const at = Math.max(head.lastIndexOf('*('), head.lastIndexOf('_('));
  if (at < 0) return { title: head };
  const m = /^[*_]\(([\s\S]*)\)[*_]\s*$/.exec(head.slice(at));
  if (!m) return { title: head };
  const authors = mdToDisplay(m[1]!).replace(/\s+/g, ' ').trim();
  return authors ? { title: head.slice(0, at), authors } : { title: head.slice(0, at) };
}

/** `**[Title](url)** *(Authors)*` (bold or with authors), optionally `: text`, and nothing else. */
function item(raw: string): ItemHead | undefined {
  let rest = raw.trim();
  const bold = rest.startsWith('**');
  if (bold) rest = rest.slice(2);
  const link = leadingLink(rest);
  if (!link) return undefined;
  const head = rest.slice(0, link.end);
  rest = rest.slice(link.end);
  if (bold) {
    if (!rest.startsWith('**')) return undefined;
    rest = rest.slice(2);
  }
  rest = rest.trimStart();
  let authors: string | undefined;
  const a = /^[*_]\(([^()]*(?:\([^()]*\)[^()]*)*)\)[*_]/.exec(rest);
  if (a) {
    authors = mdToDisplay(a[1]!).replace(/\s+/g, ' ').trim() || undefined;
    rest = rest.slice(a[0].length).trimStart();
  }
  if (!bold && !authors) return undefined;
  if (rest !== '' && !rest.startsWith(':')) return undefined;
  const out: ItemHead = { title: mdToDisplay(link.text).replace(/\s+/g, ' ').trim(), titleLinks: extractLinks(head), bodyRaw: rest.replace(/^:\s*/, '') };
  if (authors) out.authors = authors;
  return out.title ? out : undefined;
}

/** Review issues (#84): `**Topic.** text` starts a section. */
function review(raw: string): { title: string; bodyRaw: string } | undefined {
  const m = /^\s*(\*\*|__)([^*_\n]{2,120}?)\.\1\s*([\s\S]*)$/.exec(raw);
  return m ? { title: mdToDisplay(m[2]!), bodyRaw: m[3]! } : undefined;
}

export const markdownDialect: Dialect = { display: mdToDisplay, links: extractLinks, splitAuthors, item, review };

export function markdownUnits(markdown: string): Unit[] {
  return markdownBlocks(markdown).map((b) => ({ type: b.type, raw: b.text }));
}

/** Section drafts of an Alignment Newsletter issue in markdown (front matter removed). */
export function parseAnMarkdown(markdown: string): Draft[] {
  const review = !/\(summarized by/i.test(markdown);
  return parseAnUnits(markdownUnits(markdown), markdownDialect, { review });
}
