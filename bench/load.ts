/**
 * One load run with autocannon's programmatic API, in this (the bench) process.
 * autocannon's own latency histogram records whole milliseconds, too coarse for
 * loopback answers of a fraction of one, so the latency of every response is taken
 * from its `response` event (hrtime, fractional ms) and percentiles computed here.
 */
import autocannon from 'autocannon';
import { cpuTimeMs } from './proc.js';
import { percentileSorted, round } from './stats.js';

export interface LoadSpec {
  readonly port: number;
  readonly connections: number;
  /** Run for this long… */
  readonly durationSec?: number;
  /** …or until this many responses (whichever the caller gives; amount wins). */
  readonly amount?: number;
  readonly method?: 'GET' | 'PUT';
  readonly path?: string;
  readonly headers?: Record<string, string>;
  /** A request sequence (token PUT then GET); latency is then per sequence. */
  readonly requests?: autocannon.Request[];
  /** Open a new connection every N requests (1: every request, as a fresh CLI process does). */
  readonly reconnectRate?: number;
  /** The server's pid, to report how busy it was (CPU % of one core). */
  readonly serverPid?: number;
  /** Keep per-response latencies (off for long memory runs). Default true. */
  readonly latency?: boolean;
}

export interface LoadResult {
  /** Completed responses, or sequences when `requests` was given. */
  readonly completed: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly elapsedSec: number;
  /** Completed per second (requests, or sequences). */
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU the server used, as % of one core (100 = one core busy all the time). */
  readonly serverCpuPct: number | undefined;
}

/** At most this many latencies are kept per run (a 1,000,000-request run keeps none). */
const MAX_SAMPLES = 2_000_000;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const keepLatency = spec.latency ?? true;
  const latencies: number[] = [];
  const pendingFirst = new Map<object, number>();
  const sequence = spec.requests !== undefined;
  let completed = 0;
  const cpuBefore = spec.serverPid === undefined ? undefined : cpuTimeMs(spec.serverPid);
  const startedMs = performance.now();

  return new Promise((resolve, reject) => {
    const options: autocannon.Options = {
      url: `http://127.0.0.1:${spec.port}${spec.path ?? '/'}`,
      connections: spec.connections,
      pipelining: 1,
      timeout: 10,
      bailout: 1_000,
      ...(spec.amount === undefined ? { duration: spec.durationSec ?? 2 } : { amount: spec.amount }),
      ...(spec.method === undefined ? {} : { method: spec.method }),
      ...(spec.headers === undefined ? {} : { headers: spec.headers }),
      ...(spec.requests === undefined ? {} : { requests: spec.requests }),
      ...(spec.reconnectRate === undefined ? {} : { reconnectRate: spec.reconnectRate }),
    };
    const instance = autocannon(options, (error, result) => {
      if (error !== null && error !== undefined) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const elapsedSec = (performance.now() - startedMs) / 1000;
      const cpuAfter = spec.serverPid === undefined ? undefined : cpuTimeMs(spec.serverPid);
      const sorted = Float64Array.from(latencies).sort();
      resolve({
        completed,
        non2xx: result.non2xx,
        errors: result.errors,
        elapsedSec: round(elapsedSec, 3),
        perSec: Math.round(completed / elapsedSec),
        p50Ms: round(percentileSorted(sorted, 50), 3),
        p99Ms: round(percentileSorted(sorted, 99), 3),
        serverCpuPct: cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : Math.round(((cpuAfter - cpuBefore) / (elapsedSec * 1000)) * 100),
      });
    });
    instance.on('response', (client, statusCode, _bytes, responseTime) => {
      if (!sequence) {
        completed += 1;
        if (keepLatency && latencies.length < MAX_SAMPLES && statusCode < 300) latencies.push(responseTime);
        return;
      }
      // A sequence is the PUT then the GET on one connection (pipelining 1 keeps them in order).
      const first = pendingFirst.get(client);
      if (first === undefined) {
        pendingFirst.set(client, responseTime);
        return;
      }
      pendingFirst.delete(client);
      completed += 1;
      if (keepLatency && latencies.length < MAX_SAMPLES && statusCode < 300) latencies.push(first + responseTime);
    });
  });
}
