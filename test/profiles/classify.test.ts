/** One classifier for the daemon and doctor: what a profile holds, and what the daemon serves it as. */
import t from 'tap';
import { classifyProfile } from '../../src/profiles/classify.js';

t.test('what a profile holds that wins over IMDS (doctor)', async (t) => {
  const settings = (section: Record<string, string>) => classifyProfile(section).settings;
  t.same(settings({ aws_access_key_id: 'AKIA', aws_secret_access_key: 's', aws_session_token: '' }),
    [{ kind: 'static-keys', keys: ['aws_access_key_id', 'aws_secret_access_key'] }], 'keys (an empty token is not one)');
  t.same(settings({ credential_process: 'x', sso_session: 'corp', sso_account_id: '1' }),
    [{ kind: 'credential-process', keys: ['credential_process'] }, { kind: 'sso', keys: ['sso_session', 'sso_account_id'] }], 'process and SSO');
  t.same(settings({ role_arn: 'r', web_identity_token_file: '/t' }), [{ kind: 'web-identity', keys: ['web_identity_token_file', 'role_arn'] }],
    'web identity takes the role_arn with it');
  t.same(settings({ role_arn: 'r', source_profile: 'base' }), [{ kind: 'role-arn', keys: ['role_arn', 'source_profile'] }], 'a role');
  t.same(settings({ role_arn: 'r', credential_source: 'Ec2InstanceMetadata' }),
    [{ kind: 'role-over-imds', keys: ['role_arn', 'credential_source'] }], 'a role over IMDS');
  t.same(settings({ region: 'x', aws_access_key_id: '' }), [], 'nothing');
});

t.test('what the daemon serves a profile as, in the AWS CLI\'s order', async (t) => {
  const served = (section: Record<string, string>) => classifyProfile(section).served;
  t.equal(served({ role_arn: 'r', sso_session: 'corp', credential_process: 'x', aws_access_key_id: 'A', aws_secret_access_key: 's' }), 'role', 'role_arn first');
  t.equal(served({ sso_start_url: 'u', credential_process: 'x' }), 'sso', 'then SSO (the legacy form)');
  t.equal(served({ sso_account_id: '1' }), 'sso', 'an SSO account alone: an SSO profile that lacks settings');
  t.equal(served({ sso_region: 'r' }), 'role', 'sso_region alone names no permission set');
  t.equal(served({ credential_process: 'x', aws_access_key_id: 'A', aws_secret_access_key: 's' }), 'process', 'then credential_process');
  t.equal(served({ aws_access_key_id: 'A', aws_secret_access_key: 's' }), 'keys', 'then an IAM user\'s keys');
  t.equal(served({ aws_access_key_id: 'A' }), 'role', 'half a key pair is not one');
  t.equal(served({ region: 'x' }), 'role', 'nothing: read as a role, whose error says what is missing');
});
