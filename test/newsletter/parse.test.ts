import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LetterpodError } from '../../src/errors.js';
import { parseIssue, readIssue } from '../../src/newsletter/index.js';

const AN_WITHOUT_FRONT_MATTER = `**Newsletter #7**

Alignment Newsletter is a weekly publication. Find all Alignment Newsletter **[resources here](http://rohinshah.com/alignment-newsletter/)**.

Audio version **[here](http://alignment-newsletter.libsyn.com/alignment-newsletter-7)** (may not be up yet).

HIGHLIGHTS
==========

**[Deep Things](https://arxiv.org/abs/1)** *(Ada Lovelace et al)* (summarized by Rohin): Models learn **x\\_{t+k}** well (**[AN #5](https://mailchi.mp/5)**). See **[the blog](https://blog.example/post)**.

Second paragraph of the summary.

**Read more:** **[Paper: Deeper Things](https://arxiv.org/abs/2)**

**Rohin's opinion:** I like it; see **[here](https://example.org/more)**.

It also made me think.

TECHNICAL AI ALIGNMENT
======================

LEARNING HUMAN INTENT
---------------------

**[Just Listed](https://example.org/listed)** *(Grace Hopper)*

**[A job at CHAI](https://chai.example/jobs)** (summarized by Flo) (H/T Someone): Apply now.

#### **FEEDBACK**

I'm always happy to hear feedback; you can send it to me by **replying to this email**.

*Copyright © 2020 Rohin Shah, All rights reserved.*

You can [unsubscribe from this list](https://list-manage.example/unsubscribe).
`;

describe('parseIssue: Alignment Newsletter markdown without front matter', () => {
  const issue = parseIssue(AN_WITHOUT_FRONT_MATTER, 'newsletters/AN7.md');

  it('takes the number from the file name and makes up a title', () => {
    expect(issue.number).toBe(7);
    expect(issue.title).toBe('Alignment Newsletter #7');
    expect(issue.format).toBe('an-markdown');
    expect(issue.published).toBeUndefined();
    expect(issue.source).toBe('newsletters/AN7.md');
  });

  it('finds intro, headings, summaries and listed items in order', () => {
    expect(issue.sections.map((s) => [s.id, s.kind, s.title])).toEqual([
      ['s1', 'intro', 'Introduction'],
      ['s2', 'heading', 'Highlights'],
      ['s3', 'summary', 'Deep Things'],
      ['s4', 'heading', 'Technical AI alignment'],
      ['s5', 'heading', 'Learning human intent'],
      ['s6', 'other', 'Just Listed'],
      ['s7', 'summary', 'A job at CHAI'],
    ]);
  });

  it('speaks the intro without the audio line', () => {
    expect(issue.sections[0]!.text).toBe(
      'Newsletter number 7. Alignment Newsletter is a weekly publication. Find all Alignment Newsletter resources here.',
    );
  });

  it('fills a summary: authors, summarizer, body, opinion, links, spoken text', () => {
    const s = issue.sections[2]!;
    expect(s.authors).toBe('Ada Lovelace et al');
    expect(s.summarizer).toBe('Rohin');
    expect(s.body).toBe('Models learn x_{t+k} well (AN #5). See the blog.\n\nSecond paragraph of the summary.');
    expect(s.opinion).toBe('I like it; see here.\n\nIt also made me think.');
    expect(s.links.map((l) => l.url)).toEqual([
      'https://arxiv.org/abs/1',
      'https://mailchi.mp/5',
      'https://blog.example/post',
      'https://arxiv.org/abs/2',
      'https://example.org/more',
    ]);
    expect(s.links[0]).toEqual({ text: 'Deep Things', url: 'https://arxiv.org/abs/1' });
    expect(s.text).toBe(
      "Deep Things, by Ada Lovelace et al., summarized by Rohin. Models learn x t plus k well. See the blog. Second paragraph of the summary. Rohin's opinion: I like it; see here. It also made me think.",
    );
  });

  it('keeps listed items without summary as `other` sections', () => {
    const s = issue.sections[5]!;
    expect(s).toMatchObject({ kind: 'other', title: 'Just Listed', authors: 'Grace Hopper', text: 'Just Listed, by Grace Hopper.' });
    expect(s.links).toEqual([{ text: 'Just Listed', url: 'https://example.org/listed' }]);
    expect(s.summarizer).toBeUndefined();
  });

  it('reads a summary without authors and drops the hat tip and the footer', () => {
    const s = issue.sections[6]!;
    expect(s.authors).toBeUndefined();
    expect(s.summarizer).toBe('Flo');
    expect(s.text).toBe('A job at CHAI, summarized by Flo. Apply now.');
    const all = issue.sections.map((x) => x.text).join(' ');
    expect(all).not.toMatch(/feedback|copyright|unsubscribe|H\/T/i);
  });
});

