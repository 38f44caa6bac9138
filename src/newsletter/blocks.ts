/**
 * Block structure of markdown and plain text: headings and paragraphs, in order.
 * Only what newsletters use: ATX (`### x`) and setext (`x` over `===`/`---`) headings,
 * paragraphs separated by blank lines, thematic breaks (dropped), fenced code, quotes.
 */

export type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string };

const BLANK = /^\s*$/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Line endings normalized, byte-order mark removed. */
export function normalizeNewlines(text: string): string {
  return text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
}

export function markdownBlocks(markdown: string): Block[] {
  const lines = normalizeNewlines(markdown).split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length > 0) blocks.push({ type: 'paragraph', text: para.join('\n') });
    para = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (BLANK.test(line)) {
      flush();
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) code.push(lines[i]!);
      if (code.length > 0) blocks.push({ type: 'paragraph', text: code.join('\n') });
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      flush();
      blocks.push({ type: 'heading', level: atx[1]!.length, text: (atx[2] ?? '').trim() });
      continue;
    }
    const setext = SETEXT.exec(line);
    if (setext && para.length > 0) {
      blocks.push({ type: 'heading', level: setext[1]!.startsWith('=') ? 1 : 2, text: para.join(' ').trim() });
      para = [];
      continue;
    }
    if (BREAK.test(line)) {
      flush();
      continue;
    }
    para.push(line.replace(/^ {0,3}>[ \t]?/, '').replace(/[ \t]+$/, ''));
  }
  flush();
  return blocks;
}

/** Paragraphs of plain text (blank-line separated), each trimmed; line breaks kept. */
export function plainParagraphs(text: string): string[] {
  return normalizeNewlines(text)
    .split(/\n[ \t\u00a0]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .join('\n'),
    )
    .filter((p) => p !== '');
}
