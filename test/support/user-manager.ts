/**
 * A real systemd user manager for tests, without booting systemd. As root, inside a
 * private mount namespace (`unshare -m`), tmpfs mounts provide what PID 1 and the system
 * would have at boot: /run/systemd with `system/` (so the manager believes systemd is
 * booted) and `inaccessible/` (the nodes a root manager bind-mounts for
 * InaccessiblePaths=, ProtectKernelTunables= and ProtectKernelLogs=; without them those
 * fail with 226/NAMESPACE), and a journald of its own writing to a tmpfs /run/log, so
 * `systemctl --user status` shows the service's lines. Then `/lib/systemd/systemd --user`
 * runs in a cgroup of its own (see cgroup-sandbox.ts) with a throwaway HOME,
 * XDG_CONFIG_HOME and XDG_RUNTIME_DIR; `systemctl --user` reaches it through
 * `$XDG_RUNTIME_DIR/systemd/private`, no D-Bus needed. Nothing outside the namespace
 * changes but the cgroup, which stop() removes.
 *
 * The directories live under /dev/shm, not /tmp: the unit's PrivateTmp= hides /tmp and
 * /var/tmp from the service, as it would hide a home directory placed there. A checkout
 * that lives there itself is shown to the manager's units with expose(): a read-only bind
 * mount made in the manager's mount namespace only, on an empty directory under /var/lib
 * (root's own: a root `imdsd install` refuses a CLI below the world-writable /dev/shm).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cgroupSandbox } from './cgroup-sandbox.js';
import { MANAGER_DIR_PREFIX, recordManager, removeStaleManagers, sandboxId } from './stale-managers.js';
import { systemctl, type Ran } from './systemctl.js';

export const SYSTEMD_BINARY = '/lib/systemd/systemd';
const JOURNALD_BINARY = '/lib/systemd/systemd-journald';
/** Not hidden by the unit's PrivateTmp=, unlike /tmp and /var/tmp. */
const BASE_DIR = '/dev/shm';
/** Where exposed directories are mounted: root's own, so a root install accepts what is there. */
const EXPOSE_DIR = '/var/lib';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `env -i`: the manager hands its environment to every unit, and the test runner's spawn
 * adds NODE_OPTIONS (coverage hooks) to every child's; the daemon must not inherit those.
 */
function prepareScript(enterCgroup: string, env: NodeJS.ProcessEnv): string {
  const assignments = Object.entries(env).map(([name, value]) => shellQuote(`${name}=${value ?? ''}`)).join(' ');
  return [
    'set -e',
    enterCgroup,
    'mkdir -p /run/systemd /run/log',
    'mount -t tmpfs -o mode=0755 imdsd-test /run/systemd',
    'mount -t tmpfs -o mode=0755 imdsd-test /run/log',
    'if [ -d /var/log/journal ]; then mount -t tmpfs imdsd-test /var/log/journal; fi',
    'mkdir /run/systemd/system /run/systemd/inaccessible /run/systemd/journal',
    '(cd /run/systemd/inaccessible && mkdir -m 0 dir && touch reg && chmod 0 reg && mkfifo -m 0 fifo && mknod -m 0 chr c 0 0 && mknod -m 0 blk b 0 0)',
    // The shell becomes the manager (exec below), so journald goes when the manager goes.
    `setpriv --pdeathsig TERM ${JOURNALD_BINARY} </dev/null >/dev/null 2>&1 &`,
    'for i in $(seq 50); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done',
    `exec env -i ${assignments} ${SYSTEMD_BINARY} --user`,
  ].join('\n');
}