describe('parseIssue: hard-wrapped markdown', () => {
  it('joins wrapped lines and keeps list items apart', () => {
    const issue = parseIssue(
      '**[Long\nTitle](https://t.example)** *(A. Person)*\n(summarized by Rohin): Body line one\ncontinues here.\n\n- item one\n- item two\n',
      'an-9.md',
    );
    const s = issue.sections[0]!;
    expect(s).toMatchObject({ kind: 'summary', title: 'Long Title', authors: 'A. Person', summarizer: 'Rohin' });
    expect(s.body).toBe('Body line one continues here.\n\n- item one\n- item two');
    expect(s.text).toBe('Long Title, by A. Person, summarized by Rohin. Body line one continues here. item one item two.');
    expect(s.links).toEqual([{ text: 'Long Title', url: 'https://t.example' }]);
  });
});

describe('parseIssue: front matter', () => {
  const text = `---
title: "[AN #12]: Things: and more"
issue: 12
published: 2018-06-25T16:00:00Z
url: https://example.org/an-12
author: 'Rohin Shah'
---

**[A](https://a.example)** *(B)* (summarized by C): D.
`;
  it('gives number, title without the [AN #n] prefix, date, url, author', () => {
    const issue = parseIssue(text, 'whatever-999.md');
    expect(issue).toMatchObject({
      number: 12,
      title: 'Things: and more',
      published: '2018-06-25T16:00:00Z',
      url: 'https://example.org/an-12',
      author: 'Rohin Shah',
      format: 'an-markdown',
    });
    expect(issue.sections.map((s) => s.text)).toEqual(['A, by B, summarized by C. D.']);
  });

  it('rejects a number or date that is not one, naming the file', () => {
    expect(() => parseIssue(text.replace('issue: 12', 'issue: twelve'), 'an-12.md')).toThrow(/an-12\.md: .*issue: twelve/);
    expect(() => parseIssue(text.replace(/published: .*/, 'published: soon'), 'an-12.md')).toThrow(LetterpodError);
  });

  it('without any number says how to give one', () => {
    expect(() => parseIssue('# Hello\n\nWorld.', 'notes.md')).toThrow(/notes\.md: no issue number.*an-102\.md/);
  });
});

describe('parseIssue: generic markdown', () => {
  const md = `Some words before any heading, with [a link](https://intro.example).

# The First Part

It has **bold** and a [link](https://one.example).

More of the first part.

Second Part
-----------

### A deeper heading

Text under it.
`;
  const issue = parseIssue(md, 'episode-5.md');

  it('makes each heading an `other` section and the text before them the intro', () => {
    expect(issue.format).toBe('markdown');
    expect(issue.number).toBe(5);
    expect(issue.title).toBe('The First Part');
    expect(issue.sections.map((s) => [s.kind, s.title, s.text])).toEqual([
      ['intro', 'Introduction', 'Some words before any heading, with a link.'],
      ['other', 'The First Part', 'The First Part. It has bold and a link. More of the first part.'],
      ['other', 'Second Part', 'Second Part'],
      ['other', 'A deeper heading', 'A deeper heading. Text under it.'],
    ]);
    expect(issue.sections[1]!.links).toEqual([{ text: 'link', url: 'https://one.example' }]);
    expect(issue.sections[1]!.body).toBe('It has bold and a link.\n\nMore of the first part.');
  });

  it('has no intro section when the text starts with a heading', () => {
    const only = parseIssue('## Only\n\nText.', 'x-3.md');
    expect(only.sections.map((s) => s.kind)).toEqual(['other']);
    expect(only.sections[0]!.id).toBe('s1');
  });
});

