/** The helpers every kind reads its section with. */
import t from 'tap';
import { account, configError, profileEndpoint, seconds, str } from '../../src/profiles/section.js';

const AT = { file: '/home/u/.aws/config', profile: 'dev' };

function thrown(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

t.test('one configuration error: in a profile, or not', async (t) => {
  t.match(configError('role_arn is missing', 'add it', AT), { code: 'IMDSD_ERR_CONFIG', message: '/home/u/.aws/config: profile dev: role_arn is missing', hint: 'add it' },
    'names the file and the profile');
  t.match(configError('--role-arn: x is not a role ARN', 'fix it'), { code: 'IMDSD_ERR_CONFIG', message: '--role-arn: x is not a role ARN', hint: 'fix it' }, 'or only the problem');
});

t.test('settings are trimmed; empty is absent', async (t) => {
  t.equal(str({ a: '  x ' }, 'a'), 'x', 'trimmed');
  t.equal(str({ a: '  ' }, 'a'), undefined, 'blank');
  t.equal(str({}, 'a'), undefined, 'absent');
});

t.test('seconds within bounds', async (t) => {
  t.equal(seconds({ d: '3600' }, 'd', 900, 43200, AT), 3600, 'in range');
  t.equal(seconds({}, 'd', 900, 43200, AT), undefined, 'absent');
  for (const raw of ['899', '43201', '1.5', 'soon']) {
    t.match(thrown(() => seconds({ d: raw }, 'd', 900, 43200, AT)), { code: 'IMDSD_ERR_CONFIG', message: `profile dev: d ${raw} is not a whole number from 900 to 43200`, hint: 'fix d' }, raw);
  }
});

t.test('account ids are twelve digits', async (t) => {
  t.equal(account({ aws_account_id: '123456789012' }, 'aws_account_id', AT), '123456789012', 'twelve digits');
  t.equal(account({}, 'aws_account_id', AT), undefined, 'absent');
  t.match(thrown(() => account({ sso_account_id: '1234' }, 'sso_account_id', AT)), { message: /sso_account_id 1234 is not twelve digits$/, hint: 'fix sso_account_id' }, 'too short');
});

t.test('the STS endpoint: the services section\'s sts.endpoint_url, else endpoint_url', async (t) => {
  const config = { 'services.local': { 'sts.endpoint_url': 'http://127.0.0.1:1' } };
  t.equal(profileEndpoint({ services: 'local', endpoint_url: 'http://x' }, config), 'http://127.0.0.1:1', 'services wins');
  t.equal(profileEndpoint({ services: 'other', endpoint_url: 'http://x' }, config), 'http://x', 'a services section without STS');
  t.equal(profileEndpoint({}, config), undefined, 'none');
});
