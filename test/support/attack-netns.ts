/**
 * Both halves of test/security/other-user-attacks.test.ts's network namespace (issue 18).
 *
 * Outside (the test, as root): {@link runAttackNamespace} starts `unshare --net` with this
 * file's build (dist/test/support/attack-netns.js) and collects its JSON lines; the child
 * leads its own process group and the namespace disappears when it exits.
 *
 * Inside (the child, as root in a fresh namespace): brings up `lo` (with extra IPv6 host
 * addresses) and a veth pair holding fe80:: addresses, starts the local STS, then two
 * daemons as the owner (A on the default loopback listeners, B with `--host ::`), with
 * IMDSD_NO_NATIVE=1 when the plan says so. The owner holds keep-alive connections open
 * (attacker.py hold), probes its own access, the other user runs the attack classes and
 * the fuzz (attacker.py attack, fuzz), the owner probes again, and the daemons' log lines
 * are summed up. Nothing leaves the namespace: its only interfaces are its own.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli, type DaemonProcess, type LogLine } from './daemon-process.js';
import { classAttempts, fuzzTargets, heldConnections, HOST_V6, ownerTargets, ZONE_ATTACKER, ZONE_DEVICE, ZONE_OWNER, type AttackPlan, type Ports } from './attack-plan.js';
import { SETPRIV, type Account } from './link-local/clients.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from './sts-server.js';
import { signalGroup } from './signal.js';

export const ATTACK_CHILD = join(REPO_ROOT, 'dist', 'test', 'support', 'attack-netns.js');
export const ATTACKER = join(REPO_ROOT, 'test', 'support', 'attacker.py');
export const PYTHON = '/usr/bin/python3';
const ROLE = DEFAULT_ROLE_ARN.split('/').pop() ?? 'dev';

/** What the child printed, one object per JSON line. */
export type AttackEvent = Record<string, unknown> & { event: string };

/**
 * Runs the child in a new network namespace and collects its lines. `stop()` ends it and
 * everything it started (its own process group), only while it still runs.
 */
export function runAttackNamespace(plan: AttackPlan, timeoutMs: number): { done: Promise<{ events: AttackEvent[]; stderr: string; code: number | null }>; stop(): void } {
  // `env -i`: the test runner's spawn adds NODE_OPTIONS (its process-info and coverage hooks)
  // to every child's environment, and a daemon running as imdsd-owner would then crash at
  // exit writing the runner's .tap directory. Nothing of the runner's reaches the child.
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
  const args = ['--net', '--', '/usr/bin/env', '-i', `PATH=${env.PATH}`, 'LANG=C', process.execPath, ATTACK_CHILD, JSON.stringify(plan)];
  const child = spawn('/usr/bin/unshare', args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined && child.pid > 1) {
      try { signalGroup(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  const timer = setTimeout(stop, timeoutMs);
  const done = new Promise<{ events: AttackEvent[]; stderr: string; code: number | null }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out.split('\n').flatMap((line) => {
        try { return [JSON.parse(line) as AttackEvent]; } catch { return []; }
      });
      resolve({ events, stderr: err, code });
    });
  });
  return { done, stop };
}

