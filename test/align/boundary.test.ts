import { describe, expect, it } from 'vitest';
import { burstBefore, headingNotRead, runStart, typicalBoundaryPause } from '../../src/align/boundary.js';

const span = (startSeconds: number, endSeconds: number) => ({ startSeconds, endSeconds });

describe('typicalBoundaryPause', () => {
  it('is the median over the marks of the longest pause near each', () => {
    const pauses = [span(0, 1), span(5, 5.2), span(9, 10.5), span(20, 21.2)];
    expect(typicalBoundaryPause(pauses, [1, 10.4, 21.2])).toBeCloseTo(1.2, 6);
  });
  it('is NaN when fewer than two marks have a pause in front', () => {
    expect(typicalBoundaryPause([span(0, 1), span(5, 5.2)], [1, 8])).toBeNaN();
  });
});

describe('burstBefore', () => {
  // the previous section ends at 56.5; a boundary pause; "II" (0.37 s); a pause; the mark
  // on a broken-off first line (1.16 s); a pause; the line again
  const pauses = [span(40, 41.2), span(56.52, 57.8), span(58.17, 59.28), span(60.44, 60.91)];
  const base = { pauses, mark: 59.28, maxBurstSeconds: 1.1, lowerSeconds: 45, boundaryPause: 1.2, previous: { markSeconds: 41.2, expectedSeconds: 14 } };
  it('finds a heading-long burst between a boundary pause and the pause before the mark', () => {
    expect(burstBefore(base)).toBeCloseTo(57.8, 6);
  });
  it('leaves the mark when the burst before it is longer than a heading (the previous line)', () => {
    expect(burstBefore({ ...base, pauses: [span(40, 41.2), span(55.0, 56.3), span(58.17, 59.28), span(60.44, 60.91)] })).toBeUndefined();
  });
  it('leaves the mark when the speech at the mark is no longer than the burst', () => {
    expect(burstBefore({ ...base, pauses: [span(40, 41.2), span(56.52, 57.8), span(58.17, 59.28), span(59.6, 60.9)] })).toBeUndefined();
  });
  it('leaves the mark when the pause before the burst is a short one (inside a section)', () => {
    expect(burstBefore({ ...base, pauses: [span(40, 41.2), span(57.5, 57.8), span(58.17, 59.28), span(60.44, 60.91)] })).toBeUndefined();
  });
  it("leaves the first section's mark when the pause before the burst is much shorter than the one after it (the end of a lead-in)", () => {
    const leadIn = [span(0, 0.4), span(0.96, 2.28), span(3.44, 3.91)];
    expect(burstBefore({ ...base, pauses: leadIn, mark: 2.28, lowerSeconds: 0, previous: null, boundaryPause: 0.55 })).toBeUndefined();
  });
  it("after a section that holds its own speech, takes in a heading followed by a longer pause than the boundary (the reader's pause after a heading)", () => {
    // boundary 1.2 s, "II" 0.24 s, then 2.3 s before the first line
    const long = [span(40, 41.2), span(52.5, 53.7), span(53.94, 56.24), span(59.1, 59.5)];
    expect(burstBefore({ ...base, pauses: long, mark: 56.24, maxBurstSeconds: 1.1 })).toBeCloseTo(53.7, 6);
  });
  it('never reaches into the previous section', () => {
    expect(burstBefore({ ...base, lowerSeconds: 58 })).toBeUndefined();
  });
  it('takes nothing when the section before was not read (the burst may be it)', () => {
    expect(burstBefore({ ...base, previous: undefined })).toBeUndefined();
  });
  it('takes nothing when the section before holds far more than its own speech up to the burst (it is misplaced)', () => {
    expect(burstBefore({ ...base, previous: { markSeconds: 41.2, expectedSeconds: 0.4 } })).toBeUndefined();
  });
  it('takes a burst too short to be the section before, when that section holds far more than its own speech (a false start after an ad-lib)', () => {
    // a heading (1.5 s expected) at 41.2, an ad-lib after it, the boundary pause, "If I" (0.37 s), a pause, the mark
    const adLib = [span(40, 41.2), span(42.7, 43.0), span(47.0, 57.8), span(58.17, 59.28), span(60.44, 60.91)];
    expect(burstBefore({ ...base, pauses: adLib, previous: { markSeconds: 41.2, expectedSeconds: 1.5 } })).toBeCloseTo(57.8, 6);
    // …but not a burst as long as that section: it may be the section itself, said later
    expect(burstBefore({ ...base, pauses: adLib, previous: { markSeconds: 41.2, expectedSeconds: 0.5 } })).toBeUndefined();
  });
  it('takes the burst for the first section', () => {
    expect(burstBefore({ ...base, previous: null, lowerSeconds: 0 })).toBeCloseTo(57.8, 6);
  });
  it('takes no burst longer than allowed (a heading-long one only where the text has a heading)', () => {
    expect(burstBefore({ ...base, maxBurstSeconds: 0.3 })).toBeUndefined();
  });
});

