/**
 * Issue 13: the profiles people have, served directly. The daemon serves an SSO
 * permission set (its token in ~/.aws/sso/cache as `aws sso login` leaves it, the SDK
 * pointed at the local portal with AWS_ENDPOINT_URL_SSO), a credential_process and an
 * IAM user's keys (as a GetSessionToken session); each real client takes the credential
 * from IMDS and the local STS accepts it as the right principal. The process and IAM-user
 * profiles state no aws_account_id: the daemon learns it with one GetCallerIdentity
 * (issue 19) and serves it in iam/info, the extended document and the identity document.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { request } from 'undici';
import { callerIdentity, type CallerName } from '../support/interop-caller.js';
import { requireClient } from '../support/interop-clients.js';
import { cleanEnv } from '../support/daemon-process.js';
import { callerIdentityCallsSince, startInteropFixture, type InteropFixture } from '../support/interop-fixture.js';
import { newAccessToken, rfc3339, writeSsoCache } from '../support/sso-cache.js';
import { startSsoPortal } from '../support/sso-portal.js';
import { DEFAULT_USER } from '../support/sts-server.js';

const ACCOUNT = '222233334444';
const START_URL = 'https://corp.awsapps.com/start';
const CLIENTS = ['js-v3', 'boto3', 'aws-cli'] as const satisfies readonly CallerName[];

/** A HOME with ~/.aws/config holding `config`, as the daemon's user has it. */
function homeWith(config: string): string {
  const home = cleanEnv().HOME ?? mkdtempSync(join(tmpdir(), 'imdsd-home-'));
  mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.aws', 'config'), config, { mode: 0o600 });
  return home;
}

const sso = await startInteropFixture(t, {
  sessionName: 'interop-sso',
  profile: async (sts) => {
    const home = homeWith(`[profile dev]\nsso_session = corp\nsso_account_id = ${ACCOUNT}\nsso_role_name = Developer\nregion = us-east-1\n\n`
      + `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`);
    const portal = await startSsoPortal({ home, sts });
    t.teardown(() => portal.close());
    portal.assign(ACCOUNT, 'Developer');
    writeSsoCache(home, 'corp', { startUrl: START_URL, region: 'us-east-1', accessToken: newAccessToken(), expiresAt: rfc3339(Date.now() + 8 * 3_600_000) });
    return {
      args: ['--profile', 'dev'],
      env: { PATH: process.env.PATH, HOME: home, LANG: 'C', AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: portal.url },
      roleName: 'Developer',
      expectedArn: portal.arnOf(ACCOUNT, 'Developer'),
    };
  },
});

const PROCESS_ARN = 'arn:aws:sts::333344445555:assumed-role/vault-issued/tester';
const processFx = await startInteropFixture(t, {
  sessionName: 'interop-process-profile',
  extraArgs: ['--role-name', 'vault'],
  profile: async (sts) => {
    const creds = sts.newCredentials(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    sts.addSession(creds, PROCESS_ARN);
    const home = homeWith('');
    const script = join(home, 'vault-creds.sh');
    writeFileSync(script, `#!/bin/sh\ncat <<'EOF'\n${JSON.stringify({
      Version: 1, AccessKeyId: creds.accessKeyId, SecretAccessKey: creds.secretAccessKey, SessionToken: creds.sessionToken,
      Expiration: new Date(creds.expiresAtMs).toISOString(),
    })}\nEOF\n`);
    chmodSync(script, 0o700);
    writeFileSync(join(home, '.aws', 'config'), `[profile vault]\ncredential_process = ${script}\n`, { mode: 0o600 });
    return {
      args: ['--profile', 'vault'], env: { PATH: process.env.PATH, HOME: home, LANG: 'C', AWS_ENDPOINT_URL_STS: sts.url }, roleName: 'vault', expectedArn: PROCESS_ARN,
    };
  },
});

const userFx = await startInteropFixture(t, {
  sessionName: 'interop-iam-user',
  extraArgs: ['--role-name', 'me', '--duration', '3600'],
  profile: async (sts) => {
    const home = homeWith(`[profile me]\nregion = us-east-1\n`);
    writeFileSync(join(home, '.aws', 'credentials'),
      `[me]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`, { mode: 0o600 });
    return {
      args: ['--profile', 'me'],
      env: { PATH: process.env.PATH, HOME: home, LANG: 'C', AWS_ENDPOINT_URL_STS: sts.url },
      roleName: 'me',
      expectedArn: DEFAULT_USER.arn,
    };
  },
});

/** A metadata document the daemon serves, over IMDSv2. */
async function metadata(fx: InteropFixture, path: string): Promise<Record<string, unknown>> {
  const token = await (await request(`http://127.0.0.1:${fx.port}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
  })).body.text();
  const res = await request(`http://127.0.0.1:${fx.port}${path}`, { headers: { 'x-aws-ec2-metadata-token': token } });
  return (await res.body.json()) as Record<string, unknown>;
}

/** The account learned by GetCallerIdentity, in the three documents that name it. */
async function servesAccount(t: Test, fx: InteropFixture, roleName: string, account: string): Promise<void> {
  t.match(await fx.daemon.waitFor((line) => line.event === 'account-learned'), { accountId: account }, 'the daemon learned the account');
  t.match(await metadata(fx, '/latest/meta-data/iam/info'), { InstanceProfileArn: `arn:aws:iam::${account}:instance-profile/${roleName}` }, 'iam/info names it');
  t.equal((await fx.servedCredential(true)).AccountId, account, 'the extended document names it');
  t.equal((await metadata(fx, '/latest/dynamic/instance-identity/document')).accountId, account, 'the identity document names it');
}

async function servedBy(t: Test, fx: InteropFixture, label: string): Promise<void> {
  for (const client of CLIENTS) {
    await t.test(`${label}: ${client} gets it through IMDS and the STS accepts it`, async (t) => {
      if (await requireClient(t, client) === undefined) return;
      const mark = fx.sts.calls.length;
      const outcome = await callerIdentity(client, fx, { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${fx.port}/` });
      t.ok(outcome.ok, `the client succeeded: ${outcome.said}`);
      t.equal(outcome.arn, fx.expectedArn, 'GetCallerIdentity names the profile\'s principal');
      const served = await fx.servedCredential();
      const accepted = callerIdentityCallsSince(fx.sts, mark).filter((call) => call.status === 200 && call.accessKeyId === served.AccessKeyId);
      t.ok(accepted.length > 0, 'signed with the credential the daemon serves, a session key');
      t.match(served.AccessKeyId, /^ASIA/, 'never long-term keys');
    });
  }
}

t.test('an SSO permission set', async (t) => {
  await servedBy(t, sso, 'sso');
  const extended = await sso.servedCredential(true);
  t.equal(extended.AccountId, ACCOUNT, 'the extended document names the SSO account');
  t.ok(sso.daemon.lines.some((line) => line.event === 'listening' && line.role === 'Developer'), 'served as the permission set\'s role name');
});

t.test('a credential_process profile', async (t) => {
  await servedBy(t, processFx, 'process');
  await servesAccount(t, processFx, 'vault', '333344445555');
});

t.test('an IAM user\'s profile, as a GetSessionToken session', async (t) => {
  await servedBy(t, userFx, 'iam-user');
  t.ok(userFx.sts.calls.some((call) => call.action === 'GetSessionToken' && call.durationSeconds === 3600 && call.status === 200),
    'the daemon asked for a session of --duration');
  await servesAccount(t, userFx, 'me', '111111111111');
});
