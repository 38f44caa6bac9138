import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { attribute, child, decodeXmlBytes, parseXml, textOf, XmlSyntaxError } from '../../src/check/xml.js';

function error(source: string): XmlSyntaxError {
  try {
    parseXml(source);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${source}`);
}

describe('parseXml', () => {
  it('reads elements, attributes, text, CDATA and references, with namespaces resolved', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" version="2.0">\n' +
        '<channel><title>A &amp; B &lt;3 &#233;&#x1F399;</title><itunes:image href="x&amp;y"/>' +
        '<content><![CDATA[<p>x]]]]><![CDATA[>y</p>]]></content><?pi data?></channel></rss>',
    );
    expect(doc.declaration).toEqual({ version: '1.0', encoding: 'UTF-8' });
    const channel = child(doc.root, '', 'channel')!;
    expect(textOf(child(channel, '', 'title')!)).toBe('A & B <3 é🎙');
    const image = child(channel, 'http://www.itunes.com/dtds/podcast-1.0.dtd', 'image')!;
    expect(image.prefix).toBe('itunes');
    expect(attribute(image, 'href')).toBe('x&y');
    expect(textOf(child(channel, '', 'content')!)).toBe('<p>x]]>y</p>');
    expect(child(channel, '', 'title')!.line).toBe(4);
  });

  it('keeps the default namespace and lets a child rebind a prefix', () => {
    const doc = parseXml('<a xmlns="urn:a" xmlns:p="urn:p1"><b/><c xmlns:p="urn:p2"><p:d/></c><p:e/></a>');
    expect(doc.root.uri).toBe('urn:a');
    expect(child(doc.root, 'urn:a', 'b')).toBeDefined();
    expect(child(child(doc.root, 'urn:a', 'c')!, 'urn:p2', 'd')).toBeDefined();
    expect(child(doc.root, 'urn:p1', 'e')).toBeDefined();
  });

  // [source, our message, fast-xml-parser's validator also rejects it, line]. That validator
  // (what podcast-partytime checks with) is lenient: it accepts undefined entities, control
  // characters, "<" in attributes and even two root elements, hence a parser of our own.
  const bad: Array<[string, RegExp, boolean, number?]> = [
    ['<a>Tom & Jerry</a>', /"&" not followed by an entity/, true],
    ['<a>&nbsp;</a>', /undefined entity &nbsp;/, false],
    ['<a>&#0;</a>', /not a character XML allows/, false],
    ['<a><b></a>', /<\/a> does not close <b>/, true],
    ['<a>', /not closed at the end/, true],
    ['<a x="1" x="2"/>', /given twice/, true],
    ['<a x="<"/>', /"<" in the value/, false],
    ['<a x=1/>', /not quoted/, true],
    ['<a>]]></a>', /"]]>" in text/, false],
    ['<a><!-- a -- b --></a>', /"--" inside a comment/, false],
    ['<p:a/>', /prefix "p" of <p:a> is not declared/, false],
    ['<a>\u0001</a>', /U\+0001 is not allowed/, false],
    ['<a>\ud800</a>', /U\+D800 is not allowed/, false],
    ['<a/><b/>', /content after the root element/, false],
    [' <?xml version="1.0"?><a/>', /XML declaration not at the very start/, true],
    ['<a b="1"c="2"/>', /expected white space/, true],
    ['', /no root element/, true],
    ['<a>\n\n  <b>\n</a>', /<\/a> does not close <b> \(opened on line 3\)/, true, 4],
  ];

  for (const [source, message, fxpRejects, line] of bad) {
    it(`refuses ${JSON.stringify(source)}`, () => {
      const e = error(source);
      expect(e.message).toMatch(message);
      if (line) expect(e.line).toBe(line);
      expect(XMLValidator.validate(source) !== true).toBe(fxpRejects);
    });
  }

  it('allows an empty comment, a BOM and white space around the root', () => {
    expect(parseXml('\ufeff<?xml version="1.0"?>\n<!---->\n<a/>\n').root.name).toBe('a');
  });
});

describe('decodeXmlBytes', () => {
  it('decodes UTF-8 and refuses UTF-16 and broken bytes with their position', () => {
    expect(decodeXmlBytes(Buffer.from('<a>é</a>'))).toBe('<a>é</a>');
    expect(() => decodeXmlBytes(Buffer.from('\ufeff<a/>', 'utf16le'))).toThrow(/UTF-16/);
    const broken = Buffer.concat([Buffer.from('<a>\nab'), Buffer.from([0xe9]), Buffer.from('</a>')]);
    expect(() => decodeXmlBytes(broken)).toThrow(/line 2, column 3: byte 0xe9 at offset 6 is not UTF-8/);
  });
});
