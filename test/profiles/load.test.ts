/** One profile read from both shared files, and the errors that name them. */
import t from 'tap';
import type { ImdsdError } from '../../src/errors.js';
import { configFilePath, loadProfile } from '../../src/profiles/load.js';
import { withEnv, writeAwsFiles } from '../support/aws-files.js';
import { codedFailure } from '../support/coded-failure.js';

function loadError(name: string): Promise<ImdsdError> {
  return codedFailure(loadProfile(name, process.env));
}

t.test('the settings of both files, the config file winning', async (t) => {
  const files = writeAwsFiles('[profile dev]\nregion = eu-west-1\noutput = json\n', '[dev]\nregion = us-east-2\naws_access_key_id = AKIA1\n');
  withEnv(t, files.env);
  const loaded = await loadProfile('dev', process.env);
  t.same(loaded.at, { file: files.configFile, profile: 'dev' }, 'where its problems are');
  t.same(loaded.section, { region: 'eu-west-1', output: 'json', aws_access_key_id: 'AKIA1' }, 'the config file wins');
  t.equal(configFilePath(process.env), files.configFile, 'AWS_CONFIG_FILE');
  t.equal(configFilePath({}).endsWith('/.aws/config'), true, 'else ~/.aws/config');
});

t.test('a profile in neither file: the profiles there are', async (t) => {
  const files = writeAwsFiles('[profile dev]\nregion = eu-west-1\n');
  withEnv(t, files.env);
  const error = await loadError('nope');
  t.equal(error?.code, 'IMDSD_ERR_CONFIG', 'a configuration error');
  t.equal(error?.message, `${files.configFile}: profile nope: no such profile`, 'names the file and the profile');
  t.match(error?.hint, /pick one of: dev/, String(error?.hint));
});

t.test('a missing config file names the path that was looked at', async (t) => {
  withEnv(t, { AWS_CONFIG_FILE: '/nonexistent/imdsd/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/imdsd/credentials' });
  const error = await loadError('dev');
  t.match(error?.message, /^\/nonexistent\/imdsd\/config: profile dev: no such profile/, String(error?.message));
  t.match(error?.hint, /pick one of: none/, 'no profiles at all');
});

t.test('a missing default profile is to be added as [default], the config file\'s spelling (issue 12)', async (t) => {
  const files = writeAwsFiles('[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\ncredential_source = Environment\n', '');
  withEnv(t, files.env);
  const error = await loadError('default');
  t.equal(error?.code, 'IMDSD_ERR_CONFIG', 'a configuration error');
  t.match(error?.hint, /^add \[default\] to /, String(error?.hint));
  t.notMatch(error?.hint, /\[profile default\]/, 'not [profile default]');
});
