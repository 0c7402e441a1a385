import t from 'tap';
import { defaultSessionName, isValidSessionName } from '../../src/refresher/session-name.js';

t.test('the default session name is imdsd-<user>', async (t) => {
  t.equal(defaultSessionName('alice'), 'imdsd-alice', 'a plain user name is kept');
  t.equal(defaultSessionName('a+b=c,d.e@f-g_h'), 'imdsd-a+b=c,d.e@f-g_h', 'every character STS allows is kept');
});

t.test('characters STS refuses are replaced so the default always works', async (t) => {
  t.equal(defaultSessionName('John Doe'), 'imdsd-John-Doe', 'a space becomes a dash');
  t.equal(defaultSessionName('CORP\\jdoe'), 'imdsd-CORP-jdoe', 'a Windows domain separator becomes a dash');
  t.equal(defaultSessionName('jürgen'), 'imdsd-j-rgen', 'a non-ASCII letter becomes a dash');
  t.equal(defaultSessionName(''), 'imdsd-user', 'an empty user name falls back to "user"');
  const long = defaultSessionName('x'.repeat(200));
  t.equal(long.length, 64, 'a long user name is cut to 64 characters');
  t.ok(long.startsWith('imdsd-x'), 'the cut keeps the prefix');
  for (const user of ['', 'a', 'John Doe', 'jürgen', '日本語', 'a/b:c', 'x'.repeat(200), '\n\t']) {
    t.ok(isValidSessionName(defaultSessionName(user)), `the default for ${JSON.stringify(user).slice(0, 20)} is a valid session name`);
  }
});

t.test('isValidSessionName follows STS: 2–64 characters of [\\w+=,.@-]', async (t) => {
  t.notOk(isValidSessionName(''), 'empty is refused');
  t.notOk(isValidSessionName('a'), 'one character is refused');
  t.ok(isValidSessionName('ab'), 'two characters are enough');
  t.ok(isValidSessionName('a'.repeat(64)), '64 characters are allowed');
  t.notOk(isValidSessionName('a'.repeat(65)), '65 characters are refused');
  t.notOk(isValidSessionName('a b'), 'a space is refused');
  t.notOk(isValidSessionName('a/b'), 'a slash is refused');
  t.notOk(isValidSessionName('ab\n'), 'a trailing newline is refused');
  t.ok(isValidSessionName('me+x=y,z.w@v-u_t'), 'all allowed punctuation is accepted');
});
