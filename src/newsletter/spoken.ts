/**
 * Spoken form: what a narrator says when reading a piece of markdown or plain text.
 *
 * `toSpoken` runs SPOKEN_RULES in order; each rule is a small, named string → string step,
 * so later work adds rules instead of growing one function. Number rules live in spoken-numbers.ts.
 * A rule rewrites only what espeak-ng (which synthesizes the reference) would say differently
 * from a narrator; its comment says what espeak-ng said (`espeak-ng -q -x`).
 * Input may be markdown or plain text; output has no URLs, no markdown syntax, no link
 * citations like "(AN #15)", and single spaces.
 */
import { replaceLinks, stripEmphasis, unescapeMarkdown } from './markdown-inline.js';
import { NUMBER_RULES } from './spoken-numbers.js';

export interface SpokenRule {
  name: string;
  apply: (text: string) => string;
}

/** Symbols a narrator reads as words (Greek letters, a few math signs). */
export const SYMBOL_WORDS: Readonly<Record<string, string>> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ϵ: 'epsilon', ζ: 'zeta', η: 'eta',
  θ: 'theta', ι: 'iota', κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', π: 'pi', ρ: 'rho',
  σ: 'sigma', τ: 'tau', υ: 'upsilon', φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
  Γ: 'gamma', Δ: 'delta', Θ: 'theta', Λ: 'lambda', Π: 'pi', Σ: 'sigma', Φ: 'phi', Ψ: 'psi', Ω: 'omega',
  '⟂': 'perpendicular', '⊥': 'perpendicular', '∞': 'infinity', '≈': 'approximately', '≠': 'not equal to',
  '≤': 'less than or equal to', '≥': 'greater than or equal to', '≪': 'much less than',
  '≫': 'much greater than', '→': 'to', '∈': 'in', '×': 'times', '±': 'plus or minus', '√': 'square root of',
};

const SYMBOL_RE = new RegExp(`[${Object.keys(SYMBOL_WORDS).join('')}]`, 'gu');

/**
 * Latin abbreviations as a narrator says them. espeak-ng says "e.g." right ("for example") but
 * "i.e." as "I E", "vs." as "V S", "cf." as "C F"; and a written "e.g." followed by a capital
 * looks like a sentence end. "etc." (espeak-ng: "etcetera") and "et al." are left as written.
 */
const LATIN: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b([Ee])\.g\.(?!\p{L})/gu, 'for example'],
  [/\b([Ii])\.e\.(?!\p{L})/gu, 'that is'],
  [/\b([Vv])s\.?(?=\s)/gu, 'versus'],
  [/\b([Cc])f\.(?!\p{L})/gu, 'compare'],
];

/** Keeps the capital of the abbreviation: "E.g." → "For example". */
function latinWords(s: string): string {
  return LATIN.reduce(
    (acc, [re, words]) => acc.replace(re, (_m, first: string) => (first === first.toUpperCase() ? words[0]!.toUpperCase() + words.slice(1) : words)),
    s,
  );
}

/**
 * Acronyms a narrator spells out but espeak-ng, even in a sentence, reads as a word: "UDRL" →
 * "udle", "AIRL" → "airl", "HLAI" → "aitch-lye", "RTAI" → "art-eye", "ACDT" → "act", "ICBM" → "ickbum",
 * "POMDP" → "pomdp", "AN" (Alignment Newsletter, before a number) → "an"; "LSTMs" loses its plural.
 * Written with hyphens ("U-D-R-L"), which espeak-ng reads letter by letter; spaced letters would turn
 * "A" into the article. Acronyms espeak-ng already spells (AI, AGI, RL, ML, NLP, GPT-3, CPC, CEB, SGD,
 * GPUs...) or says as a word the way narrators do (MNIST, CIFAR, MIRI, BERT, ImageNet) are left alone.
 */
export const SPELLED_ACRONYMS: readonly string[] = ['UDRL', 'AIRL', 'HLAI', 'RTAI', 'ACDT', 'ICBM', 'POMDP', 'LSTM'];
const ACRONYM_RE = new RegExp(`\\b(${SPELLED_ACRONYMS.join('|')})(s?)\\b`, 'g');

function spellAcronyms(s: string): string {
  return s
    .replace(ACRONYM_RE, (m, a: string, plural: string) => (a === 'LSTM' && !plural ? m : `${a.split('').join('-')}${plural ? "'s" : ''}`))
    .replace(/\bAN(?= number \d)/g, 'A-N');
}

/**
 * Function notation as said aloud: "p(x | z)" → "p of x given z", "O(n^2)" → "O of n^2", "E[U(a)]" →
 * "E of U of a". espeak-ng reads "p(x | z)" as "p, x, z". A single-letter name directly followed by
 * short math in brackets; innermost first. Arguments with ";" (mutual information, "I(X; Z | Y)")
 * keep their notation and only the bar becomes "given".
 */
