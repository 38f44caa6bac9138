import { describe, expect, it } from 'vitest';
import { htmlToText, plainDescription, truncateUtf8, xmlSafe } from '../../src/feed/text.js';

describe('htmlToText', () => {
  it('turns blocks into paragraphs, list items into dashes, and decodes entities', () => {
    const html = '<h2>Highlights</h2><p>Tom &amp; Jerry&#8217;s <a href="x">paper</a> &lt;β&gt;</p><ul><li>one</li><li>two</li></ul>';
    expect(htmlToText(html)).toBe('Highlights\n\nTom & Jerry\u2019s paper <β>\n\n- one\n- two');
  });

  it('drops comments and scripts', () => {
    expect(htmlToText('<p>a<!-- hidden --></p><script>alert(1)</script><p>b</p>')).toBe('a\n\nb');
  });
});

describe('truncateUtf8', () => {
  it('keeps text within the byte budget, cut at a character boundary', () => {
    const text = '€'.repeat(2000); // 6000 bytes
    const out = truncateUtf8(text, 4000);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(4000);
    expect(out.endsWith('\u2026')).toBe(true);
    expect(out).not.toContain('\ufffd');
    // 4000 - 3 bytes for the ellipsis = 3997 → 1332 whole euros (3996 bytes), then "…".
    expect(out).toBe('€'.repeat(1332) + '\u2026');
  });

  it('leaves short text alone', () => {
    expect(truncateUtf8('short', 4000)).toBe('short');
  });
});

describe('xmlSafe', () => {
  it('removes characters XML cannot carry and keeps the rest', () => {
    expect(xmlSafe('a\u0000b\u0007c\td\ne \ud83c\udf99 \ud800x')).toBe('abc\td\ne \ud83c\udf99 \ufffdx');
  });
});

describe('plainDescription', () => {
  it('falls back to the title when the notes have no text', () => {
    expect(plainDescription('<p> </p>', 'Issue title')).toBe('Issue title');
  });
});
