/** The strict plist parser in test/support/plist.ts: it must accept real plists and reject malformed XML. */
import t from 'tap';
import { parsePlist } from '../../support/plist.js';

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n';
const wrap = (body: string): string => `${HEAD}<plist version="1.0">\n${body}\n</plist>\n`;

t.test('parses every supported type', async (t) => {
  const text = wrap(`<!-- a comment -->
<dict>
  <key>S</key><string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;</string>
  <key>Empty</key><string/>
  <key>I</key><integer>-12</integer>
  <key>R</key><real>1.5e3</real>
  <key>T</key><true/>
  <key>F</key><false/>
  <key>A</key><array><string>x</string><!-- c --><integer>1</integer></array>
  <key>EA</key><array/>
  <key>D</key><dict><key>in</key><string>y</string></dict>
  <key>ED</key><dict/>
</dict>`);
  const value = parsePlist(text);
  t.same(value, {
    S: `a & b <c> "d" 'e' AB`, Empty: '', I: -12, R: 1500, T: true, F: false, A: ['x', 1], EA: [], D: { in: 'y' }, ED: {},
  }, 'all values');
  const proto = parsePlist(wrap('<dict><key>__proto__</key><string>kept as a key</string></dict>'));
  t.equal(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value, 'kept as a key', '__proto__ is an ordinary key');
  t.same(parsePlist('<plist version="1.0"><string>bare</string></plist>'), 'bare', 'declaration and DOCTYPE are optional');
});

t.test('rejects malformed documents', async (t) => {
  const bad: Array<[string, string, RegExp]> = [
    ['a bare &', wrap('<string>a & b</string>'), /bare "&"/],
    ['an unknown entity', wrap('<string>&nbsp;</string>'), /unknown entity &nbsp;/],
    ['a < in text', wrap('<string>a < b</string>'), /expected "<\/string>"/],
    ['a mismatched close', wrap('<string>a</key>'), /expected "<\/string>"/],
    ['an unclosed dict', wrap('<dict><key>a</key><string>b</string>'), /expected an element|expected "<\/plist>"/],
    ['a value without a key', wrap('<dict><string>b</string></dict>'), /expected <key> in a <dict>, found <string>/],
    ['a key without a value', wrap('<dict><key>a</key></dict>'), /expected an element/],
    ['a duplicate key', wrap('<dict><key>a</key><true/><key>a</key><false/></dict>'), /duplicate key "a"/],
    ['an unknown element', wrap('<date>2024</date>'), /unknown element <date>/],
    ['an attribute', wrap('<string id="x">a</string>'), /attributes on <string>/],
    ['an attribute on a key', wrap('<dict><key id="x">a</key><true/></dict>'), /expected <key>/],
    ['a non-integer', wrap('<integer>1.5</integer>'), /<integer> holding "1.5"/],
    ['a non-real', wrap('<real>abc</real>'), /<real> holding "abc"/],
    ['<true> with content', wrap('<true>yes</true>'), /<true> must be written <true\/>/],
    ['a control character', wrap('<string>a\u0001b</string>'), /control character/],
    ['"]]>" in text', wrap('<string>a]]>b</string>'), /"]]>" in text/],
    ['unterminated text', '<plist version="1.0"><string>abc', /unterminated text/],
    ['an unterminated comment', `${HEAD}<!-- never closed`, /unterminated comment/],
    ['"--" in a comment', `<!-- a -- b --><plist version="1.0"><true/></plist>`, /"--" inside a comment/],
    ['a bad declaration', '<?xml version="1.1"?><plist version="1.0"><true/></plist>', /bad XML declaration/],
    ['an unterminated declaration', '<?xml version="1.0"', /bad XML declaration/],
    ['a bad DOCTYPE', '<!DOCTYPE html><plist version="1.0"><true/></plist>', /bad DOCTYPE/],
    ['a root that is not plist', '<dict></dict>', /expected <plist version="1.0">/],
    ['a plist without version', '<plist><true/></plist>', /expected <plist version="1.0">/],
    ['two values', wrap('<true/><false/>'), /expected "<\/plist>"/],
    ['content after the root', `${wrap('<true/>')}<plist/>`, /content after <\/plist>/],
    ['text outside elements', wrap('stray<true/>'), /expected an element/],
  ];
  for (const [what, text, message] of bad) {
    t.throws(() => parsePlist(text), { name: 'PlistSyntaxError', message }, what);
  }
  t.throws(() => parsePlist(wrap('<dict>\n<key>a</key>\n<oops/>\n</dict>')), { message: /at line 6$/ }, 'errors name the line');
});
