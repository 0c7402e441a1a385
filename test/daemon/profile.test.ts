import t from 'tap';
import { readRoleProfile } from '../../src/daemon/profile.js';
import { ImdsdError } from '../../src/errors.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';

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
`;
const CREDENTIALS = `
[base]
aws_access_key_id = AKIAEXAMPLEBASE00001
aws_secret_access_key = base-secret
`;

async function profileError(name: string): Promise<ImdsdError | undefined> {
  try {
    await readRoleProfile(name, process.env);
    return undefined;
  } catch (error) {
    return error as ImdsdError;
  }
}

t.test('a role profile is read with every optional setting', async (t) => {
  const files = writeAwsFiles(CONFIG, CREDENTIALS);
  withEnv(t, files.env);
  const profile = await readRoleProfile('dev', process.env);
  t.same(profile, {
    name: 'dev', roleArn: 'arn:aws:iam::123456789012:role/dev', sourceProfile: 'base', credentialSource: undefined,
    externalId: 'ext-1', roleSessionName: 'me', durationSeconds: 7200, region: 'eu-west-1',
    accessKeyId: undefined, secretAccessKey: undefined, sessionToken: undefined,
    mfaSerial: undefined, mfaSessionDurationSec: undefined, endpointUrl: undefined,
  }, 'all settings');
  const mfa = await readRoleProfile('mfa', process.env);
  t.equal(mfa.mfaSerial, 'arn:aws:iam::111111111111:mfa/me', 'mfa_serial');
  t.equal(mfa.mfaSessionDurationSec, 129600, 'mfa_session_duration, up to 36 hours');
  t.equal((await readRoleProfile('envsrc', process.env)).credentialSource, 'Environment', 'credential_source');
});

t.test('profile problems are configuration errors naming the file, the profile and the fix', async (t) => {
  const files = writeAwsFiles(CONFIG, CREDENTIALS);
  withEnv(t, files.env);
  const cases: Array<[string, RegExp, RegExp]> = [
    ['nope', /profile nope: no such profile/, /pick one of: .*dev/],
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

t.test('a missing config file names the path that was looked at', async (t) => {
  withEnv(t, { AWS_CONFIG_FILE: '/nonexistent/imdsd/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/imdsd/credentials' });
  const error = await profileError('dev');
  t.match(error?.message, /^\/nonexistent\/imdsd\/config: profile dev: no such profile/, String(error?.message));
});

t.test('a missing default profile is to be added as [default], the config file\'s spelling (issue 12)', async (t) => {
  const files = writeAwsFiles('[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\ncredential_source = Environment\n', '');
  withEnv(t, files.env);
  const error = await profileError('default');
  t.equal(error?.code, 'IMDSD_ERR_CONFIG', 'a configuration error');
  t.match(error?.hint, /^add \[default\] to /, String(error?.hint));
  t.notMatch(error?.hint, /\[profile default\]/, 'not [profile default]');
});
