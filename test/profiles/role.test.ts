/** Role profiles: read with every setting, resolved for AssumeRole, issued through the local STS. */
import t from 'tap';
import { systemClock } from '../../src/clock.js';
import type { ImdsdError } from '../../src/errors.js';
import { loadProfile } from '../../src/profiles/load.js';
import { assumeRoleIssuer, readRoleProfile, resolveAssumedRole, type RoleProfile } from '../../src/profiles/role.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { codedFailure } from '../support/coded-failure.js';
import { DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const CONFIG = `
[default]
region = eu-central-1

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base
external_id = ext-1
role_session_name = me
duration_seconds = 7200
region = eu-west-1

[profile base]
region = us-east-2

[profile envsrc]
role_arn = arn:aws:iam::123456789012:role/dev
credential_source = Environment

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/me
mfa_session_duration = 129600

[profile mfaenv]
role_arn = arn:aws:iam::123456789012:role/dev
credential_source = Environment
mfa_serial = arn:aws:iam::111111111111:mfa/me

[profile mfalong]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/me
mfa_session_duration = 200000

[profile norole]
source_profile = base

[profile nosource]
role_arn = arn:aws:iam::123456789012:role/dev

[profile both]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base
credential_source = Environment

[profile badsource]
role_arn = arn:aws:iam::123456789012:role/dev
credential_source = Laptop

[profile ghost]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = missing

[profile baddur]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base
duration_seconds = 10

[profile self]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = self
aws_access_key_id = AKIAEXAMPLESELF00001
aws_secret_access_key = self-secret

[profile keyless]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = keyless

[profile notarn]
role_arn = arn:aws:iam::123456789012:user/dev
source_profile = base
`;
const CREDENTIALS = `
[base]
aws_access_key_id = AKIAEXAMPLEBASE00001
aws_secret_access_key = base-secret
`;

async function read(name: string): Promise<RoleProfile> {
  return readRoleProfile(await loadProfile(name, process.env));
}

async function profileError(name: string): Promise<ImdsdError> {
  return codedFailure(read(name));
}

t.test('a role profile is read with every optional setting', async (t) => {
  const files = writeAwsFiles(CONFIG, CREDENTIALS);
  withEnv(t, files.env);
  const profile = await read('dev');
  t.same(profile, {
    kind: 'role', name: 'dev', roleArn: 'arn:aws:iam::123456789012:role/dev', sourceProfile: 'base', credentialSource: undefined,
    externalId: 'ext-1', roleSessionName: 'me', durationSeconds: 7200, region: 'eu-west-1',
    accessKeyId: undefined, secretAccessKey: undefined, sessionToken: undefined,
    mfaSerial: undefined, mfaSessionDurationSec: undefined, endpointUrl: undefined,
  }, 'all settings');
  const mfa = await read('mfa');
  t.equal(mfa.mfaSerial, 'arn:aws:iam::111111111111:mfa/me', 'mfa_serial');
  t.equal(mfa.mfaSessionDurationSec, 129600, 'mfa_session_duration, up to 36 hours');
  t.equal((await read('envsrc')).credentialSource, 'Environment', 'credential_source');
});

t.test('profile problems are configuration errors naming the file, the profile and the fix', async (t) => {
  const files = writeAwsFiles(CONFIG, CREDENTIALS);
  withEnv(t, files.env);
  const cases: Array<[string, RegExp, RegExp]> = [
    ['mfaenv', /mfa_serial needs source_profile with long-term keys, not credential_source/, /IAM user's keys/],
    ['mfalong', /mfa_session_duration 200000 is not a whole number from 900 to 129600/, /fix mfa_session_duration/],
    ['norole', /role_arn is missing/, /--role-arn/],
    ['nosource', /neither source_profile nor credential_source/, /set exactly one/],
    ['both', /both source_profile and credential_source/, /set exactly one/],
    ['badsource', /credential_source Laptop is not one of/, /use one of those/],
    ['ghost', /source_profile missing does not exist/, /add \[profile missing\]/],
    ['baddur', /duration_seconds 10 is not a whole number from 900 to 43200/, /fix duration_seconds/],
  ];
  for (const [name, message, hint] of cases) {
    const error = await profileError(name);
    t.equal(error?.code, 'IMDSD_ERR_CONFIG', `${name}: a configuration error`);
    t.ok(error?.message.startsWith(files.configFile), `${name}: names the file`);
    t.match(error?.message, message, `${name}: ${error?.message}`);
    t.match(error?.hint, hint, `${name}: hint ${String(error?.hint)}`);
  }
});

function failure(run: () => unknown): Promise<ImdsdError> {
  return codedFailure(Promise.resolve().then(run));
}

t.test('a role is resolved from the profile, flags winning over its settings', async (t) => {
  const files = writeAwsFiles(CONFIG, CREDENTIALS);
  withEnv(t, files.env);
  const at = { file: files.configFile, profile: 'dev' };
  const env = { AWS_PROFILE: 'ignored' };
  const role = resolveAssumedRole(await read('dev'), at, {}, 0, env);
  t.match(role, {
    identity: { roleName: 'dev', roleArn: 'arn:aws:iam::123456789012:role/dev', accountId: '123456789012', region: 'eu-west-1' },
    issuer: { kind: 'assume-role' }, durationSec: 7200, sessionName: 'me', externalId: 'ext-1', source: { kind: 'profile', profile: 'base' }, sourceProfile: 'base',
  }, 'the profile\'s settings');
  t.match(resolveAssumedRole(await read('dev'), at, { roleName: 'x', durationSec: 900, sessionName: 's', externalId: 'e', region: 'r' }, 0, env),
    { identity: { roleName: 'x', region: 'r' }, durationSec: 900, sessionName: 's', externalId: 'e' }, 'flags win');
  t.match(resolveAssumedRole(await read('envsrc'), at, {}, 0, env), { source: { kind: 'Environment' }, sourceProfile: 'ignored' }, 'credential_source');
  t.match(resolveAssumedRole(await read('self'), at, {}, 0, env), { source: { kind: 'static', accessKeyId: 'AKIAEXAMPLESELF00001' } },
    'source_profile naming itself: its own keys');
  t.match(resolveAssumedRole(await read('mfa'), at, { mfaSessionDurationSec: 3600 }, 0, env), { mfa: { serialNumber: 'arn:aws:iam::111111111111:mfa/me', sessionDurationSec: 3600 } },
    'the MFA device, --mfa-session-duration winning');
  t.match(resolveAssumedRole(undefined, undefined, { roleArn: 'arn:aws:iam::123456789012:role/ci' }, 1, {}),
    { identity: { roleName: 'ci', region: 'us-east-1' }, source: { kind: 'chain' }, sourceProfile: undefined, port: 0, mfa: undefined }, '--role-arn alone: the default chain');
});

t.test('role problems found while resolving name where they are', async (t) => {
  const files = writeAwsFiles(CONFIG, CREDENTIALS);
  withEnv(t, files.env);
  const at = (profile: string) => ({ file: files.configFile, profile });
  t.match(await failure(async () => resolveAssumedRole(await read('keyless'), at('keyless'), {}, 0, {})),
    { code: 'IMDSD_ERR_CONFIG', message: `${files.configFile}: profile keyless: source_profile names itself but it has no keys`, hint: /add aws_access_key_id/ }, 'no keys of its own');
  t.match(await failure(async () => resolveAssumedRole(await read('notarn'), at('notarn'), {}, 0, {})),
    { code: 'IMDSD_ERR_CONFIG', message: `${files.configFile}: profile notarn: role_arn: arn:aws:iam::123456789012:user/dev is not a role ARN` }, 'a user ARN in the profile');
  t.match(await failure(() => resolveAssumedRole(undefined, undefined, { roleArn: 'nope' }, 0, {})),
    { code: 'IMDSD_ERR_CONFIG', message: '--role-arn: nope is not a role ARN', hint: /arn:aws:iam::123456789012:role\/NAME/ }, 'a bad --role-arn');
  t.match(await failure(() => resolveAssumedRole(undefined, undefined, { roleArn: 'arn:aws:iam::123456789012:role/ci', durationSec: 43_201 }, 0, {})),
    { code: 'IMDSD_ERR_CONFIG', message: /over AssumeRole's 43200 s/ }, 'AssumeRole\'s 12 hours at most');
});

t.test('the issuer calls AssumeRole with the source keys', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const role = resolveAssumedRole(undefined, undefined, { roleArn: 'arn:aws:iam::123456789012:role/dev', externalId: 'x-1' }, 0, {});
  const issue = assumeRoleIssuer({ ...role, endpoint: sts.url, source: { kind: 'static', accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey } },
    { clock: systemClock, env: {}, deadlineMs: 5_000, mfa: undefined });
  const issued = await issue(900);
  t.ok(issued.accessKeyId.startsWith('ASIA'), 'a session credential');
  t.match(sts.calls.at(-1), { action: 'AssumeRole', durationSeconds: 900 }, 'AssumeRole with the duration asked for');
});
