/**
 * Front matter: a `---` … `---` block of `key: value` lines at the very top of a file
 * (the YAML subset newsletters use: scalars, optionally quoted).
 */
import { normalizeNewlines } from './blocks.js';

export interface FrontMatter {
  /** Lower-cased keys → unquoted values. Empty when the file has no front matter. */
  data: Record<string, string>;
  /** The text after the front matter (the whole text when there is none). */
  body: string;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(["\\/])/g, '$1').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return v.replace(/\s+#.*$/, '');
}

export function splitFrontMatter(text: string): FrontMatter {
  const normalized = normalizeNewlines(text);
  const lines = normalized.split('\n');
  if (lines[0]?.trim() !== '---') return { data: {}, body: normalized };
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) return { data: {}, body: normalized };
  const data: Record<string, string> = {};
  for (const line of lines.slice(1, end)) {
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (m) data[m[1]!.toLowerCase()] = unquote(m[2]!);
  }
  return { data, body: lines.slice(end + 1).join('\n') };
}
