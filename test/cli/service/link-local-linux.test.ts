/**
 * Issue 14 on Linux: the three units of link-local mode, rendered as `imdsd install
 * --link-local --print --platform linux` writes them and checked by the real
 * `systemd-analyze verify` (npm run build first: verify needs the ExecStart binary).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runInstall } from '../../../src/cli/service/install.js';
import { linkLocalService, linuxInstallCommands, linuxStopCommands, LINUX_UNIT_PATHS, withLinkLocalPort } from '../../../src/cli/service/link-local-linux.js';
import { nftRuleset } from '../../../src/cli/service/link-local-firewall.js';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';

/** `--print` output split into its files (head(1)'s `==> PATH <==` separators). */
function splitPrinted(text: string): Map<string, string> {
  const parts = text.split(/^==> (.+) <==\n/m);
  const files = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) files.set(parts[i] ?? '', (parts[i + 1] ?? '').replace(/\n$/, ''));
  return files;
}

async function printed(args: string[]): Promise<Map<string, string>> {
  const io = fakeServiceIo({ platform: 'linux', uid: 1000, env: { PATH: '/usr/bin:/bin' } });
  t.equal(await runInstall(['--link-local', '--print', '--platform', 'linux', ...args], io), 0, `install --link-local --print ${args.join(' ')} exits 0 (${io.err})`);
  return splitPrinted(io.out);
}

t.test('--print shows every file: the address unit, the socket unit, the service', async (t) => {
  const files = await printed(['--role-arn', ARN, '--user', 'dev']);
  t.same([...files.keys()], LINUX_UNIT_PATHS, 'three units under /etc/systemd/system');
  const [address = '', socket = '', service = ''] = LINUX_UNIT_PATHS.map((path) => files.get(path) ?? '');
  t.match(address, /^ExecStart=ip -4 addr replace 169\.254\.169\.254\/32 dev lo$/m, 'puts 169.254.169.254/32 on lo');
  t.match(address, /^ExecStart=-ip -6 addr replace fd00:ec2::254\/128 dev lo nodad$/m, 'and fd00:ec2::254/128');
  t.match(address, /^ExecStop=-ip -4 addr del 169\.254\.169\.254\/32 dev lo$/m, 'and takes it away on stop');
  t.match(address, /^RemainAfterExit=yes$/m, 'stays active, so stopping it runs ExecStop');
  t.match(socket, /^ListenStream=169\.254\.169\.254:80$/m, 'root\'s socket unit listens on 169.254.169.254:80');
  t.match(socket, /^ListenStream=\[fd00:ec2::254\]:80$/m, 'and [fd00:ec2::254]:80');
  t.match(socket, /^Requires=imdsd-link-local-address.service$/m, 'after the address is there');
  t.match(service, /^User=dev$/m, 'the daemon runs as the given user');
  t.match(service, /"--link-local" "--port" "80"\n/, 'in link-local mode, on the socket\'s port');
  t.match(service, /^Requires=imdsd-link-local.socket$/m, 'with the sockets systemd passes');
  t.match(service, /^RuntimeDirectory=imdsd-link-local$/m, 'its own runtime directory');
  t.match(service, /^Environment=IMDSD_CONTROL_SOCKET=%t\/imdsd-link-local\/control.sock$/m, 'and control socket');
  t.notMatch(service, /\/imdsd\/|=imdsd$|-link-local-link-local/m, 'no path of the --system unit is left, none doubled');
});

t.test('the service has exactly the --system unit\'s hardening', async (t) => {
  const system = fakeServiceIo({ platform: 'linux', uid: 0, env: { PATH: '/usr/bin:/bin' } });
  await runInstall(['--system', '--user', 'dev', '--print', '--platform', 'linux', '--role-arn', ARN], system);
  const service = (await printed(['--role-arn', ARN, '--user', 'dev'])).get(LINUX_UNIT_PATHS[2] ?? '') ?? '';
  const hardening = (unit: string) => unit.split('\n').filter((line) => /^(NoNewPrivileges|CapabilityBoundingSet|Protect\w+|Private\w+|Restrict\w+|LockPersonality|SystemCallArchitectures|UMask)=/.test(line));
  t.ok(hardening(system.out).length >= 15, 'the --system unit is hardened');
  t.same(hardening(service), hardening(system.out), 'the link-local service has the same lines');
});

