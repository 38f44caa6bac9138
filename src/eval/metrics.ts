/**
 * Scoring an alignment against a case's truth.
 *
 * Boundary error of a chapter mark: 0 when the mark lies inside the pause before the
 * section's first word ([pauseStartSeconds, startSeconds]); otherwise its distance to
 * that interval. Scored sections are the chapter boundaries: every present section except
 * category headings (their audio belongs to the chapter before them, see
 * docs/architecture.md); headings are reported separately, for information.
 *
 * A *miss* is a present section the aligner reports as skipped (or does not report). A
 * *false chapter* is a skipped section the aligner does not report as skipped. Order:
 * the aligner returns the sections in text order and the marks of the sections it keeps
 * strictly increase.
 */

export const TARGETS = { medianSeconds: 0.1, p95Seconds: 0.3, maxSeconds: 1.0 } as const;

export interface TruthLike {
  id: string;
  kind: string;
  present: boolean;
  pauseStartSeconds?: number;
  startSeconds?: number;
}

export interface ReportedLike {
  id: string;
  startSeconds: number;
  /** v2 field; missing = false. */
  skipped?: boolean;
}

export function boundaryError(mark: number, truth: { pauseStartSeconds: number; startSeconds: number }): number {
  const lo = Math.min(truth.pauseStartSeconds, truth.startSeconds);
  const hi = truth.startSeconds;
  if (mark < lo) return lo - mark;
  if (mark > hi) return mark - hi;
  return 0;
}

/** Quantile with linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const a = [...values].sort((x, y) => x - y);
  const pos = (a.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

export interface ErrorSummary {
  n: number;
  median: number;
  p95: number;
  max: number;
}

export function summarize(errors: readonly number[]): ErrorSummary {
  if (errors.length === 0) return { n: 0, median: Number.NaN, p95: Number.NaN, max: Number.NaN };
  return { n: errors.length, median: quantile(errors, 0.5), p95: quantile(errors, 0.95), max: Math.max(...errors) };
}

export interface SectionScore {
  id: string;
  kind: string;
  present: boolean;
  /** Counts toward the targets (a chapter boundary). */
  scored: boolean;
  reportedSkipped: boolean;
  mark?: number;
  pauseStartSeconds?: number;
  startSeconds?: number;
  error?: number;
  miss: boolean;
  falseChapter: boolean;
}

export interface CaseScore {
  sections: SectionScore[];
  /** Boundary errors of the scored, found sections. */
  errors: number[];
  /** The same for headings (information only). */
  headingErrors: number[];
  summary: ErrorSummary;
  misses: number;
  skippedTotal: number;
  skippedCorrect: number;
  falseChapters: number;
  orderOk: boolean;
}

export function isScored(kind: string): boolean {
  return kind !== 'heading';
}

export function scoreCase(truth: readonly TruthLike[], reported: readonly ReportedLike[]): CaseScore {
  const byId = new Map(reported.map((r) => [r.id, r]));
  const sections: SectionScore[] = truth.map((t) => {
    const r = byId.get(t.id);
    const reportedSkipped = r ? r.skipped === true : true;
    const s: SectionScore = {
      id: t.id,
      kind: t.kind,
      present: t.present,
      scored: isScored(t.kind),
      reportedSkipped,
      miss: t.present && reportedSkipped,
      falseChapter: !t.present && !reportedSkipped,
    };
    if (r) s.mark = r.startSeconds;
    if (t.present && t.startSeconds !== undefined) {
      s.startSeconds = t.startSeconds;
      s.pauseStartSeconds = t.pauseStartSeconds ?? t.startSeconds;
      if (r && !reportedSkipped) s.error = boundaryError(r.startSeconds, { pauseStartSeconds: s.pauseStartSeconds, startSeconds: t.startSeconds });
    }
    return s;
  });
  // order: same ids in the same order, kept marks strictly increasing
  const sameOrder = reported.length === truth.length && reported.every((r, k) => r.id === truth[k].id);
  let increasing = true;
  let prev = -Infinity;
  for (const r of reported) {
    if (r.skipped === true) continue;
    if (!(r.startSeconds > prev)) increasing = false;
    prev = r.startSeconds;
  }
  const errors = sections.filter((s) => s.scored && s.error !== undefined).map((s) => s.error!);
  const headingErrors = sections.filter((s) => !s.scored && s.error !== undefined).map((s) => s.error!);
  const skipped = sections.filter((s) => !s.present);
  return {
    sections,
    errors,
    headingErrors,
    summary: summarize(errors),
    misses: sections.filter((s) => s.scored && s.miss).length,
    skippedTotal: skipped.length,
    skippedCorrect: skipped.filter((s) => s.reportedSkipped).length,
    falseChapters: skipped.filter((s) => s.falseChapter).length,
    orderOk: sameOrder && increasing,
  };
}

const EPS = 1e-9;

export interface Verdict {
  pass: boolean;
  failures: string[];
}

/** The accuracy targets over a pool of cases. */
export function verdict(scores: readonly CaseScore[]): Verdict {
  const errors = scores.flatMap((s) => s.errors);
  const sum = summarize(errors);
  const failures: string[] = [];
  const misses = scores.reduce((a, s) => a + s.misses, 0);
  const falseChapters = scores.reduce((a, s) => a + s.falseChapters, 0);
  const disordered = scores.filter((s) => !s.orderOk).length;
  if (errors.length === 0) failures.push('no scored boundaries');
  // EPS: float noise of subtracting rounded times must not decide a verdict
  if (!(sum.median <= TARGETS.medianSeconds + EPS)) failures.push(`median ${fmt(sum.median)} s > ${TARGETS.medianSeconds} s`);
  if (!(sum.p95 <= TARGETS.p95Seconds + EPS)) failures.push(`p95 ${fmt(sum.p95)} s > ${TARGETS.p95Seconds} s`);
  if (!(sum.max <= TARGETS.maxSeconds + EPS)) failures.push(`max ${fmt(sum.max)} s > ${TARGETS.maxSeconds} s`);
  if (misses > 0) failures.push(`${misses} present section(s) reported skipped or missing`);
  if (falseChapters > 0) failures.push(`${falseChapters} skipped section(s) not reported skipped`);
  if (disordered > 0) failures.push(`${disordered} case(s) out of order`);
  return { pass: failures.length === 0, failures };
}

export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}
