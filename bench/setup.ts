/**
 * What the question files share: the local STS, the real daemon and the bare node:http
 * baseline as child processes, CPU pinning that keeps the load generator off the servers'
 * CPUs, and memory and CPU time read from /proc. Every child is killed by its pid at the
 * end or on Ctrl-C.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, runCli, type DaemonProcess } from '../test/support/daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type AuditedStsServer } from '../test/support/sts-server.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const CLI_PATH = process.env.BENCH_CLI ?? CLI; // this checkout's build, or another one to compare
export const CREDENTIAL_PATH = '/latest/meta-data/iam/security-credentials/dev';
export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
export const SETTINGS = {
  rounds: num('BENCH_ROUNDS', 3), durationSec: num('BENCH_DURATION_SEC', 5), startRounds: num('BENCH_START_ROUNDS', 5),
  busySockets: num('BENCH_BUSY_SOCKETS', 10_000), roles: num('BENCH_REFRESH_ROLES', 1_000), memoryRequests: num('BENCH_MEMORY_REQUESTS', 200_000),
};
export const CPUS = choosePinning();
export type Child = DaemonProcess & { readonly pid: number };
export type Server = Child & { readonly port: number };
export interface Bench { readonly sts: AuditedStsServer; readonly dir: string; close(): Promise<void> }

export const progress = (message: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** On Linux with taskset and 2+ CPUs (unless BENCH_NO_PIN=1): the bench process and wrk on CPU 0, the servers on the rest. */
function choosePinning(): { pinned: boolean; servers: string; all: string } {
  const last = availableParallelism() - 1;
  const pinned = last >= 1 && process.env.BENCH_NO_PIN !== '1' && spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  return { pinned, servers: !pinned ? `0-${last}` : last === 1 ? '1' : `1-${last}`, all: `0-${last}` };
}

/** Pins this process and its threads (and so wrk, its child) to CPU 0. */
export const pinSelf = (): void => void (CPUS.pinned && execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' }));

const live = new Set<Child>();
export const killAll = (): void => live.forEach((child) => child.child.kill('SIGKILL'));

/** Runs `command` (node and its script) on the servers' CPUs, or on `cpus`. */
export function spawnChild(command: readonly string[], env: NodeJS.ProcessEnv, cpus = CPUS.servers): Child {
  const proc = runCli([], env, { launcher: CPUS.pinned ? ['taskset', '-c', cpus] : [], command });
  const child = Object.assign(proc, { pid: proc.child.pid ?? 0 });
  live.add(child);
  void child.exited.then(() => live.delete(child));
  return child;
}

/** `bench-1` … `bench-N`, roles the local STS knows beside DEFAULT_ROLE_ARN. */
export const benchArn = (i: number): string => `arn:aws:iam::123456789012:role/bench-${i}`;

export async function createBench(extraRoles = 50): Promise<Bench> {
  const roles = [DEFAULT_ROLE_ARN, ...Array.from({ length: extraRoles }, (_, i) => benchArn(i + 1))];
  const sts = await startStsServer({ roles: Object.fromEntries(roles.map((arn) => [arn, {}])) });
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-bench-'));
  return { sts, dir, async close() { killAll(); await sts.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** `imdsd run ARGS` as a user starts it, clean HOME, the local STS; BENCH_CPU_PROF=DIR adds --cpu-prof. */
export function spawnDaemon(bench: Bench, args: readonly string[], nodeFlags: readonly string[] = [], cpus?: string): Child {
  const profile = process.env.BENCH_CPU_PROF === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF];
  return spawnChild([process.execPath, ...profile, ...nodeFlags, CLI_PATH, 'run', ...args], {
    PATH: process.env.PATH, HOME: mkdtempSync(join(bench.dir, 'home-')), LANG: 'C', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: bench.sts.url,
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
  }, cpus);
}

export async function listening(child: Child, timeoutMs = 20_000): Promise<Server> {
  return Object.assign(child, { port: Number((await child.waitFor((l) => l.event === 'listening', timeoutMs)).port) });
}

/** One request on a new connection (not fetch: its Sec-Fetch-Mode header is a browser's, which imdsd refuses). */
function call(port: number, method: string, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${method} ${path} answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 2 s`))).on('error', reject).end();
  });
}

export const getToken = (port: number): Promise<string> => call(port, 'PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' });
export const getCredential = async (port: number): Promise<string> => call(port, 'GET', CREDENTIAL_PATH, { [TOKEN_HEADER]: await getToken(port) });

/** The daemon for one role, and the baseline serving the very bytes the daemon serves. */
export async function startPair(bench: Bench, nodeFlags: readonly string[] = []): Promise<{ imdsd: Server; baseline: Server }> {
  const imdsd = await listening(spawnDaemon(bench, ['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], nodeFlags));
  const body = join(bench.dir, 'body.json');
  writeFileSync(body, await getCredential(imdsd.port));
  const baseline = await listening(spawnChild([process.execPath, join(HERE, 'baseline-server.js'), body, CREDENTIAL_PATH], { PATH: process.env.PATH }));
  return { imdsd, baseline };
}
