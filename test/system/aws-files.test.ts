import t from 'tap';
import { configSectionHeader, loadProfiles, sharedFilePaths } from '../../src/system/aws-files.js';
import { tempHome, writeHomeFile } from '../support/doctor-fakes.js';

t.test('the file paths honour AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, with ~/ expanded', async (t) => {
  t.same(sharedFilePaths({}, '/home/u'), { config: '/home/u/.aws/config', credentials: '/home/u/.aws/credentials' }, 'defaults');
  t.same(sharedFilePaths({ AWS_CONFIG_FILE: '~/cfg', AWS_SHARED_CREDENTIALS_FILE: '/etc/creds' }, '/home/u'),
    { config: '/home/u/cfg', credentials: '/etc/creds' }, 'variables');
  t.same(sharedFilePaths({ AWS_CONFIG_FILE: '' }, '/home/u').config, '/home/u/.aws/config', 'an empty variable is unset, as in the SDK');
});

t.test('the config file names the default profile [default], every other [profile NAME] (issue 12)', async (t) => {
  t.equal(configSectionHeader('default'), 'default', 'default');
  t.equal(configSectionHeader('dev'), 'profile dev', 'a named profile');
});

t.test('the files are read as the SDK reads them', async (t) => {
  const home = tempHome();
  writeHomeFile(home, '.aws/config', [
    '[profile dev]', 'role_arn = arn:aws:iam::1:role/dev # a comment', 's3 =', '  max_concurrent_requests = 20', 'region = eu-west-1',
    '[dev]', 'ignored = yes',
  ].join('\n'));
  const files = await loadProfiles(sharedFilePaths({}, home));
  t.same(files.config.dev, { role_arn: 'arn:aws:iam::1:role/dev', 's3.max_concurrent_requests': '20', region: 'eu-west-1' },
    'inline comments dropped, indented sub-sections kept under their parent');
  t.same(files.credentials, {}, 'a missing file reads as empty');
});
