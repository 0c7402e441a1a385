/** Issue 13: how a directly served profile is named, placed and issued. */
import t from 'tap';
import { resolveRole } from '../../src/daemon/resolve-role.js';
import { ImdsdError } from '../../src/errors.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { SSO_SESSION_AND_LEGACY } from '../support/sso-profiles.js';

const CONFIG = `${SSO_SESSION_AND_LEGACY}
[profile legacy]
region = ap-southeast-2

[profile sso]
sso_session = corp
sso_account_id = 222233334444
sso_role_name = Developer

[profile vault]
credential_process = vault-creds

[profile me]
aws_access_key_id = AKIAEXAMPLEUSER00001
aws_secret_access_key = user-secret
mfa_serial = arn:aws:iam::111111111111:mfa/me
mfa_session_duration = 7200
endpoint_url = http://127.0.0.1:9999

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
credential_source = Environment
`;

async function failure(promise: Promise<unknown>): Promise<ImdsdError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (thrown) {
    return thrown as ImdsdError;
  }
}

t.test('an SSO profile is served as its permission set\'s role, in its account', async (t) => {
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
  const role = await resolveRole({ profile: 'sso' }, 0, process.env);
  t.same(role.identity, { roleName: 'Developer', roleArn: '', accountId: '222233334444', region: 'eu-central-1' },
    'the role name, the account, and the SSO region when nothing else names one');
  t.match(role.issuer, { kind: 'sso', profile: 'sso', ssoSession: 'corp', loginCommand: 'aws sso login --sso-session corp', ssoRoleName: 'Developer' }, 'the issuer');
  const legacy = await resolveRole({ profile: 'legacy', port: 1400 }, 0, process.env);
  t.match(legacy, { identity: { region: 'ap-southeast-2' }, issuer: { loginCommand: 'aws sso login --profile legacy' }, port: 1400 }, 'legacy: the profile\'s region and command');
  t.equal((await resolveRole({ profile: 'sso', roleName: 'Developer' }, 0, process.env)).identity.roleName, 'Developer', '--role-name may repeat the name');
  t.match(await failure(resolveRole({ profile: 'sso', roleName: 'other' }, 0, process.env)), { code: 'IMDSD_ERR_CONFIG', message: /served as its role, Developer/ },
    'but not rename it');
  t.match(await failure(resolveRole({ profile: 'sso', durationSec: 3600 }, 0, process.env)), { message: /--duration does not apply to profile sso: its permission set/ },
    '--duration is the permission set\'s');
});

t.test('a process profile is served under --role-name, else the profile\'s name', async (t) => {
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_REGION: 'eu-west-3' });
  const role = await resolveRole({ profile: 'vault' }, 1, process.env);
  t.match(role, { identity: { roleName: 'vault', roleArn: '', accountId: '', region: 'eu-west-3' }, issuer: { kind: 'process', command: 'vault-creds' }, port: 0 },
    'the profile\'s name, no account, AWS_REGION');
  t.equal((await resolveRole({ profile: 'vault', roleName: 'ci' }, 0, process.env)).identity.roleName, 'ci', '--role-name');
  t.match(await failure(resolveRole({ profile: 'vault', durationSec: 3600 }, 0, process.env)), { message: /credential_process sets the lifetime/ }, 'no --duration');
  t.match(await failure(resolveRole({ profile: 'vault', roleArn: 'arn:aws:iam::123456789012:role/x' }, 0, process.env)), { message: /takes no roleArn/ }, 'no roleArn');
});

t.test('an IAM user\'s profile: a session of up to 36 hours, with MFA as configured', async (t) => {
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_ENDPOINT_URL_STS: undefined, AWS_ENDPOINT_URL: undefined });
  const role = await resolveRole({ profile: 'me', durationSec: 129_600 }, 0, process.env);
  t.match(role, {
    issuer: { kind: 'session-token', profile: 'me' }, durationSec: 129_600, endpoint: 'http://127.0.0.1:9999',
    source: { kind: 'static', accessKeyId: 'AKIAEXAMPLEUSER00001' }, mfa: { serialNumber: 'arn:aws:iam::111111111111:mfa/me', sessionDurationSec: 7200 },
  }, 'GetSessionToken with the keys, the MFA device and the profile\'s endpoint');
  t.notMatch(role.key, /user-secret/, 'the reload key holds no secret');
  t.match(await failure(resolveRole({ profile: 'me', durationSec: 200_000 }, 0, process.env)), { message: /over GetSessionToken's 129600 s/ }, 'at most 36 hours');
});

t.test('a role profile keeps AssumeRole\'s 12-hour limit', async (t) => {
  withEnv(t, writeAwsFiles(CONFIG).env);
  t.match(await resolveRole({ profile: 'dev' }, 0, process.env), { issuer: { kind: 'assume-role' } }, 'assume-role');
  t.match(await failure(resolveRole({ profile: 'dev', durationSec: 50_000 }, 0, process.env)), { code: 'IMDSD_ERR_CONFIG', message: /over AssumeRole's 43200 s/ }, '--duration above 43200');
});
