/** `imdsd mfa CODE` in process against a real control socket: the query, the two lines, the exit code. */
import t from 'tap';
import { mfaCommand } from '../../../src/cli/commands/mfa.js';
import { recordingContext } from '../../support/command-context.js';
import { controlSocket } from '../../support/doctor-fakes.js';

t.test('a code accepted: the session end and the refresh, exit 0', async (t) => {
  const socket = await controlSocket(t, () => ({ roleName: 'dev', ok: true, expiresAt: '2026-11-21T13:00:00.000Z', mfaSessionExpiresAt: '2026-11-21T24:00:00.000Z' }));
  const ctx = recordingContext({});
  t.equal(await mfaCommand(['123456', '--role', 'dev', '--control-socket', socket.path], ctx), 0, 'exit 0');
  t.same(socket.requests, ['POST /v1/mfa?code=123456&role=dev'], 'the code and the role in the query, over the control socket');
  t.equal(ctx.output(), 'dev: MFA session until 2026-11-21T24:00:00.000Z\ndev: refreshed, expires 2026-11-21T13:00:00.000Z\n', 'two lines');
});

t.test('the refresh after the code failed: exit 1; no role named: none in the query', async (t) => {
  const socket = await controlSocket(t, () => ({ roleName: 'dev', ok: false, code: 'IMDSD_ERR_STS_UNAVAILABLE', message: 'STS answered 503', mfaSessionExpiresAt: '2026-11-21T24:00:00.000Z' }));
  const ctx = recordingContext({});
  t.equal(await mfaCommand(['654321', '--control-socket', socket.path], ctx), 1, 'exit 1');
  t.same(socket.requests, ['POST /v1/mfa?code=654321'], 'only the code');
  t.match(ctx.output(), /\ndev: refresh failed: IMDSD_ERR_STS_UNAVAILABLE: STS answered 503\n$/, 'the failure');
});

t.test('a code the daemon refuses keeps the daemon\'s code', async (t) => {
  const socket = await controlSocket(t, () => ({ status: 503, body: { Code: 'IMDSD_ERR_MFA_FAILED', Message: 'STS refused the MFA code' } }));
  await t.rejects(mfaCommand(['12ab56', '--control-socket', socket.path], recordingContext({})), { code: 'IMDSD_ERR_DAEMON_REPLY', replyCode: 'IMDSD_ERR_MFA_FAILED', message: 'IMDSD_ERR_MFA_FAILED: STS refused the MFA code' });
});
