/**
 * Every code in the registry is documented in README's "Error codes" table with its
 * meaning and its fix (house style 5 and 18; issue 12), as fastify checks its Errors.md.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ERRORS, ImdsdError, isImdsdError, type ErrorCode } from '../src/errors.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function errorTable(): Map<string, { status: string; meaning: string; fix: string }> {
  const start = README.indexOf('### Error codes');
  const section = README.slice(start, README.indexOf('\n## ', start));
  const rows = new Map<string, { status: string; meaning: string; fix: string }>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = /^`(IMDSD_ERR_[A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code !== undefined) rows.set(code, { status: cells[2] ?? '', meaning: cells[3] ?? '', fix: cells[4] ?? '' });
  }
  return rows;
}

t.test('README documents every error code with its meaning and fix', async (t) => {
  const table = errorTable();
  const codes = Object.keys(ERRORS) as ErrorCode[];
  t.ok(codes.length >= 27, 'the registry is read');
  for (const code of codes) {
    const row = table.get(code);
    t.ok(row !== undefined, `${code} has a row`);
    t.ok((row?.meaning.length ?? 0) > 10, `${code} says what it means`);
    t.ok((row?.fix.length ?? 0) > 3, `${code} says what to do`);
    const status = ERRORS[code].status;
    t.ok(row?.status.startsWith(String(status)) || row?.status.startsWith('–'), `${code}: the status shown (${row?.status}) is ${status}, or it never reaches a client`);
  }
  for (const code of table.keys()) t.ok(code in ERRORS, `README's ${code} is in the registry`);
});

t.test('an ImdsdError carries its code, status, hint and cause', async (t) => {
  const cause = new Error('socket hang up');
  const error = new ImdsdError('IMDSD_ERR_STS_UNAVAILABLE', undefined, { hint: 'retry', cause });
  t.equal(error.message, ERRORS.IMDSD_ERR_STS_UNAVAILABLE.summary, 'the summary by default');
  t.equal(error.status, 503, 'the registry\'s status');
  t.equal(error.hint, 'retry', 'the hint');
  t.equal(error.cause, cause, 'the cause');
  t.ok(isImdsdError(error), 'recognised');
  t.notOk(isImdsdError(cause), 'a plain error is not');
  t.equal(new ImdsdError('IMDSD_ERR_CONFIG', 'x').cause, undefined, 'no cause unless given');
});
