import t from 'tap';
import { refuseControlCharacters, systemdArg, systemdEnv, xmlEscape } from '../../../src/cli/service/escape.js';

t.test('xmlEscape escapes the five XML specials and nothing else', async (t) => {
  t.equal(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f', 'all five');
  t.equal(xmlEscape('&amp;'), '&amp;amp;', 'an entity-looking value is escaped again, so it round-trips');
  t.equal(xmlEscape('plain/path é %$\\'), 'plain/path é %$\\', 'other characters are left alone');
});

t.test('systemdArg quotes one ExecStart= argument (systemd.syntax(7), systemd.service(5))', async (t) => {
  t.equal(systemdArg('/usr/bin/node'), '"/usr/bin/node"', 'always double-quoted');
  t.equal(systemdArg('a b'), '"a b"', 'spaces stay in one argument');
  t.equal(systemdArg('say "hi"'), '"say \\"hi\\""', 'double quotes are backslash-escaped');
  t.equal(systemdArg('C:\\x'), '"C:\\\\x"', 'backslashes are doubled');
  t.equal(systemdArg('100%'), '"100%%"', '% is doubled (specifiers)');
  t.equal(systemdArg('$HOME ${X}'), '"$$HOME $${X}"', '$ is doubled (variable expansion)');
  t.equal(systemdArg(`it's`), `"it's"`, 'a single quote needs nothing inside double quotes');
  t.equal(systemdArg(''), '""', 'an empty argument stays an argument');
});

t.test('systemdEnv quotes a whole Environment= assignment; $ has no meaning there', async (t) => {
  t.equal(systemdEnv('AWS_CONFIG_FILE', '/a b/c'), '"AWS_CONFIG_FILE=/a b/c"', 'quoted as a whole');
  t.equal(systemdEnv('X', '%h $HOME "q" \\'), '"X=%%h $HOME \\"q\\" \\\\"', '% doubled, $ kept, quotes and backslashes escaped');
});

t.test('control characters are refused as a configuration error', async (t) => {
  t.doesNotThrow(() => refuseControlCharacters('x', 'fine value é'), 'printable text passes');
  for (const [value, code] of [['a\nb', '0A'], ['tab\there', '09'], ['nul\u0000', '00'], ['del\u007f', '7F']] as const) {
    t.throws(() => refuseControlCharacters('--role-name', value),
      { name: 'ImdsdError', code: 'IMDSD_ERR_CONFIG', message: `imdsd install: --role-name contains the control character U+00${code}` },
      `U+00${code} is refused, naming where`);
  }
});
