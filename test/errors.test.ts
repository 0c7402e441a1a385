/**
 * House style 18: every error code in the registry is documented in the error table of
 * docs/error-codes.md (which README links to) with its status and a fix, so a new code
 * cannot ship undocumented.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ERRORS, ImdsdError, isImdsdError, type ErrorCode } from '../src/errors.js';

const ERROR_PAGE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'error-codes.md'), 'utf8');

t.test('every code has a row in docs/error-codes.md with its status and a fix', async (t) => {
  for (const [code, spec] of Object.entries(ERRORS) as Array<[ErrorCode, { status: number }]>) {
    const row = ERROR_PAGE.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    t.ok(row !== undefined, `${code} has a row in docs/error-codes.md's error table`);
    const cells = row?.split(' | ') ?? [];
    t.ok(cells[1] === String(spec.status) || cells[1] === '–', `${code}: the row's status (${cells[1]}) is ${spec.status} or – for one that never reaches a client`);
    t.ok((cells[3] ?? '').trim().length > 3, `${code}: the row names a fix`);
  }
});

t.test('an ImdsdError carries its code, status, hint and cause', async (t) => {
  const cause = new Error('root');
  const error = new ImdsdError('IMDSD_ERR_SSO_LOGIN_REQUIRED', undefined, { hint: 'run `aws sso login`', cause });
  t.match(error, { code: 'IMDSD_ERR_SSO_LOGIN_REQUIRED', status: 503, hint: 'run `aws sso login`', message: ERRORS.IMDSD_ERR_SSO_LOGIN_REQUIRED.summary }, 'fields');
  t.equal(error.cause, cause, 'the cause');
  t.ok(isImdsdError(error), 'recognised');
  t.notOk(isImdsdError(cause), 'others are not');
});
