/** Readable heading titles: "TECHNICAL AI ALIGNMENT" → "Technical AI alignment". */

/** Words kept in capitals (or given their usual spelling) when a heading is de-capitalized. */
const KEEP: Readonly<Record<string, string>> = {
  AI: 'AI', AGI: 'AGI', ML: 'ML', RL: 'RL', IRL: 'IRL', NLP: 'NLP', GPT: 'GPT', CAIS: 'CAIS',
  HCH: 'HCH', MIRI: 'MIRI', FHI: 'FHI', CHAI: 'CHAI', CSER: 'CSER', GCRI: 'GCRI', AN: 'AN',
  US: 'US', UK: 'UK', EU: 'EU', EA: 'EA', FLI: 'FLI', OPENAI: 'OpenAI', DEEPMIND: 'DeepMind',
  I: 'I',
};

/** All-capital headings become sentence case (acronyms kept); others are left as written. */
export function readableHeading(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (/\p{Ll}/u.test(t) || !/\p{Lu}.*\p{Lu}/u.test(t)) return t;
  let first = true;
  return t.replace(/[\p{L}\d'’]+/gu, (word, offset: number) => {
    const kept = KEEP[word];
    const afterParen = offset > 0 && t[offset - 1] === '(';
    let out: string;
    if (kept) out = kept;
    else if (first || afterParen) out = word[0]! + word.slice(1).toLowerCase();
    else out = word.toLowerCase();
    first = false;
    return out;
  });
}
