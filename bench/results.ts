/** Everything one bench invocation measured, as written to bench/results.json, and its budgets. */
import type { ColdStart } from './cold-start.js';
import { issueRows } from './issue-report.js';
import type { HotPath } from './hot-path.js';
import type { ImportCost } from './import-cost.js';
import type { LoadProfile } from './load-profile.js';
import type { MachineInfo } from './machine.js';
import type { MemoryResult } from './memory.js';
import type { Pinning } from './pinning.js';
import type { IssueFigures } from './issue-table.js';
import type { RefreshRun } from './refresh-scale.js';
import type { StartupProfile } from './startup-profile.js';
import type { Comparison } from './throughput.js';

export interface BenchSettings {
  readonly rounds: number;
  readonly durationSec: number;
  readonly long: boolean;
  readonly memoryRequests: number;
  readonly refreshRoles: number;
  /** wrk rounds (per server) and seconds per round of the issue 15 figures. */
  readonly issueRounds: number;
  readonly issueDurationSec: number;
  /** Extra TCP sockets held open for the busy-host figure. */
  readonly busySockets: number;
  /** The CLI that was measured (BENCH_CLI can point at another build). */
  readonly cli: string;
  readonly suites: readonly string[];
}

export interface Results {
  readonly date: string;
  readonly machine: MachineInfo & {
    readonly loadAverage1m: { readonly start: number; readonly end: number };
    /** Lines of /proc/net/tcp at the start: imdsd reads it for every new connection. */
    readonly tcpSockets: number | undefined;
  };
  readonly pinning: Pinning;
  readonly settings: BenchSettings;
  readonly throughput?: readonly Comparison[];
  readonly loadProfile?: LoadProfile;
  readonly coldStart?: ColdStart;
  readonly importCost?: ImportCost;
  readonly startupProfile?: StartupProfile;
  readonly memory?: MemoryResult;
  readonly refreshScale?: RefreshRun;
  readonly issue?: IssueFigures;
  readonly hotPath?: HotPath;
  readonly budgets: readonly Budget[];
}

export interface Budget {
  readonly name: string;
  readonly budget: string;
  readonly measured: string;
  readonly met: boolean;
}

const GROWTH_BUDGET_PCT = 10;
const THROUGHPUT_RATIO_BUDGET = 0.85;
const P99_RATIO_BUDGET = 1.5;

export function evaluateBudgets(results: Omit<Results, 'budgets'>): Budget[] {
  const budgets: Budget[] = issueRows({ issue: results.issue, coldStart: results.coldStart, refreshScale: results.refreshScale, node: results.machine.node })
    .map((row) => ({ name: row.figure, budget: row.target, measured: `${row.imdsd} (baseline ${row.baseline}; ${row.ratio})`, met: row.met }));
  for (const c of results.throughput ?? []) {
    if (c.connections !== 16 || c.scenario === 'churn') continue;
    budgets.push({
      name: `${c.scenario} @16: throughput imdsd / baseline`, budget: `≥ ${THROUGHPUT_RATIO_BUDGET}`,
      measured: String(c.throughputRatio), met: c.throughputRatio >= THROUGHPUT_RATIO_BUDGET,
    });
    budgets.push({
      name: `${c.scenario} @16: p99 imdsd / baseline`, budget: `≤ ${P99_RATIO_BUDGET}`,
      measured: `${c.p99Ratio} (${c.imdsd.p99Ms} / ${c.baseline.p99Ms} ms)`, met: c.p99Ratio <= P99_RATIO_BUDGET,
    });
  }
  const memory = results.memory;
  if (memory !== undefined) {
    budgets.push({
      name: `RSS growth over ${memory.totalRequests.toLocaleString('en-US')} GETs (floor, 2nd half vs 1st)`, budget: `≤ ${GROWTH_BUDGET_PCT} %`,
      measured: `${memory.floorGrowthPct} % (last vs first reading ${memory.endGrowthPct} %, peak ${memory.peakMiB} MiB)`,
      met: memory.floorGrowthPct <= GROWTH_BUDGET_PCT,
    });
  }
  const hot = results.hotPath;
  if (hot !== undefined) {
    budgets.push({
      name: 'credential serialised once per rotation', budget: `${hot.rotations + 1} for ${hot.requests} GETs`,
      measured: String(hot.credentialSerialisations), met: hot.credentialSerialisations === hot.rotations + 1 && hot.cachedAnswerIdentical,
    });
    budgets.push({
      name: 'token check is a Map lookup', budget: 'cost flat from 1 to 10,000 tokens (≤ 3×)',
      measured: `${hot.tokenCheckNs.oneToken} → ${hot.tokenCheckNs.tenThousandTokens} ns`, met: hot.tokenCheckNs.ratio <= 3,
    });
  }
  const keptAlive = (results.throughput ?? []).filter((c) => c.scenario !== 'churn');
  if (keptAlive.length > 0) {
    // One 'handed-out' audit line per connection is by design; anything beyond is per request.
    const beyond = keptAlive.reduce((sum, c) => sum + Math.max(0, c.imdsdLogLines - c.imdsdConnections), 0);
    const requests = keptAlive.reduce((sum, c) => sum + c.imdsd.rounds.reduce((s, r) => s + r.completed, 0), 0);
    budgets.push({
      name: 'no info log line per request (kept-alive connections)', budget: '0 lines beyond one per connection',
      measured: `${beyond} beyond ${keptAlive.reduce((sum, c) => sum + c.imdsdConnections, 0)} connections, over ${requests.toLocaleString('en-US')} requests`,
      met: beyond === 0,
    });
  }
  return budgets;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