describe('headingNotRead', () => {
  // the last line of the previous section: a short pause at 58.16, its last word, then the
  // boundary pause and the body's first line at 60.52; the estimate on that last word
  const pauses = [span(40, 41.3), span(55, 55.56), span(58.16, 58.38), span(58.93, 60.52), span(63, 63.3)];
  const base = { pauses, estimate: 58.6, headingSeconds: 0.35, boundaryPause: 1.3, upperSeconds: 100, lowerSeconds: 45 };
  it('moves the start past the boundary pause that follows within a heading of speech', () => {
    expect(headingNotRead(base)).toBeCloseTo(60.52, 6);
  });
  it('leaves a start that follows a boundary pause already (the heading was said)', () => {
    expect(headingNotRead({ ...base, pauses: [span(40, 41.3), span(57.2, 58.5), span(58.93, 60.52)] })).toBeUndefined();
  });
  it('leaves it when more than a heading of speech comes before the next long pause', () => {
    expect(headingNotRead({ ...base, pauses: [span(40, 41.3), span(58.16, 58.38), span(59.9, 61.5)] })).toBeUndefined();
  });
  it('takes an estimate up to the heading\'s length into the last word (its frames land on what is said before)', () => {
    // the estimate 0.34 s after the short pause: within a 0.39 s heading, not within 0.3 s
    expect(headingNotRead({ ...base, estimate: 58.72, headingSeconds: 0.39 })).toBeCloseTo(60.52, 6);
    expect(headingNotRead({ ...base, estimate: 58.72, headingSeconds: 0.2 })).toBeUndefined();
  });
  it('never passes the next section', () => {
    expect(headingNotRead({ ...base, upperSeconds: 60 })).toBeUndefined();
  });
  it('takes the leading silence of a recording for no pause inside a line (the first heading said)', () => {
    expect(headingNotRead({ ...base, pauses: [span(0, 0.78), span(1.1, 3.1)], estimate: 0.78, lowerSeconds: 0 })).toBeUndefined();
  });
});

describe('runStart', () => {
  // the section before ends at 27.05; a boundary pause; then 5 s of speech without a pause,
  // the start estimated 2.1 s into it
  const pauses = [span(10, 11.2), span(27.05, 28.29), span(33.4, 33.7)];
  const base = { pauses, estimate: 30.42, maxBackSeconds: 3, lowerSeconds: 15, boundaryPause: 1.2, previous: { markSeconds: 11.2, expectedSeconds: 14 } };
  it('goes back to the boundary pause the unbroken speech runs on from', () => {
    expect(runStart(base)).toBeCloseTo(28.29, 6);
  });
  it('stays when any pause lies between (a phrase break the section may start at)', () => {
    expect(runStart({ ...base, pauses: [span(10, 11.2), span(27.05, 28.29), span(29.5, 29.7), span(33.4, 33.7)] })).toBeUndefined();
  });
  it('stays when the pause is further back than allowed', () => {
    expect(runStart({ ...base, maxBackSeconds: 2 })).toBeUndefined();
  });
  it('stays when that pause is short (inside a section)', () => {
    expect(runStart({ ...base, boundaryPause: 2.5 })).toBeUndefined();
  });
  it('takes the recording\'s leading silence for a boundary whatever its length (the first section read)', () => {
    const lead = { ...base, pauses: [span(0, 0.68), span(5.2, 5.6)], estimate: 2.82, lowerSeconds: 0, previous: null };
    expect(runStart(lead)).toBeCloseTo(0.68, 6);
    expect(runStart({ ...lead, pauses: [span(0.2, 0.68), span(5.2, 5.6)] })).toBeUndefined();
  });
  it('stays when the section before was not read or would be left too little of its speech', () => {
    expect(runStart({ ...base, previous: undefined })).toBeUndefined();
    expect(runStart({ ...base, previous: { markSeconds: 11.2, expectedSeconds: 30 } })).toBeUndefined();
  });
});