function functionNotation(s: string): string {
  let out = s;
  for (let prev = ''; prev !== out; ) {
    prev = out;
    out = out.replace(/(?<![\p{L}\d'’])(\p{L})[([]([^()[\]\s;]+(?:(?: ?[|,] ?| [-+] | of )[^()[\]\s;]+)*)[)\]]/gu, (_m, f: string, args: string) =>
      `${f} of ${args.replace(/ ?\| ?/g, ' given ')}`,
    );
  }
  return out.replace(/\(([^()|]*?) ?\| ?([^()|]*)\)/g, '($1 given $2)');
}

/** Spoken form of what sits in a subscript/superscript: `t+k` → "t plus k". */
function spokenScript(s: string): string {
  return s.replace(/\+/g, ' plus ').replace(/-/g, ' minus ').replace(/[{}]/g, ' ');
}

export const SPOKEN_RULES: readonly SpokenRule[] = [
  { name: 'unicode spaces', apply: (s) => s.replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ').replace(/[\u200b-\u200d\ufeff]/g, '') },
  { name: 'images', apply: (s) => replaceLinks(s, (text, _url, image) => (image ? ' ' : text)) },
  { name: 'autolinks', apply: (s) => s.replace(/<(?:https?|mailto):[^>\s]*>/g, ' ') },
  { name: 'html tags', apply: (s) => s.replace(/<\/?(?:a|b|i|u|em|strong|span|div|p|br|hr|img|sup|sub|small)\b[^>]*>/gi, ' ') },
  { name: 'emphasis and code', apply: stripEmphasis },
  { name: 'list markers', apply: (s) => s.replace(/^[ \t]*[-*+•][ \t]+/gm, '') },
  { name: 'markdown escapes', apply: unescapeMarkdown },
  {
    name: 'link citations',
    // "(AN #15)", "(AN #34, AN #35)", "(see AN #15)": narrators skip these.
    apply: (s) => s.replace(/[ \t]*\((?:see (?:also )?)?AN ?#\d+(?:(?:,| and|,? or)\s*(?:AN ?#)?\d+)*\)/gi, ''),
  },
  { name: 'bare urls', apply: (s) => s.replace(/\b(?:https?:\/\/|www\.)[^\s)\]]*[^\s)\].,;:!?'"]/gi, ' ') },
  { name: 'latin abbreviations', apply: latinWords },
  { name: 'function notation', apply: functionNotation },
  {
    name: 'subscripts and powers',
    apply: (s) =>
      s
        .replace(/([\p{L}\d)])_\{([^{}]*)\}/gu, (_m, base: string, sub: string) => `${base} ${spokenScript(sub)}`)
        .replace(/([\p{L}\d)])_([\p{L}\d]+)/gu, '$1 $2')
        .replace(/\^2(?![\d.])/g, ' squared')
        .replace(/\^3(?![\d.])/g, ' cubed')
        .replace(/\^\{([^{}]*)\}/g, (_m, p: string) => ` to the power ${spokenScript(p)}`)
        .replace(/\^([\p{L}\d]+)/gu, ' to the power $1'),
  },
  {
    name: 'comparisons',
    apply: (s) =>
      s
        .replace(/<<|≪/g, ' much less than ')
        .replace(/>>|≫/g, ' much greater than ')
        .replace(/<=/g, ' less than or equal to ')
        .replace(/>=/g, ' greater than or equal to ')
        .replace(/<(?=\s*[\d$])/g, ' less than ')
        .replace(/>(?=\s*[\d$])/g, ' greater than ')
        .replace(/[<>]/g, ' '),
  },
  { name: 'approximately', apply: (s) => s.replace(/(^|[\s(])~\s?(?=[\p{L}\d$])/gu, '$1about ').replace(/\s~\s/g, ' about ') },
  { name: 'symbols', apply: (s) => s.replace(SYMBOL_RE, (c) => ` ${SYMBOL_WORDS[c] ?? c} `) },
  ...NUMBER_RULES,
  { name: 'ampersand', apply: (s) => s.replace(/\s&\s/g, ' and ') },
  { name: 'number sign', apply: (s) => s.replace(/#\s?(?=\d)/g, 'number ').replace(/#/g, ' ') },
  { name: 'acronyms', apply: spellAcronyms },
  { name: 'leftover syntax', apply: (s) => s.replace(/[[\]{}*\\`|~]/g, ' ').replace(/(^|\s)_+|_+(?=\s|$)/g, ' ').replace(/_/g, ' ') },
  { name: 'et al', apply: (s) => s.replace(/\bet al\b(?!\.)/g, 'et al.') },
  { name: 'empty parentheses', apply: (s) => s.replace(/\s*\(\s*[!?.,;:\s]*\)/g, '') },
  {
    name: 'whitespace',
    apply: (s) =>
      s
        .replace(/\s+/g, ' ')
        .replace(/\(\s+/g, '(')
        .replace(/\s+([,.;:!?)])/g, '$1')
        .trim(),
  },
];

/** What a narrator says for `text` (markdown or plain): one line, no markup, no URLs. */
export function toSpoken(text: string, rules: readonly SpokenRule[] = SPOKEN_RULES): string {
  return rules.reduce((acc, rule) => rule.apply(acc), text);
}

/** Ends `s` with sentence punctuation so joined pieces read as separate sentences. */
export function endSentence(s: string): string {
  const t = s.trim();
  if (t === '' || /[.!?:;…]["'”’)\]]*$/.test(t)) return t;
  return `${t}.`;
}

/** Speaks each piece and joins them as sentences; empty pieces vanish. */
export function speakAll(pieces: readonly string[]): string {
  return pieces
    .map((p) => toSpoken(p))
    .filter((p) => p !== '')
    .map(endSentence)
    .join(' ');
}
