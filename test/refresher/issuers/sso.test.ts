/**
 * The SSO issuer with the SDK's real fromSSO provider against the local portal, pointed
 * at it the way a user would (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC), with the
 * token cache written as `aws sso login` writes it (issue 13).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ImdsdError } from '../../../src/errors.js';
import { codedFailure } from '../../support/coded-failure.js';
import { classifySsoFailure, createSsoIssue, ssoLoginCommand } from '../../../src/refresher/issuers/sso.js';
import { withEnv, writeAwsFiles } from '../../support/aws-files.js';
import { newAccessToken, rfc3339, ssoCacheFile, writeSsoCache } from '../../support/sso-cache.js';
import { startSsoPortal } from '../../support/sso-portal.js';
import { startStsServer } from '../../support/sts-server.js';

const ACCOUNT = '222233334444';
const START_URL = 'https://corp.awsapps.com/start';

let sessions = 0;

async function setup(t: Test, opts: { legacy?: boolean } = {}) {
  // A new session name per test: the SDK throttles token renewal per name for 30 s.
  const session = `corp${++sessions}`;
  const home = mkdtempSync(join(tmpdir(), 'imdsd-sso-home-'));
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const portal = await startSsoPortal({ home, sts });
  t.teardown(() => portal.close());
  portal.assign(ACCOUNT, 'Developer');
  const config = opts.legacy
    ? `[profile dev]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT}\nsso_role_name = Developer\n`
    : `[profile dev]\nsso_session = ${session}\nsso_account_id = ${ACCOUNT}\nsso_role_name = Developer\n\n[profile gone]\nsso_session = ${session}\nsso_account_id = ${ACCOUNT}\nsso_role_name = Admin\n\n[sso-session ${session}]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`;
  const files = writeAwsFiles(config);
  withEnv(t, { HOME: home, ...files.env, AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: portal.url });
  const key = opts.legacy ? START_URL : session;
  const login = ssoLoginCommand('dev', opts.legacy ? undefined : session);
  const issue = (profile = 'dev', roleName = 'Developer') => createSsoIssue({ profile, accountId: ACCOUNT, roleName, loginCommand: login, deadlineMs: 2_000 });
  const writeLogin = (expiresAtMs: number, extra: Record<string, string> = {}) => writeSsoCache(home, key, {
    startUrl: START_URL, region: 'us-east-1', accessToken: newAccessToken(), expiresAt: rfc3339(expiresAtMs), ...extra,
  });
  return { home, sts, portal, key, session, login, issue, writeLogin };
}

t.test('a valid login yields the permission set\'s role credentials', async (t) => {
  const { issue, writeLogin, portal } = await setup(t);
  writeLogin(Date.now() + 8 * 3_600_000);
  const issued = await issue()(undefined);
  t.match(issued.accessKeyId, /^ASIA/, 'session credentials');
  t.ok(issued.expiresAtMs > Date.now() + 3_000_000, 'that last the permission set\'s hour');
  t.match(portal.calls.at(-1), { action: 'GetRoleCredentials', status: 200, accountId: ACCOUNT, roleName: 'Developer' }, 'the portal issued them');
});

t.test('the legacy sso_start_url form works, and its fix names the profile', async (t) => {
  const { issue, writeLogin, login } = await setup(t, { legacy: true });
  t.equal(login, 'aws sso login --profile dev', 'the legacy login command');
  const missing = await codedFailure(issue()(undefined));
  t.equal(missing.code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'no login yet');
  t.match(missing.hint, /aws sso login --profile dev/, 'the hint names the profile');
  writeLogin(Date.now() + 3_600_000);
  t.match((await issue()(undefined)).accessKeyId, /^ASIA/, 'works once logged in');
});

t.test('a bad token cache is SSO_LOGIN_REQUIRED with the exact command', async (t) => {
  const { issue, home, key, session } = await setup(t);
  const cases: Array<[string, string | undefined]> = [
    ['missing', undefined],
    ['empty', ''],
    ['truncated', '{"startUrl": "https://corp.awsapps.com/start", "accessToken": "ab'],
    ['not JSON', 'not json at all'],
    ['without a token', JSON.stringify({ startUrl: START_URL, expiresAt: rfc3339(Date.now() + 3_600_000) })],
    ['expired, not renewable', JSON.stringify({ startUrl: START_URL, accessToken: 'x', expiresAt: rfc3339(Date.now() - 60_000) })],
  ];
  for (const [label, contents] of cases) {
    if (contents !== undefined) writeSsoCache(home, key, contents);
    const error = await codedFailure(issue()(undefined));
    t.equal(error.code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', `${label}: login required`);
    t.equal(error.hint, `run \`aws sso login --sso-session ${session}\``, `${label}: the hint is the command`);
    t.match(error.message, label.startsWith('expired') ? /the SSO login has ended$/ : /there is no (usable|valid) SSO login/, `${label}: ${error.message}`);
  }
});

t.test('a login for another start URL is not used', async (t) => {
  const { issue, home } = await setup(t, { legacy: true });
  writeSsoCache(home, 'https://other.awsapps.com/start', {
    startUrl: 'https://other.awsapps.com/start', region: 'us-east-1', accessToken: newAccessToken(), expiresAt: rfc3339(Date.now() + 3_600_000),
  });
  t.equal((await codedFailure(issue()(undefined))).code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'another portal\'s login does not count');
});

t.test('an expired access token is renewed with its refresh token, where the SDK does so', async (t) => {
  const { issue, writeLogin, portal, home, key } = await setup(t);
  const path = writeLogin(Date.now() - 60_000, {
    refreshToken: 'aor-refresh', clientId: 'client-1', clientSecret: 'secret-1', registrationExpiresAt: rfc3339(Date.now() + 86_400_000),
  });
  t.match((await issue()(undefined)).accessKeyId, /^ASIA/, 'credentials after renewal');
  t.ok(portal.calls.some((call) => call.action === 'CreateToken' && call.status === 200), 'CreateToken renewed the token');
  const renewed = JSON.parse(readFileSync(path, 'utf8')) as { expiresAt: string };
  t.ok(Date.parse(renewed.expiresAt) > Date.now(), 'the SDK wrote the renewed token to the cache');
  t.equal(path, ssoCacheFile(home, key), 'in the same file');
});

t.test('a refused renewal of an expired token is SSO_LOGIN_REQUIRED', async (t) => {
  const { issue, writeLogin, portal } = await setup(t);
  portal.refuseRefresh(true);
  writeLogin(Date.now() - 60_000, { refreshToken: 'aor-x', clientId: 'c', clientSecret: 's', registrationExpiresAt: rfc3339(Date.now() + 86_400_000) });
  t.equal((await codedFailure(issue()(undefined))).code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'login required');
});

t.test('the portal\'s refusals each have their code and fix', async (t) => {
  const { issue, writeLogin, portal } = await setup(t);
  writeLogin(Date.now() + 3_600_000);
  portal.unassign(ACCOUNT, 'Developer');
  const revoked = await codedFailure(issue()(undefined));
  t.equal(revoked.code, 'IMDSD_ERR_SSO_NO_ACCESS', 'a revoked permission set');
  t.match(revoked.hint, /list-account-roles/, 'with where to look');
  const unknown = await codedFailure(issue('gone', 'Admin')(undefined));
  t.equal(unknown.code, 'IMDSD_ERR_SSO_NOT_FOUND', 'an unknown role');
  portal.assign(ACCOUNT, 'Developer');
  portal.injectFaults({ kind: 'http', status: 500, type: 'InternalServerException' });
  t.equal((await codedFailure(issue()(undefined))).code, 'IMDSD_ERR_SSO_UNAVAILABLE', 'a portal failure');
  portal.injectFaults({ kind: 'http', status: 429, type: 'TooManyRequestsException' });
  t.equal((await codedFailure(issue()(undefined))).code, 'IMDSD_ERR_SSO_UNAVAILABLE', 'throttling');
  portal.injectFaults({ kind: 'http', status: 401, type: 'UnauthorizedException' });
  t.equal((await codedFailure(issue()(undefined))).code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'a token the portal no longer accepts');
  portal.injectFaults({ kind: 'hang' });
  const hung = await codedFailure(issue()(undefined));
  t.equal(hung.code, 'IMDSD_ERR_SSO_UNAVAILABLE', 'a hung portal is bounded by the deadline');
});

t.test('an unreachable portal is a network error for the diagnosis', async (t) => {
  const options = { profile: 'dev', accountId: ACCOUNT, roleName: 'Developer', loginCommand: 'aws sso login --profile dev' };
  const unresolved = classifySsoFailure(new Error('getaddrinfo ENOTFOUND portal.sso.xx-fake-1.amazonaws.com'), options) as Error & { code?: string; hostname?: string };
  t.equal(unresolved.code, 'ENOTFOUND', 'the system code is kept');
  t.equal(unresolved.hostname, 'portal.sso.xx-fake-1.amazonaws.com', 'and the host');
  const refused = classifySsoFailure(new Error('connect ECONNREFUSED 127.0.0.1:1'), options);
  t.match(refused, { code: 'IMDSD_ERR_SSO_UNAVAILABLE' }, 'a refused connection is the portal being down');
  const same = new ImdsdError('IMDSD_ERR_STS_MALFORMED');
  t.equal(classifySsoFailure(same, options), same, 'coded errors pass through');
  t.match(classifySsoFailure('something odd', options), { code: 'IMDSD_ERR_SSO_UNAVAILABLE' }, 'anything else is retried');
});
