/**
 * Spoken-form rules against every real issue in ../shared/newsletters (read in place, never copied):
 * nothing that espeak-ng misreads is left in any section's spoken text, and display fields keep the source.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { splitSentences } from '../../src/speech/sentences.js';
import { readIssue, type Issue } from '../../src/newsletter/index.js';
import { describeShared, hasShared, sharedPath } from '../helpers/shared.js';

const files = hasShared
  ? readdirSync(sharedPath('newsletters'))
      .filter((f) => /\.(md|txt)$/.test(f))
      .sort()
  : [];

const issues = new Map<string, Issue>();

/** What must not reach the spoken text, and why (what espeak-ng would say). */
const LEFTOVERS: ReadonlyArray<readonly [string, RegExp]> = [
  ['scale or multiplier glued to a number ("175B", "8.3k", "10x")', /\d(?:x|k|K|M|B|bn)(?![\p{L}\d])/u],
  ['escaped math or markup ("\\_", braces, "^", "|")', /\\_|[{}^|\\]/],
  ['Greek letters', /\p{Script=Greek}/u],
  ['"e.g.", "i.e.", "vs.", "cf."', /\b(?:e\.g|i\.e|vs|cf)\b/i],
  ['a dollar sign', /\$/],
  ['number-dash-number ranges', /(?<![\p{L}\d.,-])\d+(?:\.\d+)? ?[-–] ?\d+(?![\p{L}\d-])/u],
  ['decades in digits ("1990s")', /\b(?:1[1-9]|20)\d0s\b/],
  ['years 2010–2099 in digits after "in", "from", "since" or in parentheses', /(?:\b(?:in|from|since) |\()20[1-9]\d\b/],
];

describeShared('spoken form: every issue in ../shared/newsletters', () => {
  beforeAll(async () => {
    for (const f of files) issues.set(f, await readIssue(sharedPath('newsletters', f)));
  });

  it.each(files)('%s: no misread shapes left in spoken text', (f) => {
    for (const s of issues.get(f)!.sections) {
      for (const [what, re] of LEFTOVERS) expect(s.text, `${f} ${s.id} ${s.title}: ${what}`).not.toMatch(re);
    }
  });

  // "e.g." is gone from the spoken text (checked above), and "et al." must not end a sentence.
  // ("for fairness, for example." and "why that is." really do end sentences.)
  it.each(files)('%s: no sentence ends at "et al."', (f) => {
    for (const s of issues.get(f)!.sections) {
      for (const sentence of splitSentences(s.text)) {
        expect(sentence, `${f} ${s.id}`).not.toMatch(/\bet al\.?$/);
      }
    }
  });

  it('keeps the written form in display fields', () => {
    const cpc = issues.get('an-092.md')!.sections.find((s) => s.title === 'Representation Learning with Contrastive Predictive Coding')!;
    expect(cpc.body).toContain('e.g.');
    expect(cpc.text).not.toContain('e.g.');
    expect(cpc.text).toContain('p of x');
    const all = [...issues.values()].flatMap((i) => i.sections);
    expect(all.some((s) => /\b10x\b/.test(s.body ?? ''))).toBe(true);
    const spoken = all.map((s) => s.text).join(' ');
    expect(spoken).toContain('10 times more intelligent');
    expect(spoken).toContain('nineteen fifty-six');
    expect(spoken).toContain('U-D-R-L');
  });
});
