/**
 * A strict, non-validating XML 1.0 parser with namespaces: what `check` reads feeds with,
 * and what tells a well-formed feed from one an app will refuse. It rejects what XML
 * forbids (unescaped `&` and `<`, undefined entities, characters outside XML's Char
 * range, mismatched or unclosed tags, duplicate attributes, unbound prefixes, `]]>` in
 * text, `--` in comments, content after the root) with the line and column; it keeps no
 * DTD (a DOCTYPE is recorded, its internal subset skipped, its entities not expanded).
 */

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  /** As written: "xmlns:itunes", "href". */
  name: string;
  prefix: string;
  local: string;
  /** Namespace URI ("" for unprefixed attributes). */
  uri: string;
  value: string;
}

export interface XmlElement {
  name: string;
  prefix: string;
  local: string;
  /** Namespace URI ("" when in no namespace). */
  uri: string;
  attributes: XmlAttribute[];
  /** Elements and text (CDATA sections are text). */
  children: Array<XmlElement | string>;
  line: number;
  /** The namespace bindings in scope here, prefix → URI ("" = default namespace). */
  scope: ReadonlyMap<string, string>;
}

export interface XmlDocument {
  declaration?: { version: string; encoding?: string; standalone?: string };
  doctype?: string;
  root: XmlElement;
}

export class XmlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(reason: string, line: number, column: number) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'XmlSyntaxError';
    this.reason = reason;
    this.line = line;
    this.column = column;
  }
}

// XML 1.0 (5th ed.) Name productions.
const START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME = new RegExp(`[${START}][${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*`, 'uy');
const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const SPACE = /[ \t\r\n]+/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  );
}

class Parser {
  private i = 0;
  private lineStarts: number[] | undefined;

  constructor(private readonly s: string) {}

  private position(offset: number): { line: number; column: number } {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let k = this.s.indexOf('\n'); k >= 0; k = this.s.indexOf('\n', k + 1)) this.lineStarts.push(k + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  fail(reason: string, offset = this.i): never {
    const { line, column } = this.position(offset);
    throw new XmlSyntaxError(reason, line, column);
  }

  private lineOf(offset: number): number {
    return this.position(offset).line;
  }

  private startsWith(text: string): boolean {
    return this.s.startsWith(text, this.i);
  }

  private skipSpace(): boolean {
    SPACE.lastIndex = this.i;
    if (SPACE.test(this.s)) {
      this.i = SPACE.lastIndex;
      return true;
    }
    return false;
  }

  private name(what: string): string {
    NAME.lastIndex = this.i;
    const m = NAME.exec(this.s);
    if (!m) this.fail(`expected ${what}`);
    this.i = NAME.lastIndex;
    return m[0];
  }

  private expect(text: string, what = `"${text}"`): void {
    if (!this.startsWith(text)) this.fail(`expected ${what}`);
    this.i += text.length;
  }

  /** Replace entity and character references in text or an attribute value. */
  private decode(raw: string, offset: number): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let at = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', at)) {
      out += raw.slice(at, amp);
      const semi = raw.indexOf(';', amp);
      const body = semi < 0 ? '' : raw.slice(amp + 1, semi);
      if (semi < 0 || !/^(#[0-9]+|#x[0-9a-fA-F]+|[^\s&;<]+)$/.test(body)) {
        this.fail('"&" not followed by an entity or character reference (write "&amp;")', offset + amp);
      }
      if (body[0] === '#') {
        const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (!isChar(code)) this.fail(`character reference &${body}; is not a character XML allows`, offset + amp);
        out += String.fromCodePoint(code);
      } else {
        const value = PREDEFINED[body];
        if (value === undefined) this.fail(`undefined entity &${body}; (XML knows only &lt; &gt; &amp; &quot; &apos;)`, offset + amp);
        out += value;
      }
      at = semi + 1;
    }
    return out + raw.slice(at);
  }

  private comment(): void {
    const start = this.i;
    this.i += 4;
    const end = this.s.indexOf('-->', this.i);
    if (end < 0) this.fail('comment not closed ("-->" missing)', start);
    const dashes = this.s.indexOf('--', this.i);
    if (dashes < end) this.fail('"--" inside a comment', dashes);
    if (end > this.i && this.s[end - 1] === '-') this.fail('"--" inside a comment', end - 1);
    this.i = end + 3;
  }

  private processingInstruction(): void {
    const start = this.i;
    this.i += 2;
    const target = this.name('a processing instruction target');
    if (target.toLowerCase() === 'xml') this.fail('XML declaration not at the very start of the document', start);
    const end = this.s.indexOf('?>', this.i);
    if (end < 0) this.fail('processing instruction not closed ("?>" missing)', start);
    this.i = end + 2;
  }

