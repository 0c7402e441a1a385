/**
 * Issue 14 on macOS, as text: there is no launchd or pfctl in CI, so the LaunchDaemon is
 * parsed as a plist and the pf anchor and commands are compared line by line. What macOS
 * does with them is not tested here (docs/link-local.md, "macOS (launchd and pf)").
 */
import t from 'tap';
import { runInstall } from '../../../src/cli/service/install.js';
import { bootScript, macosStopCommands, MACOS_PATHS, redirectPort } from '../../../src/cli/service/link-local-macos.js';
import { configFromFlags, parseRunArgs } from '../../../src/config/run-args.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';
import { parsePlist } from '../../support/plist.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';
const [PLIST = '', ANCHOR = ''] = MACOS_PATHS;

t.test('--print --platform macos shows the LaunchDaemon and the pf anchor', async (t) => {
  const io = fakeServiceIo({ platform: 'linux', uid: 1000 });
  t.equal(await runInstall(['--link-local', '--print', '--platform', 'macos', '--role-arn', ARN, '--port', '1400'], io), 0, `exit 0 (${io.err})`);
  const [, plistPath, plist = '', anchorPath, anchor = ''] = io.out.split(/^==> (.+) <==\n/m);
  t.equal(plistPath, '/Library/LaunchDaemons/dev.imdsd.link-local.plist', 'a LaunchDaemon, loaded at every boot');
  t.equal(anchorPath, '/etc/pf.anchors/dev.imdsd', 'and its anchor file');
  t.same(parsePlist(plist.trim()), {
    Label: 'dev.imdsd.link-local',
    ProgramArguments: ['/bin/sh', '-c', bootScript()],
    RunAtLoad: true,
    StandardErrorPath: '/var/log/imdsd-link-local.log',
  }, 'the plist parses and runs the boot script once per boot, as root');
  t.match(anchor, /^rdr pass on lo0 inet proto tcp from any to 169\.254\.169\.254 port 80 -> 127\.0\.0\.1 port 1400$/m, 'port 80 of 169.254.169.254 goes to the agent\'s port');
  t.match(anchor, /^rdr pass on lo0 inet6 proto tcp from any to fd00:ec2::254 port 80 -> ::1 port 1400$/m, 'and of fd00:ec2::254, to ::1');
});

t.test('the boot script aliases both addresses on lo0 and loads the anchor under com.apple/', async (t) => {
  t.same(bootScript().split('; '), [
    '/sbin/ifconfig lo0 alias 169.254.169.254 netmask 255.255.255.255',
    '/sbin/ifconfig lo0 inet6 alias fd00:ec2::254 prefixlen 128',
    '/sbin/pfctl -a com.apple/dev.imdsd -f /etc/pf.anchors/dev.imdsd',
    '/sbin/pfctl -E',
  ], 'in order');
  t.same(macosStopCommands().map((c) => [c.cmd, ...c.args].join(' ')), [
    'launchctl bootout system/dev.imdsd.link-local',
    '/sbin/pfctl -a com.apple/dev.imdsd -F all',
    '/sbin/ifconfig lo0 -alias 169.254.169.254',
    '/sbin/ifconfig lo0 inet6 fd00:ec2::254 -alias',
  ], 'uninstall undoes each step now');
});

t.test('sudo imdsd install --link-local loads the LaunchDaemon; uninstall removes all of it', async (t) => {
  const io = fakeServiceIo({ platform: 'darwin', homedir: '/var/root', uid: 0, env: { PATH: '/usr/bin', SUDO_USER: 'me' } });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], io), 0, `exit 0 (${io.err})`);
  t.same(io.events, [`write ${PLIST} 0644`, `write ${ANCHOR} 0644`, 'run launchctl bootout system/dev.imdsd.link-local',
    `run launchctl bootstrap system ${PLIST}`], 'files, then launchctl');
  t.match(io.files.get(ANCHOR)?.content, '127.0.0.1 port 1338', 'the default port');
  t.match(io.out, 'without sudo: imdsd install --link-local --profile NAME', 'says how to run the agent in this mode');
});

t.test('without sudo on macOS, --link-local installs the user\'s agent in that mode', async (t) => {
  const io = fakeServiceIo({ platform: 'darwin', homedir: '/Users/me', uid: 501, files: { [(await import('../../../src/cli/service/package-paths.js')).PACKAGE.cli]: '' } });
  t.equal(await runInstall(['--link-local', '--role-arn', ARN], io), 0, `exit 0 (${io.err})`);
  t.match(io.files.get('/Users/me/Library/LaunchAgents/dev.imdsd.agent.plist')?.content, '<string>--link-local</string>', 'the agent runs with --link-local');
  t.match(io.out, 'once `sudo imdsd install --link-local` has run, SDKs find http://169.254.169.254/ with no variable set', 'and needs no variable');
});

t.test('pf needs a fixed port', async (t) => {
  const config = await configFromFlags(parseRunArgs(['--role-arn', ARN, '--port', '0']), {});
  t.throws(() => redirectPort(config), { code: 'IMDSD_ERR_CONFIG', message: /--port 0/ }, '--port 0 is refused');
});
