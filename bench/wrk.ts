/**
 * Runs wrk (Debian package `wrk`) as a user measuring a server would, one thread, and
 * reads its summary: requests per second and the latency percentiles of `--latency`.
 * Bounded: wrk stops itself after `durationSec`, and is killed 15 s after that.
 */
import { execFile } from 'node:child_process';

export interface WrkRun {
  readonly port: number;
  readonly path: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface WrkResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Non-2xx answers plus socket errors: must be 0 for the run to count. */
  readonly errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(output: string, percent: number): number {
  const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
  return match?.[1] === undefined || match[2] === undefined ? Number.NaN : Number(match[1]) * (UNIT_MS[match[2]] ?? Number.NaN);
}

/** Parses wrk's text summary (exported for its test). */
export function parseWrk(output: string): WrkResult {
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  return {
    requestsPerSec: rate?.[1] === undefined ? Number.NaN : Number(rate[1]),
    p50Ms: latencyMs(output, 50),
    p99Ms: latencyMs(output, 99),
    errors: Number(non2xx?.[1] ?? 0) + socketErrors,
  };
}

export function runWrk(run: WrkRun): Promise<WrkResult> {
  const headerArgs = Object.entries(run.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const args = ['-t1', `-c${run.connections}`, `-d${run.durationSec}s`, '--latency', '--timeout', '2s', ...headerArgs,
    `http://127.0.0.1:${run.port}${run.path}`];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (run.durationSec + 15) * 1000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`wrk ${args.join(' ')}: ${error.message} ${stderr}`));
      else resolve(parseWrk(stdout));
    });
  });
}
