/**
 * Issue numbers from file names: `an-102.txt`, `AN102.md`, `Alignment Newsletter 102.mp3`,
 * `an_102_final_v2.m4a`. The number right after "an" / "alignment newsletter" wins;
 * otherwise a lone 1–3 digit number (not a version like `v2`, not a year-like 4+ digits).
 */
import { basename, extname } from 'node:path';

const AFTER_AN = /(?:^|[^\p{L}])(?:an|alignment[\s._-]*newsletter)[\s._#-]*(?:no\.?[\s._-]*)?0*(\d{1,3})(?!\d)/iu;

export function issueNumberFromName(name: string): number | undefined {
  const base = basename(name.replace(/\\/g, '/'));
  const stem = base.slice(0, base.length - extname(base).length) || base;
  const direct = AFTER_AN.exec(stem);
  if (direct) {
    const n = Number(direct[1]);
    if (n > 0) return n;
  }
  const lone = [...stem.matchAll(/\d+/g)].filter((m) => {
    const before = stem[(m.index ?? 0) - 1] ?? '';
    return m[0].length <= 3 && !/[vV]/.test(before);
  });
  // Only a lone candidate: with several numbers (dates, takes) the name is ambiguous.
  if (lone.length === 1) {
    const n = Number(lone[0]![0]);
    return n > 0 ? n : undefined;
  }
  return undefined;
}
