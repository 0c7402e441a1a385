/**
 * The one load generator, wrk (Debian: `apt-get install wrk`) with one thread, as a user
 * measures a server, and the readings taken around it: each server's own CPU time per
 * request over the same round (what a busy host distorts least), its memory, and the
 * host's socket count. `paired` runs alternating rounds of imdsd and the baseline (which
 * goes first swaps every round) and takes medians.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDENTIAL_PATH, getToken, progress, SETTINGS, TOKEN_HEADER, type Server } from './setup.js';

export interface Measured { readonly perSec: number; readonly requests: number; readonly p99Ms: number; readonly errors: number; readonly cpuMsPer1000: number }
export interface Paired { readonly imdsd: Measured; readonly baseline: Measured; readonly hostSockets: number }
export interface Load { readonly connections: number; readonly headers?: Record<string, string>; readonly path?: string; readonly method?: 'PUT' }

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
export const ratio = (a: number, b: number): number => round(a / b, 3);
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] ?? NaN : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const p99 = (out: string): number => {
  const match = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out);
  return Number(match?.[1]) * (UNIT_MS[match?.[2] ?? ''] ?? NaN);
};

/** One wrk run against `server` for `durationSec`, with the server's CPU time over it. */
export async function wrk(server: Server, load: Load, durationSec: number): Promise<Measured> {
  const headers = Object.entries(load.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const script = load.method === undefined ? [] : ['-s', join(tmpdir(), 'imdsd-bench-put.lua')];
  if (script[1] !== undefined) writeFileSync(script[1], `wrk.method = "${load.method}"\n`);
  const args = ['-t1', `-c${load.connections}`, `-d${durationSec}s`, '--latency', '--timeout', '2s', ...headers, ...script,
    `http://127.0.0.1:${server.port}${load.path ?? CREDENTIAL_PATH}`];
  const cpuBefore = cpuMs(server.pid);
  const out = await new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { timeout: (durationSec + 15) * 1000 }, (error, stdout, stderr) => {
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' ? 'wrk is not installed (Debian: apt-get install wrk). ' : '';
      if (error === null) resolve(stdout);
      else reject(new Error(`${missing}wrk ${args.join(' ')}: ${error.message} ${stderr}`));
    });
  });
  const requests = Number(/^\s+(\d+) requests in/m.exec(out)?.[1]);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1) ?? [];
  return {
    perSec: Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1]), requests, p99Ms: p99(out),
    errors: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + socketErrors.reduce((sum, n) => sum + Number(n), 0),
    cpuMsPer1000: round(((cpuMs(server.pid) - cpuBefore) / requests) * 1000, 1),
  };
}

const medianOf = (runs: readonly Measured[]): Measured => {
  const pick = (key: keyof Measured): number => round(median(runs.map((r) => r[key])), 3);
  return { perSec: pick('perSec'), requests: pick('requests'), p99Ms: pick('p99Ms'), cpuMsPer1000: pick('cpuMsPer1000'), errors: runs.reduce((s, r) => s + r.errors, 0) };
};

/** A 1 s warm-up of each, then SETTINGS.rounds alternating rounds per server; medians. Tokens go in the header. */
export async function paired(servers: { imdsd: Server; baseline: Server }, load: Load, label: string): Promise<Paired> {
  const tokens = { imdsd: await getToken(servers.imdsd.port), baseline: await getToken(servers.baseline.port) };
  const run = (name: 'imdsd' | 'baseline', sec: number): Promise<Measured> =>
    wrk(servers[name], { ...load, headers: { [TOKEN_HEADER]: tokens[name], ...load.headers } }, sec);
  await run('baseline', 1);
  await run('imdsd', 1);
  const hostSocketsNow = hostSockets();
  const rounds: Array<Record<'imdsd' | 'baseline', Measured>> = [];
  for (let i = 0; i < SETTINGS.rounds; i += 1) {
    const order = i % 2 === 0 ? (['imdsd', 'baseline'] as const) : (['baseline', 'imdsd'] as const);
    const first = await run(order[0], SETTINGS.durationSec);
    const second = await run(order[1], SETTINGS.durationSec);
    const result = i % 2 === 0 ? { imdsd: first, baseline: second } : { imdsd: second, baseline: first };
    progress(`${label} round ${i + 1}: imdsd ${result.imdsd.perSec}/s p99 ${result.imdsd.p99Ms} ms, baseline ${result.baseline.perSec}/s p99 ${result.baseline.p99Ms} ms`);
    rounds.push(result);
  }
  return { imdsd: medianOf(rounds.map((r) => r.imdsd)), baseline: medianOf(rounds.map((r) => r.baseline)), hostSockets: hostSocketsNow };
}

/** VmRSS (or VmHWM, the peak) of a process, MiB; undefined off Linux. */
export function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | undefined {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readOr(`/proc/${pid}/status`))?.[1];
  return kb === undefined ? undefined : round(Number(kb) / 1024, 1);
}

/** User + system CPU time of a process, ms (/proc/<pid>/stat, 100 Hz ticks); NaN off Linux. */
export function cpuMs(pid: number): number {
  const stat = readOr(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Rows of /proc/net/tcp and tcp6: the TCP sockets on the host. */
export const hostSockets = (): number => ['tcp', 'tcp6'].reduce((sum, t) => sum + Math.max(0, readOr(`/proc/net/${t}`).split('\n').length - 2), 0);

const readOr = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
