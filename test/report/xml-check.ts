// A small strict XML 1.0 reader for tests: enforces well-formedness (one root, balanced and
// properly nested tags, quoted unique attributes, only predefined or numeric entities naming
// legal characters, no `<` or `]]>` in text, no illegal characters) and returns a tree for
// structural assertions. No DTDs, namespaces or processing instructions beyond the XML
// declaration, which pelab never writes.

interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element (entities and CDATA resolved). */
  readonly text: string;
}

export class XmlError extends Error {}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;

function legalChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function checkChars(s: string, where: number): void {
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    if (cp >= 0xd800 && cp <= 0xdfff) throw new XmlError(`lone surrogate at ${where + i}`);
    if (!legalChar(cp)) throw new XmlError(`illegal character U+${cp.toString(16)} at ${where + i}`);
    i += cp > 0xffff ? 2 : 1;
  }
}

function decode(raw: string, where: number, inAttr: boolean): string {
  if (raw.includes('<')) throw new XmlError(`'<' in ${inAttr ? 'attribute value' : 'text'} at ${where}`);
  if (!inAttr && raw.includes(']]>')) throw new XmlError(`']]>' in text at ${where}`);
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError(`bare '&' at ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const num = /^#x([0-9A-Fa-f]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (!num) throw new XmlError(`unknown entity &${ref}; at ${where}`);
    const cp = parseInt(num[1]!, ref.startsWith('#x') ? 16 : 10);
    if (!legalChar(cp) || (cp >= 0xd800 && cp <= 0xdfff)) throw new XmlError(`entity &${ref}; names an illegal character at ${where}`);
    return String.fromCodePoint(cp);
  });
}

export function parseXml(xml: string): XmlElement {
  checkChars(xml, 0);
  let i = 0;
  const skipWs = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const expect = (s: string) => {
    if (!xml.startsWith(s, i)) throw new XmlError(`expected ${JSON.stringify(s)} at ${i}, found ${JSON.stringify(xml.slice(i, i + 20))}`);
    i += s.length;
  };
  const misc = () => {
    for (;;) {
      skipWs();
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i + 4);
        if (end < 0 || xml.slice(i + 4, end).includes('--')) throw new XmlError(`bad comment at ${i}`);
        i = end + 3;
      } else return;
    }
  };

  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated XML declaration');
    if (!/^<\?xml version="1\.[0-9]"( encoding="[A-Za-z][A-Za-z0-9._-]*")?( standalone="(yes|no)")?\s*\?>$/.test(xml.slice(0, end + 2))) throw new XmlError('malformed XML declaration');
    i = end + 2;
  }
  misc();

  const element = (): XmlElement => {
    expect('<');
    const m = NAME.exec(xml.slice(i));
    if (!m) throw new XmlError(`bad element name at ${i}`);
    const name = m[0];
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipWs();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new XmlError(`expected whitespace before attribute at ${i}`);
      const a = NAME.exec(xml.slice(i));
      if (!a) throw new XmlError(`bad attribute name at ${i}`);
      i += a[0].length;
      skipWs();
      expect('=');
      skipWs();
      const q = xml[i];
      if (q !== '"' && q !== "'") throw new XmlError(`unquoted attribute ${a[0]} at ${i}`);
      const end = xml.indexOf(q, i + 1);
      if (end < 0) throw new XmlError(`unterminated attribute ${a[0]}`);
      if (a[0] in attrs) throw new XmlError(`duplicate attribute ${a[0]} on <${name}>`);
      attrs[a[0]] = decode(xml.slice(i + 1, end), i + 1, true);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= xml.length) throw new XmlError(`<${name}> is never closed`);
      if (xml.startsWith('</', i)) {
        i += 2;
        const close = NAME.exec(xml.slice(i));
        if (!close || close[0] !== name) throw new XmlError(`</${close?.[0]}> closes <${name}> at ${i}`);
        i += name.length;
        skipWs();
        expect('>');
        return { name, attrs, children, text };
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        if (end < 0) throw new XmlError(`unterminated CDATA at ${i}`);
        text += xml.slice(i + 9, end);
        i = end + 3;
      } else if (xml.startsWith('<!--', i)) {
        misc();
      } else if (xml[i] === '<') {
        children.push(element());
      } else {
        const end = xml.indexOf('<', i);
        const raw = xml.slice(i, end < 0 ? xml.length : end);
        text += decode(raw, i, false);
        i += raw.length;
      }
    }
  };

  const root = element();
  misc();
  if (i !== xml.length) throw new XmlError(`content after the root element at ${i}`);
  return root;
}

export function findAll(e: XmlElement, name: string): XmlElement[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => findAll(c, name))];
}
