import t from 'tap';
import { profileVariableChecks } from '../../../src/cli/doctor/profile-checks.js';
import { only, situation, tempHome, writeHomeFile } from '../../support/doctor-fakes.js';

const home = tempHome();
writeHomeFile(home, '.aws/config', [
  '[profile keys]', 'region = eu-west-1',
  '[profile sso]', 'sso_session = corp', 'sso_account_id = 123456789012', 'sso_role_name = Dev',
  '[profile chained]', 'role_arn = arn:aws:iam::123456789012:role/other', 'credential_source = Ec2InstanceMetadata',
  '[profile plain]', 'region = eu-west-1', 'output = json',
].join('\n'));
writeHomeFile(home, '.aws/credentials', '[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n');
const check = async (env: Record<string, string>) => only(await profileVariableChecks(await situation({ home, env })), 'env-profile');

t.test('unset: the shared-file checks look at [default]', async (t) => {
  t.same(await profileVariableChecks(await situation({ home, env: {} })), [], 'no finding');
});

t.test('a profile with credentials of its own wins over IMDS', async (t) => {
  t.match(await check({ AWS_PROFILE: 'keys' }), { level: 'problem', title: 'AWS_PROFILE=keys selects a profile with a static key pair: the SDKs use it instead of IMDS', fix: 'unset AWS_PROFILE' }, 'keys');
  t.match(await check({ AWS_DEFAULT_PROFILE: 'sso' }), { level: 'problem', title: /AWS_DEFAULT_PROFILE=sso selects a profile with an SSO login/, fix: 'unset AWS_DEFAULT_PROFILE' }, 'SSO');
});

t.test('a profile that builds on IMDS, one without credentials, one that does not exist', async (t) => {
  t.match(await check({ AWS_PROFILE: 'chained' }), { level: 'warning', title: /credential_source = Ec2InstanceMetadata/, detail: /fine if intended/ }, 'role over IMDS');
  t.match(await check({ AWS_PROFILE: 'plain' }), { level: 'ok', title: 'AWS_PROFILE=plain selects a profile without credentials of its own: IMDS still applies' }, 'region only');
  t.match(await check({ AWS_PROFILE: 'nope' }), { level: 'problem', title: /AWS_PROFILE=nope names a profile that is in neither .*config nor .*credentials: the AWS CLI stops/, fix: 'unset AWS_PROFILE' }, 'missing');
});
