/**
 * Issue 13: what each real client sees when the SSO login behind the daemon has ended.
 * None of them may get a credential; each run's own words are kept in the test output
 * (t.comment) so the table of what clients see (docs/error-codes.md) can be checked against them.
 */
import t from 'tap';
import { callerIdentity } from '../support/interop-caller.js';
import { requireClient } from '../support/interop-clients.js';
import { CLI, cleanEnv } from '../support/daemon-process.js';
import { startInteropFixture } from '../support/interop-fixture.js';
import { newAccessToken, rfc3339, writeSsoCache } from '../support/sso-cache.js';
import { startSsoPortal } from '../support/sso-portal.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ACCOUNT = '222233334444';
const START_URL = 'https://corp.awsapps.com/start';

const fx = await startInteropFixture(t, {
  sessionName: 'interop-sso-ended',
  profile: async (sts) => {
    const home = cleanEnv().HOME ?? '';
    mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.aws', 'config'), `[profile dev]\nsso_session = corp\nsso_account_id = ${ACCOUNT}\nsso_role_name = Developer\n\n`
      + `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`, { mode: 0o600 });
    const portal = await startSsoPortal({ home, sts });
    t.teardown(() => portal.close());
    portal.assign(ACCOUNT, 'Developer');
    writeSsoCache(home, 'corp', { startUrl: START_URL, region: 'us-east-1', accessToken: newAccessToken(), expiresAt: rfc3339(Date.now() - 60_000) });
    return {
      args: ['--profile', 'dev'],
      env: { PATH: process.env.PATH, HOME: home, LANG: 'C', AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: portal.url },
      roleName: 'Developer',
      expectedArn: portal.arnOf(ACCOUNT, 'Developer'),
    };
  },
});

for (const client of ['js-v3', 'boto3', 'aws-cli'] as const) {
  t.test(`${client} gets no credential while the SSO login has ended`, async (t) => {
    if (await requireClient(t, client) === undefined) return;
    const mark = fx.sts.calls.length;
    const outcome = await callerIdentity(client, fx, { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${fx.port}/` });
    t.notOk(outcome.ok, 'the client fails');
    t.equal(fx.sts.calls.slice(mark).filter((call) => call.status === 200).length, 0, 'STS accepted nothing');
    t.comment(`${client} saw: ${outcome.said}`);
  });
}

t.test('through `imdsd credential-process`, the AWS CLI and botocore show the code and the command', async (t) => {
  const home = cleanEnv().HOME ?? '';
  mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.aws', 'config'), `[profile imdsd]\ncredential_process = "${process.execPath}" "${CLI}" credential-process --role Developer --control-socket "${fx.controlSocket}"\nregion = us-east-1\n`,
    { mode: 0o600 });
  for (const client of ['aws-cli', 'boto3'] as const) {
    if (await requireClient(t, client) === undefined) continue;
    const outcome = await callerIdentity(client, fx, { HOME: home, AWS_PROFILE: 'imdsd' });
    t.notOk(outcome.ok, `${client} fails`);
    t.match(outcome.said, /IMDSD_ERR_SSO_LOGIN_REQUIRED/, `${client} shows the code`);
    t.match(outcome.said, /aws sso login --sso-session corp/, `${client} shows the command`);
    t.comment(`${client} via credential-process saw: ${outcome.said}`);
  }
});

t.test('the daemon says what to run', async (t) => {
  const failed = fx.daemon.lines.find((line) => line.event === 'first-fetch-failed');
  t.match(failed, { code: 'IMDSD_ERR_SSO_LOGIN_REQUIRED', hint: 'run `aws sso login --sso-session corp`' }, 'in its log');
});
