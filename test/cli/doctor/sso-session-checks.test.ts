/** doctor's `sso-session` check (issue 13): the login behind an SSO role, with the command to run. */
import t from 'tap';
import { ssoSessionChecks } from '../../../src/cli/doctor/sso-session-checks.js';
import { fakeRole, fakeStatus, MINUTE, NOW, only, situation } from '../../support/doctor-fakes.js';

const at = (ms: number): string => new Date(ms).toISOString();
const command = 'aws sso login --sso-session corp';

async function check(login: Record<string, unknown> | undefined) {
  const role = fakeRole({ source: 'sso', ...(login === undefined ? {} : { ssoLogin: { session: 'corp', command, ...login } }) });
  return ssoSessionChecks(await situation({ status: async () => fakeStatus([role]) }));
}

t.test('each state of the login, with the exact command as the fix', async (t) => {
  t.match(only(await check({ endsAt: at(NOW + 5 * 60 * MINUTE), renewable: false }), 'sso-session'),
    { level: 'ok', title: 'dev: the SSO login corp has 5h00m00s left' }, 'hours left: ok');
  t.match(only(await check({ endsAt: at(NOW + 20 * MINUTE), renewable: false }), 'sso-session'),
    { level: 'warning', title: 'dev: the SSO login corp ends in 20m00s', fix: command }, 'under 30 minutes: a warning');
  t.match(only(await check({ endsAt: at(NOW - 3 * MINUTE), renewable: false }), 'sso-session'),
    { level: 'problem', title: 'dev: the SSO login corp ended 3m00s ago', fix: command }, 'ended: a problem');
  t.match(only(await check({}), 'sso-session'), { level: 'problem', title: /not in the SSO cache/, fix: command }, 'no login');
  t.match(only(await check({ endsAt: at(NOW - MINUTE), renewable: true }), 'sso-session'),
    { level: 'ok', title: /renewed by the SDK .*due for renewal/ }, 'a renewable login is the SDK\'s to renew');
  t.match(only(await check({ endsAt: at(NOW + 10 * MINUTE), renewable: true }), 'sso-session'), { level: 'ok', title: /ends in 10m00s/ }, 'with the token\'s time');
});

t.test('roles that are not SSO, and no daemon, say nothing', async (t) => {
  t.same(await check(undefined), [], 'an assume-role role');
  t.same(await ssoSessionChecks(await situation()), [], 'no daemon');
});
