/**
 * A small XML writer for feed.xml: escaped text and attributes, CDATA sections that
 * survive a "]]>" in the content, two-space indentation, and one `join` at the end (a
 * 170-episode feed is ~5 MB; building it as one flat string keeps rendering fast).
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\t': '&#9;', '\n': '&#10;',
};
const TEXT_SPECIAL = /[&<>"'\r]/;
const TEXT_SPECIALS = /[&<>"'\r]/g;
const ATTR_SPECIAL = /[&<>"'\r\n\t]/;
const ATTR_SPECIALS = /[&<>"'\r\n\t]/g;

/** Text content: & < > " ' escaped, and \r as a reference so parsers do not fold it into \n. */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIALS, (c) => ESCAPES[c]!) : s;
}

/** Attribute values: as text, plus tabs and line breaks as references (attribute normalization would turn them into spaces). */
export function escapeAttribute(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_SPECIALS, (c) => ESCAPES[c]!) : s;
}

/** A CDATA section holding `s` exactly: a "]]>" inside is split across two sections. */
export function cdata(s: string): string {
  return `<![CDATA[${s.includes(']]>') ? s.replace(/\]\]>/g, ']]]]><![CDATA[>') : s}]]>`;
}

export type Attributes = ReadonlyArray<readonly [name: string, value: string | number | undefined]>;

function attrs(list: Attributes | undefined): string {
  if (!list) return '';
  let out = '';
  for (const [name, value] of list) if (value !== undefined) out += ` ${name}="${escapeAttribute(String(value))}"`;
  return out;
}

export class XmlWriter {
  private readonly parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  private depth = 0;

  private indent(): string {
    return '  '.repeat(this.depth);
  }

  open(name: string, attributes?: Attributes): this {
    this.parts.push(`${this.indent()}<${name}${attrs(attributes)}>\n`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${this.indent()}</${name}>\n`);
    return this;
  }

  /** `<name attrs>text</name>`, or nothing when text is undefined. */
  text(name: string, text: string | number | undefined, attributes?: Attributes): this {
    if (text === undefined) return this;
    this.parts.push(`${this.indent()}<${name}${attrs(attributes)}>${escapeText(String(text))}</${name}>\n`);
    return this;
  }

  /** `<name><![CDATA[content]]></name>` (HTML show notes). */
  cdata(name: string, content: string): this {
    this.parts.push(`${this.indent()}<${name}>${cdata(content)}</${name}>\n`);
    return this;
  }

  /** `<name attrs/>` */
  empty(name: string, attributes: Attributes): this {
    this.parts.push(`${this.indent()}<${name}${attrs(attributes)}/>\n`);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}
