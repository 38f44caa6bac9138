/**
 * Show notes (notes.html, the feed's content:encoded): the issue's intro, then per summary
 * its chapter timestamp and linked title, authors, summarizer, the summary and opinion
 * text with their links in place, and the "Read more" links.
 *
 * Every chapter is a line "HH:MM:SS Title" ahead of its content, in episode order, the
 * first at 00:00:00: the shape Spotify, YouTube and most podcast apps turn into chapters.
 * Chapters that belong to no section (the intro music, "music-intro") get a line of their
 * own where they fall.
 *
 * Built from plain text with every value escaped and only http(s)/mailto links kept, so
 * whatever the issue text contains (`<script>`, `onerror=`, `javascript:` URLs) comes out
 * as inert text.
 */
import type { Issue, Link, Section } from '../newsletter/types.js';
import { escapeHtml, safeUrl } from './html.js';
import type { ChapterReport } from './report.js';
import { hms } from './timecode.js';

/** Characters HTML/XML cannot carry: control characters, U+FFFE/U+FFFF, lone surrogates (→ U+FFFD). */
function clean(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const text = (s: string): string => escapeHtml(clean(s));

function splitParagraphs(s: string | undefined): string[] {
  if (!s) return [];
  return s
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

interface Span {
  start: number;
  end: number;
  href: string;
}

/**
 * Put each link on the first occurrence of its text at or after the previous link (links
 * come in reading order): paragraph by paragraph, so a short text like "here" lands where
 * it was written. Links whose text is nowhere (the "Read more" line) come back unplaced.
 */
function placeLinks(paragraphs: readonly string[], links: readonly Link[]): { spans: Span[][]; unplaced: Array<Link & { href: string }> } {
  const spans: Span[][] = paragraphs.map(() => []);
  const unplaced: Array<Link & { href: string }> = [];
  let p = 0;
  let offset = 0;
  for (const l of links) {
    const href = safeUrl(l.url);
    if (!href) continue; // javascript:, data:, … stay out entirely; their text is plain text
    const needle = l.text.replace(/\s+/g, ' ').trim();
    let placed = false;
    if (needle) {
      for (let q = p; q < paragraphs.length && !placed; q++) {
        const at = paragraphs[q]!.indexOf(needle, q === p ? offset : 0);
        if (at < 0) continue;
        spans[q]!.push({ start: at, end: at + needle.length, href });
        p = q;
        offset = at + needle.length;
        placed = true;
      }
    }
    if (!placed) unplaced.push({ ...l, href });
  }
  return { spans, unplaced };
}

function withLinks(paragraph: string, spans: readonly Span[]): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text(paragraph.slice(at, s.start));
    out += `<a href="${escapeHtml(s.href)}">${text(paragraph.slice(s.start, s.end))}</a>`;
    at = s.end;
  }
  return out + text(paragraph.slice(at));
}

function stamp(chapter: ChapterReport | undefined): string {
  return chapter ? `${hms(chapter.startSeconds)} ` : '';
}

function readMore(links: ReadonlyArray<Link & { href: string }>): string[] {
  if (!links.length) return [];
  const seen = new Set<string>();
  const items = links.filter((l) => !seen.has(l.href) && seen.add(l.href));
  return [`<p>Read more: ${items.map((l) => `<a href="${escapeHtml(l.href)}">${text(l.text.trim() || l.href)}</a>`).join(', ')}</p>`];
}

/** "Rohin's opinion: …" written into the text already → that label, not a second one. */
const OWN_LABEL = /^([\p{L}\p{M} .'’-]{1,40}['’]s opinion):\s*/iu;

function sectionHtml(section: Section, chapter: ChapterReport | undefined): string[] {
  const body = splitParagraphs(section.body ?? (section.kind === 'intro' ? section.text : undefined));
  const opinion = splitParagraphs(section.opinion);
  const title = section.title.replace(/\s+/g, ' ').trim();
  const isIntro = section.kind === 'intro';
  // the title is the first place links go (a summary's title links to the paper); an intro
  // without a chapter shows no title, so nothing may be placed there
  const shownTitle = isIntro && !chapter ? '' : title;
  const paragraphs = [shownTitle, ...body, ...opinion];
  const { spans, unplaced } = placeLinks(paragraphs, section.links);
  const out: string[] = [];
  if (isIntro) {
    if (chapter) out.push(`<h3>${text(stamp(chapter))}${withLinks(title, spans[0]!)}</h3>`);
  } else {
    out.push(`<h3>${text(stamp(chapter))}${withLinks(title, spans[0]!)}</h3>`);
    const byline = [section.authors ? `<em>${text(section.authors)}</em>` : '', section.summarizer ? `summarized by ${text(section.summarizer)}` : '']
      .filter(Boolean)
      .join(' · ');
    if (byline) out.push(`<p>${byline}</p>`);
  }
  body.forEach((p, i) => out.push(`<p>${withLinks(p, spans[1 + i]!)}</p>`));
  opinion.forEach((p, i) => {
    let html = withLinks(p, spans[1 + body.length + i]!);
    const own = OWN_LABEL.exec(p);
    if (own) {
      // "Rohin's opinion: …" written in the text (a second opinion, too): bold exactly that label
      const label = text(own[0]);
      if (html.startsWith(label)) html = `<strong>${text(own[1]!)}:</strong> ${html.slice(label.length)}`;
    } else if (i === 0) {
      const who = section.summarizer ? `${section.summarizer}'s opinion` : 'Opinion';
      html = `<strong>${text(who)}:</strong> ${html}`;
    }
    out.push(`<p>${html}</p>`);
  });
  out.push(...readMore(unplaced));
  return out;
}

export function renderNotes(issue: Issue, chapters: readonly ChapterReport[]): string {
  const sectionIds = new Set(issue.sections.map((s) => s.id));
  const index = new Map(chapters.map((c, i) => [c.id, i]));
  const out: string[] = [];
  // chapters of no section (intro music) go out when the next section chapter comes, in order
  let next = 0;
  const orphansBefore = (limit: number) => {
    for (; next < limit; next++) {
      const c = chapters[next]!;
      if (!sectionIds.has(c.id)) out.push(`<h3>${text(stamp(c) + c.title)}</h3>`);
    }
  };
  for (const s of issue.sections) {
    const at = index.get(s.id);
    if (at !== undefined) {
      orphansBefore(at);
      next = Math.max(next, at + 1);
    }
    const chapter = at === undefined ? undefined : chapters[at];
    if (s.kind === 'heading') {
      out.push(`<h2>${text(s.title)}</h2>`);
      out.push(...splitParagraphs(s.body).map((p) => `<p>${text(p)}</p>`));
    } else {
      out.push(...sectionHtml(s, chapter));
    }
  }
  orphansBefore(chapters.length);
  return out.join('\n') + '\n';
}