export interface UserManager {
  readonly pid: number;
  readonly home: string;
  /** HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR, PATH and LANG: what a login shell of this user has. */
  readonly env: NodeJS.ProcessEnv;
  /** `systemctl --user …` run inside the namespace, where the journal is (for `status`). */
  systemctlInside(args: readonly string[]): Promise<Ran>;
  /** Any command run inside the manager's mount namespace, with `env`. */
  runInside(command: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran>;
  /**
   * Bind-mounts `hostDir` read-only at a new directory under the manager's own (outside
   * /tmp), in the manager's mount namespace only; resolves with that directory, which the
   * manager's units see and the host sees empty.
   */
  expose(hostDir: string): Promise<string>;
  /** Stops the manager (and with it every unit), kills what is left, removes the directories. */
  stop(): Promise<void>;
}

export type ManagerStart = { readonly ok: true; readonly manager: UserManager } | { readonly ok: false; readonly reason: string };

/** Why a manager cannot run here, or undefined when it can be tried. */
function missingPrerequisite(): string | undefined {
  if (process.platform !== 'linux') return `a systemd user manager needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'starting a systemd user manager in a private mount namespace needs root (unshare -m, mount)';
  for (const binary of [SYSTEMD_BINARY, JOURNALD_BINARY]) {
    if (!existsSync(binary)) return `${binary} is missing: apt-get install -y systemd`;
  }
  if (!existsSync(BASE_DIR)) return `${BASE_DIR} is missing: the test directories must be outside /tmp (PrivateTmp=)`;
  return undefined;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitReady(env: NodeJS.ProcessEnv, child: ChildProcess, output: () => string): Promise<string | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return `the user manager exited (${child.exitCode ?? child.signalCode}): ${output().trim()}`;
    }
    const state = await systemctl(env, ['show', '--property=SystemState', '--value']);
    if (state.code === 0 && ['running', 'degraded'].includes(state.stdout.trim())) return undefined;
    await delay(100);
  }
  return `the user manager did not become ready in ${READY_TIMEOUT_MS} ms: ${output().trim()}`;
}

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 127, stdout, stderr }));
  });
}

export async function startUserManager(): Promise<ManagerStart> {
  const missing = missingPrerequisite();
  if (missing !== undefined) return { ok: false, reason: missing };
  await removeStaleManagers(BASE_DIR);
  const root = mkdtempSync(join(BASE_DIR, MANAGER_DIR_PREFIX));
  const home = join(root, 'home');
  const runtime = join(root, 'runtime');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(runtime, { mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_RUNTIME_DIR: runtime,
  };
  const cgroup = cgroupSandbox(sandboxId(root));
  let output = '';
  // --pdeathsig: should this test process die without its teardown, the manager (and with
  // it every unit) stops too.
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'setpriv', '--pdeathsig', 'TERM', 'sh', '-c', prepareScript(cgroup.enterScript, env)], {
    env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) recordManager(root, child.pid);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  const exposedDirs: string[] = [];
  const spawnError = new Promise<string>((resolve) => child.once('error', (error) => resolve(error.message)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM makes a user manager stop every unit and exit, as at logout.
      child.kill('SIGTERM');
      const patience = new AbortController();
      const gone = await Promise.race([
        exited(child).then(() => true),
        delay(STOP_TIMEOUT_MS, false, { signal: patience.signal }).catch(() => false),
      ]);
      patience.abort();
      if (!gone) child.kill('SIGKILL');
      await exited(child);
    }
    await cgroup.remove();
    rmSync(root, { recursive: true, force: true });
    // The bind mounts lived in the manager's namespace, gone with it: what is left is empty.
    for (const dir of exposedDirs) rmSync(dir, { recursive: true, force: true });
  };
  const failure = await Promise.race([waitReady(env, child, () => output), spawnError]);
  if (failure !== undefined) {
    await stop();
    return { ok: false, reason: failure };
  }
  /* c8 ignore next - spawn gives a pid whenever it did not emit 'error' */
  const pid = child.pid ?? -1;
  return { ok: true, manager: { pid, home, env, ...namespaceRunners(pid, env, exposedDirs), stop } };
}

/** What runs in the manager's mount namespace (nsenter), where its journal and exposed paths are. */
function namespaceRunners(pid: number, env: NodeJS.ProcessEnv, exposedDirs: string[]): Pick<UserManager, 'systemctlInside' | 'runInside' | 'expose'> {
  const runInside = (command: readonly string[], runEnv: NodeJS.ProcessEnv = env): Promise<Ran> =>
    run('nsenter', ['--target', String(pid), '--mount', '--', ...command], runEnv);
  const expose = async (hostDir: string): Promise<string> => {
    // Under /var/lib (root's 0755), not the manager's directory: /dev/shm is 1777, and `imdsd
    // install` as root refuses a CLI below a directory every user can write (issue 18).
    const inside = mkdtempSync(join(EXPOSE_DIR, 'imdsd-exposed-'));
    exposedDirs.push(inside);
    const script = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2"';
    const mounted = await runInside(['sh', '-c', script, 'expose', hostDir, inside]);
    if (mounted.code !== 0) throw new Error(`could not bind ${hostDir} at ${inside} in the manager's namespace: ${mounted.stderr}`);
    return inside;
  };
  return {
    systemctlInside: (args) => runInside(['systemctl', '--user', '--no-pager', ...args]),
    runInside,
    expose,
  };
}
