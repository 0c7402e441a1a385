/**
 * `imdsd install --link-local` and `imdsd uninstall --link-local` against a recording
 * ServiceIo (issue 14): root only, every file and command shown by --dry-run, the
 * daemon's user taken from sudo, and uninstall removing all of it, the address included.
 */
import t from 'tap';
import { runInstall } from '../../../src/cli/service/install.js';
import { LINUX_UNIT_PATHS } from '../../../src/cli/service/link-local-linux.js';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { runUninstall } from '../../../src/cli/service/uninstall.js';
import { exitOf, fakeServiceIo, type FakeOptions } from '../../support/fake-service-io.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';
const BUILT = { [PACKAGE.cli]: '' };
const root = (options: FakeOptions = {}) => fakeServiceIo({ platform: 'linux', uid: 0, homedir: '/root', env: { PATH: '/usr/bin', SUDO_USER: 'dev' }, files: BUILT, ...options });

t.test('sudo imdsd install --link-local writes the three units and starts them', async (t) => {
  const io = root();
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], io), 0, `exit 0 (${io.err})`);
  t.same(io.events, [
    ...LINUX_UNIT_PATHS.map((path) => `write ${path} 0644`),
    'run systemctl daemon-reload',
    'run systemctl enable imdsd-link-local-address.service imdsd-link-local.socket imdsd-link-local.service',
    'run systemctl stop imdsd-link-local.service imdsd-link-local.socket',
    'run systemctl restart imdsd-link-local-address.service',
    'run systemctl start imdsd-link-local.socket imdsd-link-local.service',
  ], 'files, then systemctl in order');
  t.match(io.files.get(LINUX_UNIT_PATHS[2] ?? '')?.content, /^User=dev$/m, 'the daemon runs as the account that ran sudo');
  t.match(io.out, 'imdsd answers at http://169.254.169.254/', 'says where');
  t.match(io.out, 'No variable is needed', 'and that no variable is needed');
});

t.test('--dry-run shows every file and command and changes nothing', async (t) => {
  const io = root({ uid: 1000 });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN, '--dry-run', '--user', 'ci'], io), 0, 'exit 0, even without root');
  t.same(io.events, [], 'nothing touched');
  for (const path of LINUX_UNIT_PATHS) t.match(io.out, `would write ${path} (mode 0644):\n`, `shows ${path}`);
  t.match(io.out, 'would run: systemctl start imdsd-link-local.socket imdsd-link-local.service\n', 'and the commands');
  const mine = fakeServiceIo({ platform: 'linux', uid: 1000, env: { PATH: '/usr/bin', USER: 'me' } });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN, '--dry-run'], mine), 0, 'without sudo or --user: exit 0');
  t.match(mine.out, /^User=me$/m, 'the units name the account that asked');
});

t.test('refusals: not root, no user to run as, a failing command', async (t) => {
  const user = root({ uid: 1000 });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], user), 1, 'exit 1 without root');
  t.match(user.err, /must run as root \(fix: sudo imdsd install --link-local --profile NAME, with an imdsd only root can change: sudo npm install -g imdsd\)/, 'says to use sudo');
  const noUser = root({ env: { PATH: '/usr/bin' } });
  t.equal(await exitOf(noUser, runInstall(['--link-local', '--role-arn', ARN], noUser)), 78, 'root without SUDO_USER or --user: exit 78');
  t.match(noUser.err, /needs the account the service runs as/, 'never runs the daemon as root');
  const failing = root({ results: { 'systemctl restart imdsd-link-local-address.service': { code: 1, stderr: 'Job failed.\n' } } });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], failing), 1, 'a failing command: exit 1');
  t.match(failing.err, /`systemctl restart imdsd-link-local-address.service` failed \(exit 1\): Job failed\..*left in place/, 'names it');
  const unbuilt = root({ files: {} });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], unbuilt), 1, 'no built CLI: exit 1');
  const unwritable = root({ writeError: new Error('EACCES') });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], unwritable), 1, 'an unwritable directory: exit 1');
  t.match(unwritable.err, /could not write the link-local files: EACCES/, 'says so');
});

