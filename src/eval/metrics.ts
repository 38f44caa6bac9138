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
 *
 * The recording as a whole (when its truth and the aligner's `leadIn`/`ending` are given):
 *   - lead-in: unscripted speech before the first read section of ≥ LEAD_IN_MUST s must be
 *     reported; one under LEAD_IN_MUST_NOT s (or none) must not be; in between is free;
 *   - ending: a partial recording (truth `ending`) must be reported with `ending.sectionId`
 *     = the section in progress at the cut and every section after it `after-end`; a
 *     complete one must have no ending.
 */

export const TARGETS = { medianSeconds: 0.1, p95Seconds: 0.3, maxSeconds: 1.0 } as const;
/** A lead-in at least this long must be reported… */
export const LEAD_IN_MUST = 3;
/** …and one shorter than this must not be. */
export const LEAD_IN_MUST_NOT = 1.5;

export interface TruthLike {
  id: string;
  kind: string;
  present: boolean;
  pauseStartSeconds?: number;
  startSeconds?: number;
  /** read / not-read / after-end (missing: read when present, else not-read). */
  status?: string;
}

export interface ReportedLike {
  id: string;
  startSeconds: number;
  /** v2 field; missing = false. */
  skipped?: boolean;
  /** read / not-read / after-end. */
  status?: string;
  uncertain?: boolean;
}

export interface Span {
  startSeconds: number;
  endSeconds: number;
}

/** What the truth says about the recording as a whole. */
export interface TruthRecording {
  leadIn: Span | null;
  ending: { sectionId: string; cutSeconds?: number } | null;
}

/** What the aligner says about it. */
export interface ReportedRecording {
  leadIn?: Span | null;
  ending?: { sectionId: string; notInRecording?: string[] } | null;
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
  truthStatus: string;
  reportedStatus?: string;
}

export interface LeadInScore {
  /** Truth lead-in length (s), 0 when none. */
  truthSeconds: number;
  reported: boolean;
  /** Must be reported (true), must not be (false), either is fine (undefined). */
  expected: boolean | undefined;
  /** expected === undefined or reported === expected. */
  right: boolean;
  /** Reported lead-in end − truth lead-in end (s), when both exist. */
  endError?: number;
}

export interface EndingScore {
  partial: boolean;
  truthSectionId?: string;
  reportedSectionId?: string;
  /** Sections after the end (truth) not reported after-end. */
  wrongAfterEnd: string[];
  right: boolean;
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
  /** Present when the recording's truth was given. */
  leadIn?: LeadInScore;
  ending?: EndingScore;
}

export function isScored(kind: string): boolean {
  return kind !== 'heading';
}

export function scoreLeadIn(truth: Span | null, reported: Span | null | undefined): LeadInScore {
  const truthSeconds = truth ? Math.max(0, truth.endSeconds - truth.startSeconds) : 0;
  const isReported = reported != null;
  const expected = truthSeconds >= LEAD_IN_MUST ? true : truthSeconds < LEAD_IN_MUST_NOT ? false : undefined;
  const out: LeadInScore = { truthSeconds, reported: isReported, expected, right: expected === undefined || expected === isReported };
  if (truth && reported) out.endError = reported.endSeconds - truth.endSeconds;
  return out;
}

export function scoreEnding(
  truth: TruthRecording['ending'],
  truthSections: readonly TruthLike[],
  reported: ReportedRecording['ending'],
  reportedSections: readonly ReportedLike[],
): EndingScore {
  const byId = new Map(reportedSections.map((r) => [r.id, r]));
  if (!truth) {
    const out: EndingScore = { partial: false, wrongAfterEnd: [], right: reported == null };
    if (reported) out.reportedSectionId = reported.sectionId;
    return out;
  }
  const wrongAfterEnd = truthSections.filter((t) => t.status === 'after-end' && byId.get(t.id)?.status !== 'after-end').map((t) => t.id);
  const out: EndingScore = { partial: true, truthSectionId: truth.sectionId, wrongAfterEnd, right: reported?.sectionId === truth.sectionId && wrongAfterEnd.length === 0 };
  if (reported) out.reportedSectionId = reported.sectionId;
  return out;
}

export function scoreCase(truth: readonly TruthLike[], reported: readonly ReportedLike[], recording?: { truth: TruthRecording; reported: ReportedRecording }): CaseScore {
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
      truthStatus: t.status ?? (t.present ? 'read' : 'not-read'),
    };
    if (r?.status !== undefined) s.reportedStatus = r.status;
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
  const out: CaseScore = {
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
  if (recording) {
    out.leadIn = scoreLeadIn(recording.truth.leadIn, recording.reported.leadIn);
    out.ending = scoreEnding(recording.truth.ending, truth, recording.reported.ending, reported);
  }
  return out;
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
  const leadWrong = scores.filter((s) => s.leadIn && !s.leadIn.right).length;
  if (leadWrong > 0) failures.push(`${leadWrong} lead-in(s) wrong`);
  const endWrong = scores.filter((s) => s.ending && !s.ending.right).length;
  if (endWrong > 0) failures.push(`${endWrong} ending(s) wrong`);
  return { pass: failures.length === 0, failures };
}

export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}