function emit(event: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...fields, event })}\n`);
}

/** Only in a fresh namespace (no interface up yet); anywhere else this would change the host. */
function bringUpNamespace(): void {
  const up = Object.keys(networkInterfaces());
  if (up.length > 0) throw new Error(`not in a fresh network namespace (interfaces up: ${up.join(', ')}): refusing to touch lo`);
  const ip = (...args: string[]): void => { execFileSync('ip', args); };
  ip('link', 'set', 'lo', 'up');
  for (const address of HOST_V6) ip('-6', 'addr', 'add', `${address}/128`, 'dev', 'lo', 'nodad');
  ip('link', 'add', ZONE_DEVICE, 'type', 'veth', 'peer', 'name', 'imdsd-vb');
  ip('link', 'set', ZONE_DEVICE, 'up');
  ip('link', 'set', 'imdsd-vb', 'up');
  for (const address of [ZONE_OWNER, ...ZONE_ATTACKER]) ip('-6', 'addr', 'add', `${address}/64`, 'dev', ZONE_DEVICE, 'nodad');
}

/** A running attacker.py: its JSON lines as they come, and its end. */
interface PythonRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: AttackEvent[];
  /** The first line of `event`; rejects if the process ends without one. */
  line(event: string): Promise<AttackEvent>;
  readonly done: Promise<{ lines: AttackEvent[]; stderr: string; code: number | null }>;
}

/** attacker.py `mode` as `account`; the plan in argv (`hold`) or on stdin (the others). */
function startPython(account: Account, mode: string, plan: unknown, planInArgv = false): PythonRun {
  const env = { PATH: '/usr/bin:/bin', HOME: account.home, LANG: 'C' };
  const args = [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', PYTHON, ATTACKER, mode, ...(planInArgv ? [JSON.stringify(plan)] : [])];
  const child = spawn(SETPRIV, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: AttackEvent[] = [];
  const waiters: Array<() => void> = [];
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      try { lines.push(JSON.parse(out.slice(0, nl)) as AttackEvent); } catch { err += `${out.slice(0, nl)}\n`; }
      out = out.slice(nl + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  if (!planInArgv) child.stdin.end(JSON.stringify(plan));
  const done = new Promise<{ lines: AttackEvent[]; stderr: string; code: number | null }>((resolve) => {
    child.on('close', (code) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ lines, stderr: err, code });
    });
  });
  const line = async (event: string): Promise<AttackEvent> => {
    for (;;) {
      const found = lines.find((l) => l.event === event);
      if (found !== undefined) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`attacker.py ${mode} ended without "${event}": ${err.slice(-2000)}`);
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  return { child, lines, line, done };
}

/** attacker.py `mode` to its end: its result line, stderr and exit code. */
async function runPython(account: Account, mode: string, plan: unknown): Promise<Record<string, unknown>> {
  const run = startPython(account, mode, plan);
  const { lines, stderr, code } = await run.done;
  return { ...(lines.find((l) => l.event === mode) ?? { missing: true }), code, stderr: stderr.slice(-4000) };
}

/** Daemon `name` as the owner, with its own HOME and control socket. */
async function startDaemon(plan: AttackPlan, stsUrl: string, name: string, extra: string[]): Promise<DaemonProcess & { port: number }> {
  const home = mkdtempSync(join(plan.owner.home, `daemon-${name}-`));
  chownSync(home, plan.owner.uid, plan.owner.gid);
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin', HOME: home, LANG: 'C',
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: stsUrl,
    ...(plan.noNative ? { IMDSD_NO_NATIVE: '1' } : {}),
  };
  const launcher = [SETPRIV, `--reuid=${plan.owner.uid}`, `--regid=${plan.owner.gid}`, '--clear-groups', '--'];
  const proc = runCli(['run', '--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--region', 'us-east-1', '--no-desktop-notify',
    '--control-socket', join(home, 'control.sock'), ...extra], env, { launcher });
  const listening = await proc.waitFor((line) => line.event === 'listening', 20_000);
  return Object.assign(proc, { port: Number(listening.port) });
}

/** What the daemon logged about peers: refusals by uid and reason, every hand-out, other warnings. */
export interface LogSummary {
  readonly refused: number;
  readonly refusedByUid: Record<string, number>;
  readonly reasons: Record<string, number>;
  readonly handedOut: ReadonlyArray<{ keyId: unknown; peer: unknown }>;
  readonly warnings: readonly LogLine[];
  /** Lines that say how peers are looked up (native, netlink, /proc), for the run's comments. */
  readonly lookup: readonly LogLine[];
}

function summarize(lines: readonly LogLine[]): LogSummary {
  const refusedByUid: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  const refused = lines.filter((line) => line.event === 'peer-refused');
  for (const line of refused) {
    const uid = (line.peer as { uid?: unknown } | undefined)?.uid;
    const key = typeof uid === 'number' ? String(uid) : 'unknown';
    refusedByUid[key] = (refusedByUid[key] ?? 0) + 1;
    const reason = String(line.reason).replace(/\d+/g, 'N');
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  const handedOut = lines.filter((line) => line.event === 'handed-out').map((line) => ({ keyId: line.keyId, peer: line.peer }));
  const warnings = lines.filter((line) => line.event !== 'peer-refused' && (line.level === 'warn' || line.level === 'error' || Number(line.level) >= 40)).slice(0, 20);
  const lookup = lines.filter((line) => line.event !== 'peer-refused' && line.event !== 'handed-out'
    && /native|sock.?diag|netlink|proc\/net|NO_NATIVE/i.test(JSON.stringify(line))).slice(0, 5);
  return { refused: refused.length, refusedByUid, reasons, handedOut, warnings, lookup };
}

/** The owner's probes, the attack classes, the fuzz and the probes again, with the held connections open. */
async function attackPhase(plan: AttackPlan, a: number, b: number): Promise<void> {
  const holder = startPython(plan.owner, 'hold', { connections: heldConnections(a, b) }, true);
  try {
    const holding = await holder.line('holding');
    const held = holding.connections as Array<{ name: keyof Ports; port: number; status: number }>;
    const ports = { D: a, Z: b, ...Object.fromEntries(held.map((c) => [c.name, c.port])) } as Ports;
    emit('setup', { ports, held, holderPid: holding.pid, owner: plan.owner.uid, peer: plan.peer.uid, noNative: plan.noNative });
    const targets = ownerTargets(a, b);
    emit('probe-before', await runPython(plan.owner, 'probe', { role: ROLE, targets }));
    const started = performance.now();
    emit('attack', { ...await runPython(plan.peer, 'attack', { role: ROLE, attempts: classAttempts(ports) }), ms: performance.now() - started });
    const fuzzStarted = performance.now();
    const fuzz = { role: ROLE, seed: plan.seed, attempts: plan.fuzzAttempts, budgetSeconds: plan.fuzzBudgetSeconds, workers: 4, targets: fuzzTargets(a, b), v6Sources: ['::1', ...HOST_V6], ports: Object.values(ports) };
    emit('fuzz', { ...await runPython(plan.peer, 'fuzz', fuzz), ms: performance.now() - fuzzStarted });
    emit('probe-after', await runPython(plan.owner, 'probe', { role: ROLE, targets }));
  } finally {
    holder.child.stdin.end();
    const { lines, stderr, code } = await holder.done;
    emit('holder', { released: lines.find((l) => l.event === 'released'), code, stderr: stderr.slice(-2000) });
  }
}

async function main(plan: AttackPlan): Promise<void> {
  bringUpNamespace();
  const sts = await startStsServer();
  const daemons: Array<[string, DaemonProcess]> = [];
  try {
    const a = await startDaemon(plan, sts.url, 'a', []);
    daemons.push(['A', a]);
    const b = await startDaemon(plan, sts.url, 'b', ['--host', '::', '--allow-cidr', '192.0.2.0/32']);
    daemons.push(['B', b]);
    await attackPhase(plan, a.port, b.port);
  } finally {
    for (const [name, daemon] of daemons) {
      const exit = await daemon.stop();
      await daemon.drained;
      emit('daemon', { name, exit, log: summarize(daemon.lines), last: daemon.lines.slice(-3), stderr: daemon.stderr().slice(-2000) });
    }
    await sts.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(JSON.parse(process.argv[2] ?? '{}') as AttackPlan).catch((error: unknown) => {
    emit('error', { message: String((error as Error).stack ?? error) });
    process.exitCode = 1;
  });
}
