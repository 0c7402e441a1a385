/**
 * The inside half of test/integration/link-local-firewall.test.ts (issue 18), run as root
 * by `unshare --net` in a network namespace of its own: its `lo`, its nftables ruleset,
 * both gone when it exits. It puts the addresses up, listens on port 80 of both, lets each
 * account connect() once without the rule, then runs the address unit's own ExecStart=
 * commands (the nft batch, the addresses) and lets each connect() again, then the
 * ExecStop= commands, then start again and uninstall's delete. One JSON line per event.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';

export interface FirewallPlan {
  readonly start: string[][];
  readonly stop: string[][];
  readonly uninstall: string[][];
  /** Who connects: a name, and the uid/gid to connect as (0: root, no setpriv). */
  readonly accounts: ReadonlyArray<{ name: string; uid: number; gid: number }>;
  readonly node: string;
  readonly setpriv: string;
}

interface Ran { code: number; out: string; err: string }

const HOSTS = ['169.254.169.254', 'fd00:ec2::254'];
const CONNECT = `const s = require('node:net').connect({ host: process.argv[1], port: 80 });
s.on('connect', () => { process.stdout.write('connected'); s.destroy(); });
s.on('error', (e) => { process.stdout.write(String(e.code)); });`;

function run(argv: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', timeout: 20_000 }, (error, out, err) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 127, out, err });
    });
  });
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function runAll(phase: string, commands: readonly string[][]): Promise<void> {
  for (const argv of commands) {
    const ran = await run(argv);
    emit({ event: 'command', phase, argv, code: ran.code, err: ran.err.trim() });
  }
}

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen({ host, port: 80, ipv6Only: host.includes(':') }, () => resolve(server));
  });
}

async function attempts(plan: FirewallPlan, phase: string): Promise<void> {
  for (const account of plan.accounts) {
    for (const host of HOSTS) {
      const as = account.uid === 0 ? [] : [plan.setpriv, `--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--'];
      const ran = await run([...as, plan.node, '-e', CONNECT, host]);
      emit({ event: 'connect', phase, account: account.name, host, result: ran.out.trim() || `exit ${ran.code}: ${ran.err.trim()}` });
    }
  }
}

async function tables(phase: string): Promise<void> {
  const listed = await run(['nft', 'list', 'tables']);
  emit({ event: 'tables', phase, code: listed.code, text: listed.out });
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '{}') as FirewallPlan;
  await runAll('setup', [['ip', 'link', 'set', 'lo', 'up'], ['ip', '-4', 'addr', 'replace', '169.254.169.254/32', 'dev', 'lo'],
    ['ip', '-6', 'addr', 'replace', 'fd00:ec2::254/128', 'dev', 'lo', 'nodad']]);
  const servers = await Promise.all(HOSTS.map(listen));
  await attempts(plan, 'without-rule');
  await runAll('start', plan.start);
  const listing = await run(['nft', 'list', 'table', 'inet', 'imdsd_link_local']);
  emit({ event: 'listing', code: listing.code, text: listing.out });
  await attempts(plan, 'with-rule');
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await runAll('stop', plan.stop);
  await tables('after-stop');
  await runAll('restart', plan.start);
  await tables('after-restart');
  await runAll('uninstall', plan.uninstall);
  await tables('after-uninstall');
  emit({ event: 'done' });
}

main().catch((error: unknown) => {
  emit({ event: 'error', message: String(error) });
  process.exitCode = 1;
});
