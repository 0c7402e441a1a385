/** The command context's helpers: which control socket to ask, and the line a refresh outcome is. */
import t from 'tap';
import { describeRefresh, socketFor } from '../../../src/cli/commands/context.js';
import { recordingContext } from '../../support/command-context.js';

t.test('the socket: the one named, else the user\'s own', async (t) => {
  const none = (): boolean => false;
  t.equal(socketFor(recordingContext({}, '/home/dev'), undefined, none), '/home/dev/.imdsd/run/control.sock', 'under HOME');
  t.equal(socketFor(recordingContext({ XDG_RUNTIME_DIR: '/run/user/7' }), '', none), '/run/user/7/imdsd/control.sock', 'an empty flag names nothing');
  t.equal(socketFor(recordingContext({ XDG_RUNTIME_DIR: '/run/user/7' }), '/tmp/c.sock', none), '/tmp/c.sock', 'the flag');
});

t.test('a refresh outcome as a person reads it', async (t) => {
  t.equal(describeRefresh({ ok: true, roleName: 'dev', expiresAt: '2026-11-21T13:00:00.000Z' }), 'dev: refreshed, expires 2026-11-21T13:00:00.000Z\n', 'refreshed');
  t.equal(describeRefresh({ ok: false, roleName: 'dev', code: 'IMDSD_ERR_STS_DENIED', message: 'AccessDenied', hint: 'check the trust policy' }),
    'dev: refresh failed: IMDSD_ERR_STS_DENIED: AccessDenied (fix: check the trust policy)\n', 'a failure with its fix');
  t.equal(describeRefresh({ ok: false, roleName: 'ops', code: 'IMDSD_ERR_STS_UNAVAILABLE', message: 'STS answered 503' }),
    'ops: refresh failed: IMDSD_ERR_STS_UNAVAILABLE: STS answered 503\n', 'a failure without one');
});
