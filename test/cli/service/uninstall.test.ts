/** `imdsd uninstall` against a recording ServiceIo: idempotent, exact commands, clear failures. */
import t from 'tap';
import { runUninstall } from '../../../src/cli/service/uninstall.js';
import { exitOf, fakeServiceIo, type FakeServiceIo } from '../../support/fake-service-io.js';

const uninstall = (argv: string[], io: FakeServiceIo): Promise<number> => exitOf(io, runUninstall(argv, io));

const PLIST = '/Users/me/Library/LaunchAgents/dev.imdsd.agent.plist';
const USER_UNIT = '/home/dev/.config/systemd/user/imdsd.service';
const SYSTEM_UNIT = '/etc/systemd/system/imdsd.service';

t.test('macOS: bootout, then remove the plist', async (t) => {
  const io = fakeServiceIo({ platform: 'darwin', homedir: '/Users/me', uid: 501, files: { [PLIST]: '<plist/>' },
    results: { 'launchctl bootout gui/501/dev.imdsd.agent': { code: 3, stderr: 'not loaded' } } });
  t.equal(await uninstall([], io), 0, 'exit 0, even when it was not loaded');
  t.same(io.events, ['run launchctl bootout gui/501/dev.imdsd.agent', `remove ${PLIST}`], 'in order');
  t.match(io.out, `imdsd: uninstalled: the service is stopped and ${PLIST} is removed`, 'says so');
});

t.test('Linux user unit: disable --now, remove, daemon-reload', async (t) => {
  const io = fakeServiceIo({ platform: 'linux', homedir: '/home/dev', files: { [USER_UNIT]: '[Service]' } });
  t.equal(await uninstall([], io), 0, 'exit 0');
  t.same(io.events, ['run systemctl --user disable --now imdsd.service', `remove ${USER_UNIT}`, 'run systemctl --user daemon-reload'], 'in order');
  t.notOk(io.files.has(USER_UNIT), 'the unit is gone');
});

t.test('Linux with the socket unit: disable --now both, remove both, daemon-reload', async (t) => {
  const socket = '/home/dev/.config/systemd/user/imdsd.socket';
  const io = fakeServiceIo({ platform: 'linux', homedir: '/home/dev', files: { [USER_UNIT]: '[Service]', [socket]: '[Socket]' } });
  t.equal(await uninstall([], io), 0, 'exit 0');
  t.same(io.events, ['run systemctl --user disable --now imdsd.socket imdsd.service', `remove ${USER_UNIT}`, `remove ${socket}`, 'run systemctl --user daemon-reload'], 'in order');
  t.notOk(io.files.has(socket), 'the socket unit is gone');
  t.match(io.out, `the service is stopped and ${USER_UNIT} and ${socket} are removed`, 'says so');
  const dry = fakeServiceIo({ platform: 'linux', homedir: '/home/dev', files: { [socket]: '[Socket]' } });
  t.equal(await uninstall(['--dry-run'], dry), 0, 'a socket unit alone still counts as installed');
  t.equal(dry.out, `would run: systemctl --user disable --now imdsd.socket imdsd.service\nwould remove ${USER_UNIT}\nwould remove ${socket}\nwould run: systemctl --user daemon-reload\n`, 'the plan');
});

t.test('a second uninstall says it is not installed and exits 0', async (t) => {
  const io = fakeServiceIo({ platform: 'linux', homedir: '/home/dev' });
  t.equal(await uninstall([], io), 0, 'exit 0');
  t.equal(io.out, `imdsd: not installed (there is no ${USER_UNIT}); nothing to do\n`, 'says so');
  t.same(io.events, [], 'runs nothing');
});

t.test('--system: root only, systemctl without --user', async (t) => {
  const root = fakeServiceIo({ platform: 'linux', uid: 0, files: { [SYSTEM_UNIT]: '[Service]' } });
  t.equal(await uninstall(['--system'], root), 0, 'exit 0 as root');
  t.same(root.events, ['run systemctl disable --now imdsd.service', `remove ${SYSTEM_UNIT}`, 'run systemctl daemon-reload'], 'system manager');
  const user = fakeServiceIo({ platform: 'linux', uid: 1000, files: { [SYSTEM_UNIT]: '[Service]' } });
  t.equal(await uninstall(['--system'], user), 1, 'exit 1 without root');
  t.match(user.err, /^imdsd: imdsd uninstall --system removes \/etc\/systemd\/system\/imdsd.service and must run as root \(fix: sudo/, 'says why');
  t.same(user.events, [], 'nothing done');
  const mac = fakeServiceIo({ platform: 'darwin' });
  t.equal(await uninstall(['--system'], mac), 78, '--system on macOS is a flag error');
  t.match(mac.err, /--system is for Linux/, 'says why');
});

t.test('--dry-run shows the commands and removes nothing', async (t) => {
  const io = fakeServiceIo({ platform: 'linux', homedir: '/home/dev', files: { [USER_UNIT]: '[Service]' } });
  t.equal(await uninstall(['--dry-run'], io), 0, 'exit 0');
  t.equal(io.out, `would run: systemctl --user disable --now imdsd.service\nwould remove ${USER_UNIT}\nwould run: systemctl --user daemon-reload\n`, 'the plan');
  t.same(io.events, [], 'nothing done');
  t.ok(io.files.has(USER_UNIT), 'the unit stays');
});

t.test('a failing systemctl disable leaves the file and exits 1', async (t) => {
  const io = fakeServiceIo({ platform: 'linux', homedir: '/home/dev', files: { [USER_UNIT]: '[Service]' },
    results: { 'systemctl --user disable --now imdsd.service': { code: 1, stderr: 'Failed to connect to bus' } } });
  t.equal(await uninstall([], io), 1, 'exit 1');
  t.equal(io.err, `imdsd: \`systemctl --user disable --now imdsd.service\` failed (exit 1): Failed to connect to bus; ${USER_UNIT} was left in place (fix: stop the service by hand, then remove ${USER_UNIT})\n`, 'one line');
  t.ok(io.files.has(USER_UNIT), 'the unit stays');
});

t.test('a failing daemon-reload after removal exits 1 and says the file is gone', async (t) => {
  const io = fakeServiceIo({ platform: 'linux', homedir: '/home/dev', files: { [USER_UNIT]: '[Service]' },
    results: { 'systemctl --user daemon-reload': { code: 1, stderr: 'boom' } } });
  t.equal(await uninstall([], io), 1, 'exit 1');
  t.match(io.err, `failed (exit 1): boom; ${USER_UNIT} was removed (fix: run it again by hand)`, 'says what happened');
});

t.test('flags and platforms', async (t) => {
  const bad = fakeServiceIo();
  t.equal(await uninstall(['--profile', 'dev'], bad), 78, 'unknown flag: exit 78');
  t.match(bad.err, /^imdsd: imdsd uninstall: Unknown option '--profile'/, 'names it');
  const windows = fakeServiceIo({ platform: 'win32' });
  t.equal(await uninstall([], windows), 1, 'other platforms: exit 1');
  t.match(windows.err, /supports macOS \(launchd\) and Linux \(systemd\), not win32/, 'says why');
  const other = fakeServiceIo({ platform: 'win32', homedir: '/Users/me' });
  t.equal(await uninstall(['--platform', 'macos', '--dry-run'], other), 0, '--platform overrides detection');
  t.match(other.out, 'not installed (there is no /Users/me/Library/LaunchAgents/dev.imdsd.agent.plist)', 'looks where macOS would');
});
