import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chapterSections, INTRO_MUSIC_ID } from '../../src/episode/chapters.js';
import { renderNotes } from '../../src/episode/notes.js';
import type { ChapterReport } from '../../src/episode/report.js';
import { htmlToText, plainDescription } from '../../src/feed/text.js';
import { parseIssue } from '../../src/newsletter/index.js';
import type { Issue } from '../../src/newsletter/types.js';
import { describeShared, sharedPath } from '../helpers/shared.js';

const ALLOWED_TAGS = new Set(['h2', 'h3', 'p', 'a', 'em', 'strong']);

/**
 * What a sanitizer would complain about: tags other than the few the notes use, any
 * attribute but href on <a>, hrefs that are not http(s)/mailto, and "&" that does not start
 * one of the entities escapeHtml writes.
 */
function unsafeParts(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const [tag, name, rest] = [m[0], m[1]!.toLowerCase(), m[2]!];
    if (!ALLOWED_TAGS.has(name)) problems.push(`tag ${tag}`);
    const attrs = [...rest.matchAll(/\s([^\s=>]+)(?:="([^"]*)")?/g)];
    for (const a of attrs) {
      if (name !== 'a' || a[1] !== 'href') problems.push(`attribute ${a[0].trim()} in ${tag}`);
      else if (!/^(https?:\/\/|mailto:)/.test(a[2] ?? '')) problems.push(`href ${a[2]}`);
    }
    if (rest.replace(/\s[^\s=>]+(="[^"]*")?/g, '').replace(/\/$/, '').trim()) problems.push(`stray text in ${tag}`);
  }
  for (const m of html.matchAll(/&[^;\s]{0,10};?/g)) {
    if (!/^&(amp|lt|gt|quot|#39);$/.test(m[0])) problems.push(`entity ${m[0]}`);
  }
  return problems;
}

const chapterLines = (html: string) => htmlToText(html).split('\n').filter((l) => /^\d{2}:\d{2}:\d{2} /.test(l));

const issue: Issue = {
  number: 7,
  title: 'Seven',
  format: 'an-markdown',
  source: 'an-007.md',
  sections: [
    {
      id: 's1',
      kind: 'intro',
      title: 'Introduction',
      body: 'Find all resources here. Welcome to issue seven.\n\nA second intro paragraph.',
      text: 'Find all resources here.',
      links: [{ text: 'here', url: 'https://rohinshah.com/alignment-newsletter/' }],
    },
    { id: 's2', kind: 'heading', title: 'Highlights', text: 'Highlights', links: [] },
    {
      id: 's3',
      kind: 'summary',
      title: 'First paper',
      authors: 'Alice Smith, Bob Jones',
      summarizer: 'Rohin',
      body: 'Builds on this post and shows ε-robustness.\n\nA second paragraph about this post.',
      opinion: 'I like it.',
      links: [
        { text: 'First paper', url: 'https://arxiv.org/abs/1' },
        { text: 'this post', url: 'https://example.org/post' },
        { text: 'Paper: First paper (long version)', url: 'https://arxiv.org/abs/1v2' },
      ],
    },
    {
      id: 's4',
      kind: 'summary',
      title: 'Second',
      summarizer: 'Zach',
      body: 'Body two.',
      opinion: "Zach's opinion: already labelled.",
      links: [{ text: 'Second', url: 'https://example.org/2' }],
    },
    { id: 's5', kind: 'summary', title: 'Skipped one', summarizer: 'Flo', body: 'Not read aloud.', links: [] },
  ],
};

const chapters: ChapterReport[] = [
  { id: INTRO_MUSIC_ID, title: 'Intro', startSeconds: 0, endSeconds: 8.4, confidence: 1 },
  { id: 's1', title: 'Introduction', startSeconds: 8.4, endSeconds: 61.9, confidence: 1 },
  { id: 's3', title: 'First paper', startSeconds: 61.9, endSeconds: 3725.2, confidence: 0.9 },
  { id: 's4', title: 'Second', startSeconds: 3725.2, endSeconds: 3800, confidence: 0.8 },
];

describe('renderNotes', () => {
  const html = renderNotes(issue, chapters);

  it('gives every chapter a "HH:MM:SS Title" line in order, the intro music first at 00:00:00', () => {
    expect(chapterLines(html)).toEqual(['00:00:00 Intro', '00:00:08 Introduction', '00:01:01 First paper', '01:02:05 Second']);
    // without intro music the intro chapter is the one at 00:00:00
    const plain = renderNotes(issue, chapters.slice(1).map((c, i) => (i === 0 ? { ...c, startSeconds: 0 } : c)));
    expect(chapterLines(plain)[0]).toBe('00:00:00 Introduction');
  });

  it('has the intro, then per summary the linked title, authors, summarizer, text, opinion and Read more', () => {
    expect(html).toContain('<p>Find all resources <a href="https://rohinshah.com/alignment-newsletter/">here</a>. Welcome to issue seven.</p>');
    expect(html).toContain('<h2>Highlights</h2>');
    expect(html).toContain('<h3>00:01:01 <a href="https://arxiv.org/abs/1">First paper</a></h3>\n<p><em>Alice Smith, Bob Jones</em> · summarized by Rohin</p>');
    // links go where their text is, in reading order: the first "this post"
    expect(html).toContain('<p>Builds on <a href="https://example.org/post">this post</a> and shows ε-robustness.</p>\n<p>A second paragraph about this post.</p>');
    expect(html).toContain('<p><strong>Rohin&#39;s opinion:</strong> I like it.</p>');
    expect(html).toContain('<p>Read more: <a href="https://arxiv.org/abs/1v2">Paper: First paper (long version)</a></p>');
    // an opinion that carries its own label gets no second one
    expect(html).toContain('<p><strong>Zach&#39;s opinion:</strong> already labelled.</p>');
    // a summary the narrator skipped is in the notes, without a timestamp
    expect(html).toContain('<h3>Skipped one</h3>');
    expect(unsafeParts(html)).toEqual([]);
  });

  it('makes a hostile issue inert: no script, no event handlers, no javascript: URLs', () => {
    const hostile: Issue = {
      number: 666,
      title: 'Hostile',
      format: 'markdown',
      source: 'evil.md',
      sections: [
        {
          id: 's1',
          kind: 'intro',
          title: 'Introduction',
          body: 'Welcome <script>alert("x")</script> & <img src=x onerror=alert(1)> click here.',
          text: 'Welcome',
          links: [{ text: 'here', url: 'javascript:alert(1)' }],
        },
        {
          id: 's2',
          kind: 'summary',
          title: '<a href="javascript:alert(1)" onclick="steal()">Click</a>',
          authors: 'Eve <b onmouseover=alert(1)>',
          summarizer: 'Mallory"><script>alert(2)</script>',
          body: 'Body with <iframe src="https://evil.example/"></iframe> and a link.\n\nSecond &amp; para &#x3C;script&#x3E; <style>*{}</style>',
          opinion: '"><svg onload=alert(1)> ]]> <!-- comment -->',
          links: [
            { text: 'Click', url: ' JaVaScRiPt:alert(1)' },
            { text: 'link', url: 'data:text/html,<script>alert(1)</script>' },
            { text: 'Paper', url: 'https://arxiv.org/abs/1"onmouseover="alert(1)' },
            { text: 'vb', url: 'vbscript:msgbox(1)' },
            { text: 'tab', url: 'java\tscript:alert(1)' },
          ],
        },
      ],
    };
    const out = renderNotes(hostile, [{ id: 's1', title: 'Introduction', startSeconds: 0, endSeconds: 5, confidence: 1 }]);
    expect(unsafeParts(out)).toEqual([]);
    expect(out).not.toMatch(/<script|<img|<iframe|<svg|<style|<!--/i);
    // what the browser reads as markup: the tags alone, text taken out
    const tags = (out.match(/<[^>]*>/g) ?? []).join('');
    expect(tags).not.toMatch(/javascript:|vbscript:|data:/i);
    expect(tags).not.toMatch(/\son[a-z]+=/i);
    expect(tags.match(/<a /g)).toHaveLength(1);
    // the text is still there, as text
    expect(out).toContain('Welcome &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; click here.');
    expect(out).toContain('Second &amp;amp; para &amp;#x3C;script&amp;#x3E;');
    // a URL with a quote in it stays one attribute (percent-encoded)
    expect(out).toContain('Read more: <a href="https://arxiv.org/abs/1%22onmouseover=%22alert(1)">Paper</a>');
  });

  it('writes valid UTF-8: non-ASCII kept, control characters dropped, lone surrogates replaced', () => {
    const odd: Issue = {
      ...issue,
      sections: [{ id: 's1', kind: 'intro', title: 'Introduction', body: 'Ünïcödé ε ⟂ íěř “quoted” ’ 🎙\u0007 broken\ud800 end', text: 'x', links: [] }],
    };
    const out = renderNotes(odd, []);
    expect(out).toContain('Ünïcödé ε ⟂ íěř “quoted” ’ 🎙 broken\ufffd end');
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(out, 'utf8'))).toBe(out);
  });
});

describe('plainDescription', () => {
  it('puts the intro line first, then the whole chapter list, then the rest, within 4000 bytes', () => {
    const long: Issue = {
      ...issue,
      sections: [
        { ...issue.sections[0]!, body: `Intro line.\n\n${'A very long preamble paragraph, ε included. '.repeat(200)}` },
        ...issue.sections.slice(1),
      ],
    };
    const description = plainDescription(renderNotes(long, chapters), 'Seven');
    expect(Buffer.byteLength(description, 'utf8')).toBeLessThanOrEqual(4000);
    expect(description.startsWith('Intro line.\n\n00:00:00 Intro\n00:00:08 Introduction\n00:01:01 First paper\n01:02:05 Second\n\nA very long')).toBe(true);
    expect(description.endsWith('…')).toBe(true);
    // each timestamp once
    expect(description.match(/\d{2}:\d{2}:\d{2}/g)).toHaveLength(4);
  });

  it('keeps the summary titles (without timestamps) in the rest', () => {
    const description = plainDescription(renderNotes(issue, chapters), 'Seven');
    expect(description).toContain('\n\nHighlights\n\nFirst paper\n\nAlice Smith, Bob Jones · summarized by Rohin\n\nBuilds on this post');
  });
});

describeShared('show notes of real issues (../shared/newsletters)', () => {
  for (const name of ['an-081.md', 'an-083.md', 'an-092.md', 'an-102.txt']) {
    it(`${name}: every section in order, chapter lines ascending from 00:00:00, nothing unsafe`, async () => {
      const parsed = parseIssue(await readFile(sharedPath('newsletters', name), 'utf8'), name);
      let t = 6.5;
      const list: ChapterReport[] = [{ id: INTRO_MUSIC_ID, title: 'Intro', startSeconds: 0, endSeconds: 6.5, confidence: 1 }];
      for (const s of chapterSections(parsed)) {
        list.push({ id: s.id, title: s.title, startSeconds: t, endSeconds: t + 70, confidence: 1 });
        t += 70 + s.text.length / 15;
      }
      const html = renderNotes(parsed, list);
      expect(unsafeParts(html)).toEqual([]);
      const lines = chapterLines(html);
      expect(lines).toHaveLength(list.length);
      expect(lines[0]).toBe('00:00:00 Intro');
      const seconds = lines.map((l) => l.slice(0, 8).split(':').reduce((acc, v) => acc * 60 + Number(v), 0));
      expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
      for (const s of parsed.sections.filter((x) => x.kind === 'summary')) {
        expect(htmlToText(html)).toContain(s.title.replace(/\s+/g, ' ').trim());
      }
      const description = plainDescription(html, parsed.title);
      expect(Buffer.byteLength(description, 'utf8')).toBeLessThanOrEqual(4000);
      // the chapter list survives the 4000-byte cut
      for (const line of lines) expect(description).toContain(line);
    });
  }
});
