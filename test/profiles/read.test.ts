/** Issue 13: SSO, credential_process and IAM-user profiles read from the shared files. */
import t from 'tap';
import { readProfile } from '../../src/profiles/read.js';
import { ImdsdError } from '../../src/errors.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { SSO_SESSION_AND_LEGACY } from '../support/sso-profiles.js';

const CONFIG = `${SSO_SESSION_AND_LEGACY}
[profile sso]
sso_session = corp
sso_account_id = 222233334444
sso_role_name = Developer
region = eu-west-1


[profile vault]
credential_process = /usr/local/bin/vault-creds --json
aws_account_id = 333344445555

[profile me]
region = us-east-2
mfa_serial = arn:aws:iam::111111111111:mfa/me
endpoint_url = http://127.0.0.1:9999

[profile nothing]
region = us-east-2

[profile role]
role_arn = arn:aws:iam::123456789012:role/dev
credential_source = Environment
`;
const CREDENTIALS = `
[me]
aws_access_key_id = AKIAEXAMPLEUSER00001
aws_secret_access_key = user-secret
`;

async function error(name: string): Promise<ImdsdError | undefined> {
  try {
    await readProfile(name, process.env);
    return undefined;
  } catch (thrown) {
    return thrown as ImdsdError;
  }
}

t.test('each kind is recognised with its settings', async (t) => {
  withEnv(t, writeAwsFiles(CONFIG, CREDENTIALS).env);
  t.same(await readProfile('sso', process.env), {
    kind: 'sso', name: 'sso', ssoSession: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'eu-central-1',
    accountId: '222233334444', roleName: 'Developer', region: 'eu-west-1',
  }, 'an sso-session profile takes the session\'s start URL and region');
  t.match(await readProfile('legacy', process.env), { kind: 'sso', ssoSession: undefined, ssoRegion: 'us-east-1', roleName: 'ReadOnly' }, 'the legacy form');
  t.same(await readProfile('vault', process.env), {
    kind: 'process', name: 'vault', command: '/usr/local/bin/vault-creds --json', accountId: '333344445555', region: undefined,
  }, 'a credential_process');
  t.same(await readProfile('me', process.env), {
    kind: 'keys', name: 'me', accessKeyId: 'AKIAEXAMPLEUSER00001', secretAccessKey: 'user-secret', region: 'us-east-2',
    mfaSerial: 'arn:aws:iam::111111111111:mfa/me', mfaSessionDurationSec: undefined, accountId: undefined, endpointUrl: 'http://127.0.0.1:9999',
  }, 'an IAM user with MFA, keys from the credentials file');
  t.match(await readProfile('role', process.env), { kind: 'role', roleArn: 'arn:aws:iam::123456789012:role/dev' }, 'a role profile as before');
});

t.test('a profile of no kind is read as a role: its error says what it lacks', async (t) => {
  withEnv(t, writeAwsFiles(CONFIG, CREDENTIALS).env);
  const cases: Array<[string, RegExp, RegExp]> = [
    ['nothing', /role_arn is missing$/, /or sso_session, credential_process or aws_access_key_id: it holds none/],
  ];
  for (const [name, message, hint] of cases) {
    const found = await error(name);
    t.equal(found?.code, 'IMDSD_ERR_CONFIG', `${name}: a configuration error`);
    t.match(found?.message, message, `${name}: ${found?.message}`);
    t.match(found?.hint, hint, `${name}: ${found?.hint}`);
  }
});
