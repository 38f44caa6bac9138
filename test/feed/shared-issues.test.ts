/**
 * A feed built from real issues whose texts carry `" ’ <` and non-ASCII (ε ⟂ í ě ř “ ”),
 * with titles that add `& < > " ’`: well-formed for two independent XML parsers, and every
 * title, description and show note reads back exactly.
 */
import { readFile } from 'node:fs/promises';
import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'podcast-partytime';
import { expect, it } from 'vitest';
import { NS } from '../../src/check/feed.js';
import { child, children, parseXml, textOf } from '../../src/check/xml.js';
import { chapterSections, INTRO_MUSIC_ID } from '../../src/episode/chapters.js';
import { renderNotes } from '../../src/episode/notes.js';
import type { ChapterReport } from '../../src/episode/report.js';
import { plainDescription } from '../../src/feed/text.js';
import { parseIssue } from '../../src/newsletter/index.js';
import { describeShared, sharedPath } from '../helpers/shared.js';
import { buildShow } from './show.js';

const TITLES: Record<string, string> = {
  'an-081.md': 'Universality & <ascription> "trust" — it’s ε-close ⟂',
  'an-083.md': 'ReMixMatch > MixMatch & “sample efficiency” for Vojtěch Kovařík’s <debate>',
};

async function issueWithTitle(name: string) {
  const text = await readFile(sharedPath('newsletters', name), 'utf8');
  // through the real front matter parser: a YAML double-quoted title with \" escapes
  const yaml = TITLES[name]!.replace(/"/g, '\\"');
  const edited = text.replace(/^title: .*$/m, `title: "[AN #${name.slice(3, 6).replace(/^0/, '')}]: ${yaml}"`);
  const issue = parseIssue(edited, name);
  expect(issue.title).toBe(TITLES[name]);
  return issue;
}

function chaptersOf(issue: ReturnType<typeof parseIssue>): ChapterReport[] {
  const out: ChapterReport[] = [{ id: INTRO_MUSIC_ID, title: 'Intro', startSeconds: 0, endSeconds: 7, confidence: 1 }];
  let t = 7;
  for (const s of chapterSections(issue)) {
    out.push({ id: s.id, title: s.title, startSeconds: t, endSeconds: t + 60, confidence: 1 });
    t += 60 + s.text.length / 16;
  }
  return out;
}

describeShared('a feed of AN #81 and #83 with & < > " ’ and non-ASCII', () => {
  it('is well-formed XML and every title, description and note reads back identical', async () => {
    const issues = await Promise.all(['an-081.md', 'an-083.md'].map(issueWithTitle));
    const inputs = issues.map((issue) => {
      const notesHtml = renderNotes(issue, chaptersOf(issue));
      return { number: issue.number, title: issue.title, pubDate: issue.published, notesHtml, description: plainDescription(notesHtml, issue.title) };
    });
    // the texts really carry what the test is about
    const titles = inputs.map((i) => i.title).join('');
    for (const c of ['&', '<', '>', '"', '’', 'ε', '⟂', 'ě', 'ř', '“']) expect(titles, c).toContain(c);
    const notes = inputs.map((i) => i.notesHtml).join('');
    for (const c of ['&lt;', '&quot;', '&#39;', '’', 'ε', '⟂', 'í', 'ě', 'ř', '“', '”']) expect(notes, c).toContain(c);

    const { xml } = buildShow(inputs);
    const bytes = Buffer.from(xml, 'utf8');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBe(xml);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parseXml(xml);
    // non-ASCII is written as UTF-8, not as character references
    expect(xml).toContain('ε-close ⟂');
    expect(xml).toContain('Vojtěch Kovařík');

    const feed = parseFeed(xml)!;
    const items = children(child(doc.root, '', 'channel')!, '', 'item');
    expect(feed.items).toHaveLength(2);
    for (const input of inputs) {
      const i = inputs.length - 1 - inputs.indexOf(input); // newest first
      expect(feed.items[i]!.title).toBe(`AN #${input.number}: ${input.title}`);
      expect(textOf(child(items[i]!, '', 'title')!)).toBe(`AN #${input.number}: ${input.title}`);
      expect(textOf(child(items[i]!, NS.itunes, 'title')!)).toBe(input.title);
      // exactly, line breaks included (partytime folds white space, so compare it folded)
      expect(textOf(child(items[i]!, '', 'description')!)).toBe(input.description);
      expect(feed.items[i]!.description).toBe(input.description.replace(/\s+/g, ' ').trim());
      expect(textOf(child(items[i]!, NS.content, 'encoded')!)).toBe(input.notesHtml);
      expect(feed.items[i]!.pubDate?.toISOString()).toBe(new Date(input.pubDate!).toISOString());
    }
  });
});