  private declaration(): XmlDocument['declaration'] {
    const start = this.i;
    const end = this.s.indexOf('?>', this.i);
    if (end < 0) this.fail('XML declaration not closed', start);
    const body = this.s.slice(this.i + 5, end);
    const fields: Record<string, string> = {};
    const pattern = /\s+([a-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gy;
    let m: RegExpExecArray | null;
    let at = 0;
    while ((m = pattern.exec(body))) {
      fields[m[1]!] = m[2] ?? m[3] ?? '';
      at = pattern.lastIndex;
    }
    if (body.slice(at).trim() !== '') this.fail('malformed XML declaration', start);
    if (!fields.version) this.fail('XML declaration without version', start);
    this.i = end + 2;
    return {
      version: fields.version,
      ...(fields.encoding !== undefined ? { encoding: fields.encoding } : {}),
      ...(fields.standalone !== undefined ? { standalone: fields.standalone } : {}),
    };
  }

  private doctype(): string {
    const start = this.i;
    this.i += 9;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '"' || c === "'") {
        const close = this.s.indexOf(c, this.i + 1);
        if (close < 0) break;
        this.i = close + 1;
        continue;
      }
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        this.i++;
        return this.s.slice(start, this.i);
      }
      this.i++;
    }
    return this.fail('DOCTYPE not closed', start);
  }

  /** Comments, processing instructions and white space between the prolog's parts. */
  private misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<?')) this.processingInstruction();
      else return;
    }
  }

  parse(): XmlDocument {
    const bad = NOT_CHAR.exec(this.s);
    if (bad) {
      const code = bad[0].codePointAt(0)!;
      this.fail(`character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad.index);
    }
    if (this.s.charCodeAt(0) === 0xfeff) this.i = 1;
    let declaration: XmlDocument['declaration'];
    if (this.startsWith('<?xml') && /[\s?]/.test(this.s[this.i + 5] ?? '')) declaration = this.declaration();
    this.misc();
    let doctype: string | undefined;
    if (this.startsWith('<!DOCTYPE')) {
      doctype = this.doctype();
      this.misc();
    }
    if (!this.startsWith('<') || this.startsWith('<!') || this.startsWith('</')) {
      this.fail(this.i >= this.s.length ? 'no root element' : 'expected the root element');
    }
    const root = this.element();
    this.misc();
    if (this.i < this.s.length) this.fail('content after the root element');
    return { ...(declaration ? { declaration } : {}), ...(doctype ? { doctype } : {}), root };
  }

  /** A start tag (the parser is at "<"); returns the element and whether it was empty ("/>"). */
  private startTag(parentScope: ReadonlyMap<string, string>): { element: XmlElement; empty: boolean } {
    const start = this.i;
    this.i++;
    const qname = this.name('an element name');
    const raw: Array<{ name: string; value: string; at: number }> = [];
    let empty = false;
    for (;;) {
      const spaced = this.skipSpace();
      if (this.startsWith('/>')) {
        this.i += 2;
        empty = true;
        break;
      }
      if (this.startsWith('>')) {
        this.i++;
        break;
      }
      if (this.i >= this.s.length) this.fail(`start tag <${qname}> not closed`, start);
      if (!spaced) this.fail(`expected white space, ">" or "/>" in <${qname}>`);
      const at = this.i;
      const name = this.name('an attribute name');
      this.skipSpace();
      this.expect('=', `"=" after attribute ${name}`);
      this.skipSpace();
      const quote = this.s[this.i];
      if (quote !== '"' && quote !== "'") this.fail(`attribute ${name} value not quoted`);
      const close = this.s.indexOf(quote, this.i + 1);
      if (close < 0) this.fail(`attribute ${name} value not closed`, at);
      const literal = this.s.slice(this.i + 1, close);
      const lt = literal.indexOf('<');
      if (lt >= 0) this.fail(`"<" in the value of attribute ${name} (write "&lt;")`, this.i + 1 + lt);
      if (raw.some((a) => a.name === name)) this.fail(`attribute ${name} given twice`, at);
      const value = this.decode(literal.replace(/[\t\n\r]/g, ' '), this.i + 1);
      raw.push({ name, value, at });
      this.i = close + 1;
    }

    let scope = parentScope;
    for (const a of raw) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
        const prefix = a.name === 'xmlns' ? '' : a.name.slice(6);
        if (prefix && a.value === '') this.fail(`namespace prefix "${prefix}" bound to an empty URI`, a.at);
        if (prefix === 'xmlns' || (prefix === 'xml' && a.value !== XML_NAMESPACE)) this.fail(`prefix "${prefix}" cannot be redeclared`, a.at);
        if (scope === parentScope) scope = new Map(parentScope);
        (scope as Map<string, string>).set(prefix, a.value);
      }
    }
    const split = (qualified: string, isElement: boolean, at: number): { prefix: string; local: string; uri: string } => {
      const colon = qualified.indexOf(':');
      if (colon < 0) return { prefix: '', local: qualified, uri: isElement ? scope.get('') ?? '' : '' };
      const prefix = qualified.slice(0, colon);
      const local = qualified.slice(colon + 1);
      if (!local || local.includes(':') || !prefix) this.fail(`"${qualified}" is not a valid qualified name`, at);
      if (prefix === 'xml') return { prefix, local, uri: XML_NAMESPACE };
      if (prefix === 'xmlns') return { prefix, local, uri: XMLNS_NAMESPACE };
      const uri = scope.get(prefix);
      if (!uri) this.fail(`namespace prefix "${prefix}" of <${qualified}> is not declared`, at);
      return { prefix, local, uri };
    };
    const attributes: XmlAttribute[] = raw.map((a) => ({ name: a.name, ...split(a.name, false, a.at), value: a.value }));
    const expanded = new Set<string>();
    for (const a of attributes) {
      const key = `${a.uri} ${a.local}`;
      if (a.uri && expanded.has(key)) this.fail(`attribute ${a.name} given twice (same namespace and name)`, start);
      expanded.add(key);
    }
    const element: XmlElement = { name: qname, ...split(qname, true, start), attributes, children: [], line: this.lineOf(start), scope };
    return { element, empty };
  }

  private element(): XmlElement {
    const root = this.startTag(new Map([['xml', XML_NAMESPACE]]));
    if (root.empty) return root.element;
    const stack: XmlElement[] = [root.element];
    let text = '';
    const flush = () => {
      if (text) {
        stack[stack.length - 1]!.children.push(text);
        text = '';
      }
    };
    while (stack.length) {
      const lt = this.s.indexOf('<', this.i);
      if (lt < 0) this.fail(`<${stack[stack.length - 1]!.name}> not closed at the end of the document`, this.s.length);
      if (lt > this.i) {
        const raw = this.s.slice(this.i, lt);
        const cdataEnd = raw.indexOf(']]>');
        if (cdataEnd >= 0) this.fail('"]]>" in text (write "]]&gt;")', this.i + cdataEnd);
        text += this.decode(raw, this.i);
        this.i = lt;
      }
      if (this.startsWith('<![CDATA[')) {
        const end = this.s.indexOf(']]>', this.i + 9);
        if (end < 0) this.fail('CDATA section not closed ("]]>" missing)');
        text += this.s.slice(this.i + 9, end);
        this.i = end + 3;
      } else if (this.startsWith('<!--')) {
        this.comment();
      } else if (this.startsWith('<?')) {
        this.processingInstruction();
      } else if (this.startsWith('</')) {
        const at = this.i;
        this.i += 2;
        const name = this.name('an element name in the end tag');
        this.skipSpace();
        this.expect('>', `">" to close </${name}>`);
        const open = stack.pop()!;
        if (name !== open.name) this.fail(`</${name}> does not close <${open.name}> (opened on line ${open.line})`, at);
        if (text) open.children.push(text);
        text = '';
      } else if (this.startsWith('<!')) {
        this.fail('unexpected "<!" (only comments and CDATA sections may appear here)');
      } else {
        flush();
        const parent = stack[stack.length - 1]!;
        const { element, empty } = this.startTag(parent.scope);
        parent.children.push(element);
        if (!empty) stack.push(element);
      }
    }
    return root.element;
  }
}

/** Parse a document (a string already decoded); throws XmlSyntaxError. */
export function parseXml(source: string): XmlDocument {
  return new Parser(source).parse();
}

/**
 * Decode feed bytes as UTF-8 (what Apple and PSP-1 require), BOM allowed. Throws
 * XmlSyntaxError for a UTF-16 BOM or bytes that are not UTF-8.
 */
export function decodeXmlBytes(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new XmlSyntaxError('the document is UTF-16; feeds must be UTF-8', 1, 1);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    let line = 1;
    let lineStart = 0;
    // find the first bad byte for the position: decode prefix by prefix would be slow; walk the UTF-8 structure
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i]!;
      const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
      let ok = need >= 0 && i + need < bytes.length;
      for (let k = 1; ok && k <= need; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
      if (!ok) throw new XmlSyntaxError(`byte 0x${b.toString(16).padStart(2, '0')} at offset ${i} is not UTF-8`, line, i - lineStart + 1);
      if (b === 0x0a) {
        line++;
        lineStart = i + 1;
      }
      i += need + 1;
    }
    throw new XmlSyntaxError('the document is not valid UTF-8', 1, 1);
  }
}

// ---- reading helpers -------------------------------------------------------------------------

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** The children named `local` in namespace `uri` ("" = no namespace). */
export function children(element: XmlElement, uri: string, local: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && c.uri === uri && c.local === local);
}

export function child(element: XmlElement, uri: string, local: string): XmlElement | undefined {
  return children(element, uri, local)[0];
}

/** All text inside the element (descendants' text included). */
export function textOf(element: XmlElement): string {
  let out = '';
  for (const c of element.children) out += typeof c === 'string' ? c : textOf(c);
  return out;
}

/** An unprefixed attribute's value. */
export function attribute(element: XmlElement, name: string): string | undefined {
  return element.attributes.find((a) => a.uri === '' && a.local === name)?.value;
}
