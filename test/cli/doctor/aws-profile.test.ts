import { join } from 'node:path';
import t from 'tap';
import { activeProfile, loadSharedFiles, profileSections } from '../../../src/cli/doctor/aws-profile.js';
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
