/**
 * newsletter/: an issue's text → `Issue` (sections in reading order, each with the words
 * the narrator says). Formats: Alignment Newsletter markdown, the same as plain text,
 * and generic markdown where each heading starts a section.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LetterpodError } from '../errors.js';
import { parseAnMarkdown } from './an-markdown.js';
import { issueNumberFromName } from './file-name.js';
import { splitFrontMatter } from './frontmatter.js';
import { firstHeading, parseGenericMarkdown } from './generic-markdown.js';
import { parsePlain } from './plain.js';
import { finishSections } from './sections.js';
import type { Issue } from './types.js';

export type { Issue, Link, Section, SectionKind } from './types.js';
export { issueNumberFromName } from './file-name.js';
export { toSpoken, SPOKEN_RULES, type SpokenRule } from './spoken.js';

const AN_PREFIX = /^\s*\[AN\s*#\s*(\d+)\]\s*:?\s*/i;
const MARKDOWN_EXT = new Set(['.md', '.markdown', '.mdown', '.mkd', '.mdx']);

/** Which grammar reads `body`: by extension first, then by what the text looks like. */
export function detectFormat(body: string, source: string, frontMatterTitle = ''): Issue['format'] {
  const ext = extname(source).toLowerCase();
  const hasLinks = /\]\((?:https?:|mailto:|www\.)/.test(body);
  const looksMarkdown = hasLinks || /^#{1,6}[ \t]|^[ \t]{0,3}(?:=+|-+)[ \t]*$|\*\*[^*\n]+\*\*/m.test(body);
  const markdown = MARKDOWN_EXT.has(ext) || (ext === '.txt' ? hasLinks : looksMarkdown);
  if (!markdown) return 'plain';
  const an = /\(summarized by /i.test(body) || AN_PREFIX.test(frontMatterTitle) || /alignment newsletter/i.test(body);
  return an ? 'an-markdown' : 'markdown';
}

function numberOf(data: Record<string, string>, body: string, source: string): number {
  const fromFront = data.issue ?? data.number;
  if (fromFront !== undefined && fromFront !== '') {
    const n = Number(fromFront.replace(/^#/, ''));
    if (!Number.isInteger(n) || n <= 0) {
      throw new LetterpodError({
        file: source,
        problem: `front matter "issue: ${fromFront}" is not an issue number`,
        fix: 'Write a positive whole number, e.g. "issue: 102"',
      });
    }
    return n;
  }
  const candidates = [
    AN_PREFIX.exec(data.title ?? '')?.[1],
    issueNumberFromName(source),
    /^\s*(?:\*\*)?(?:Alignment )?Newsletter #(\d+)/im.exec(body)?.[1],
    /Audio version[^\n]*?alignment-newsletter-(\d+)\b/i.exec(body)?.[1],
  ];
  for (const c of candidates) {
    if (c !== undefined && Number(c) > 0) return Number(c);
  }
  throw new LetterpodError({
    file: source,
    problem: 'no issue number found (no "issue:" front matter and no number in the file name)',
    fix: 'Name the file after its issue, e.g. an-102.md, or start it with front matter "---\\nissue: 102\\n---"',
  });
}

function publishedOf(data: Record<string, string>, source: string): string | undefined {
  const value = data.published ?? data.date;
  if (value === undefined || value === '') return undefined;
  if (Number.isNaN(Date.parse(value))) {
    throw new LetterpodError({
      file: source,
      problem: `front matter "published: ${value}" is not a date`,
      fix: 'Write an ISO 8601 date, e.g. "published: 2020-03-25T17:20:02Z"',
    });
  }
  return value;
}

/** Parses an issue's text. Pure: `source` only names the file (and may give the number). */
export function parseIssue(text: string, source: string): Issue {
  const { data, body } = splitFrontMatter(text);
  const format = detectFormat(body, source, data.title);
  const number = numberOf(data, body, source);
  const drafts = format === 'plain' ? parsePlain(body) : format === 'an-markdown' ? parseAnMarkdown(body) : parseGenericMarkdown(body);
  const frontTitle = (data.title ?? '').replace(AN_PREFIX, '').trim();
  const stem = basename(source, extname(source));
  const title = frontTitle || (format === 'markdown' ? firstHeading(body) ?? stem : `Alignment Newsletter #${number}`);

  // only http(s) links leave letterpod (chapters.json, ID3 WXXX, feed, notes): others are dropped here
  const sections = finishSections(drafts).map((s) => ({ ...s, links: s.links.filter((l) => isHttpUrl(l.url)) }));
  const issue: Issue = { number, title, format, sections, source };
  const published = publishedOf(data, source);
  if (published) issue.published = published;
  if (data.url && isHttpUrl(data.url)) issue.url = data.url;
  if (data.author) issue.author = data.author;
  const language = (data.lang ?? data.language ?? '').trim();
  if (language) {
    if (!/^[a-zA-Z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(language)) {
      throw new LetterpodError({
        file: source,
        problem: `front matter "lang: ${language}" is not a language code`,
        fix: 'Write a language code like "en", "de" or "es-ES"',
      });
    }
    issue.language = language;
  }
  return issue;
}

/** Decodes a file's bytes as text, or says why it is not a text file. */
function decodeText(bytes: Buffer, path: string): string {
  const notText = (problem: string): LetterpodError =>
    new LetterpodError({
      file: path,
      problem,
      fix: 'Pass the newsletter issue as a UTF-8 text file (.md or .txt), not a recording or document',
    });
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const body = Buffer.from(bytes.subarray(2));
    if (!le) body.swap16();
    return body.toString('utf16le');
  }
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) throw notText('is a binary file, not text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notText('is not UTF-8 text (it looks binary or uses another encoding)');
  }
  const controls = (text.slice(0, 8192).match(/[\u0000-\u0008\u000e-\u001f\u007f]/g) ?? []).length;
  if (controls > 0.01 * Math.min(text.length, 8192)) throw notText('is a binary file, not text');
  return text;
}

/** Whether a URL is absolute http(s): the only kind letterpod publishes. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The largest issue text letterpod reads (a newsletter issue is 10–100 KB). */
export const MAX_ISSUE_BYTES = 1_000_000;
/** The most sections (chapters) an issue may have. */
export const MAX_ISSUE_SECTIONS = 500;

/** Reads and parses an issue file; what a user can fix is a `LetterpodError`. */
export async function readIssue(path: string): Promise<Issue> {
  let bytes: Buffer;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_ISSUE_BYTES) {
      throw new LetterpodError({
        file: path,
        problem: `is ${(size / 1e6).toFixed(1)} MB, more than an issue text can be (limit ${MAX_ISSUE_BYTES / 1e6} MB)`,
        fix: 'Check that it is one newsletter issue as text (not an archive, a log or several issues)',
      });
    }
    bytes = await readFile(path);
  } catch (cause) {
    if (cause instanceof LetterpodError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new LetterpodError({
      file: path,
      problem: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(cause)})`,
      fix: 'Check the path of the newsletter issue (e.g. newsletters/an-102.md)',
      cause,
    });
  }
  const text = decodeText(bytes, path);
  if (text.trim() === '') {
    throw new LetterpodError({
      file: path,
      problem: 'is empty',
      fix: "Put the issue's text in it (markdown or plain text), e.g. copied from the newsletter",
    });
  }
  const issue = parseIssue(text, path);
  if (issue.sections.length === 0) {
    throw new LetterpodError({
      file: path,
      problem: 'has no sections to read (no intro, headings or summaries found)',
      fix: 'Check that it is the newsletter issue text; summaries look like "Title (Authors) (summarized by X): …"',
    });
  }
  if (issue.sections.length > MAX_ISSUE_SECTIONS) {
    throw new LetterpodError({
      file: path,
      problem: `has ${issue.sections.length} sections, more than an episode can have chapters (limit ${MAX_ISSUE_SECTIONS})`,
      fix: 'Check that it is one newsletter issue (not several pasted together)',
    });
  }
  return issue;
}
