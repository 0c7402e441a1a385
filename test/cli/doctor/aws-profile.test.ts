import { join } from 'node:path';
import t from 'tap';
import { activeProfile, credentialSettings, loadSharedFiles, profileSections } from '../../../src/cli/doctor/aws-profile.js';
import { nodeFiles } from '../../../src/cli/doctor/real-deps.js';
import { tempHome, writeHomeFile } from '../../support/doctor-fakes.js';

t.test('the active profile: AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default', async (t) => {
  t.same(activeProfile({ AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'b' }), { name: 'a', variable: 'AWS_PROFILE' }, 'AWS_PROFILE wins');
  t.same(activeProfile({ AWS_DEFAULT_PROFILE: 'b' }), { name: 'b', variable: 'AWS_DEFAULT_PROFILE' }, 'AWS_DEFAULT_PROFILE');
  t.same(activeProfile({ AWS_PROFILE: '' }), { name: 'default' }, 'neither');
});

t.test('the sections of a profile in both files', async (t) => {
  const home = tempHome();
  writeHomeFile(home, '.aws/credentials', '[default]\naws_access_key_id = AKIA1\n[dev]\nregion = x\n');
  writeHomeFile(home, '.aws/config', '[default]\nregion = us-east-1\n[profile default]\noutput = json\n[profile dev]\nrole_arn = r\n[dev]\nignored = yes\n');
  const files = await loadSharedFiles({ env: {}, home, files: nodeFiles });
  t.same(profileSections(files, 'default').map((s) => `${s.file.replace(home, '~')} [${s.header}]`),
    ['~/.aws/credentials [default]', '~/.aws/config [default]'], 'default: in the config file [profile default] wins over [default], as in the SDK (issue 12)');
  t.same(profileSections(files, 'default')[1]?.settings, { output: 'json' }, 'and its settings are the ones the SDK reads');
  t.same(profileSections(files, 'dev').map((s) => s.header), ['dev', 'profile dev'], 'a named profile: [dev] in the config file is not it');
  const missing = await loadSharedFiles({ env: { AWS_CONFIG_FILE: join(home, 'nope') }, home, files: nodeFiles });
  t.equal(missing.config.sections, undefined, 'a missing file has no sections');
  t.same(profileSections(missing, 'dev').map((s) => s.header), ['dev'], 'and contributes none');
});

t.test('what a profile holds that wins over IMDS', async (t) => {
  t.same(credentialSettings({ aws_access_key_id: 'AKIA', aws_secret_access_key: 's', aws_session_token: '' }),
    [{ kind: 'static-keys', keys: ['aws_access_key_id', 'aws_secret_access_key'] }], 'keys (an empty token is not one)');
  t.same(credentialSettings({ credential_process: 'x', sso_session: 'corp', sso_account_id: '1' }),
    [{ kind: 'credential-process', keys: ['credential_process'] }, { kind: 'sso', keys: ['sso_session', 'sso_account_id'] }], 'process and SSO');
  t.same(credentialSettings({ role_arn: 'r', web_identity_token_file: '/t' }), [{ kind: 'web-identity', keys: ['web_identity_token_file', 'role_arn'] }],
    'web identity takes the role_arn with it');
  t.same(credentialSettings({ role_arn: 'r', source_profile: 'base' }), [{ kind: 'role-arn', keys: ['role_arn', 'source_profile'] }], 'a role');
  t.same(credentialSettings({ role_arn: 'r', credential_source: 'Ec2InstanceMetadata' }),
    [{ kind: 'role-over-imds', keys: ['role_arn', 'credential_source'] }], 'a role over IMDS');
  t.same(credentialSettings({ region: 'x', aws_access_key_id: '' }), [], 'nothing');
});
