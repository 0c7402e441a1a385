import { join } from 'node:path';
import t from 'tap';
import { sharedFileChecks } from '../../../src/cli/doctor/shared-file-checks.js';
import { only, situation, tempHome, withId, writeHomeFile } from '../../support/doctor-fakes.js';

t.test('an empty HOME: nothing wins over IMDS', async (t) => {
  const home = tempHome();
  const findings = await sharedFileChecks(await situation({ home }));
  t.match(only(findings, 'shared-profile'), { level: 'ok', title: `profile default holds no credentials that win over IMDS (${home}/.aws/credentials, ${home}/.aws/config)` }, 'ok');
  t.same(withId(findings, 'shared-file-mode'), [], 'no file, no mode to check');
});

t.test('a [default] key pair in the credentials file', async (t) => {
  const home = tempHome();
  const file = writeHomeFile(home, '.aws/credentials', '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n');
  const findings = await sharedFileChecks(await situation({ home }));
  t.match(only(findings, 'shared-static-keys'), {
    level: 'problem', title: `[default] in ${file} holds a static key pair (aws_access_key_id, aws_secret_access_key): the default chain uses it before IMDS`,
    fix: `remove aws_access_key_id, aws_secret_access_key from [default] in ${file}`,
  }, 'names the file and the section');
  t.match(only(findings, 'shared-file-mode'), { level: 'ok', title: `${file} is private to its owner (mode 600)` }, 'mode 600 is fine');
});

t.test('each setting of the active profile that the chain uses before IMDS', async (t) => {
  const home = tempHome();
  const config = writeHomeFile(home, 'elsewhere/config', [
    '[profile work]', 'credential_process = /usr/bin/get-creds', 'sso_start_url = https://corp.awsapps.com/start', 'role_arn = arn:aws:iam::1:role/a', 'source_profile = base',
    '[profile ci]', 'role_arn = arn:aws:iam::1:role/ci', 'web_identity_token_file = /var/run/token',
    '[profile over]', 'role_arn = arn:aws:iam::1:role/over', 'credential_source = Ec2InstanceMetadata',
  ].join('\n'));
  const run = async (profile: string) => sharedFileChecks(await situation({ home, env: { AWS_CONFIG_FILE: config, AWS_PROFILE: profile } }));
  const work = await run('work');
  t.match(only(work, 'shared-credential-process'), { level: 'problem', fix: `remove credential_process from [profile work] in ${config}` }, 'credential_process');
  t.match(only(work, 'shared-sso'), { level: 'problem', title: /holds an SSO login \(sso_start_url\)/ }, 'SSO');
  t.match(only(work, 'shared-role-arn'), { level: 'problem', title: /holds a role to assume \(role_arn, source_profile\)/ }, 'role_arn');
  t.match(only(await run('ci'), 'shared-web-identity'), { level: 'problem', fix: `remove web_identity_token_file, role_arn from [profile ci] in ${config}` }, 'web identity');
  t.match(only(await run('over'), 'shared-role-arn'), { level: 'warning', title: /assumes arn:aws:iam::1:role\/over with imdsd's credential as its source/ }, 'a role over IMDS is a warning');
  t.same(withId(work, 'shared-file-mode'), [], 'a config without secrets is not mode-checked');
});

t.test('credential files other users can read or write', async (t) => {
  const mode = async (credentialsMode: number, config = '') => {
    const home = tempHome();
    writeHomeFile(home, '.aws/credentials', '[other]\nregion = x\n', credentialsMode);
    if (config !== '') writeHomeFile(home, '.aws/config', config, 0o644);
    return { home, findings: withId(await sharedFileChecks(await situation({ home })), 'shared-file-mode') };
  };
  const world = await mode(0o644);
  t.match(world.findings[0], { level: 'problem', title: `${join(world.home, '.aws/credentials')} is a credentials file: every user can read it (mode 644)`, fix: `chmod 600 ${join(world.home, '.aws/credentials')}` }, 'world-readable');
  t.match((await mode(0o602)).findings[0], { level: 'problem', title: /every user can write it \(mode 602\)/ }, 'world-writable');
  t.match((await mode(0o640)).findings[0], { level: 'warning', title: /its group can read it \(mode 640\)/ }, 'group-readable');
  t.match((await mode(0o620)).findings[0], { level: 'warning', title: /its group can write it \(mode 620\)/ }, 'group-writable');
  const withSecret = await mode(0o600, '[profile x]\naws_secret_access_key = s\n');
  t.same(withSecret.findings.map((f) => f.level), ['ok', 'problem'], 'a config file holding a secret is checked too');
  t.match(withSecret.findings[1]?.title, /config holds keys and every user can read it \(mode 644\)$/, 'and says it holds keys');
  const home = tempHome();
  writeHomeFile(home, '.aws/credentials', '[x]\n', 0o644);
  t.same(withId(await sharedFileChecks(await situation({ home, platform: 'win32' })), 'shared-file-mode'), [], 'modes mean nothing on Windows');
  const vanished = await situation({ home, files: { readText: async () => '[x]\n', mode: async () => undefined, list: async () => [] } });
  t.same(withId(await sharedFileChecks(vanished), 'shared-file-mode'), [], 'a file gone between reading and stat');
});

t.test('an unreadable file is a warning, not a crash', async (t) => {
  const s = await situation({ files: { readText: () => Promise.reject(new Error('EACCES: permission denied')), mode: async () => 0o600, list: async () => [] } });
  const findings = await sharedFileChecks(s);
  t.match(only(findings, 'shared-profile'), { level: 'warning', title: 'could not check the shared config and credentials files: EACCES: permission denied' }, 'guarded');
});
