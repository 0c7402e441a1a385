import t from 'tap';
import { envChecks } from '../../../src/cli/doctor/env-checks.js';
import { fakeStatus, only, situation, withId } from '../../support/doctor-fakes.js';

const ENDPOINT = { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' };
const running = { status: async () => fakeStatus() };
const UNSET = 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN';
const run = async (env: Record<string, string>) => envChecks(await situation({ ...running, env: { ...ENDPOINT, ...env } }));

t.test('a clean shell: no keys, the endpoint set, nothing else', async (t) => {
  const findings = await run({});
  t.same(findings.map((f) => `${f.id}:${f.level}`), ['env-static-keys:ok', 'env-endpoint:ok'], 'only the always-reported checks, both ok');
});

t.test('exported keys win over IMDS in every chain', async (t) => {
  const keys = await run({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's' });
  t.match(only(keys, 'env-static-keys'), { level: 'problem', title: /^AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are set in this shell: every SDK uses them before IMDS/, fix: UNSET },
    'a key pair');
  t.equal(only(keys, 'env-static-keys').detail, undefined, 'no AWS_PROFILE note');
  const withProfile = await run({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_PROFILE: 'default' });
  t.match(only(withProfile, 'env-static-keys').detail, /JS v3 SDK skips them while AWS_PROFILE is set/, 'the JS v3 nuance');
  const oldToken = await run({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0001', AWS_SECURITY_TOKEN: 't' });
  t.match(only(oldToken, 'env-static-keys'), { title: /^AWS_ACCESS_KEY_ID, AWS_SECURITY_TOKEN are set/, fix: `${UNSET} AWS_SECURITY_TOKEN` }, 'boto2\'s token name too');
  const leftover = await run({ AWS_SESSION_TOKEN: 't' });
  t.match(only(leftover, 'env-static-keys'), { level: 'warning', title: 'AWS_SESSION_TOKEN is set without AWS_ACCESS_KEY_ID: left over from an earlier session', fix: UNSET },
    'a lone token');
});

t.test('web identity variables', async (t) => {
  const both = await run({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn:aws:iam::1:role/x' });
  t.match(only(both, 'env-web-identity'), { level: 'problem', title: /assumes arn:aws:iam::1:role\/x with that token before trying IMDS/,
    fix: 'unset AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME' }, 'token file and role');
  t.match(only(await run({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }), 'env-web-identity'), { level: 'warning' }, 'a token file alone');
});

t.test('AWS_EC2_METADATA_DISABLED, as each SDK reads it', async (t) => {
  const fix = 'unset AWS_EC2_METADATA_DISABLED';
  t.match(only(await run({ AWS_EC2_METADATA_DISABLED: 'TRUE' }), 'env-imds-disabled'), { level: 'problem', title: 'AWS_EC2_METADATA_DISABLED=TRUE turns IMDS off in every SDK', fix }, 'true');
  t.match(only(await run({ AWS_EC2_METADATA_DISABLED: 'false' }), 'env-imds-disabled'), { level: 'problem', title: /JS v2 SDK, which treats any non-empty value/, fix }, 'false');
  t.match(only(await run({ AWS_EC2_METADATA_DISABLED: '1' }), 'env-imds-disabled'), { level: 'problem', title: /=1 turns IMDS off in the JS SDKs/, fix }, 'anything else');
  t.same(withId(await run({ AWS_EC2_METADATA_DISABLED: '' }), 'env-imds-disabled'), [], 'empty is unset');
});

t.test('AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', async (t) => {
  t.match(only(await run({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }), 'env-endpoint-mode'), { level: 'ok' }, 'IPv6');
  t.match(only(await run({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv4' }), 'env-endpoint-mode'),
    { level: 'warning', title: /case-sensitive/, fix: 'export AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv4' }, 'wrong case');
  t.match(only(await run({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPV6' }), 'env-endpoint-mode'), { fix: 'export AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6' }, 'wrong case, v6');
  t.match(only(await run({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'dualstack' }), 'env-endpoint-mode'),
    { level: 'problem', title: /botocore and the AWS CLI refuse/, fix: 'unset AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE' }, 'invalid');
});

t.test('a check that fails does not stop the others', async (t) => {
  const s = await situation({ ...running, env: { ...ENDPOINT, AWS_PROFILE: 'dev' } });
  const broken = { ...s, sharedFiles: () => Promise.reject(new Error('EACCES')) };
  const findings = await envChecks(broken);
  t.match(only(findings, 'env-profile'), { level: 'warning', title: 'could not check AWS_PROFILE: EACCES' }, 'the failing check is a warning');
  t.match(only(findings, 'env-endpoint'), { level: 'ok' }, 'and the next check still ran');
});
