/** Text for the feed: plain text from HTML notes, byte-bounded truncation, XML-safe characters. */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', hellip: '\u2026', copy: '\u00a9',
  reg: '\u00ae', trade: '\u2122', middot: '\u00b7', bull: '\u2022', laquo: '\u00ab', raquo: '\u00bb',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Readable plain text from show-notes HTML: block elements become line breaks, list items "- ". */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li\s*>/gi, '')
    .replace(/<\/?(p|div|h[1-6]|ul|ol|blockquote|section|article|header|footer|table|tr|pre)\b[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/[ \t\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** At most `maxBytes` of UTF-8, cut at a character boundary (preferably a word) with "…". */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '\u2026';
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    out += char;
    used += size;
  }
  const space = out.lastIndexOf(' ');
  if (space > out.length * 0.8) out = out.slice(0, space);
  return out.trimEnd() + ellipsis;
}

const XML_BAD_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const XML_BAD_CONTROLS_G = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Drop characters XML 1.0 cannot carry (control characters, U+FFFE/U+FFFF); a lone surrogate becomes U+FFFD. */
export function xmlSafe(text: string): string {
  // fast paths: megabytes of show notes pass through here on every render
  let out = XML_BAD_CONTROLS.test(text) ? text.replace(XML_BAD_CONTROLS_G, '') : text;
  if (SURROGATE.test(out)) out = out.replace(LONE_SURROGATES, '\ufffd');
  return out;
}

/** The feed's item description limit (Apple: 4000 bytes). */
export const DESCRIPTION_MAX_BYTES = 4000;

/** A chapter line of the show notes: "00:12:34 Title" (the shape podcast apps and YouTube turn into chapters). */
const CHAPTER_LINE = /^(\d{2}:\d{2}:\d{2}) (\S.*)$/;

/**
 * The item description: plain text of the show notes, at most 4000 bytes of UTF-8 (cut at a
 * character boundary): the intro line, then every chapter line ("00:00:00 Intro", …) as
 * one list, then the rest of the notes (chapter headings without their timestamps) as far
 * as it fits. So the list that apps turn into chapters is never cut off by a long issue,
 * and no timestamp appears twice. `fallback` (the issue title) when the notes have no text.
 */
export function plainDescription(notesHtml: string, fallback: string): string {
  const text = xmlSafe(htmlToText(notesHtml));
  if (!text) return truncateUtf8(xmlSafe(fallback), DESCRIPTION_MAX_BYTES);
  const chapters: string[] = [];
  let first: string | undefined;
  const rest: string[] = [];
  for (const paragraph of text.split(/\n{2,}/)) {
    const lines = paragraph.split('\n');
    const titles: string[] = [];
    const prose: string[] = [];
    for (const line of lines) {
      const m = CHAPTER_LINE.exec(line);
      if (m) {
        chapters.push(line);
        titles.push(m[2]!);
      } else {
        prose.push(line);
      }
    }
    if (first === undefined) {
      // chapter headings before the intro line only go into the list
      if (prose.length) first = prose.join('\n');
      continue;
    }
    rest.push([...titles, ...prose].join('\n'));
  }
  const parts = [first, chapters.join('\n'), ...rest].filter((part): part is string => Boolean(part));
  return truncateUtf8(parts.join('\n\n'), DESCRIPTION_MAX_BYTES);
}
