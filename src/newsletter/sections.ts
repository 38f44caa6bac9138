/**
 * Section drafts (what a grammar collects while reading) and how they become `Section`s:
 * display fields, spoken text, links, ids.
 */
import { endSentence, speakAll, toSpoken } from './spoken.js';
import type { Link, Section, SectionKind } from './types.js';

export interface Opinion {
  /** Whose opinion ("Rohin"). */
  who: string;
  /** Display paragraphs. */
  display: string[];
  /** Raw paragraphs (markdown or plain) for the spoken form. */
  raw: string[];
}

export interface Draft {
  kind: SectionKind;
  /** Display title. */
  title: string;
  authors?: string;
  summarizer?: string;
  /** Display paragraphs of the body. */
  body: string[];
  /** Raw paragraphs of the body, spoken after the title. */
  spokenBody: string[];
  opinions: Opinion[];
  /** The title link(s) first, then links in reading order. */
  links: Link[];
}

export function newDraft(kind: SectionKind, title: string, fields: Partial<Draft> = {}): Draft {
  return { kind, title, body: [], spokenBody: [], opinions: [], links: [], ...fields };
}

/** The spoken title line: "<Title>, by <Authors>, summarized by <X>." */
export function spokenHeader(d: Pick<Draft, 'title' | 'authors' | 'summarizer'>): string {
  const title = toSpoken(d.title);
  // "Title, by A, summarized by X." — after a question or exclamation the comma goes.
  let head = d.authors || d.summarizer ? title.replace(/\.$/, '') : title;
  const sep = /[?!]$/.test(head) ? ' ' : ', ';
  if (d.authors) head += `${sep}by ${toSpoken(d.authors)}`;
  if (d.summarizer) head += `${d.authors ? ', ' : sep}summarized by ${toSpoken(d.summarizer)}`;
  return endSentence(head);
}

function spokenText(d: Draft): string {
  const opinions = d.opinions.map((o) => {
    const words = speakAll(o.raw);
    return words ? `${toSpoken(o.who)}'s opinion: ${words}` : '';
  });
  const body = [speakAll(d.spokenBody), ...opinions].filter((p) => p !== '');
  if (d.kind === 'intro') return body.join(' ');
  // A bare heading or title is said as written ("Highlights"), without a sentence stop.
  if (body.length === 0 && !d.authors && !d.summarizer) return toSpoken(d.title);
  return [spokenHeader(d), ...body].join(' ');
}

function displayOpinion(d: Draft): string | undefined {
  if (d.opinions.length === 0) return undefined;
  const only = d.opinions.length === 1 && d.opinions[0]!.who === d.summarizer;
  const text = d.opinions
    .map((o) => (only ? o.display.join('\n\n') : `${o.who}'s opinion: ${o.display.join('\n\n')}`))
    .join('\n\n')
    .trim();
  return text || undefined;
}

function uniqueLinks(links: readonly Link[]): Link[] {
  const seen = new Set<string>();
  const out: Link[] = [];
  for (const l of links) {
    if (!l.url || seen.has(l.url)) continue;
    seen.add(l.url);
    out.push({ text: l.text.replace(/\s+/g, ' ').trim() || l.url, url: l.url });
  }
  return out;
}

/** Drafts → sections with ids s1, s2, …; drafts with nothing to say are dropped. */
export function finishSections(drafts: readonly Draft[]): Section[] {
  const sections: Section[] = [];
  for (const d of drafts) {
    const text = spokenText(d);
    if (text === '') continue;
    const section: Section = { id: `s${sections.length + 1}`, kind: d.kind, title: d.title, text, links: uniqueLinks(d.links) };
    if (d.authors) section.authors = d.authors;
    if (d.summarizer) section.summarizer = d.summarizer;
    const body = d.body.join('\n\n').trim();
    if (body) section.body = body;
    const opinion = displayOpinion(d);
    if (opinion) section.opinion = opinion;
    sections.push(section);
  }
  return sections;
}
