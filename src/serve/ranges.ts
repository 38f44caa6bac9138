/**
 * The Range request header (RFC 9110 §14), as a pure function of the header and the file
 * size. Only a single byte range is served; anything else the RFC lets a server ignore
 * (other units, several ranges, bad syntax) makes the whole file be served with 200.
 */

export type RangeResult =
  /** No Range header, or one to ignore: serve the whole representation (200). */
  | { kind: 'whole' }
  /** A satisfiable single range, inclusive bounds (206). */
  | { kind: 'range'; start: number; end: number }
  /** Well-formed but no byte of it exists in the file (416 with `bytes *\/size`). */
  | { kind: 'unsatisfiable' };

const WHOLE: RangeResult = { kind: 'whole' };
const DIGITS = /^[0-9]+$/;

export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return WHOLE;
  const eq = header.indexOf('=');
  if (eq < 0) return WHOLE;
  // The range unit is case-insensitive; only "bytes" is known here.
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') return WHOLE;
  // A list may carry empty elements ("bytes=0-9,"); more than one real range is ignored.
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length !== 1) return WHOLE;
  const spec = specs[0]!;
  const dash = spec.indexOf('-');
  if (dash < 0) return WHOLE;
  const first = spec.slice(0, dash);
  const last = spec.slice(dash + 1);

  if (first === '') {
    // bytes=-n: the last n bytes.
    if (!DIGITS.test(last)) return WHOLE;
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - n), end: size - 1 };
  }
  if (!DIGITS.test(first)) return WHOLE;
  const start = Number(first);
  let end = size - 1;
  if (last !== '') {
    if (!DIGITS.test(last)) return WHOLE;
    const lastPos = Number(last);
    // last < first makes the range-spec invalid, which is a syntax error, not a 416.
    if (lastPos < start) return WHOLE;
    end = Math.min(lastPos, size - 1);
  }
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}

export function contentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
