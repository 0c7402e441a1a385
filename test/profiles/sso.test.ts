/** Issue 13: an SSO permission set, read from its sso-session or the legacy form, served as its role. */
import t from 'tap';
import { readProfile } from '../../src/profiles/read.js';
import { resolveRole } from '../../src/profiles/resolve.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { codedFailure } from '../support/coded-failure.js';
import { SSO_SESSION_AND_LEGACY } from '../support/sso-profiles.js';

const CONFIG = `${SSO_SESSION_AND_LEGACY}
[profile sso]
sso_session = corp
sso_account_id = 222233334444
sso_role_name = Developer

[profile nosession]
sso_session = nowhere
sso_account_id = 222233334444
sso_role_name = Developer

[profile halfsso]
sso_session = corp
sso_account_id = 222233334444

[profile oldhalf]
sso_account_id = 222233334444

[profile legacy]
region = ap-southeast-2

[profile badaccount]
sso_session = corp
sso_account_id = 1234
sso_role_name = Developer
`;

t.test('problems name the profile, the setting and the fix', async (t) => {
  const files = writeAwsFiles(CONFIG);
  withEnv(t, files.env);
  const cases: Array<[string, RegExp, RegExp]> = [
    ['nosession', /sso_session nowhere has no \[sso-session nowhere\] section/, /aws configure sso-session/],
    ['halfsso', /an SSO profile needs sso_role_name$/, /\[profile halfsso\] or \[sso-session corp\]/],
    ['oldhalf', /an SSO profile needs sso_start_url, sso_region, sso_role_name$/, /^add sso_start_url, sso_region, sso_role_name to \[profile oldhalf\] \(aws configure sso\)$/],
    ['badaccount', /sso_account_id 1234 is not twelve digits/, /fix sso_account_id/],
  ];
  for (const [name, message, hint] of cases) {
    const found = await codedFailure(readProfile(name, process.env));
    t.equal(found?.code, 'IMDSD_ERR_CONFIG', `${name}: a configuration error`);
    t.ok(found?.message.startsWith(`${files.configFile}: profile ${name}: `), `${name}: names the file and the profile`);
    t.match(found?.message, message, `${name}: ${found?.message}`);
    t.match(found?.hint, hint, `${name}: ${found?.hint}`);
  }
});

t.test('an SSO profile is served as its permission set\'s role, in its account', async (t) => {
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
  const role = await resolveRole({ profile: 'sso' }, 0, process.env);
  t.same(role.identity, { roleName: 'Developer', roleArn: '', accountId: '222233334444', region: 'eu-central-1' },
    'the role name, the account, and the SSO region when nothing else names one');
  t.match(role.issuer, { kind: 'sso', profile: 'sso', ssoSession: 'corp', loginCommand: 'aws sso login --sso-session corp', ssoRoleName: 'Developer' }, 'the issuer');
  const legacy = await resolveRole({ profile: 'legacy', port: 1400 }, 0, process.env);
  t.match(legacy, { identity: { region: 'ap-southeast-2' }, issuer: { loginCommand: 'aws sso login --profile legacy' }, port: 1400 }, 'legacy: the profile\'s region and command');
  t.equal((await resolveRole({ profile: 'sso', roleName: 'Developer' }, 0, process.env)).identity.roleName, 'Developer', '--role-name may repeat the name');
  t.match(await codedFailure(resolveRole({ profile: 'sso', roleName: 'other' }, 0, process.env)), { code: 'IMDSD_ERR_CONFIG', message: /served as its role, Developer/ },
    'but not rename it');
  t.match(await codedFailure(resolveRole({ profile: 'sso', durationSec: 3600 }, 0, process.env)), { message: /--duration does not apply to profile sso: its permission set/ },
    '--duration is the permission set\'s');
});

