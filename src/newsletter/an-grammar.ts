/**
 * The Alignment Newsletter grammar, shared by its markdown and plain-text forms:
 * intro, category headings, summaries ("<title> (<authors>) (summarized by X): body",
 * then "X's opinion: …"), listed items without a summary, and the mail footer.
 * A `Dialect` says how one form spells titles, authors, links and items.
 */
import { isFooterHeading, isFooterStart, isJunkParagraph } from './footer.js';
import { readableHeading } from './headings.js';
import { newDraft, type Draft, type Opinion } from './sections.js';
import type { Link } from './types.js';

export interface Unit {
  type: 'heading' | 'paragraph';
  /** The unit's text as written (markdown or plain). */
  raw: string;
}

export interface ItemHead {
  /** Display title. */
  title: string;
  authors?: string;
  titleLinks: Link[];
  /** Raw text after the title line (may be empty). */
  bodyRaw: string;
}

export interface Dialect {
  display(raw: string): string;
  links(raw: string): Link[];
  /** Splits a summary's head ("title (authors)") into raw title and display authors. */
  splitAuthors(head: string): { title: string; authors?: string };
  /** A listed item without a summary (a linked title, maybe authors), if `raw` is one. */
  item(raw: string): ItemHead | undefined;
  /** A review-style paragraph "**Topic.** body" (issues without summarizer lines). */
  review?(raw: string): { title: string; bodyRaw: string } | undefined;
}

export const SUMMARIZED_BY = /\(summarized by ([^()]+?)\)((?:\s*\([^()]*\))*)\s*:?[ \t]*/i;
const OPINION =
  /^\s*(?:\*\*|__)?\s*(\p{Lu}[\p{L}\p{M} .-]{0,40}?)(?:'s|’s|'|’)\s+opinion(?:\s*(?:\*\*|__))?\s*:(?:\s*(?:\*\*|__))?\s*/u;
const LINK_LIST = /^\s*(?:\*\*|__)?\s*(?:read more|prerequisites?|prerequisities)\b/i;
const SEE_ALSO = /^\s*(?:\*\*|__)?\s*see also\b/i;

/** "X's opinion: rest" → who and the rest. */
export function opinionHead(raw: string): { who: string; rest: string } | undefined {
  const m = OPINION.exec(raw);
  return m ? { who: m[1]!.trim(), rest: raw.slice(m[0].length) } : undefined;
}

function cleanTitle(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/[\s:]+$/, '').trim();
}

function summaryHead(raw: string, d: Dialect): (ItemHead & { summarizer: string }) | undefined {
  const m = SUMMARIZED_BY.exec(raw);
  if (!m || m.index > 2000) return undefined;
  const head = raw.slice(0, m.index).trim();
  const { title, authors } = d.splitAuthors(head);
  const out: ItemHead & { summarizer: string } = {
    title: cleanTitle(d.display(title)),
    summarizer: m[1]!.trim(),
    titleLinks: d.links(head),
    bodyRaw: raw.slice(m.index + m[0].length),
  };
  if (authors) out.authors = authors;
  return out;
}

/** Is this paragraph a list of links ("Read more: …", "See also …") rather than prose? */
function isLinkList(raw: string, d: Dialect): boolean {
  if (LINK_LIST.test(raw)) return true;
  return SEE_ALSO.test(raw) && d.display(raw).length < 250 && d.links(raw).length > 0;
}

export function parseAnUnits(units: readonly Unit[], d: Dialect, opts: { review: boolean }): Draft[] {
  const drafts: Draft[] = [newDraft('intro', 'Introduction')];
  let cur: Draft = drafts[0]!;
  let opinion: Opinion | undefined;
  const start = (draft: Draft, bodyRaw = ''): void => {
    drafts.push(draft);
    cur = draft;
    opinion = undefined;
    addText(bodyRaw);
  };
  const addText = (raw: string): void => {
    if (raw.trim() === '') return;
    const shown = d.display(raw);
    if (opinion) {
      opinion.display.push(shown);
      opinion.raw.push(raw);
    } else {
      cur.body.push(shown);
      cur.spokenBody.push(raw);
    }
    cur.links.push(...d.links(raw));
  };

  for (const u of units) {
    const shown = d.display(u.raw);
    if (u.type === 'heading') {
      if (isFooterHeading(shown) || isFooterStart(shown)) break;
      const title = readableHeading(shown);
      if (title !== '') start(newDraft('heading', title));
      continue;
    }
    if (isFooterStart(shown)) break;
    if (isJunkParagraph(shown)) continue;

    const s = summaryHead(u.raw, d);
    if (s) {
      start(newDraft('summary', s.title, fields(s, s.summarizer)), s.bodyRaw);
      continue;
    }
    const r = opts.review ? d.review?.(u.raw) : undefined;
    if (r) {
      start(newDraft('summary', cleanTitle(r.title)), r.bodyRaw);
      continue;
    }
    const item = d.item(u.raw);
    if (item) {
      start(newDraft('other', item.title, fields(item)), item.bodyRaw);
      continue;
    }
    const o = opinionHead(u.raw);
    if (o && (cur.kind === 'summary' || cur.kind === 'other')) {
      opinion = { who: o.who, display: [], raw: [] };
      cur.opinions.push(opinion);
      addText(o.rest);
      continue;
    }
    if (isLinkList(u.raw, d)) {
      cur.links.push(...d.links(u.raw));
      continue;
    }
    addText(u.raw);
  }
  return drafts;
}

function fields(head: ItemHead, summarizer?: string): Partial<Draft> {
  const f: Partial<Draft> = { links: [...head.titleLinks] };
  if (head.authors) f.authors = head.authors;
  if (summarizer) f.summarizer = summarizer;
  return f;
}
