/**
 * Sentence splitting for the spoken text: the units the reference is synthesized in
 * (so each one's start in the reference is known exactly) and the transcript's cues.
 * Ends at . ! ? (and … ) followed by space and something that can start a sentence;
 * not after common abbreviations, initials or inside numbers. Very long sentences are
 * split again at ; or : so no cue runs for a minute.
 */

const ABBREVIATIONS = new Set(
  [
    'e.g', 'i.e', 'etc', 'et al', 'al', 'vs', 'cf', 'fig', 'figs', 'eq', 'eqs', 'sec', 'ch', 'no', 'nos', 'vol', 'pp', 'p',
    'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr', 'inc', 'ltd', 'co', 'corp', 'approx', 'ca', 'resp', 'viz', 'ibid',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'u.k', 'ph.d', 'a.k.a',
  ].map((s) => s.toLowerCase()),
);

/** Words in a text (what the speaking rate is computed from). */
export function countWords(text: string): number {
  const m = text.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu);
  return m ? m.length : 0;
}

/** Whether the text has anything speakable. */
export function isSpeakable(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

const LONG_WORDS = 45;

export function splitSentences(text: string): string[] {
  const t = text.replace(/\s+/g, ' ').trim();
  if (!t) return [];
  const out: string[] = [];
  let start = 0;
  const re = /([.!?…]+)(["'”’)\]]*)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    const end = m.index + m[1].length + m[2].length;
    if (m[1] === '.' && !m[2]) {
      // the word before the period
      const before = t.slice(start, m.index);
      const word = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
      if (ABBREVIATIONS.has(word) || ABBREVIATIONS.has(word.replace(/\.$/, ''))) continue;
      if (/^\p{Lu}$/u.test(/(\S+)$/u.exec(before)?.[1] ?? '')) continue; // an initial: "A. Smith"
      if (/(^|[^\p{L}])\p{L}(\.\p{L})+$/u.test(before)) continue; // "U.S." style
    }
    out.push(t.slice(start, end).trim());
    start = m.index + m[0].length;
  }
  if (start < t.length) out.push(t.slice(start).trim());
  return out.flatMap(splitLong).filter((s) => s.length > 0);
}

function splitLong(sentence: string): string[] {
  if (countWords(sentence) <= LONG_WORDS) return [sentence];
  const parts = sentence.split(/(?<=[;:])\s+/);
  if (parts.length === 1) return [sentence];
  // re-join small parts so pieces stay reasonably sized
  const out: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (cur && countWords(cur) + countWords(p) > LONG_WORDS) {
      out.push(cur);
      cur = p;
    } else cur = cur ? `${cur} ${p}` : p;
  }
  if (cur) out.push(cur);
  return out;
}