t.test('sudo imdsd uninstall --link-local removes the units and the address', async (t) => {
  const io = root();
  t.equal(await runUninstall(['--link-local'], io), 0, `exit 0 (${io.err})`);
  t.same(io.events, [
    'run systemctl disable --now imdsd-link-local.service imdsd-link-local.socket imdsd-link-local-address.service',
    'run ip -4 addr del 169.254.169.254/32 dev lo',
    'run ip -6 addr del fd00:ec2::254/128 dev lo',
    ...LINUX_UNIT_PATHS.map((path) => `remove ${path}`),
    'run systemctl daemon-reload',
  ], 'stop, address, files, reload');
  t.match(io.out, 'no longer answers here', 'says so');
  const dry = root({ uid: 1000 });
  t.equal(await runUninstall(['--link-local', '--dry-run'], dry), 0, '--dry-run: exit 0');
  t.match(dry.out, 'would run: ip -4 addr del 169.254.169.254/32 dev lo', 'shows the address removal');
  t.match(dry.out, `would remove ${LINUX_UNIT_PATHS[0] ?? ''}`, 'and the files');
  const user = root({ uid: 1000 });
  t.equal(await runUninstall(['--link-local'], user), 1, 'not root: exit 1');
  const macos = fakeServiceIo({ platform: 'darwin', uid: 0 });
  t.equal(await runUninstall(['--link-local'], macos), 0, 'macOS too');
  t.match(macos.events, ['run launchctl bootout system/dev.imdsd.link-local'], 'starting with the LaunchDaemon');
  const reload = root({ results: { 'systemctl daemon-reload': { code: 1, stderr: 'no bus' } } });
  t.equal(await runUninstall(['--link-local'], reload), 1, 'a failing reload: exit 1');
});

t.test('notes and failures name what to look at on each platform', async (t) => {
  const proxied = root({ env: { PATH: '/usr/bin', SUDO_USER: 'dev', HTTPS_PROXY: 'http://me:secret@proxy:3128' } });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], proxied), 0, 'exit 0');
  t.match(proxied.err, /^imdsd: note: HTTPS_PROXY is not copied/m, 'the service definition\'s notes are passed on');
  const mac = fakeServiceIo({ platform: 'darwin', uid: 0, results: { 'launchctl bootstrap system /Library/LaunchDaemons/dev.imdsd.link-local.plist': { code: 5, stderr: 'Bootstrap failed: 5' } } });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], mac), 1, 'a failing bootstrap: exit 1');
  t.match(mac.err, /Bootstrap failed: 5.*\(fix: check \/var\/log\/imdsd-link-local\.log\)/, 'points at the LaunchDaemon\'s log');
});

t.test('issue 18: with nft, install writes the rule and uninstall deletes the table', async (t) => {
  const files = { ...BUILT, '/usr/sbin/nft': '' };
  const io = root({ files });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN, '--allow-uid', '1005'], io), 0, `exit 0 (${io.err})`);
  t.match(io.files.get(LINUX_UNIT_PATHS[0] ?? '')?.content, /^ExecStart=\/usr\/sbin\/nft ".*meta skuid != \{ \\"dev\\", 1005 \} reject with tcp reset"$/m, 'the rule for the sudo user and --allow-uid');
  t.notMatch(io.err, 'nft is not installed', 'no note');
  const gone = root({ files });
  t.equal(await runUninstall(['--link-local'], gone), 0, `uninstall: exit 0 (${gone.err})`);
  t.ok(gone.events.includes('run /usr/sbin/nft delete table inet imdsd_link_local'), 'deletes the table');
  const without = root();
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], without), 0, 'without nft: still installed');
  t.match(without.err, /^imdsd: note: nft is not installed .*the daemon's own uid check still applies/m, 'one line saying so');
});
