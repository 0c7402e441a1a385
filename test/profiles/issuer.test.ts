/** Issue 13: each role gets the issuer of its kind, with network failures diagnosed. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createIssuer } from '../../src/profiles/issuer.js';
import type { ResolvedRole } from '../../src/profiles/resolved-role.js';
import { systemClock } from '../../src/clock.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { newAccessToken, rfc3339, writeSsoCache } from '../support/sso-cache.js';
import { DEFAULT_USER, startStsServer } from '../support/sts-server.js';

function role(issuer: ResolvedRole['issuer'], extra: Partial<ResolvedRole> = {}): ResolvedRole {
  return {
    identity: { roleName: 'dev', roleArn: 'arn:aws:iam::123456789012:role/dev', accountId: '123456789012', region: 'us-east-1' },
    port: 0, host: undefined, imdsV1: false, allowUids: [], allowCidrs: [], allowHosts: [], allowForwarded: false, linkLocal: false,
    durationSec: undefined, refreshBeforeSec: undefined, sessionName: 'imdsd-test', externalId: undefined,
    source: { kind: 'static', accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey },
    issuer, mfa: undefined, sourceProfile: undefined, endpoint: undefined, key: 'k', ...extra,
  };
}

t.test('assume-role and session-token call STS with the source keys', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const deps = { clock: systemClock, env: {}, deadlineMs: 5_000, mfa: undefined };
  await createIssuer(role({ kind: 'assume-role' }, { endpoint: sts.url }), deps)(undefined);
  t.equal(sts.calls.at(-1)?.action, 'AssumeRole', 'AssumeRole');
  await createIssuer(role({ kind: 'session-token', profile: 'me' }, { endpoint: sts.url }), deps)(3600);
  t.match(sts.calls.at(-1), { action: 'GetSessionToken', durationSeconds: 3600 }, 'GetSessionToken');
});

t.test('a process role runs its command', async (t) => {
  const issue = createIssuer(role({ kind: 'process', profile: 'p', command: 'exit 4' }), { clock: systemClock, env: {}, deadlineMs: 5_000, mfa: undefined });
  await t.rejects(issue(undefined), { code: 'IMDSD_ERR_PROCESS_FAILED' }, 'its failure');
});

t.test('an SSO portal that does not resolve: a wrong endpoint while DNS works, offline when nothing resolves', async (t) => {
  const files = writeAwsFiles('[profile sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 222233334444\nsso_role_name = Dev\n');
  const env = { AWS_ENDPOINT_URL_SSO: 'http://portal.imdsd-test.invalid' };
  withEnv(t, { ...files.env, ...env });
  const sso = role({
    kind: 'sso', profile: 'sso', ssoSession: undefined, startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'us-east-1', accountId: '222233334444', ssoRoleName: 'Dev',
    loginCommand: 'aws sso login --profile sso',
  });
  const tmpHome = mkdtempSync(join(tmpdir(), 'imdsd-issuer-home-'));
  withEnv(t, { HOME: tmpHome });
  writeSsoCache(tmpHome, 'https://corp.awsapps.com/start', {
    startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1', accessToken: newAccessToken(), expiresAt: rfc3339(Date.now() + 3_600_000),
  });
  const online = createIssuer(sso, { clock: systemClock, env, deadlineMs: 5_000, mfa: undefined, probe: async () => true });
  await t.rejects(online(undefined), { code: 'IMDSD_ERR_ENDPOINT' }, 'the configured endpoint is wrong');
  const offline = createIssuer(sso, { clock: systemClock, env, deadlineMs: 5_000, mfa: undefined, probe: async () => false });
  await t.rejects(offline(undefined), { code: 'IMDSD_ERR_OFFLINE' }, 'offline');
});
