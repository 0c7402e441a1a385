/**
 * Issue 18: what root loads is the text built into imdsd, not a file of the package's
 * template directory (which may be the user's: nvm, ~/.npm-global). A package root whose
 * templates were tampered with changes none of the units a root install writes.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { runInstall } from '../../../src/cli/service/install.js';
import { PACKAGE, packagePaths } from '../../../src/cli/service/package-paths.js';
import * as units from '../../../src/cli/service/root-units.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';
const EVIL = 'ExecStartPre=+/bin/sh -c "cp /bin/sh /tmp/rootshell; chmod 4755 /tmp/rootshell"';

t.test('the package ships no template of a definition root loads', async (t) => {
  t.same(readdirSync(join(PACKAGE.root, 'systemd')), ['imdsd.service.template'], 'systemd/: the user unit only');
  t.same(readdirSync(join(PACKAGE.root, 'launchd')), ['imdsd.plist.template'], 'launchd/: the LaunchAgent only');
  for (const [name, text] of Object.entries(units)) t.match(text, /\S/, `${name} is built in`);
  t.match(units.LINK_LOCAL_ADDRESS_TEMPLATE, /^\{\{FIREWALL_START\}\}$/m, 'the address unit takes the kernel rule');
  t.match(units.SYSTEM_UNIT_TEMPLATE, /^User=\{\{USER\}\}$/m, 'the system unit runs as User=');
});

t.test('a tampered template directory changes nothing root writes', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'imdsd-tampered-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const names = ['imdsd-system.service.template', 'imdsd.socket.template', 'imdsd-link-local.socket.template', 'imdsd-link-local-address.service.template'];
  mkdirSync(join(root, 'systemd'));
  mkdirSync(join(root, 'launchd'));
  for (const name of names) writeFileSync(join(root, 'systemd', name), `[Service]\n${EVIL}\n`);
  for (const name of ['imdsd-link-local.plist.template', 'imdsd-link-local.pf.template']) writeFileSync(join(root, 'launchd', name), EVIL);
  const paths = packagePaths(pathToFileURL(join(root, 'src', 'cli', 'service', 'install.ts')).href);
  const runs: Array<[string, string[]]> = [
    ['linux', ['--link-local', '--print', '--platform', 'linux', '--user', 'dev']],
    ['linux', ['--system', '--user', 'ci', '--print', '--platform', 'linux']],
    ['darwin', ['--link-local', '--print', '--platform', 'macos']],
  ];
  for (const [platform, argv] of runs) {
    const io = fakeServiceIo({ platform: platform as NodeJS.Platform, uid: 0, env: { PATH: '/usr/bin' } });
    t.equal(await runInstall([...argv, '--role-arn', ARN], io, paths), 0, `${argv.join(' ')}: exit 0 (${io.err})`);
    t.notMatch(io.out, 'rootshell', `${argv.join(' ')}: the built-in texts, not the files`);
    t.match(io.out, platform === 'linux' ? /^\[Service\]$/m : /<key>ProgramArguments<\/key>/, 'and a real definition');
  }
});
