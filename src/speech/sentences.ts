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

/** A first line this short, followed by more lines, is a heading: a sentence of its own. */
const HEADING_WORDS = 6;

export function splitSentences(text: string): string[] {
  const heading = /^\s*([^\n]+?)[ \t]*\n\s*(?=\S)/.exec(text);
  if (heading && countWords(heading[1]) > 0 && countWords(heading[1]) <= HEADING_WORDS && !/[.!?…:;,]["'”’)\]]*$/u.test(heading[1])) {
    return [heading[1].replace(/\s+/g, ' ').trim(), ...splitSentences(text.slice(heading[0].length))];
  }
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

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function numberWords(n: number): string {
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? ` ${ONES[n % 10]}` : '');
  return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberWords(n % 100)}` : ''}`;
}

/** The value of a Roman numeral (I … CCCXCIX), or undefined. */
export function romanValue(s: string): number | undefined {
  if (!/^(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/.test(s) || s === '') return undefined;
  const v: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const a = v[s[i]];
    const b = i + 1 < s.length ? v[s[i + 1]] : 0;
    total += a < b ? -a : a;
  }
  return total;
}

/**
 * What the reference synthesizer is given for a sentence: a heading that is only a Roman
 * numeral ("II", "Part IV") is read as the number ("two"), the way narrators read it —
 * espeak-ng would say "roman two", and "I" alone would be the pronoun.
 */
export function spokenForReference(sentence: string): string {
  const m = /^(.*?\b)?([IVXLC]+)\.?$/.exec(sentence.trim());
  if (m && countWords(sentence) <= HEADING_WORDS) {
    const v = romanValue(m[2]);
    if (v !== undefined && (m[1] === undefined || m[1].trim() === '' || /^[\p{Lu}][\p{L}]*\s$/u.test(m[1]))) {
      return `${(m[1] ?? '').trim()} ${numberWords(v)}.`.trim();
    }
  }
  return sentence;
}