describe('parseIssue: plain text', () => {
  const txt = `Alignment Newsletter is a weekly publication. Find all Alignment Newsletter resources here.

Audio version here (may not be up yet).

HIGHLIGHTS

Language Models are Few-Shot Learners (Tom B. Brown et al) (summarized by Rohin): The biggest model (AN #46) is big.

1. First point (as long as it holds)

Rohin's opinion: Impressive.

TECHNICAL AI ALIGNMENT

Two Alternatives to Logical Counterfactuals (Jessica Taylor)

Planning with Uncertain Specifications (summarized by Flo): A short one.

Read more: Paper: Something Else

Flo’s opinion: Fine.

I'm always happy to hear feedback; you can send it to me, Rohin Shah, by replying to this email.

New Comment
`;
  const issue = parseIssue(txt, 'an-102.txt');

  it('reads the same grammar without markup', () => {
    expect(issue.format).toBe('plain');
    expect(issue.number).toBe(102);
    expect(issue.sections.map((s) => [s.kind, s.title, s.authors, s.summarizer])).toEqual([
      ['intro', 'Introduction', undefined, undefined],
      ['heading', 'Highlights', undefined, undefined],
      ['summary', 'Language Models are Few-Shot Learners', 'Tom B. Brown et al', 'Rohin'],
      ['heading', 'Technical AI alignment', undefined, undefined],
      ['other', 'Two Alternatives to Logical Counterfactuals', 'Jessica Taylor', undefined],
      ['summary', 'Planning with Uncertain Specifications', undefined, 'Flo'],
    ]);
  });

  it('speaks it without citations, "Read more" lines, or trailing comment junk', () => {
    expect(issue.sections[2]!.text).toBe(
      "Language Models are Few-Shot Learners, by Tom B. Brown et al., summarized by Rohin. The biggest model is big. 1. First point (as long as it holds). Rohin's opinion: Impressive.",
    );
    expect(issue.sections[5]!.text).toBe("Planning with Uncertain Specifications, summarized by Flo. A short one. Flo's opinion: Fine.");
    expect(issue.sections[5]!.opinion).toBe('Fine.');
    expect(issue.sections.map((s) => s.text).join(' ')).not.toMatch(/New Comment|feedback|Audio version/);
  });

  it('treats a .txt file with markdown links as markdown', () => {
    expect(parseIssue('**[T](https://t.example)** *(A)* (summarized by B): C.', 'an-3.txt').format).toBe('an-markdown');
  });
});

describe('parseIssue: review issues without "(summarized by"', () => {
  it('makes each bold-topic paragraph a summary', () => {
    const issue = parseIssue(
      '---\ntitle: "[AN #84] Review"\nissue: 84\n---\n\nIntro words.\n\n**Value learning.** Hard. See [x](https://x.example).\n\nMore on it.\n\n**Oracles.** Also hard.\n',
      'an-084.md',
    );
    expect(issue.title).toBe('Review');
    expect(issue.sections.map((s) => [s.kind, s.title, s.text])).toEqual([
      ['intro', 'Introduction', 'Intro words.'],
      ['summary', 'Value learning', 'Value learning. Hard. See x. More on it.'],
      ['summary', 'Oracles', 'Oracles. Also hard.'],
    ]);
  });
});

describe('readIssue errors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'letterpod-newsletter-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const expectError = async (path: string, pattern: RegExp): Promise<void> => {
    const err = await readIssue(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LetterpodError);
    const e = err as LetterpodError;
    expect(e.file).toBe(path);
    expect(e.message).toContain(path);
    expect(e.message).toMatch(pattern);
    expect(e.fix.length).toBeGreaterThan(10);
  };

  it('empty file', async () => {
    const path = join(dir, 'an-101.md');
    await writeFile(path, '');
    await expectError(path, /is empty/);
    await writeFile(path, '  \n\n ');
    await expectError(path, /is empty/);
  });

  it('binary file', async () => {
    const path = join(dir, 'an-101.wav');
    await writeFile(path, Buffer.from([0x52, 0x49, 0x46, 0x46, 0x24, 0x08, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45]));
    await expectError(path, /binary/);
    const latin1 = join(dir, 'an-101-latin1.txt');
    await writeFile(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expectError(latin1, /not UTF-8/);
  });

  it('no sections', async () => {
    const path = join(dir, 'an-101-audio.md');
    await writeFile(path, '---\nissue: 101\n---\n\nAudio version [here](http://x.example) (may not be up yet).\n');
    await expectError(path, /no sections/);
  });

  it('missing file', async () => {
    await expectError(join(dir, 'an-404.md'), /no such file/);
  });

  it('reads a good file, also as UTF-16', async () => {
    const path = join(dir, 'an-55.md');
    await writeFile(path, '# Title\n\nBody ε.\n');
    const issue = await readIssue(path);
    expect(issue.number).toBe(55);
    expect(issue.sections.map((s) => s.text)).toEqual(['Title. Body epsilon.']);
    const utf16 = join(dir, 'an-56.md');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# Title\r\n\r\nBody.\r\n', 'utf16le')]));
    expect((await readIssue(utf16)).sections.map((s) => s.text)).toEqual(['Title. Body.']);
  });
});
