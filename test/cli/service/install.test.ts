/**
 * `imdsd install` against a recording ServiceIo: which files are written with which mode,
 * which launchctl/systemctl calls run in which order, and what the user is told.
 */
import t from 'tap';
import { runInstall } from '../../../src/cli/service/install.js';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import type { PackagePaths } from '../../../src/cli/service/package-paths.js';
import { exitOf, fakeServiceIo, type FakeOptions, type FakeServiceIo } from '../../support/fake-service-io.js';

const install = (argv: string[], io: FakeServiceIo, paths?: PackagePaths): Promise<number> => exitOf(io, runInstall(argv, io, paths));

const ARN = 'arn:aws:iam::123456789012:role/dev';
const PLIST = '/Users/me/Library/LaunchAgents/dev.imdsd.agent.plist';
const USER_UNIT = '/home/dev/.config/systemd/user/imdsd.service';
const USER_SOCKET = '/home/dev/.config/systemd/user/imdsd.socket';
const SYSTEM_UNIT = '/etc/systemd/system/imdsd.service';
/** The built CLI exists, as after `npm install`. */
const BUILT = { [PACKAGE.cli]: '' };

function mac(options: FakeOptions = {}) {
  return fakeServiceIo({ platform: 'darwin', homedir: '/Users/me', uid: 501, files: BUILT, ...options });
}
function linux(options: FakeOptions = {}) {
  return fakeServiceIo({ platform: 'linux', homedir: '/home/dev', uid: 1000, files: BUILT, ...options });
}

t.test('macOS: writes the plist, then bootout, enable, bootstrap; prints the export line', async (t) => {
  const io = mac();
  t.equal(await install(['--profile', 'dev', '--port', '1400'], io), 0, 'exit 0');
  t.same(io.events, [
    'mkdir /Users/me/Library/LaunchAgents',
    'mkdir /Users/me/Library/Logs/imdsd',
    `write ${PLIST} 0644`,
    'run launchctl bootout gui/501/dev.imdsd.agent',
    'run launchctl enable gui/501/dev.imdsd.agent',
    `run launchctl bootstrap gui/501 ${PLIST}`,
  ], 'directories, file, then launchctl in order');
  t.match(io.files.get(PLIST)?.content, '<string>dev.imdsd.agent</string>', 'the plist was written');
  t.match(io.out, `imdsd: installed ${PLIST} and started the service`, 'says what it did');
  t.match(io.out, /\n  export AWS_EC2_METADATA_SERVICE_ENDPOINT=http:\/\/localhost:1400\/\n$/, 'ends with the export line for the port');
  t.equal(io.err, '', 'nothing on stderr');
});

t.test('macOS: a bootout of a service that is not loaded is fine', async (t) => {
  const io = mac({ results: { 'launchctl bootout gui/501/dev.imdsd.agent': { code: 3, stderr: 'Boot-out failed: 3: No such process' } } });
  t.equal(await install(['--role-arn', ARN], io), 0, 'exit 0');
  t.match(io.out, 'http://localhost:1338/', 'default port 1338');
});

t.test('macOS reinstall: bootstrap is retried while launchd still holds the old copy', async (t) => {
  const io = mac({ results: { [`launchctl bootstrap gui/501 ${PLIST}`]: [{ code: 5, stderr: 'Bootstrap failed: 5: Input/output error' }, { code: 0 }] } });
  t.equal(await install(['--profile', 'dev'], io), 0, 'exit 0');
  t.same(io.events.slice(-3), [`run launchctl bootstrap gui/501 ${PLIST}`, 'sleep 1000', `run launchctl bootstrap gui/501 ${PLIST}`], 'once more after a second');
});

t.test('Linux user unit and socket: daemon-reload, enable both, restart, under XDG_CONFIG_HOME when set', async (t) => {
  const io = linux();
  t.equal(await install(['--role-arn', ARN], io), 0, 'exit 0');
  t.same(io.events, [
    'mkdir /home/dev/.config/systemd/user',
    `write ${USER_UNIT} 0644`,
    `write ${USER_SOCKET} 0644`,
    'run systemctl --user daemon-reload',
    'run systemctl --user enable imdsd.socket imdsd.service',
    'run systemctl --user stop imdsd.service',
    'run systemctl --user restart imdsd.socket',
    'run systemctl --user start imdsd.service',
  ], 'files, then systemctl --user in order: the socket holds the port before the service starts');
  t.match(io.files.get(USER_SOCKET)?.content, '\nListenStream=127.0.0.1:1338\nListenStream=[::1]:1338\n', 'the socket unit listens on both loopbacks');
  t.match(io.out, `imdsd: installed ${USER_UNIT} and ${USER_SOCKET} and started the service`, 'names both files');
  t.match(io.files.get(USER_UNIT)?.content, `"run" "--role-arn" "${ARN}"`, 'the unit runs the given flags');
  t.match(io.out, 'journalctl --user -u imdsd', 'says where the logs are');
  const xdg = linux({ env: { PATH: '/usr/bin', XDG_CONFIG_HOME: '/home/dev/cfg' } });
  t.equal(await install([], xdg), 0, 'exit 0');
  t.ok(xdg.files.has('/home/dev/cfg/systemd/user/imdsd.service'), 'XDG_CONFIG_HOME');
});

