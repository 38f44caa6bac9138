import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { attribute, child, parseXml, textOf } from '../../src/check/xml.js';
import { cdata, escapeAttribute, escapeText, XmlWriter } from '../../src/feed/xml-writer.js';

describe('XmlWriter', () => {
  it('writes text, attributes and CDATA that parse back to exactly what went in', () => {
    const text = 'a & b < c > d "e" \'f\' ]]> g\r\nh\ti';
    const attr = 'x & "y" <z>\n\tw\r';
    const html = '<p>x]]>y]]]]>z</p>';
    const xml = new XmlWriter().open('root', [['a', attr], ['skip', undefined]]).text('t', text).cdata('c', html).empty('e', [['n', 5]]).close('root').toString();
    expect(XMLValidator.validate(xml)).toBe(true);
    const root = parseXml(xml).root;
    expect(attribute(root, 'a')).toBe(attr);
    expect(attribute(root, 'skip')).toBeUndefined();
    expect(textOf(child(root, '', 't')!)).toBe(text);
    expect(textOf(child(root, '', 'c')!)).toBe(html);
    expect(attribute(child(root, '', 'e')!, 'n')).toBe('5');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<root a="x &amp; &quot;y&quot; &lt;z&gt;&#10;&#9;w&#13;">\n  <t>')).toBe(true);
  });

  it('leaves plain strings untouched (the fast path)', () => {
    const s = 'plain text, ünïcödé ε';
    expect(escapeText(s)).toBe(s);
    expect(escapeAttribute(s)).toBe(s);
    expect(cdata(s)).toBe(`<![CDATA[${s}]]>`);
  });
});
