/**
 * `imdsd refresh` in process against a real control socket: what it asks for, what it
 * prints, its exit code, and the coded errors when no daemon runs or the daemon refuses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { refreshCommand } from '../../../src/cli/commands/refresh.js';
import { recordingContext } from '../../support/command-context.js';
import { controlSocket } from '../../support/doctor-fakes.js';

const OK = { roleName: 'dev', ok: true, expiresAt: '2026-11-21T13:00:00.000Z' };
const FAILED = { roleName: 'ops', ok: false, code: 'IMDSD_ERR_STS_DENIED', message: 'AccessDenied', hint: 'check the trust policy' };

t.test('every role refreshed: one line each, exit 0; one failed: exit 1', async (t) => {
  const all = await controlSocket(t, () => ({ results: [OK] }));
  const ctx = recordingContext({});
  t.equal(await refreshCommand(['--control-socket', all.path], ctx), 0, 'exit 0');
  t.same(all.requests, ['POST /v1/refresh'], 'one POST, no role named');
  t.equal(ctx.output(), 'dev: refreshed, expires 2026-11-21T13:00:00.000Z\n', 'the line');
  const mixed = await controlSocket(t, () => ({ results: [OK, FAILED] }));
  const both = recordingContext({});
  t.equal(await refreshCommand(['--control-socket', mixed.path], both), 1, 'exit 1 when one failed');
  t.match(both.output(), /^dev: refreshed.*\nops: refresh failed: IMDSD_ERR_STS_DENIED: AccessDenied \(fix: check the trust policy\)\n$/, 'both lines');
});

t.test('--role goes in the query, encoded; --json prints the outcomes as they came', async (t) => {
  const socket = await controlSocket(t, () => ({ results: [FAILED] }));
  const ctx = recordingContext({});
  t.equal(await refreshCommand(['--control-socket', socket.path, '--role', 'a b&c', '--json'], ctx), 1, 'exit 1');
  t.same(socket.requests, ['POST /v1/refresh?role=a%20b%26c'], 'the role encoded');
  t.same(JSON.parse(ctx.output()), [FAILED], 'the JSON outcomes');
});

t.test('no daemon, a refusal, a reply it cannot read: coded errors', async (t) => {
  const none = join(mkdtempSync(join(tmpdir(), 'imdsd-refresh-')), 'control.sock');
  await t.rejects(refreshCommand(['--control-socket', none], recordingContext({})), { code: 'IMDSD_ERR_DAEMON_NOT_RUNNING' }, 'no daemon');
  const refusing = await controlSocket(t, () => ({ status: 404, body: { Code: 'IMDSD_ERR_UNKNOWN_ROLE', Message: 'no role ops', Hint: 'served: dev' } }));
  await t.rejects(refreshCommand(['--control-socket', refusing.path, '--role', 'ops'], recordingContext({})),
    { code: 'IMDSD_ERR_DAEMON_REPLY', replyCode: 'IMDSD_ERR_UNKNOWN_ROLE', hint: 'served: dev' }, 'the daemon\'s code kept');
  const odd = await controlSocket(t, () => ({ outcomes: [] }));
  await t.rejects(refreshCommand(['--control-socket', odd.path], recordingContext({})), { code: 'IMDSD_ERR_DAEMON_REPLY' }, 'an unreadable reply');
});
