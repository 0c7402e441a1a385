/**
 * Load where every request comes on a new connection, as when each `aws` CLI or SDK
 * process fetches once and exits. autocannon's `reconnectRate` drops the response it
 * reconnects after (no `response` event), so this uses node:http with no agent
 * (one connection per request, `Connection: close`), the same for both servers.
 * Bounded by time and by count.
 */
import { request } from 'node:http';
import type { LoadResult } from './load.js';
import { cpuTimeMs } from './proc.js';
import { percentileSorted, round } from './stats.js';

export interface ChurnSpec {
  readonly port: number;
  readonly connections: number;
  readonly durationSec: number;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly serverPid?: number;
}

/** No run makes more requests than this, whatever its duration. */
const MAX_REQUESTS = 500_000;

function once(spec: ChurnSpec): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: spec.port, path: spec.path, headers: spec.headers, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function runChurn(spec: ChurnSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let completed = 0;
  let non2xx = 0;
  let errors = 0;
  let started = 0;
  const cpuBefore = spec.serverPid === undefined ? undefined : cpuTimeMs(spec.serverPid);
  const startedMs = performance.now();
  const deadline = startedMs + spec.durationSec * 1000;

  async function worker(): Promise<void> {
    while (performance.now() < deadline && started < MAX_REQUESTS) {
      started += 1;
      const t0 = performance.now();
      const status = await once(spec);
      if (status === 0) errors += 1;
      else if (status >= 300) non2xx += 1;
      else latencies.push(performance.now() - t0);
      completed += 1;
    }
  }
  await Promise.all(Array.from({ length: spec.connections }, worker));
  const elapsedSec = (performance.now() - startedMs) / 1000;
  const cpuAfter = spec.serverPid === undefined ? undefined : cpuTimeMs(spec.serverPid);
  const sorted = Float64Array.from(latencies).sort();
  return {
    completed,
    non2xx,
    errors,
    elapsedSec: round(elapsedSec, 3),
    perSec: Math.round(completed / elapsedSec),
    p50Ms: round(percentileSorted(sorted, 50), 3),
    p99Ms: round(percentileSorted(sorted, 99), 3),
    serverCpuPct: cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : Math.round(((cpuAfter - cpuBefore) / (elapsedSec * 1000)) * 100),
  };
}
