/** Each configured role is resolved by its profile's kind (the kinds' own tests: sso, process, keys, role). */
import t from 'tap';
import { resolveRole } from '../../src/profiles/resolve.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { codedFailure } from '../support/coded-failure.js';
import { SSO_SESSION_AND_LEGACY } from '../support/sso-profiles.js';

const CONFIG = `${SSO_SESSION_AND_LEGACY}
[profile sso]
sso_session = corp
sso_account_id = 222233334444
sso_role_name = Developer

[profile vault]
credential_process = vault-creds

[profile me]
aws_access_key_id = AKIAEXAMPLEUSER00001
aws_secret_access_key = user-secret

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
credential_source = Environment
`;

t.test('a role profile keeps AssumeRole\'s 12-hour limit', async (t) => {
  withEnv(t, writeAwsFiles(CONFIG).env);
  t.match(await resolveRole({ profile: 'dev' }, 0, process.env), { issuer: { kind: 'assume-role' } }, 'assume-role');
  t.match(await codedFailure(resolveRole({ profile: 'dev', durationSec: 50_000 }, 0, process.env)), { code: 'IMDSD_ERR_CONFIG', message: /over AssumeRole's 43200 s/ }, '--duration above 43200');
});

t.test('a profile served directly takes no role ARN; without a profile, the flags are the role', async (t) => {
  withEnv(t, writeAwsFiles(CONFIG).env);
  for (const profile of ['sso', 'vault', 'me']) {
    t.match(await codedFailure(resolveRole({ profile, roleArn: 'arn:aws:iam::123456789012:role/x' }, 0, process.env)),
      { code: 'IMDSD_ERR_CONFIG', message: `profile ${profile} is served directly and takes no roleArn` }, `${profile}: no roleArn`);
  }
  t.match(await resolveRole({ roleArn: 'arn:aws:iam::123456789012:role/ci' }, 0, {}), { identity: { roleName: 'ci' }, issuer: { kind: 'assume-role' }, source: { kind: 'chain' } },
    '--role-arn alone');
});
