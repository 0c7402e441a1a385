import t from 'tap';
import { ImdsdError } from '../../../src/errors.js';
import { daemonChecks } from '../../../src/cli/doctor/daemon-checks.js';
import { fakeRole, fakeStatus, MINUTE, NOW, only, situation, withId } from '../../support/doctor-fakes.js';

const at = (ms: number): string => new Date(ms).toISOString();

t.test('no daemon: a problem with the control client\'s own message and fix', async (t) => {
  const findings = await daemonChecks(await situation());
  t.same(findings.map((f) => f.id), ['daemon-running'], 'nothing else can be told');
  t.match(only(findings, 'daemon-running'), { level: 'problem', title: /^imdsd is not running \(no daemon at/, fix: /imdsd run/ }, 'running');
  const broken = await daemonChecks(await situation({ status: () => Promise.reject(new Error('the control socket answered junk')) }));
  t.match(only(broken, 'daemon-running'), { level: 'problem', title: 'no usable answer from the control socket: the control socket answered junk',
    fix: 'start it with `imdsd run --profile NAME`, or pass --control-socket' }, 'another failure');
  const bare = await daemonChecks(await situation({ status: () => Promise.reject(new ImdsdError('IMDSD_ERR_INTERNAL', 'odd')) }));
  t.match(only(bare, 'daemon-running'), { title: 'odd', fix: /imdsd run --profile NAME/ }, 'an ImdsdError without a hint');
  const thrown = await daemonChecks(await situation({ status: () => Promise.reject('string') }));
  t.match(only(thrown, 'daemon-running').title, /: string$/, 'a non-Error');
});

t.test('a healthy daemon: running, a credential with time left, no errors', async (t) => {
  const findings = await daemonChecks(await situation({ status: async () => fakeStatus() }));
  t.match(only(findings, 'daemon-running'), { level: 'ok', title: 'imdsd 0.1.0 is running (pid 4242, up 1h00m00s; roles: dev on port 1338)' }, 'running');
  t.match(only(findings, 'daemon-credential'), { level: 'ok', title: 'dev: holds a credential valid for 50m00s (state fresh)' }, 'credential');
  t.match(only(findings, 'daemon-last-error'), { level: 'ok' }, 'no errors');
});

t.test('the role asked for', async (t) => {
  const none = await daemonChecks(await situation({ status: async () => fakeStatus([]) }));
  t.match(only(none, 'daemon-role'), { level: 'problem', title: 'the daemon serves no role' }, 'no roles at all');
  t.match(only(none, 'daemon-running').title, /roles: none/, 'the running line says so');
  t.same(withId(none, 'daemon-last-error'), [], 'no errors to report without roles');
  const unknown = await daemonChecks(await situation({ status: async () => fakeStatus([fakeRole(), fakeRole({ roleName: 'ops', port: undefined })]) }, { role: 'nope' }));
  t.match(only(unknown, 'daemon-role'), { level: 'problem', title: 'no role named nope is served', fix: 'use --role with one of: dev, ops' }, 'unknown --role');
  t.match(only(unknown, 'daemon-running').title, /ops on port none/, 'a role without a port');
});

t.test('how long the credential has left', async (t) => {
  const check = async (role: Parameters<typeof fakeRole>[0]) => only(await daemonChecks(await situation({ status: async () => fakeStatus([fakeRole(role)]) })), 'daemon-credential');
  t.match(await check({ expiresAt: at(NOW + 5 * MINUTE) }), { level: 'warning', title: 'dev: the credential expires in 5m00s', fix: 'imdsd refresh --role dev' }, '< 10 minutes');
  t.match(await check({ expiresAt: at(NOW - 2 * MINUTE), state: 'expired', lastError: { code: 'IMDSD_ERR_ACCESS_DENIED', message: 'denied', hint: 'fix the trust policy' } }),
    { level: 'problem', title: 'dev: the credential expired 2m00s ago', fix: 'fix the trust policy' }, 'expired, with the error\'s hint as the fix');
  t.match(await check({ expiresAt: undefined, state: 'starting' }), { level: 'problem', title: 'dev: no credential yet (state starting)' }, 'none yet');
  t.match(await check({ expiresAt: at(NOW + 30 * 1000), state: 'expired' }), { level: 'problem', title: 'dev: the credential is not served (state expired)' },
    'within the last minute it is no longer served');
});

t.test('the last refresh error, with its hint', async (t) => {
  const lastError = { code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', message: 'the SSO session has expired', hint: 'run `aws sso login --profile dev`' };
  const degraded = await daemonChecks(await situation({ status: async () => fakeStatus([fakeRole({ state: 'degraded', lastError, consecutiveFailures: 3 })]) }));
  t.match(only(degraded, 'daemon-last-error'), {
    level: 'warning', title: 'dev: the last refresh failed: IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED: the SSO session has expired (3 in a row)',
    fix: 'run `aws sso login --profile dev`', detail: 'the last good credential is still served',
  }, 'still serving: a warning');
  const starting = await daemonChecks(await situation({ status: async () => fakeStatus([fakeRole({ state: 'starting', expiresAt: undefined, lastError: { code: 'X', message: 'y' } })]) }));
  t.match(only(starting, 'daemon-last-error'), { level: 'problem', fix: 'imdsd refresh --role dev' }, 'nothing served: a problem, with a default fix');
});
