/**
 * The outside half of test/integration/link-local.test.ts: local accounts, their empty
 * homes, the Go client built offline, and one `unshare --net` child (netns-child.ts) that
 * does everything that touches 169.254.169.254, in a network namespace of its own that
 * disappears when the child exits. Needs root and Linux.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './daemon-process.js';
import { signalGroup } from './signal.js';
import type { Account, ChildPlan } from './link-local/clients.js';

export const NETNS_CHILD = join(REPO_ROOT, 'dist', 'test', 'support', 'link-local', 'netns-child.js');
export const GO_SOURCE = join(REPO_ROOT, 'test', 'support', 'link-local', 'go-client.go');
export const RUBY_CLIENT = join(REPO_ROOT, 'test', 'support', 'link-local', 'ruby-client.rb');
/** Debian's Go SDK v2 sources, for GOPATH mode (no module download). */
export const GOPATH = '/usr/share/gocode';

/**
 * Where the run's homes and the Go client live: a 0755 directory of its own under
 * /var/tmp, so the unprivileged accounts can reach them even when a test elsewhere on the
 * machine has left /tmp without its usual 1777 (seen: a daemon given a control socket
 * directly in /tmp makes that directory 0700, see private-dir.ts).
 */
export function runDirectory(): string {
  const dir = mkdtempSync('/var/tmp/imdsd-link-local-');
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Why another local user cannot run this checkout, if it cannot: the accounts run its
 * dist/ as themselves, so every directory above it must let others through (a clone in a
 * 0700 `mktemp -d` directory under /tmp does not).
 */
export function checkoutUnreachable(root: string = REPO_ROOT): string | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      return `another local user cannot reach the checkout ${root}: ${dir} is not searchable by others (chmod o+x ${dir}, or clone elsewhere)`;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Creates `name` once (a fixed name, reused by later runs) and gives it an empty home in `base`. */
export function localAccount(name: string, base: string): Account {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  }
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  const home = mkdtempSync(join(base, `${name}-home-`));
  chownSync(home, uid, gid);
  return { uid, gid, home };
}

/** Builds the Go client in GOPATH mode, offline, into a directory every user can read. */
export function buildGoClient(base: string): Promise<string> {
  const dir = join(base, 'go');
  mkdirSync(dir, { mode: 0o755 });
  copyFileSync(GO_SOURCE, join(dir, 'main.go'));
  const env = { PATH: '/usr/bin:/bin', HOME: dir, GO111MODULE: 'off', GOPATH, GOCACHE: join(dir, 'cache'), GOFLAGS: '', CGO_ENABLED: '0' };
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/go', ['build', '-o', join(dir, 'client'), join(dir, 'main.go')], { env, cwd: dir, timeout: 90_000 }, (error, _out, err) => {
      if (error === null) resolve(join(dir, 'client'));
      else reject(new Error(`go build failed: ${err || error.message}`));
    });
  });
}

/** What the child printed, one object per JSON line. */
export type ChildEvent = Record<string, unknown> & { event: string };

/**
 * Runs the child in a new network namespace and collects its lines. The child leads its
 * own process group, so `stop()` ends it with everything it started.
 */
export function runInNetns(plan: ChildPlan, timeoutMs: number): { done: Promise<{ events: ChildEvent[]; stderr: string; code: number | null }>; stop(): void } {
  // A clean environment: nothing of the test runner's (NODE_OPTIONS loaders) reaches the child.
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
  const child = spawn('/usr/bin/unshare', ['--net', '--', process.execPath, NETNS_CHILD, JSON.stringify(plan)], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try { signalGroup(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  };
  const timer = setTimeout(stop, timeoutMs);
  const done = new Promise<{ events: ChildEvent[]; stderr: string; code: number | null }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out.split('\n').flatMap((line) => {
        try { return [JSON.parse(line) as ChildEvent]; } catch { return []; }
      });
      resolve({ events, stderr: err, code });
    });
  });
  return { done, stop };
}

/** Removes the run's directory: homes and Go build (the accounts stay, reused by name). */
export function removeRunDirectory(base: string): void {
  if (existsSync(base)) rmSync(base, { recursive: true, force: true });
}
