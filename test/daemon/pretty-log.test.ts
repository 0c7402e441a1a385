/**
 * Issue 11: `imdsd run` in a terminal prints lines a person reads (time, level, role,
 * message); under a service manager (no terminal) it keeps JSON lines.
 */
import { existsSync } from 'node:fs';
import t from 'tap';
import { formatLine, prettyDestination } from '../../src/daemon/pretty-log.js';
import { cleanEnv, runImdsd } from '../support/daemon-process.js';

t.test('a JSON line becomes time, level, role, message, then the other fields', async (t) => {
  const line = JSON.stringify({
    level: 'info', time: '2026-11-27T11:42:03.120Z', pid: 7, role: 'dev', event: 'refreshed', msg: 'credential refreshed', keyId: '…WXYZ', inMs: 120,
  });
  const text = formatLine(line, false);
  t.match(text, /^\d\d:\d\d:\d\d INFO  dev credential refreshed keyId=…WXYZ inMs=120$/, `readable: ${text}`);
  t.notMatch(text, /pid|event/, 'pid and event are left out');
  t.match(formatLine(JSON.stringify({ level: 'error', msg: 'no role', note: 'two words' }), false), /^--:--:-- ERROR no role note="two words"$/, 'no time, no role, a quoted value');
  t.match(formatLine(JSON.stringify({ level: 'warn', msg: 'm' }), true), /\x1b\[33mWARN \x1b\[0m m/, 'colour for the level');
  t.equal(formatLine('not json\n', false), 'not json', 'a line that is not JSON passes as it is');
  t.equal(formatLine('[1,2]', false), '[1,2]', 'nor is a JSON array re-arranged');
  t.equal(formatLine(JSON.stringify({ time: 'soon', msg: 'x' }), false), 'soon INFO  x', 'an unparseable time is shown as given');
});

t.test('the destination writes one readable line per JSON line', async (t) => {
  const out: string[] = [];
  const dest = prettyDestination({ write: (text: string) => out.push(text) }, false);
  dest.write(`${JSON.stringify({ level: 'info', msg: 'a' })}\n${JSON.stringify({ level: 'info', msg: 'b' })}\n`);
  t.same(out.map((line) => line.replace(/^\S+ /, '')), ['INFO  a\n', 'INFO  b\n'], 'two lines, each readable');
});

t.test('imdsd run under a terminal prints readable lines, and JSON without one', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1) is not installed (apt-get install util-linux)' }, async (t) => {
  // The daemon cannot reach any STS here and is stopped by `timeout`; its first lines
  // (starting, control socket) are enough to see the format.
  const args = ['run', '--role-arn', 'arn:aws:iam::123456789012:role/dev', '--port', '0'];
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12', AWS_SECRET_ACCESS_KEY: 'x'.repeat(40), AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', NO_COLOR: '1' });
  const stopped = ['timeout', '-s', 'INT', '3'];
  const tty = (await runImdsd(args, env, { launcher: stopped, terminal: true, timeoutMs: 20_000 })).stdout;
  t.match(tty, /^\d\d:\d\d:\d\d INFO  imdsd starting version=/m, `a terminal gets readable lines:\n${tty}`);
  t.notMatch(tty, /^\{"level"/m, 'and no JSON');
  const piped = (await runImdsd(args, env, { launcher: stopped, timeoutMs: 20_000 })).stdout;
  t.match(piped, /^\{"level":"info".*"msg":"imdsd starting"/m, 'a pipe (a service manager) gets JSON lines');
});
