/**
 * The systemd units as systemd reads them: rendered on this machine with
 * `imdsd install --print --platform linux` and checked by the real `systemd-analyze verify`
 * (Debian package `systemd`). verify needs the ExecStart binary to exist, so the units
 * name the real node and the built CLI (`npm run build` first). Unknown keys and bad
 * values are only warnings with exit 0, so any line naming the unit file is a failure too.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInstall } from '../../../src/cli/service/install.js';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';
const INSTALL_SYSTEMD = 'systemd-analyze is missing: install the Debian/Ubuntu package "systemd" (apt-get install -y systemd); these tests never skip';

async function printUnit(argv: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin' }): Promise<string> {
  const io = fakeServiceIo({ platform: 'linux', env, homedir: '/home/dev', uid: 1000 });
  const code = await runInstall(['--print', '--platform', 'linux', ...argv], io);
  if (code !== 0) throw new Error(`exit ${code}: ${io.err}`);
  return io.out;
}

interface Analysis { readonly status: number | null; readonly output: string; readonly missing: boolean }

/**
 * `systemd-analyze [--user] verify` on a copy named imdsd.service. User mode needs a
 * runtime directory to exist (it fails with "Failed to lookup RuntimeDirectory path"
 * without XDG_RUNTIME_DIR), so it gets a fresh one.
 */
function analyze(unit: string, args: string[]): Analysis {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-unit-'));
  const file = join(dir, 'imdsd.service');
  writeFileSync(file, unit);
  const runtime = mkdtempSync(join(tmpdir(), 'imdsd-xdg-'));
  const result = spawnSync('systemd-analyze', [...args, file], {
    encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' },
  });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, missing };
}

function verified(t: Test, unit: string, user: boolean, what: string): void {
  t.ok(existsSync(PACKAGE.cli), `${PACKAGE.cli} exists (run \`npm run build\` first)`);
  const result = analyze(unit, user ? ['--user', 'verify'] : ['verify']);
  if (result.missing) {
    t.fail(INSTALL_SYSTEMD);
    return;
  }
  t.equal(result.status, 0, `${what}: systemd-analyze${user ? ' --user' : ''} verify exits 0\n${result.output}`);
  const complaints = result.output.split('\n').filter((line) => line.includes('imdsd.service'));
  t.same(complaints, [], `${what}: no warning about the unit`);
}

const HARDENING = [
  'Type=simple', 'Restart=on-failure', 'RestartSec=10', 'ExecReload=/bin/kill -HUP $MAINPID', 'KillSignal=SIGTERM', 'TimeoutStopSec=10',
  'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=read-only', 'PrivateTmp=yes', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
  'UMask=0077', 'LockPersonality=yes', 'RestrictRealtime=yes', 'RestrictSUIDSGID=yes', 'SystemCallArchitectures=native',
  'ProtectKernelTunables=yes', 'ProtectKernelModules=yes', 'ProtectControlGroups=yes', 'RuntimeDirectory=imdsd', 'RuntimeDirectoryMode=0700',
];

function hardened(t: Test, unit: string, what: string): void {
  for (const line of HARDENING) t.match(unit, new RegExp(`^${line.replace(/[$]/g, '\\$')}$`, 'm'), `${what}: ${line}`);
  t.notMatch(unit, /^MemoryDenyWriteExecute=/m, `${what}: MemoryDenyWriteExecute is not set`);
  t.match(unit, /^# MemoryDenyWriteExecute= is deliberately NOT set: V8's JIT/m, `${what}: and the comment says why`);
  t.notMatch(unit, /\{\{|\}\}/, `${what}: no placeholder is left`);
}

t.test('the user unit passes systemd-analyze --user verify and is hardened', async (t) => {
  const unit = await printUnit(['--role-arn', ARN, '--port', '1400']);
  t.match(unit, `\nExecStart="${process.execPath}" "${PACKAGE.cli}" "run" "--role-arn" "${ARN}" "--port" "1400"\n`, 'absolute node and CLI, quoted');
  t.match(unit, '\nEnvironment="PATH=/usr/local/bin:/usr/bin"\nEnvironment="HOME=/home/dev"\n', 'PATH and HOME');
  t.match(unit, /^ReadWritePaths=%t\/imdsd -%h\/.aws\/sso\/cache$/m, 'writable: the control socket directory, the SSO cache');
  t.match(unit, /^WantedBy=default.target$/m, 'starts with the user session');
  t.notMatch(unit, /^User=/m, 'no User= in a user unit');
  hardened(t, unit, 'user unit');
  verified(t, unit, true, 'user unit');
  verified(t, unit, false, 'user unit in system mode');
});

t.test('the system unit passes systemd-analyze verify, runs as User= and scores OK', async (t) => {
  const unit = await printUnit(['--system', '--user', 'ci', '--profile', 'build'], { PATH: '/usr/bin', AWS_REGION: 'eu-west-1' });
  t.match(unit, /^User=ci$/m, 'User=');
  t.match(unit, `\nExecStart="${process.execPath}" "${PACKAGE.cli}" "run" "--profile" "build"\n`, 'ExecStart');
  t.match(unit, '\nEnvironment="PATH=/usr/bin"\nEnvironment="AWS_REGION=eu-west-1"\n', 'no HOME: systemd sets it from User=');
  t.match(unit, /^Environment=IMDSD_CONTROL_SOCKET=%t\/imdsd\/control.sock$/m, 'the control socket goes to /run/imdsd');
  t.match(unit, /^WantedBy=multi-user.target$/m, 'starts at boot');
  t.match(unit, /^After=network-online.target$/m, 'after the network');
  hardened(t, unit, 'system unit');
  verified(t, unit, false, 'system unit');
  const security = analyze(unit, ['security', '--offline=yes', '--threshold=40']);
  if (security.missing) t.fail(INSTALL_SYSTEMD);
  t.equal(security.status, 0, `systemd-analyze security rates the system unit 4.0 or better\n${security.output.split('\n').slice(-3).join('\n')}`);
});

t.test('arguments and environment values with quotes, backslashes, % and $ stay valid', async (t) => {
  const nasty = 'a b"c\\d%e$f\'g&h';
  const unit = await printUnit(['--profile', nasty], { PATH: '/usr/bin', AWS_CONFIG_FILE: `/home/dev/${nasty}` });
  t.match(unit, ' "--profile" "a b\\"c\\\\d%%e$$f\'g&h"\n', 'ExecStart= argument: \\" \\\\ %% $$');
  t.match(unit, '\nEnvironment="AWS_CONFIG_FILE=/home/dev/a b\\"c\\\\d%%e$f\'g&h"\n', 'Environment=: \\" \\\\ %% and a plain $');
  verified(t, unit, true, 'user unit with odd values');
});

t.test('the verify check has teeth: a broken unit fails it', async (t) => {
  const unit = await printUnit(['--profile', 'dev']);
  const broken = [
    unit.replace(/^ExecStart=.*$/m, 'ExecStart="/usr/bin/node "unbalanced'),
    unit.replace(/^Type=simple$/m, 'Type=simple\nNoSuchOption=yes'),
    unit.replace(/^ExecStart="[^"]*"/m, 'ExecStart="/nonexistent/node"'),
  ];
  for (const [i, text] of broken.entries()) {
    const result = analyze(text, ['verify']);
    if (result.missing) {
      t.fail(INSTALL_SYSTEMD);
      continue;
    }
    t.ok(result.status !== 0 || result.output.includes('imdsd.service'), `broken unit ${i} is reported:\n${result.output}`);
  }
});
