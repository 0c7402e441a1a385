/** Issue 13: a credential_process profile, served under --role-name or its own name. */
import t from 'tap';
import { systemClock } from '../../src/clock.js';
import { processIssuer, PROCESS_TIMEOUT_MS } from '../../src/profiles/process.js';
import { readProfile } from '../../src/profiles/read.js';
import { resolveRole } from '../../src/profiles/resolve.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { codedFailure } from '../support/coded-failure.js';

const CONFIG = `
[profile vault]
credential_process = vault-creds

[profile badvault]
credential_process = x
aws_account_id = abc
`;

t.test('an aws_account_id that is not twelve digits is refused', async (t) => {
  const files = writeAwsFiles(CONFIG);
  withEnv(t, files.env);
  t.match(await codedFailure(readProfile('badvault', process.env)),
    { code: 'IMDSD_ERR_CONFIG', message: `${files.configFile}: profile badvault: aws_account_id abc is not twelve digits`, hint: 'fix aws_account_id' }, 'the setting and the fix');
});

t.test('a process profile is served under --role-name, else the profile\'s name', async (t) => {
  withEnv(t, { ...writeAwsFiles(CONFIG).env, AWS_REGION: 'eu-west-3' });
  const role = await resolveRole({ profile: 'vault' }, 1, process.env);
  t.match(role, { identity: { roleName: 'vault', roleArn: '', accountId: '', region: 'eu-west-3' }, issuer: { kind: 'process', command: 'vault-creds' }, port: 0 },
    'the profile\'s name, no account, AWS_REGION');
  t.equal((await resolveRole({ profile: 'vault', roleName: 'ci' }, 0, process.env)).identity.roleName, 'ci', '--role-name');
  t.match(await codedFailure(resolveRole({ profile: 'vault', durationSec: 3600 }, 0, process.env)), { message: /credential_process sets the lifetime/ }, 'no --duration');
  t.match(await codedFailure(resolveRole({ profile: 'vault', roleArn: 'arn:aws:iam::123456789012:role/x' }, 0, process.env)), { message: /takes no roleArn/ }, 'no roleArn');
});

t.test('the issuer runs the command and reads what it prints', async (t) => {
  const expiration = new Date(Date.now() + 3_600_000).toISOString();
  const printed = JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESS000000001', SecretAccessKey: 's', SessionToken: 't', Expiration: expiration });
  const issue = processIssuer({ kind: 'process', profile: 'p', command: `echo '${printed}'` }, { clock: systemClock, env: {}, deadlineMs: 5_000, mfa: undefined });
  t.match(await issue(undefined), { accessKeyId: 'ASIAPROCESS000000001', expiresAtMs: Date.parse(expiration) }, 'the credential it printed');
});


t.test('a process may take half a minute: it may have to ask a vault', async (t) => {
  t.equal(PROCESS_TIMEOUT_MS, 30_000, '30 s');
});
