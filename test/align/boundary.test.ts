import { describe, expect, it } from 'vitest';
import { spokenHeadingBefore, typicalBoundaryPause } from '../../src/align/boundary.js';

const span = (startSeconds: number, endSeconds: number) => ({ startSeconds, endSeconds });

describe('typicalBoundaryPause', () => {
  it('is the median length of the pauses in front of the marks', () => {
    const pauses = [span(0, 1), span(5, 5.2), span(9, 10.5), span(20, 21.2)];
    expect(typicalBoundaryPause(pauses, [1, 10.4, 21.2])).toBeCloseTo(1.2, 6);
  });
  it('is NaN when fewer than two marks have a pause in front', () => {
    expect(typicalBoundaryPause([span(0, 1), span(5, 5.2)], [1, 8])).toBeNaN();
  });
});

describe('spokenHeadingBefore', () => {
  // the previous section ends at 56.5; a boundary pause; "II" (0.37 s); a pause; the mark
  // on a broken-off first line (1.16 s); a pause; the line again
  const pauses = [span(40, 41.2), span(56.52, 57.8), span(58.17, 59.28), span(60.44, 60.91)];
  const base = { pauses, mark: 59.28, headingSeconds: 0.35, lowerSeconds: 45, boundaryPause: 1.2 };
  it('finds a heading-long burst between a boundary pause and the pause before the mark', () => {
    expect(spokenHeadingBefore(base)).toBeCloseTo(57.8, 6);
  });
  it('leaves the mark when the burst before it is longer than a heading (the previous line)', () => {
    expect(spokenHeadingBefore({ ...base, pauses: [span(40, 41.2), span(55.0, 56.3), span(58.17, 59.28), span(60.44, 60.91)] })).toBeUndefined();
  });
  it('leaves the mark when the mark is itself on a heading-long burst', () => {
    expect(spokenHeadingBefore({ ...base, pauses: [span(40, 41.2), span(56.52, 57.8), span(58.17, 59.28), span(59.6, 60.9)] })).toBeUndefined();
  });
  it('leaves the mark when the pause before the burst is a short one (inside a section)', () => {
    expect(spokenHeadingBefore({ ...base, pauses: [span(40, 41.2), span(57.5, 57.8), span(58.17, 59.28), span(60.44, 60.91)] })).toBeUndefined();
  });
  it('never reaches into the previous section', () => {
    expect(spokenHeadingBefore({ ...base, lowerSeconds: 58 })).toBeUndefined();
  });
});
