/**
 * Issue 13, the SSO user's morning: the daemon runs an SSO profile whose login has
 * ended, answers 503 IMDSD_ERR_SSO_LOGIN_REQUIRED naming the exact command, and the
 * moment a new login lands in ~/.aws/sso/cache it refreshes (within a second, no
 * restart). A revoked permission set keeps the last good credential served; `imdsd
 * status` says where the credential comes from and how long the login has left.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { auditLogs, cleanEnv, runImdsd, startDaemonProcess } from '../support/daemon-process.js';
import { newAccessToken, rfc3339, writeSsoCache } from '../support/sso-cache.js';
import { startSsoPortal } from '../support/sso-portal.js';
import { startStsServer } from '../support/sts-server.js';

// The refused renewal waits for a real verdict, which can take the SDK's 30 s throttle and
// a warning interval (about 60 s here): more than tap's default 120 s on a loaded runner.
t.setTimeout(240_000);

const ACCOUNT = '222233334444';
const START_URL = 'https://corp.awsapps.com/start';

async function imdsCredential(port: number, role: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await (await request(`http://127.0.0.1:${port}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  })).body.text();
  const res = await request(`http://127.0.0.1:${port}/latest/meta-data/iam/security-credentials/${role}`, { headers: { 'x-aws-ec2-metadata-token': token } });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}


const sts = await startStsServer();
const env = cleanEnv({ LANG: 'C' });
const home = env.HOME ?? '';
const portal = await startSsoPortal({ home, sts });
portal.assign(ACCOUNT, 'Developer');
mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
writeFileSync(join(home, '.aws', 'config'), `[profile dev]\nsso_session = corp\nsso_account_id = ${ACCOUNT}\nsso_role_name = Developer\n\n`
  + `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n`, { mode: 0o600 });
/** Every SSO access token written: none may appear in the daemon's output either. */
const accessTokens: string[] = [];
const login = (endsAtMs: number) => {
  const accessToken = newAccessToken();
  accessTokens.push(accessToken);
  return writeSsoCache(home, 'corp', { startUrl: START_URL, region: 'eu-west-1', accessToken, expiresAt: rfc3339(endsAtMs) });
};
login(Date.now() - 60_000);
Object.assign(env, { AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: portal.url });
const socket = join(home, 'control.sock');
const daemon = await startDaemonProcess(['--profile', 'dev', '--port', '0', '--control-socket', socket], env);
auditLogs(t, daemon, () => sts.issuedSecrets(), () => accessTokens);
t.teardown(() => portal.close());
t.teardown(() => sts.close());

t.test('an ended login: 503 IMDSD_ERR_SSO_LOGIN_REQUIRED with the exact command', async (t) => {
  const failed = await daemon.waitFor((line) => line.event === 'first-fetch-failed');
  t.equal(failed.code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'the first fetch says a login is needed');
  const answer = await imdsCredential(daemon.port, 'Developer');
  t.equal(answer.status, 503, 'clients get 503');
  t.equal(answer.body.Code, 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'with the code');
  t.match(answer.body.Message, /aws sso login --sso-session corp/, 'and the command');
  t.equal(daemon.child.exitCode, null, 'the daemon keeps running');
});

t.test('a new login in the cache is picked up', async (t) => {
  const written = Date.now();
  login(Date.now() + 8 * 3_600_000);
  await daemon.waitFor((line) => line.event === 'refreshed', 5_000);
  const tookMs = Date.now() - written;
  t.comment(`refreshed ${tookMs} ms after the file changed (the watcher polls every 250 ms)`);
  const answer = await imdsCredential(daemon.port, 'Developer');
  t.equal(answer.status, 200, 'served');
  t.match(answer.body.AccessKeyId, /^ASIA/, 'the permission set\'s credential');
});

t.test('status: the source and the login\'s time left', async (t) => {
  const json = await runImdsd(['status', '--json', '--control-socket', socket], env);
  const role = (JSON.parse(json.stdout) as { roles: Array<Record<string, unknown>> }).roles[0];
  t.equal(role?.source, 'sso', 'source sso');
  t.match(role?.ssoLogin, { session: 'corp', command: 'aws sso login --sso-session corp', renewable: false }, 'the login');
  const table = await runImdsd(['status', '--control-socket', socket], env);
  t.match(table.stdout, /source\s+sso/, 'the table names the source');
  t.match(table.stdout, /sso login\s+corp: 7h5\dm\d\ds left/, 'and the time left on the login');
});

t.test('a revoked permission set: its own code, and the last good credential stays served', async (t) => {
  const before = await imdsCredential(daemon.port, 'Developer');
  portal.unassign(ACCOUNT, 'Developer');
  const refresh = await runImdsd(['refresh', '--control-socket', socket], env);
  t.equal(refresh.code, 1, 'imdsd refresh reports the failure');
  t.match(refresh.stdout, /IMDSD_ERR_SSO_NO_ACCESS/, 'as SSO_NO_ACCESS');
  const after = await imdsCredential(daemon.port, 'Developer');
  t.equal(after.status, 200, 'still 200');
  t.equal(after.body.AccessKeyId, before.body.AccessKeyId, 'the last good credential');
  portal.assign(ACCOUNT, 'Developer');
});

async function ssoLoginStatus(): Promise<Record<string, unknown> | undefined> {
  const json = await runImdsd(['status', '--json', '--control-socket', socket], env);
  return (JSON.parse(json.stdout) as { roles: Array<{ ssoLogin?: Record<string, unknown> }> }).roles[0]?.ssoLogin;
}

const renewable = (endsAtMs: number, refreshToken: string) => {
  const accessToken = newAccessToken();
  accessTokens.push(accessToken, refreshToken);
  writeSsoCache(home, 'corp', {
    startUrl: START_URL, region: 'eu-west-1', accessToken, expiresAt: rfc3339(endsAtMs),
    refreshToken, clientId: 'client-1', clientSecret: 'client-secret-1', registrationExpiresAt: rfc3339(Date.now() + 86_400_000),
  });
};

t.test('a renewable login whose renewal is refused ends with its token, and the 5-minute warning fires', async (t) => {
  // One renewal per daemon here: the SDK tries at most once per 30 s per session. That
  // a granted renewal is taken is tested with the SDK in test/refresher/issuers/sso.test.ts.
  portal.refuseRefresh(true);
  renewable(Date.now() + 4 * 60_000, 'aor-refresh-2');
  // The SDK may skip the first attempt (its 30 s throttle, seen on Node 22 and 24): that
  // is retried after the throttle, so the verdict can take up to a little over 30 s.
  const verdict = await daemon.waitFor((line) => line.event === 'sso-renewal' && line.outcome === 'refused', 45_000);
  t.match(verdict, { outcome: 'refused' }, 'the daemon logged the refusal');
  t.ok(portal.calls.some((call) => call.action === 'CreateToken' && call.status === 400), 'the SDK really tried the renewal, and the portal refused it');
  t.equal((await ssoLoginStatus())?.renewable, false, 'no longer counted as renewable');
  const warned = await daemon.waitFor((line) => line.event === 'sso-login-ending', 35_000);
  t.match(warned, { session: 'corp', hint: 'run `aws sso login --sso-session corp`' }, 'the warning names the command');
  t.ok(Number(warned.leftSec) <= 300, `with ${String(warned.leftSec)} s left`);
  portal.refuseRefresh(false);
});
