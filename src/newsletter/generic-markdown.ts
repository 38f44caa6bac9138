/**
 * Any other markdown: text before the first heading is the intro, and each heading
 * starts an `other` section titled by the heading.
 */
import { markdownBlocks } from './blocks.js';
import { isFooterStart, isJunkParagraph } from './footer.js';
import { extractLinks, mdToDisplay } from './markdown-inline.js';
import { newDraft, type Draft } from './sections.js';

export function parseGenericMarkdown(markdown: string): Draft[] {
  const drafts: Draft[] = [newDraft('intro', 'Introduction')];
  let cur = drafts[0]!;
  for (const block of markdownBlocks(markdown)) {
    const shown = mdToDisplay(block.text).replace(/\s+/g, block.type === 'heading' ? ' ' : '$&').trim();
    if (block.type === 'heading') {
      if (shown === '') continue;
      cur = newDraft('other', shown, { links: extractLinks(block.text) });
      drafts.push(cur);
      continue;
    }
    if (isFooterStart(shown)) break;
    if (isJunkParagraph(shown)) continue;
    cur.body.push(shown);
    cur.spokenBody.push(block.text);
    cur.links.push(...extractLinks(block.text));
  }
  return drafts;
}

/** The first top-level heading, if any: a generic document's own title. */
export function firstHeading(markdown: string): string | undefined {
  const h = markdownBlocks(markdown).find((b) => b.type === 'heading' && b.level === 1);
  return h ? mdToDisplay(h.text).replace(/\s+/g, ' ').trim() || undefined : undefined;
}