t.test('Linux --system as root: /etc/systemd/system, systemctl without --user', async (t) => {
  const io = linux({ uid: 0, env: { PATH: '/usr/bin', SUDO_USER: 'dev' } });
  t.equal(await install(['--system', '--profile', 'ci'], io), 0, 'exit 0');
  t.same(io.events, [
    'mkdir /etc/systemd/system',
    `write ${SYSTEM_UNIT} 0644`,
    'write /etc/systemd/system/imdsd.socket 0644',
    'run systemctl daemon-reload',
    'run systemctl enable imdsd.socket imdsd.service',
    'run systemctl stop imdsd.service',
    'run systemctl restart imdsd.socket',
    'run systemctl start imdsd.service',
  ], 'system manager');
  t.match(io.files.get(SYSTEM_UNIT)?.content, /^User=dev$/m, 'runs as the sudo user');
  t.match(io.out, 'journalctl -u imdsd', 'system journal');
});

t.test('--system without root fails clearly and writes nothing', async (t) => {
  const io = linux({ env: { PATH: '/usr/bin' } });
  t.equal(await install(['--system', '--user', 'ci'], io), 1, 'exit 1');
  t.same(io.events, [], 'nothing written or run');
  t.match(io.err, /^imdsd: imdsd install --system writes \/etc\/systemd\/system\/imdsd.service and must run as root \(fix: sudo /, 'one line with the fix');
});

t.test('a user install under sudo is refused: it would land in root\'s home', async (t) => {
  const io = linux({ uid: 0, homedir: '/root', env: { PATH: '/usr/bin', SUDO_USER: 'dev' } });
  t.equal(await install(['--profile', 'dev'], io), 1, 'exit 1');
  t.match(io.err, /for root, not for dev \(fix: run it without sudo, or add --system/, 'says why');
  t.same(io.events, [], 'nothing done');
});

t.test('a failing systemctl: exit 1, one line naming the command, the file is left', async (t) => {
  const io = linux({ results: { 'systemctl --user enable imdsd.socket imdsd.service': { code: 1, stderr: 'Failed to connect to bus: No medium found\n' } } });
  t.equal(await install(['--profile', 'dev'], io), 1, 'exit 1');
  t.same(io.events.slice(-2), ['run systemctl --user daemon-reload', 'run systemctl --user enable imdsd.socket imdsd.service'], 'stops at the failure');
  t.equal(io.err.split('\n').length, 2, 'one line');
  t.match(io.err, `imdsd: \`systemctl --user enable imdsd.socket imdsd.service\` failed (exit 1): Failed to connect to bus: No medium found; ${USER_UNIT} was written and left in place (fix: check systemctl --user status imdsd`, 'command, reason, the file');
  t.ok(io.files.has(USER_UNIT), 'the unit stays');
  t.notMatch(io.out, /export/, 'no export line after a failure');
});

t.test('a failing launchctl bootstrap is reported the same way', async (t) => {
  const io = mac({ results: { [`launchctl bootstrap gui/501 ${PLIST}`]: { code: 5, stderr: 'Bootstrap failed: 5: Input/output error' } } });
  t.equal(await install([], io), 1, 'exit 1');
  t.match(io.err, /failed \(exit 5\): Bootstrap failed: 5: Input\/output error; .* was written and left in place \(fix: check launchctl print gui\/501\/dev.imdsd.agent/, 'names the command and the fix');
});

t.test('--dry-run shows the file, the content and the commands, and does nothing', async (t) => {
  const io = linux({ env: { PATH: '/usr/bin', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' } });
  t.equal(await install(['--dry-run', '--role-arn', ARN], io), 0, 'exit 0');
  t.same(io.events, [], 'nothing written, nothing run');
  t.match(io.out, /^would create directory \/home\/dev\/.config\/systemd\/user\nwould write \/home\/dev\/.config\/systemd\/user\/imdsd.service \(mode 0644\):\n# imdsd as a user service/, 'the path and mode first');
  t.match(io.out, /\[Install\]\nWantedBy=default.target\nwould write \/home\/dev\/.config\/systemd\/user\/imdsd.socket \(mode 0644\):\n# imdsd's IMDS port/, 'then the socket unit');
  t.match(io.out, /\[Install\]\nWantedBy=sockets.target\nwould run: systemctl --user daemon-reload\nwould run: systemctl --user enable imdsd.socket imdsd.service\nwould run: systemctl --user stop imdsd.service\nwould run: systemctl --user restart imdsd.socket\nwould run: systemctl --user start imdsd.service\n$/, 'then every command');
  const picked = linux({ env: { PATH: '/usr/bin' } });
  t.equal(await install(['--dry-run', '--port', '0'], picked), 0, '--port 0: exit 0');
  t.notMatch(picked.out, /imdsd.socket/, '--port 0: no socket unit (no port to hold)');
  t.match(picked.out, /would run: systemctl --user restart imdsd.service\n$/, '--port 0: the service is restarted as before');
  t.match(io.err, /^imdsd: note: AWS_ACCESS_KEY_ID is set in this shell but not copied/, 'notes go to stderr');
  const system = linux({ env: { PATH: '/usr/bin' } });
  t.equal(await install(['--dry-run', '--system', '--user', 'ci'], system), 0, 'a system dry run needs no root');
  t.match(system.out, 'would run: systemctl daemon-reload', 'system commands');
  const macos = linux();
  t.equal(await install(['--dry-run', '--platform', 'macos'], macos), 0, 'another platform is fine for a dry run');
  t.match(macos.out, /would run: launchctl bootout gui\/1000\/dev.imdsd.agent \(a failure is ignored: .*\)\n/, 'with the ignored failure noted');
});

t.test('--print writes only the definition: on Linux the service and the socket unit', async (t) => {
  const io = linux({ env: { PATH: '/usr/bin', AWS_SECRET_ACCESS_KEY: 'x' } });
  t.equal(await install(['--print', '--profile', 'dev'], io), 0, 'exit 0');
  t.match(io.out, /^# imdsd as a user service/, 'starts with the unit');
  t.match(io.out, `WantedBy=default.target\n\n# ==> ${USER_SOCKET} <==\n# imdsd's IMDS port`, 'then the socket unit, under its path');
  t.match(io.out, /WantedBy=sockets.target\n$/, 'ends with the socket unit');
  t.equal(io.err, '', 'no notes either');
  t.same(io.events, [], 'nothing done');
});

t.test('bad run flags exit 78 with the same message as imdsd run, before anything is done', async (t) => {
  for (const argv of [['--port', 'abc'], ['--bogus'], ['--profile', 'a', '--role-arn', ARN], ['--platform', 'bsd'], ['--system', '--platform', 'macos', '--user', 'x']]) {
    const io = linux();
    t.equal(await install(argv, io), 78, `${argv.join(' ')}: exit 78`);
    t.match(io.err, /^imdsd: .*\(fix: .*\)\n$/, `${argv.join(' ')}: one line with the fix`);
    t.same(io.events, [], `${argv.join(' ')}: nothing done`);
  }
  const io = linux();
  await install(['--port', '70000'], io);
  t.equal(io.err, 'imdsd: imdsd run: --port must be <= 65535 (fix: use a smaller value)\n', 'exactly the imdsd run error');
});

t.test('--platform for another machine only with --print or --dry-run', async (t) => {
  const io = linux();
  t.equal(await install(['--platform', 'macos'], io), 78, 'exit 78');
  t.match(io.err, /--platform macos is not this machine \(linux\)/, 'says why');
  t.equal(await install(['--platform', 'linux'], linux()), 0, 'naming this machine is fine');
});

t.test('other platforms: a clear error, exit 1', async (t) => {
  const io = fakeServiceIo({ platform: 'win32' });
  t.equal(await install(['--profile', 'dev'], io), 1, 'exit 1');
  t.match(io.err, /^imdsd: imdsd install supports macOS \(launchd\) and Linux \(systemd\), not win32 \(fix: .*--print --platform/, 'with the way out');
  const printed = fakeServiceIo({ platform: 'win32' });
  t.equal(await install(['--print', '--platform', 'linux'], printed), 0, '--print --platform still works there');
});

t.test('a missing build or an unwritable directory is exit 1 with one line', async (t) => {
  const unbuilt = fakeServiceIo({ platform: 'linux' });
  t.equal(await install([], unbuilt), 1, 'exit 1');
  t.match(unbuilt.err, /the built CLI .*cli\/main.js is missing.*npm run build/, 'says to build');
  const denied = linux({ writeError: new Error('EACCES: permission denied') });
  t.equal(await install([], denied), 1, 'exit 1');
  t.match(denied.err, `imdsd: could not write ${USER_UNIT}: EACCES: permission denied (fix: check the permissions of its directory)`, 'names the file');
});

t.test('issue 18: as root, node or the CLI that another user can change is refused unless --force', async (t) => {
  const unsafeCli = { [PACKAGE.cli]: { uid: 1000, gid: 1000, mode: 0o100644, symlink: false } };
  const rootIo = (options: FakeOptions = {}) => linux({ uid: 0, homedir: '/root', env: { PATH: '/usr/bin', SUDO_USER: 'dev' }, pathInfo: unsafeCli, ...options });
  for (const argv of [['--system', '--user', 'ci'], ['--link-local']]) {
    const io = rootIo();
    t.equal(await install([...argv, '--role-arn', ARN], io), 78, `${argv.join(' ')}: exit 78 (EX_CONFIG)`);
    t.same(io.events, [], 'nothing written, nothing run');
    t.equal(io.err, `imdsd: imdsd install as root: ${PACKAGE.cli} is owned by uid 1000, so a user other than root can change the code this install and its units run (fix: install node and imdsd where only root can write (e.g. Debian's nodejs and \`sudo npm install -g imdsd\`), then run that imdsd with sudo; or add --force to install anyway)\n`, 'one line: the path and the fix');
  }
  const above = rootIo({ pathInfo: { '/usr': { uid: 1000, gid: 1000, mode: 0o40755, symlink: false } } });
  t.equal(await install(['--system', '--user', 'ci', '--role-arn', ARN], above), 78, 'a directory above them: refused too');
  t.match(above.err, /^imdsd: imdsd install as root: \/usr is owned by uid 1000/, 'naming the directory');

  const forced = rootIo();
  t.equal(await install(['--system', '--user', 'ci', '--role-arn', ARN, '--force'], forced), 0, `--force: installed (${forced.err})`);
  t.match(forced.err, `imdsd: note: --force: installing although ${PACKAGE.cli} is owned by uid 1000`, 'with a note saying what was accepted');
  t.ok(forced.events.includes(`write ${SYSTEM_UNIT} 0644`), 'and the unit written');

  const shown = rootIo();
  t.equal(await install(['--system', '--user', 'ci', '--role-arn', ARN, '--dry-run'], shown), 0, '--dry-run only shows: not refused');
  const user = linux({ pathInfo: unsafeCli });
  t.equal(await install(['--profile', 'dev'], user), 0, 'a user install as the user: not checked (it runs the user\'s own code)');
  const safe = rootIo({ pathInfo: {} });
  t.equal(await install(['--system', '--user', 'ci', '--role-arn', ARN], safe), 0, 'root\'s node and CLI: installed');
  t.equal(safe.err, '', 'without a note');
});

t.test('a package under /tmp: exit 78, one line with the fix, nothing written; --print says it as a comment', async (t) => {
  const tmp = { ...PACKAGE, root: '/tmp/imdsd', cli: '/tmp/imdsd/dist/src/cli/main.js' };
  const io = linux({ files: { [tmp.cli]: '' } });
  t.equal(await install(['--profile', 'dev'], io, tmp), 78, 'exit 78');
  t.same(io.events, [], 'nothing written or run');
  t.match(io.err, /^imdsd: imdsd install: \/tmp\/imdsd\/dist\/src\/cli\/main\.js, the imdsd CLI, is under \/tmp or \/var\/tmp.*\(fix: install imdsd with npm install -g, or clone outside \/tmp\)\n$/);
  const printed = linux({ files: { [tmp.cli]: '' } });
  t.equal(await install(['--profile', 'dev', '--print'], printed, tmp), 0, '--print exits 0');
  t.match(printed.out, /^# imdsd: imdsd install: \/tmp\/imdsd\/dist\/src\/cli\/main\.js, the imdsd CLI.*\(fix: .*\)\n# imdsd as a user service/);
  const linkLocal = fakeServiceIo({ platform: 'linux', uid: 0, homedir: '/root', env: { PATH: '/usr/bin', SUDO_USER: 'dev' }, files: { [tmp.cli]: '' } });
  t.equal(await install(['--link-local', '--profile', 'dev', '--force'], linkLocal, tmp), 78, 'link-local too');
  t.match(linkLocal.err, 'PrivateTmp=yes');
});