t.test('systemd-analyze verify accepts the three units', async (t) => {
  const files = await printed(['--role-arn', ARN, '--user', 'daemon']);
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-ll-units-'));
  const paths = [...files].map(([path, content]) => {
    const file = join(dir, path.split('/').pop() ?? '');
    writeFileSync(file, content);
    return file;
  });
  t.ok(PACKAGE.cli, 'the service names the built CLI');
  const result = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    t.fail('systemd-analyze is missing: apt-get install -y systemd');
    return;
  }
  t.equal(result.status, 0, `verify exits 0: ${result.stdout}${result.stderr}`);
  t.same(`${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('imdsd-link-local')), [], 'no warning about any of them');
});

t.test('the daemon matches passed sockets by port: 80, whatever else was given', async (t) => {
  t.same(withLinkLocalPort(['--profile', 'dev']), ['--profile', 'dev', '--port', '80'], 'added');
  t.same(withLinkLocalPort(['--port', '80']), ['--port', '80'], 'kept');
  t.throws(() => withLinkLocalPort(['--port', '1338']), { code: 'IMDSD_ERR_CONFIG', message: /--port 1338 cannot be used on Linux/ }, 'another port is refused');
});

t.test('commands: enable all three, start afresh; uninstall removes the address too', async (t) => {
  t.same(linuxInstallCommands().map((c) => [c.cmd, ...c.args].join(' ')), [
    'systemctl daemon-reload',
    'systemctl enable imdsd-link-local-address.service imdsd-link-local.socket imdsd-link-local.service',
    'systemctl stop imdsd-link-local.service imdsd-link-local.socket',
    'systemctl restart imdsd-link-local-address.service',
    'systemctl start imdsd-link-local.socket imdsd-link-local.service',
  ], 'in order');
  t.same(linuxStopCommands().map((c) => [c.cmd, ...c.args].join(' ')), [
    'systemctl disable --now imdsd-link-local.service imdsd-link-local.socket imdsd-link-local-address.service',
    'ip -4 addr del 169.254.169.254/32 dev lo',
    'ip -6 addr del fd00:ec2::254/128 dev lo',
  ], 'stop, then make sure the addresses are gone');
});

t.test('a system unit template that no longer matches is a loud error', async (t) => {
  t.throws(() => linkLocalService('[Service]\nExecStart=x\n'), /no longer matches/, 'not a silently wrong unit');
});

/** `--print` on a machine where nft is at /usr/sbin/nft (fake files), the address unit. */
async function addressWithNft(args: string[], files: Record<string, string> = { '/usr/sbin/nft': '' }): Promise<{ unit: string; err: string }> {
  const io = fakeServiceIo({ platform: 'linux', uid: 1000, env: { PATH: '/usr/bin:/bin' }, files });
  t.equal(await runInstall(['--link-local', '--print', '--platform', 'linux', '--role-arn', ARN, ...args], io), 0, `exit 0 (${io.err})`);
  return { unit: splitPrinted(io.out).get(LINUX_UNIT_PATHS[0] ?? '') ?? '', err: io.err };
}

t.test('issue 18: the address unit loads the kernel rule first, for User= and --allow-uid, and removes it on stop', async (t) => {
  const { unit } = await addressWithNft(['--user', 'dev', '--allow-uid', '1005']);
  const starts = unit.split('\n').filter((line) => line.startsWith('ExecStart='));
  t.equal(starts.length, 3, 'three ExecStart=: nft, then the two addresses');
  t.equal(starts[0], `ExecStart=/usr/sbin/nft "${nftRuleset(['\\"dev\\"', '1005'])}"`, 'nft first, by absolute path, allowing dev and uid 1005');
  t.match(starts[1], /^ExecStart=ip -4 addr replace/, 'then the address');
  t.match(unit, /^ExecStop=-\/usr\/sbin\/nft delete table inet imdsd_link_local$/m, 'stop deletes the table');
  const stops = unit.split('\n').filter((line) => line.startsWith('ExecStop='));
  t.match(stops.pop(), /nft delete table/, 'after the addresses are gone');
  const { unit: bare } = await addressWithNft(['--user', 'dev'], {});
  t.notMatch(bare, /nft "/, 'without nft: no rule');
  t.match(bare, /^# No nftables rule: nft was not installed/m, 'and the unit says so');
  const dry = fakeServiceIo({ platform: 'linux', uid: 1000, env: { PATH: '/usr/bin:/bin' } });
  t.equal(await runInstall(['--link-local', '--dry-run', '--platform', 'linux', '--role-arn', ARN, '--user', 'dev'], dry), 0, '--dry-run: exit 0');
  t.match(dry.err, /^imdsd: note: nft is not installed \(looked in .*\): no kernel rule will back the peer check[^\n]*\n$/, 'a plan says so in one line');
});

t.test('issue 18: systemd-analyze verify accepts the address unit with the rule', { skip: !existsSync('/usr/sbin/nft') && 'nft not installed (apt-get install nftables)' }, async (t) => {
  const { unit } = await addressWithNft(['--user', 'daemon', '--allow-uid', '1005']);
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-ll-nft-'));
  const file = join(dir, 'imdsd-link-local-address.service');
  writeFileSync(file, unit);
  const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  t.equal(result.status, 0, `verify exits 0: ${result.stdout}${result.stderr}`);
  t.same(`${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('imdsd-link-local')), [], 'no warning about it');
});

t.test('issue 18: uninstall deletes the table too, where nft is', async (t) => {
  t.same(linuxStopCommands('/usr/sbin/nft').map((c) => [c.cmd, ...c.args].join(' ')).slice(-1), ['/usr/sbin/nft delete table inet imdsd_link_local'], 'last');
  t.ok(linuxStopCommands('/usr/sbin/nft').at(-1)?.mayFail, 'a table already gone is fine');
});
