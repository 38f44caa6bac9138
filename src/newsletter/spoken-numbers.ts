/**
 * Spoken form of numbers: only the shapes espeak-ng misreads get rewritten.
 *
 * espeak-ng already reads plain integers ("2,000", "69,000"), decimals ("84.92"), percentages
 * ("3.5%" → "three point five percent"), "1.5 billion", ordinals ("3rd", "21st") and
 * letter-digit names ("GPT-3", "CIFAR-10", "R2D2") the way a narrator does, so those are left
 * as written. Each rule below names what espeak-ng says without it (from `espeak-ng -q -x`).
 */
import type { SpokenRule } from './spoken.js';

const ONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 0–99 in words: 7 → "seven", 56 → "fifty-six". */
export function twoDigitWords(n: number): string {
  if (n < 20) return ONES[n]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? t : `${t}-${ONES[n % 10]!}`;
}

/** A year as said aloud: 1956 → "nineteen fifty-six", 1905 → "nineteen oh five", 1900 → "nineteen hundred", 2018 → "twenty eighteen". */
export function yearWords(year: number): string {
  const hi = Math.floor(year / 100);
  const lo = year % 100;
  if (year >= 2000 && year < 2010) return lo === 0 ? 'two thousand' : `two thousand ${ONES[lo]!}`;
  if (lo === 0) return `${twoDigitWords(hi)} hundred`;
  return `${twoDigitWords(hi)} ${lo < 10 ? `oh ${ONES[lo]!}` : twoDigitWords(lo)}`;
}

/** The plural of the last word: "nineteen ninety" → "nineteen nineties", "twenty ten" → "twenty tens". */
function pluralWords(words: string): string {
  return words.endsWith('y') ? `${words.slice(0, -1)}ies` : `${words}s`;
}

/** A number as written: digits, optional thousands commas, optional decimals ("1", "10,000", "1.3"). */
const NUM = String.raw`\d+(?:,\d{3})*(?:\.\d+)?`;
/** Not inside a longer token: no letter, digit, decimal point or thousands comma just before. */
const FREE_START = String.raw`(?<![\p{L}\d.,])`;

const SCALE: Readonly<Record<string, string>> = { k: 'thousand', K: 'thousand', M: 'million', B: 'billion', bn: 'billion' };
const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';

export const NUMBER_RULES: readonly SpokenRule[] = [
  {
    // espeak-ng spells a glued scale letter: "175B" → "one hundred and seventy five B", "8.3k" → "eight point three K".
    name: 'number scales',
    apply: (s) =>
      s.replace(new RegExp(`${FREE_START}(${NUM})(k|K|M|B|bn)(?![\\p{L}\\d])`, 'gu'), (_m, n: string, unit: string) => `${n} ${SCALE[unit]!}`),
  },
  {
    // "10x bigger" → espeak-ng says "ten ex bigger"; narrators say "ten times".
    name: 'multipliers',
    apply: (s) => s.replace(new RegExp(`${FREE_START}(${NUM})x(?![\\p{L}\\d])`, 'gu'), '$1 times'),
  },
  {
    // "30-40%", "May 13-17", "2006-2020" → espeak-ng says "thirty dash forty"; narrators say "to".
    // Only number-dash-number standing alone: not "RSA-2048", "N-1", dates like 2020-03-25 or "2-digit".
    name: 'number ranges',
    apply: (s) =>
      s.replace(
        new RegExp(`(?<![\\p{L}\\d.,\\-–])(${NUM}(?:st|nd|rd|th)?) ?[-–] ?(${NUM}(?:st|nd|rd|th)?)(?![\\p{L}\\d\\-–]|[.,]\\d)`, 'gu'),
        '$1 to $2',
      ),
  },
  {
    // "1990s" → espeak-ng says "nineteen hundred and ninety z"; "10s of" → "ten z". Say "nineteen nineties", "tens".
    name: 'decades',
    apply: (s) =>
      s
        .replace(/(?<![\p{L}\d.,$])((?:1[1-9]|20)\d0)s\b/gu, (_m, y: string) => pluralWords(yearWords(Number(y))))
        // Two digits only as "'90s", "the 90s" or "10s of": "10s" alone may be seconds.
        .replace(/(?<![\p{L}\d.,$])(['’]|[Tt]he )?([1-9]0)s\b( of\b)?/gu, (m, pre: string | undefined, d: string, of?: string) =>
          pre || of ? `${pre && /^the/i.test(pre) ? pre : ''}${pluralWords(twoDigitWords(Number(d)))}${of ?? ''}` : m,
        ),
  },
  {
    // espeak-ng reads 4-digit numbers as quantities: "in 2018" → "two thousand and eighteen", "1956" →
    // "nineteen hundred and fifty six". Narrators say "twenty eighteen", "nineteen fifty-six".
    // Standalone 1900–1999 and 2010–2099 are years (2000–2009 stay: "two thousand and six" is how they are said);
    // 1100–1899 only after "in", "since", "from", "until", "circa", "year" or a month. Not "RSA-2048", "$1999", "#2019", "1999%".
    name: 'years',
    apply: (s) =>
      s
        .replace(
          /(?<![\p{L}\d.,$#\-–/])(19\d\d|20[1-9]\d)(?![\p{L}\d%]|[.,]\d|-\d)/gu,
          (_m, y: string) => yearWords(Number(y)),
        )
        .replace(
          new RegExp(`(?<=\\b(?:in|since|from|until|circa|year|${MONTHS})\\s)(1[1-8]\\d\\d)(?![\\p{L}\\d%]|[.,]\\d|-\\d)`, 'giu'),
          (_m, y: string) => yearWords(Number(y)),
        ),
  },
  {
    // Round ordinals: espeak-ng says "100th" as "one hundred T"; "hundredth" / "thousandth" it says right.
    name: 'round ordinals',
    apply: (s) =>
      s.replace(/(?<![\p{L}\d.,])(\d+(?:,\d{3})*)th\b/gu, (m, digits: string) => {
        const n = Number(digits.replace(/,/g, ''));
        if (n >= 1000 && n % 1000 === 0) return `${n / 1000} thousandth`;
        if (n >= 100 && n % 100 === 0) return `${n / 100} hundredth`;
        return m;
      }),
  },
  {
    // "$100" → espeak-ng says "dollar one hundred" (the sign first); narrators say "100 dollars".
    // "US$16 billion" → "16 billion US dollars". Runs after "number scales" (so "$1M" is "$1 million" here) and after "years" (so "$1999" stays a sum).
    name: 'currency',
    apply: (s) =>
      s.replace(
        new RegExp(`(?<![\\p{L}\\d])(US)?\\$\\s?(${NUM})( (?:thousand|million|billion|trillion))?(?![\\d])`, 'gu'),
        (_m, us: string | undefined, n: string, scale: string | undefined) =>
          `${n}${scale ?? ''} ${us ? 'US ' : ''}${n === '1' && !scale ? 'dollar' : 'dollars'}`,
      ),
  },
];
