/** What every kind fills in alike: listener settings, the region, the session name, the reload key. */
import t from 'tap';
import { DEFAULT_IMDS_PORT } from '../../src/contract/paths.js';
import { commonFields, FALLBACK_REGION, regionOf, servedDirectly, sessionNameOf, withKey } from '../../src/profiles/served.js';

t.test('issue 14: link-local mode adds the IMDS addresses to the served Host names, and only it', async (t) => {
  const plain = commonFields({ allowHosts: ['imds.internal'] }, 0);
  t.same(plain.allowHosts, ['imds.internal'], 'by default 169.254.169.254 is not a served name');
  t.equal(plain.linkLocal, false, 'not in link-local mode');
  const linkLocal = commonFields({ port: 80, linkLocal: true, allowHosts: ['imds.internal'] }, 0);
  t.same(linkLocal.allowHosts, ['imds.internal', '169.254.169.254', 'fd00:ec2::254'], 'both IMDS addresses are served in the mode');
  t.equal(linkLocal.linkLocal, true, 'and the role says so (status, doctor)');
  t.not(withKey(linkLocal).key, withKey(plain).key, 'switching the mode is a change a reload applies');
  t.same(commonFields({ host: '10.0.0.5' }, 0).allowHosts, ['10.0.0.5'], 'a listener\'s own address is a Host it accepts');
  t.equal(commonFields({}, 0).port, DEFAULT_IMDS_PORT, 'the first role takes the default port');
  t.equal(commonFields({}, 1).port, 0, 'later roles a free one, unless configured');
});

t.test('one region precedence: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-1', async (t) => {
  const env = { AWS_REGION: 'env-region', AWS_DEFAULT_REGION: 'default-region' };
  t.equal(regionOf({ region: 'flag' }, env, 'profile'), 'flag', '--region wins');
  t.equal(regionOf({}, env, 'profile'), 'env-region', 'then AWS_REGION');
  t.equal(regionOf({}, { AWS_REGION: '', AWS_DEFAULT_REGION: 'default-region' }, 'profile'), 'default-region', 'an empty AWS_REGION is unset');
  t.equal(regionOf({}, {}, undefined, 'sso-region'), 'sso-region', 'then the profile\'s, in the order given');
  t.equal(regionOf({}, {}, 'profile', 'sso-region'), 'profile', 'its region before its sso_region');
  t.equal(regionOf({}, {}), FALLBACK_REGION, 'else us-east-1');
});

t.test('the session name: flag, profile, imdsd-USER', async (t) => {
  t.equal(sessionNameOf({ sessionName: 'flag' }, 'profile'), 'flag', 'the flag');
  t.equal(sessionNameOf({}, 'profile'), 'profile', 'the profile\'s role_session_name');
  t.match(sessionNameOf({}), /^imdsd-/, 'the default');
});

t.test('a profile served directly: no role ARN, the account where known, the profile as source of hints', async (t) => {
  const role = servedDirectly({
    profile: 'vault', roleName: 'ci', accountId: undefined, region: 'eu-west-1',
    issuer: { kind: 'process', profile: 'vault', command: 'x' }, source: { kind: 'profile', profile: 'vault' },
  }, { durationSec: 3600 }, 0, { AWS_ENDPOINT_URL_STS: undefined });
  t.match(role, {
    identity: { roleName: 'ci', roleArn: '', accountId: '', region: 'eu-west-1' }, durationSec: 3600, externalId: undefined,
    sourceProfile: 'vault', mfa: undefined, endpoint: undefined,
  }, 'its settings');
  t.match(role.key, /^[0-9a-f]{64}$/, 'a digest as reload key');
});
