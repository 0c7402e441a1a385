/**
 * Issue 18: in link-local mode the kernel backs the daemon's peer check. In a network
 * namespace of the test's own (`unshare --net`: its own `lo` and its own nftables ruleset;
 * the host's are never touched), the address unit's own ExecStart= commands, taken from
 * the unit `imdsd install --link-local` renders, load the rule; then a second real local
 * user's connect() to 169.254.169.254:80 and [fd00:ec2::254]:80 is reset by the kernel
 * while the unit's User= and an --allow-uid account connect. Without the rule all of them
 * connected (the same listeners), so the rule is what refuses. After the unit's ExecStop=
 * commands, and after uninstall's delete, `nft list tables` shows no table.
 */
import { signalGroup } from '../support/signal.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { firewallFinding } from '../../src/cli/doctor/link-local-checks.js';
import { linuxStopCommands, addressUnit } from '../../src/cli/service/link-local-linux.js';
import { REPO_ROOT } from '../support/daemon-process.js';
import { SETPRIV } from '../support/link-local/clients.js';
import type { FirewallPlan } from '../support/link-local/firewall-child.js';
import { localAccount, removeRunDirectory, runDirectory } from '../support/netns.js';

const CHILD = join(REPO_ROOT, 'dist', 'test', 'support', 'link-local', 'firewall-child.js');
const NFT = '/usr/sbin/nft';
const isRoot = process.getuid?.() === 0;
const skip = process.platform !== 'linux' ? 'network namespaces and nftables are Linux only'
  : !isRoot ? 'not root: cannot create a network namespace or users'
    : false;

/** systemd's quoting (systemd.syntax(7)): words, or double-quoted with backslash escapes. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? ''));
  }
  return words;
}

/** The unit's commands of one kind, the "-" (failure ignored) prefix dropped. */
function commands(unit: string, key: 'ExecStart' | 'ExecStop'): string[][] {
  return unit.split('\n').filter((line) => line.startsWith(`${key}=`)).map((line) => splitCommand(line.slice(key.length + 1).replace(/^-/, '')));
}

interface Event { event: string; [key: string]: unknown }

function runChild(plan: FirewallPlan, timeoutMs: number): Promise<{ events: Event[]; stderr: string; code: number | null }> {
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
  const child = spawn('/usr/bin/unshare', ['--net', '--', process.execPath, CHILD, JSON.stringify(plan)], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const timer = setTimeout(() => {
    // Our own child, still running (no exit code yet): its process group, nothing else.
    if (child.exitCode === null && child.signalCode === null) signalGroup(child.pid, 'SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event);
      resolve({ events, stderr: err, code });
    });
  });
}

t.test('splitCommand reads systemd\'s quoting', async (t) => {
  t.same(splitCommand('/usr/sbin/nft "a; b { \\"dev\\", 1 }" x'), ['/usr/sbin/nft', 'a; b { "dev", 1 }', 'x'], 'quoted, escaped');
});

t.test('the kernel refuses a second user, lets the allowed ones through, and no table is left', { skip, timeout: 120_000 }, async (t) => {
  for (const [path, fix] of [['/usr/bin/unshare', 'util-linux'], [SETPRIV, 'util-linux'], ['/usr/sbin/ip', 'iproute2'], [NFT, 'nftables'], [CHILD, 'npm run build']] as const) {
    if (!existsSync(path)) {
      t.fail(`${path} is missing: ${fix.startsWith('npm') ? fix : `apt-get install ${fix}`}`);
      return;
    }
  }
  const base = runDirectory();
  t.teardown(() => removeRunDirectory(base));
  const owner = localAccount('imdsd-ll-owner', base);
  const allowed = localAccount('imdsd-ll-allowed', base);
  const peer = localAccount('imdsd-ll-peer', base);
  // What `sudo imdsd install --link-local --user imdsd-ll-owner --allow-uid <allowed>` writes.
  const unit = addressUnit(NFT, 'imdsd-ll-owner', [allowed.uid]);
  const plan: FirewallPlan = {
    start: commands(unit, 'ExecStart'),
    stop: commands(unit, 'ExecStop'),
    uninstall: linuxStopCommands(NFT).filter((command) => command.cmd !== 'systemctl').map((command) => [command.cmd, ...command.args]),
    accounts: [{ name: 'owner', ...owner }, { name: 'allowed', ...allowed }, { name: 'peer', ...peer }, { name: 'root', uid: 0, gid: 0 }],
    node: process.execPath,
    setpriv: SETPRIV,
  };
  t.equal(plan.start[0]?.[0], NFT, 'the unit\'s first command is nft');
  const { events, stderr, code } = await runChild(plan, 100_000);
  t.equal(code, 0, `the namespace child finished: ${stderr}`);
  t.ok(events.some((e) => e.event === 'done'), `it ran to the end: ${JSON.stringify(events.filter((e) => e.event === 'error'))}`);
  for (const e of events.filter((e) => e.event === 'command' && e.phase !== 'uninstall' && e.phase !== 'stop')) {
    t.equal(e.code, 0, `${String(e.phase)}: ${(e.argv as string[]).join(' ').slice(0, 80)} exits 0 ${String(e.err)}`);
  }
  const connects = (phase: string, account: string) => events.filter((e) => e.event === 'connect' && e.phase === phase && e.account === account).map((e) => `${String(e.host)} ${String(e.result)}`);
  for (const account of ['owner', 'allowed', 'peer', 'root']) {
    t.same(connects('without-rule', account), ['169.254.169.254 connected', 'fd00:ec2::254 connected'], `without the rule ${account} connects (so the rule is what refuses)`);
  }
  t.same(connects('with-rule', 'owner'), ['169.254.169.254 connected', 'fd00:ec2::254 connected'], 'with the rule: User= connects over both addresses');
  t.same(connects('with-rule', 'allowed'), ['169.254.169.254 connected', 'fd00:ec2::254 connected'], 'and the --allow-uid account');
  t.same(connects('with-rule', 'peer'), ['169.254.169.254 ECONNREFUSED', 'fd00:ec2::254 ECONNREFUSED'], 'a second user\'s connect() is reset by the kernel, over both');
  t.same(connects('with-rule', 'root'), ['169.254.169.254 ECONNREFUSED', 'fd00:ec2::254 ECONNREFUSED'], 'root is not on the list either (the daemon refuses it too)');
  const listing = events.find((e) => e.event === 'listing');
  t.match(String(listing?.text), `meta skuid != { ${owner.uid}, ${allowed.uid} } reject with tcp reset`, 'nft lists exactly the allowed uids');
  t.match(firewallFinding({ listing: { kind: 'listed', text: String(listing?.text) }, unit }), { level: 'ok', title: `the kernel rule is in place: only uids ${owner.uid}, ${allowed.uid} may connect to 169.254.169.254:80 and [fd00:ec2::254]:80` }, 'doctor reads the real listing');
  const tables = (phase: string) => String(events.find((e) => e.event === 'tables' && e.phase === phase)?.text);
  t.equal(tables('after-stop'), '', 'after the unit\'s ExecStop=: no table at all');
  t.match(tables('after-restart'), 'table inet imdsd_link_local', 'started again: the table is back');
  t.equal(tables('after-uninstall'), '', 'after uninstall\'s commands: no table at all');
});
