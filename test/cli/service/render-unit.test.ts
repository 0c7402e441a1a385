/**
 * The systemd units as systemd reads them: rendered on this machine with
 * `imdsd install --print --platform linux` and checked by the real `systemd-analyze verify`
 * (Debian package `systemd`). verify needs the ExecStart binary to exist, so the units
 * name the real node and the built CLI (`npm run build` first). Unknown keys and bad
 * values are only warnings with exit 0, so any line naming the unit file is a failure too.
 */
import t, { type Test } from 'tap';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { INSTALL_SYSTEMD, analyze, printUnits, verified } from '../../support/systemd-analyze.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';


const HARDENING = [
  'Type=simple', 'Restart=on-failure', 'RestartSec=100ms', 'RestartPreventExitStatus=78', 'StartLimitIntervalSec=30', 'StartLimitBurst=30',
  'ExecReload=/bin/kill -HUP $MAINPID', 'KillSignal=SIGTERM', 'TimeoutStopSec=10',
  'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=read-only', 'PrivateTmp=yes', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
  'UMask=0077', 'LockPersonality=yes', 'RestrictRealtime=yes', 'RestrictSUIDSGID=yes', 'SystemCallArchitectures=native',
  'ProtectKernelTunables=yes', 'ProtectKernelModules=yes', 'ProtectControlGroups=yes', 'RuntimeDirectory=imdsd', 'RuntimeDirectoryMode=0700', 'RuntimeDirectoryPreserve=restart',
];

function hardened(t: Test, unit: string, what: string): void {
  for (const line of HARDENING) t.match(unit, new RegExp(`^${line.replace(/[$]/g, '\\$')}$`, 'm'), `${what}: ${line}`);
  t.notMatch(unit, /^MemoryDenyWriteExecute=/m, `${what}: MemoryDenyWriteExecute is not set`);
  t.match(unit, /^# MemoryDenyWriteExecute= is deliberately NOT set: V8's JIT/m, `${what}: and the comment says why`);
  t.notMatch(unit, /\{\{|\}\}/, `${what}: no placeholder is left`);
}

t.test('the user unit passes systemd-analyze --user verify and is hardened', async (t) => {
  const { service: unit, socket } = await printUnits(['--role-arn', ARN, '--port', '1400']);
  t.match(unit, `\nExecStart="${process.execPath}" "${PACKAGE.cli}" "run" "--role-arn" "${ARN}" "--port" "1400"\n`, 'absolute node and CLI, quoted');
  t.match(unit, '\nEnvironment="PATH=/usr/local/bin:/usr/bin"\nEnvironment="HOME=/home/dev"\n', 'PATH and HOME');
  t.match(unit, /^ReadWritePaths=%t\/imdsd -%h\/.aws\/sso\/cache$/m, 'writable: the control socket directory, the SSO cache');
  t.match(unit, /^WantedBy=default.target$/m, 'starts with the user session');
  t.notMatch(unit, /^User=/m, 'no User= in a user unit');
  t.match(unit, /^PrivateUsers=yes$/m, 'PrivateUsers=: systemd 252 applies the file-system hardening of a non-root user unit only with it');
  hardened(t, unit, 'user unit');
  verified(t, unit, true, 'user unit', socket);
  verified(t, unit, false, 'user unit in system mode', socket);
});

t.test('the system unit passes systemd-analyze verify, runs as User= and scores OK', async (t) => {
  const { service: unit, socket } = await printUnits(['--system', '--user', 'ci', '--profile', 'build'], { PATH: '/usr/bin', AWS_REGION: 'eu-west-1' });
  t.match(unit, /^User=ci$/m, 'User=');
  t.match(unit, `\nExecStart="${process.execPath}" "${PACKAGE.cli}" "run" "--profile" "build"\n`, 'ExecStart');
  t.match(unit, '\nEnvironment="PATH=/usr/bin"\nEnvironment="AWS_REGION=eu-west-1"\n', 'no HOME: systemd sets it from User=');
  t.match(unit, /^Environment=IMDSD_CONTROL_SOCKET=%t\/imdsd\/control.sock$/m, 'the control socket goes to /run/imdsd');
  t.match(unit, /^WantedBy=multi-user.target$/m, 'starts at boot');
  t.match(unit, /^After=network-online.target$/m, 'after the network');
  hardened(t, unit, 'system unit');
  verified(t, unit, false, 'system unit', socket);
  const security = analyze(unit, ['security', '--offline=yes', '--threshold=40'], socket);
  if (security.missing) t.fail(INSTALL_SYSTEMD);
  t.equal(security.status, 0, `systemd-analyze security rates the system unit 4.0 or better\n${security.output.split('\n').slice(-3).join('\n')}`);
});

t.test('arguments and environment values with quotes, backslashes, % and $ stay valid', async (t) => {
  const nasty = 'a b"c\\d%e$f\'g&h';
  const { service: unit, socket } = await printUnits(['--profile', nasty], { PATH: '/usr/bin', AWS_CONFIG_FILE: `/home/dev/${nasty}` });
  t.match(unit, ' "--profile" "a b\\"c\\\\d%%e$$f\'g&h"\n', 'ExecStart= argument: \\" \\\\ %% $$');
  t.match(unit, '\nEnvironment="AWS_CONFIG_FILE=/home/dev/a b\\"c\\\\d%%e$f\'g&h"\n', 'Environment=: \\" \\\\ %% and a plain $');
  verified(t, unit, true, 'user unit with odd values', socket);
});

t.test('the verify check has teeth: a broken unit fails it', async (t) => {
  const { service: unit, socket } = await printUnits(['--profile', 'dev']);
  const broken = [
    unit.replace(/^ExecStart=.*$/m, 'ExecStart="/usr/bin/node "unbalanced'),
    unit.replace(/^Type=simple$/m, 'Type=simple\nNoSuchOption=yes'),
    unit.replace(/^ExecStart="[^"]*"/m, 'ExecStart="/nonexistent/node"'),
  ];
  for (const [i, text] of broken.entries()) {
    const result = analyze(text, ['verify'], socket);
    if (result.missing) {
      t.fail(INSTALL_SYSTEMD);
      continue;
    }
    t.ok(result.status !== 0 || result.output.includes('imdsd.service'), `broken unit ${i} is reported:\n${result.output}`);
  }
});
