/**
 * Show notes: the issue's intro, then per summary its chapter timestamp, linked title,
 * authors, summarizer, summary, opinion and further links. Built from plain text with
 * every value escaped, so whatever the issue text contains comes out inert.
 */
import type { Issue, Section } from '../newsletter/types.js';
import { escapeHtml, link, paragraphs, safeUrl } from './html.js';
import type { ChapterReport } from './report.js';
import { hms } from './timecode.js';

function summaryHtml(section: Section, chapter: ChapterReport | undefined): string {
  const out: string[] = ['<section>'];
  const stamp = chapter ? `${hms(chapter.startSeconds)} ` : '';
  const titleUrl = section.links[0]?.url;
  out.push(`<h3>${escapeHtml(stamp)}${link(section.title, titleUrl)}</h3>`);
  const byline = [section.authors ? escapeHtml(section.authors) : '', section.summarizer ? `summarized by ${escapeHtml(section.summarizer)}` : '']
    .filter(Boolean)
    .join(' · ');
  if (byline) out.push(`<p><em>${byline}</em></p>`);
  out.push(...paragraphs(section.body));
  if (section.opinion) {
    const who = section.summarizer ? `${section.summarizer}'s opinion` : 'Opinion';
    const [first, ...rest] = paragraphs(section.opinion);
    if (first) out.push(first.replace('<p>', `<p><strong>${escapeHtml(who)}:</strong> `));
    out.push(...rest);
  }
  const more = section.links.slice(1).filter((l) => safeUrl(l.url));
  if (more.length) out.push(`<p>Links: ${more.map((l) => link(l.text || l.url, l.url)).join(', ')}</p>`);
  out.push('</section>');
  return out.join('\n');
}

export function renderNotes(issue: Issue, chapters: ChapterReport[]): string {
  const byId = new Map(chapters.map((c) => [c.id, c]));
  const out: string[] = [];
  for (const s of issue.sections) {
    const chapter = byId.get(s.id);
    if (s.kind === 'intro') {
      out.push(...paragraphs(s.body ?? s.text));
      if (chapter) out.push(`<p>${hms(chapter.startSeconds)} ${escapeHtml(s.title)}</p>`);
    } else if (s.kind === 'heading') {
      out.push(`<h2>${escapeHtml(s.title)}</h2>`);
    } else {
      out.push(summaryHtml(s, chapter));
    }
  }
  return out.join('\n') + '\n';
}

/** Plain-text description for the feed: the chapter list with timestamps, at most `maxBytes`. */
export function renderPlainDescription(issue: Issue, chapters: ChapterReport[], maxBytes = 4000): string {
  const lines = [`Alignment Newsletter #${issue.number}: ${issue.title}`, '', ...chapters.map((c) => `${hms(c.startSeconds)} ${c.title}`)];
  let text = lines.join('\n');
  while (Buffer.byteLength(text, 'utf8') > maxBytes) {
    lines.pop();
    text = lines.join('\n') + '\n…';
  }
  return text;
}
