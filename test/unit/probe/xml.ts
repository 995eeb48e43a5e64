/**
 * A small strict XML 1.0 reader for the tests: one root element, elements, attributes, character data,
 * comments, CDATA, the five named entities and character references. It throws on anything a
 * conforming parser rejects that a writer could get wrong: characters XML cannot carry, a bare `&` or
 * `<`, `]]>` in character data, an unknown entity, a reference to a character XML forbids, duplicate
 * attributes, mismatched or unclosed tags, content outside the root. Attribute values are normalised as
 * the spec says (a literal tab or line end becomes a space; a reference keeps its character).
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (not its children's), entities decoded. */
  readonly text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  if (!XML_CHAR.test(source)) throw new Error('a character XML 1.0 cannot carry');
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${at}: ${JSON.stringify(source.slice(at, at + 40))}`);
  };
  const skipSpace = () => {
    while (at < source.length && ' \t\r\n'.includes(source[at])) at++;
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at + 4);
        if (end === -1) fail('unclosed comment');
        if (source.slice(at + 4, end).includes('--')) fail('"--" inside a comment');
        at = end + 3;
      } else return;
    }
  };
  const decode = (raw: string, attribute: boolean): string =>
    raw.replace(/&([^;&\s]*);|&|[\t\n\r]/g, (match, ref: string | undefined) => {
      if (match === '&') return fail('a bare "&"');
      if (ref === undefined) return attribute ? ' ' : match;
      if (ref.startsWith('#')) {
        const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!Number.isInteger(code) || !/^#(x[0-9A-Fa-f]+|[0-9]+)$/.test(ref)) return fail(`a bad character reference &${ref};`);
        const char = String.fromCodePoint(code);
        if (!XML_CHAR.test(char) || (code >= 0xd800 && code <= 0xdfff)) return fail(`a reference to a character XML forbids (&${ref};)`);
        return char;
      }
      const named = ENTITIES[ref];
      return named ?? fail(`an unknown entity &${ref};`);
    });

  const element = (): XmlElement => {
    if (source[at] !== '<') fail('expected an element');
    at++;
    const name = NAME.exec(source.slice(at))?.[0] ?? fail('expected an element name');
    at += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = at;
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (source[at] === '>') {
        at++;
        break;
      }
      if (at === before) fail('expected a space before an attribute');
      const attr = NAME.exec(source.slice(at))?.[0] ?? fail('expected an attribute name');
      at += attr.length;
      skipSpace();
      if (source[at] !== '=') fail('expected "="');
      at++;
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") fail('expected a quoted value');
      const end = source.indexOf(quote, at + 1);
      if (end === -1) fail('unclosed attribute value');
      const raw = source.slice(at + 1, end);
      if (raw.includes('<')) fail('"<" in an attribute value');
      if (Object.hasOwn(attrs, attr)) fail(`a second attribute ${attr}`);
      attrs[attr] = decode(raw, true);
      at = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (at >= source.length) fail(`unclosed <${name}>`);
      if (source.startsWith('</', at)) {
        at += 2;
        if (!source.startsWith(name, at)) fail(`expected </${name}>`);
        at += name.length;
        skipSpace();
        if (source[at] !== '>') fail(`expected </${name}>`);
        at++;
        return { name, attrs, children, text };
      }
      if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at + 4);
        if (end === -1) fail('unclosed comment');
        at = end + 3;
      } else if (source.startsWith('<![CDATA[', at)) {
        const end = source.indexOf(']]>', at + 9);
        if (end === -1) fail('unclosed CDATA');
        text += source.slice(at + 9, end);
        at = end + 3;
      } else if (source[at] === '<') {
        children.push(element());
      } else {
        const end = source.indexOf('<', at);
        const raw = source.slice(at, end === -1 ? source.length : end);
        if (raw.includes(']]>')) fail('"]]>" in character data');
        text += decode(raw, false);
        at += raw.length;
      }
    }
  };

  if (source.startsWith('\uFEFF')) at = 1;
  if (source.startsWith('<?xml', at)) {
    const end = source.indexOf('?>', at);
    if (end === -1) fail('unclosed XML declaration');
    const decl = source.slice(at, end + 2);
    if (!/^<\?xml version="1\.0"( encoding="UTF-8")?\?>$/.test(decl)) fail('an unexpected XML declaration');
    at = end + 2;
  }
  skipMisc();
  const root = element();
  skipMisc();
  if (at !== source.length) fail('content after the root element');
  return root;
}

/** Every descendant element named `name`, in document order. */
export function all(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
}
