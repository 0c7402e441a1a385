/**
 * A strict parser for the XML property lists imdsd writes, so tests on Linux can judge a
 * LaunchAgent the way launchd would read it (plutil is macOS-only). It accepts the XML
 * declaration, the DOCTYPE, comments and `<plist>` holding one of `<dict>`, `<array>`,
 * `<string>`, `<integer>`, `<real>`, `<true/>`, `<false/>`; anything else, a stray `&` or
 * `<`, an unknown entity, a duplicate key or an unclosed element is an error.
 */
export type PlistValue = string | number | boolean | PlistValue[] | PlistDict;
export interface PlistDict { [key: string]: PlistValue }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export class PlistSyntaxError extends Error {
  override readonly name = 'PlistSyntaxError';
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new PlistSyntaxError(`${what} at line ${line}`);
  }

  /** Whitespace and comments between elements. */
  skipMisc(): void {
    for (;;) {
      const ws = /^\s*/.exec(this.text.slice(this.pos));
      this.pos += ws?.[0].length ?? 0;
      if (!this.text.startsWith('<!--', this.pos)) return;
      const end = this.text.indexOf('-->', this.pos + 4);
      if (end < 0) this.fail('unterminated comment');
      if (this.text.slice(this.pos + 4, end).includes('--')) this.fail('"--" inside a comment');
      this.pos = end + 3;
    }
  }

  expect(literal: string): void {
    if (!this.text.startsWith(literal, this.pos)) this.fail(`expected ${JSON.stringify(literal)}`);
    this.pos += literal.length;
  }

  /** `<name>`, `<name/>` or `<name attrs>`: returns the name and whether it closed itself. */
  openTag(): { name: string; empty: boolean; attrs: string } {
    const match = /^<([A-Za-z]+)((?:\s+[A-Za-z]+="[^"<&]*")*)\s*(\/?)>/.exec(this.text.slice(this.pos));
    if (match === null) this.fail('expected an element');
    this.pos += match[0].length;
    return { name: match[1] ?? '', attrs: (match[2] ?? '').trim(), empty: match[3] === '/' };
  }

  /** Character data up to the next `<`, with entities decoded. */
  text_(): string {
    const end = this.text.indexOf('<', this.pos);
    if (end < 0) this.fail('unterminated text');
    const raw = this.text.slice(this.pos, end);
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(raw)) this.fail('a control character XML forbids');
    const decoded = raw.replace(/&([^;&\s]*);|&/g, (whole, name: string | undefined) => {
      if (name === undefined) this.fail('a bare "&"');
      if (/^#x[0-9a-fA-F]+$/.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
      const value = ENTITIES[name];
      if (value === undefined) this.fail(`unknown entity ${whole}`);
      return value;
    });
    if (raw.includes(']]>')) this.fail('"]]>" in text');
    this.pos = end;
    return decoded;
  }

  leaf(name: string, empty: boolean): string {
    if (empty) return '';
    const value = this.text_();
    this.expect(`</${name}>`);
    return value;
  }

  value(): PlistValue {
    const { name, empty, attrs } = this.openTag();
    if (attrs !== '') this.fail(`attributes on <${name}>`);
    switch (name) {
      case 'string': return this.leaf(name, empty);
      case 'integer': {
        const text = this.leaf(name, empty);
        if (!/^[+-]?\d+$/.test(text)) this.fail(`<integer> holding ${JSON.stringify(text)}`);
        return Number(text);
      }
      case 'real': {
        const text = this.leaf(name, empty);
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) this.fail(`<real> holding ${JSON.stringify(text)}`);
        return Number(text);
      }
      case 'true': case 'false':
        if (!empty) this.fail(`<${name}> must be written <${name}/>`);
        return name === 'true';
      case 'array': return empty ? [] : this.array();
      case 'dict': return empty ? {} : this.dict();
      default: return this.fail(`unknown element <${name}>`);
    }
  }

  array(): PlistValue[] {
    const items: PlistValue[] = [];
    for (this.skipMisc(); !this.text.startsWith('</array>', this.pos); this.skipMisc()) items.push(this.value());
    this.pos += '</array>'.length;
    return items;
  }

  dict(): PlistDict {
    const dict: PlistDict = {};
    for (this.skipMisc(); !this.text.startsWith('</dict>', this.pos); this.skipMisc()) {
      const tag = this.openTag();
      if (tag.name !== 'key' || tag.attrs !== '') this.fail(`expected <key> in a <dict>, found <${tag.name}>`);
      const key = this.leaf('key', tag.empty);
      if (Object.hasOwn(dict, key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.skipMisc();
      Object.defineProperty(dict, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
    }
    this.pos += '</dict>'.length;
    return dict;
  }
}

/** Parses a whole XML plist document; throws PlistSyntaxError on anything malformed. */
export function parsePlist(text: string): PlistValue {
  const reader: Reader = new Reader(text);
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0 || !/^<\?xml\s+version="1\.0"(\s+encoding="UTF-8")?\s*\?>$/.test(text.slice(0, end + 2))) reader.fail('bad XML declaration');
    reader.pos = end + 2;
  }
  reader.skipMisc();
  if (text.startsWith('<!DOCTYPE', reader.pos)) {
    const match = /^<!DOCTYPE plist PUBLIC "[^"]*" "[^"]*">/.exec(text.slice(reader.pos));
    if (match === null) reader.fail('bad DOCTYPE');
    reader.pos += match[0].length;
    reader.skipMisc();
  }
  const root = reader.openTag();
  if (root.name !== 'plist' || root.empty || root.attrs !== 'version="1.0"') reader.fail('expected <plist version="1.0">');
  reader.skipMisc();
  const value = reader.value();
  reader.skipMisc();
  reader.expect('</plist>');
  reader.skipMisc();
  if (reader.pos !== text.length) reader.fail('content after </plist>');
  return value;
}
