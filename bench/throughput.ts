/**
 * imdsd against the node:http baseline, in alternating rounds within one invocation:
 * round 1 loads imdsd then the baseline, round 2 the baseline then imdsd, and so on,
 * so that drift on a shared machine falls on both. Medians across rounds are reported,
 * and the ratio imdsd / baseline of those medians.
 */
import type autocannon from 'autocannon';
import { CREDENTIAL_PATH, TOKEN_HEADER, TOKEN_PATH, TTL_HEADER } from './daemon.js';
import { runChurn } from './churn-load.js';
import { getToken } from './imds-client.js';
import { runLoad, type LoadResult, type LoadSpec } from './load.js';
import { median, ratio, round } from './stats.js';
import type { Target, Targets } from './targets.js';

export type ScenarioName = 'get' | 'sequence' | 'churn';

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  /** What one completed unit is ("req" or "seq"). */
  readonly unit: string;
  readonly connections: readonly number[];
  /** `token`: fresh for this run (the token PUT runs evict old tokens past the 10,000 cap). */
  run(target: Target, token: string, connections: number, durationSec: number): Promise<LoadResult>;
}

/** The SDKs' IMDSv2 dance: a new token (six hours, as JS v3 and botocore ask) then the GET. */
export function sdkSequence(): autocannon.Request[] {
  return [
    {
      method: 'PUT',
      path: TOKEN_PATH,
      headers: { [TTL_HEADER]: '21600' },
      onResponse: (_status, body, context) => {
        (context as { token?: string }).token = body;
      },
    },
    {
      method: 'GET',
      path: CREDENTIAL_PATH,
      setupRequest: (request, context) => ({
        ...request,
        headers: { ...request.headers, [TOKEN_HEADER]: (context as { token?: string }).token ?? '' },
      }),
    },
  ];
}

/** The credential GET with the target's long-lived token, on kept-alive connections. */
export function getSpec(target: Target, token: string, connections: number, durationSec: number): LoadSpec {
  return {
    port: target.port, connections, durationSec, path: CREDENTIAL_PATH, headers: { [TOKEN_HEADER]: token }, serverPid: target.pid,
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'get',
    title: 'credential GET (valid token, keep-alive)',
    unit: 'req',
    connections: [1, 16, 64],
    run: (target, token, connections, durationSec) => runLoad(getSpec(target, token, connections, durationSec)),
  },
  {
    name: 'sequence',
    title: 'token PUT + credential GET (new token per fetch, keep-alive)',
    unit: 'seq',
    connections: [1, 16, 64],
    run: (target, _token, connections, durationSec) => runLoad({
      port: target.port, connections, durationSec, path: TOKEN_PATH, requests: sdkSequence(), serverPid: target.pid,
    }),
  },
  {
    name: 'churn',
    title: 'credential GET on a new connection each (one per CLI process)',
    unit: 'req',
    connections: [1, 16],
    run: (target, token, connections, durationSec) => runChurn({
      port: target.port, connections, durationSec, path: CREDENTIAL_PATH, headers: { [TOKEN_HEADER]: token }, serverPid: target.pid,
    }),
  },
];

export interface ServerSummary {
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuPct: number | undefined;
  readonly rounds: readonly LoadResult[];
}

export interface Comparison {
  readonly scenario: ScenarioName;
  readonly title: string;
  readonly unit: string;
  readonly connections: number;
  readonly imdsd: ServerSummary;
  readonly baseline: ServerSummary;
  /** Median imdsd throughput / median baseline throughput. */
  readonly throughputRatio: number;
  /** Median imdsd p99 / median baseline p99. */
  readonly p99Ratio: number;
  /** Log lines imdsd wrote during its loaded rounds, and per 1,000 requests. */
  readonly imdsdLogLines: number;
  readonly imdsdLogLinesPer1000: number;
  /** Connections imdsd accepted in those rounds (kept-alive: connections × rounds; churn: one per request). */
  readonly imdsdConnections: number;
  /** The `event` fields of those lines, with counts. */
  readonly imdsdLogEvents: Readonly<Record<string, number>>;
  readonly failures: number;
}

function summarise(rounds: readonly LoadResult[]): ServerSummary {
  const cpu = rounds.map((r) => r.serverCpuPct).filter((v): v is number => v !== undefined);
  return {
    perSec: Math.round(median(rounds.map((r) => r.perSec))),
    p50Ms: round(median(rounds.map((r) => r.p50Ms)), 3),
    p99Ms: round(median(rounds.map((r) => r.p99Ms)), 3),
    serverCpuPct: cpu.length === 0 ? undefined : Math.round(median(cpu)),
    rounds,
  };
}

export interface ThroughputOptions {
  readonly rounds: number;
  readonly durationSec: number;
  readonly only?: ReadonlySet<ScenarioName> | undefined;
  readonly progress: (message: string) => void;
}

/** Warms both servers' JIT once, then runs every scenario and connection count. */
export async function compareThroughput(targets: Targets, options: ThroughputOptions): Promise<Comparison[]> {
  for (const target of [targets.imdsd, targets.baseline]) await runLoad({ ...getSpec(target, target.token, 16, 1), latency: false });
  const comparisons: Comparison[] = [];
  for (const scenario of SCENARIOS) {
    if (options.only !== undefined && !options.only.has(scenario.name)) continue;
    for (const connections of scenario.connections) {
      const results: Record<Target['name'], LoadResult[]> = { imdsd: [], baseline: [] };
      let logLines = 0;
      let requests = 0;
      let accepted = 0;
      const events: Record<string, number> = {};
      for (let round = 0; round < options.rounds; round += 1) {
        const order = round % 2 === 0 ? [targets.imdsd, targets.baseline] : [targets.baseline, targets.imdsd];
        for (const target of order) {
          const token = await getToken(target.port);
          const linesBefore = target.lineCount();
          const parsedBefore = target.server.lines.length;
          const result = await scenario.run(target, token, connections, options.durationSec);
          results[target.name].push(result);
          if (target.name === 'imdsd') {
            logLines += target.lineCount() - linesBefore;
            requests += result.completed * (scenario.unit === 'seq' ? 2 : 1);
            accepted += scenario.name === 'churn' ? result.completed : connections;
            for (const line of target.server.lines.slice(parsedBefore)) {
              const event = typeof line.event === 'string' ? line.event : String(line.msg ?? 'other');
              events[event] = (events[event] ?? 0) + 1;
            }
          }
        }
      }
      const imdsd = summarise(results.imdsd);
      const baseline = summarise(results.baseline);
      const failures = [...results.imdsd, ...results.baseline].reduce((sum, r) => sum + r.errors + r.non2xx, 0);
      comparisons.push({
        scenario: scenario.name, title: scenario.title, unit: scenario.unit, connections, imdsd, baseline,
        throughputRatio: ratio(imdsd.perSec, baseline.perSec),
        p99Ratio: ratio(imdsd.p99Ms, baseline.p99Ms),
        imdsdLogLines: logLines,
        imdsdLogLinesPer1000: requests === 0 ? 0 : round((logLines / requests) * 1000, 2),
        imdsdConnections: accepted,
        imdsdLogEvents: events,
        failures,
      });
      options.progress(`${scenario.name} c=${connections}: imdsd ${imdsd.perSec}/s p99 ${imdsd.p99Ms} ms, baseline ${baseline.perSec}/s p99 ${baseline.p99Ms} ms`);
    }
  }
  return comparisons;
}
