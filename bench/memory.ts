/**
 * The daemon's resident memory (VmRSS): idle after start with one role, along a long
 * run of credential GETs (read after every chunk, so a leak shows as a trend rather
 * than one number), after token PUT + GET sequences that fill the token store to its
 * cap, and idle with 50 roles.
 */
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import { CREDENTIAL_PATH, TOKEN_HEADER, TOKEN_PATH, isListening, spawnDaemon, startDaemon, writeRolesConfig } from './daemon.js';
import { getToken } from './imds-client.js';
import { runLoad } from './load.js';
import type { Pinning } from './pinning.js';
import { rssMiB } from './proc.js';
import { benchRoleArns } from './roles.js';
import { round } from './stats.js';
import { sdkSequence } from './throughput.js';
import type { Workspace } from './workspace.js';

export interface MemoryResult {
  readonly idleOneRoleMiB: number | undefined;
  readonly after100kMiB: number | undefined;
  /** RSS after each chunk of GETs: [requests so far, MiB]. */
  readonly series: ReadonlyArray<readonly [number, number | undefined]>;
  readonly totalRequests: number;
  /**
   * Lowest RSS of the second half of the run against the lowest of the first half, in %.
   * RSS under load is a saw-tooth (V8 collects the old generation late), so single
   * readings swing by tens of MiB; a leak shows as a rising floor.
   */
  readonly floorGrowthPct: number;
  /** Last reading against the first, in % (noisy: see floorGrowthPct). */
  readonly endGrowthPct: number;
  readonly peakMiB: number | undefined;
  readonly afterTokenSequencesMiB: number | undefined;
  readonly tokenSequences: number;
  readonly idleFiftyRolesMiB: number | undefined;
  readonly fiftyRolesListeningMs: number;
}

const CHUNK = 20_000;
const IDLE_SETTLE_MS = 2_000;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));

/** Roles of the 50-role configuration (the local STS must know them). */
export const BENCH_ROLE_ARNS = benchRoleArns(50);

function growth(from: number | undefined, to: number | undefined): number {
  return from === undefined || to === undefined ? Number.NaN : round(((to - from) / from) * 100, 1);
}

export async function measureMemory(
  stsUrl: string, workspace: Workspace, pinning: Pinning, totalRequests: number, progress: (message: string) => void,
): Promise<MemoryResult> {
  const daemon = await startDaemon({ stsUrl, workspace, pinning, roleArn: DEFAULT_ROLE_ARN });
  let idle: number | undefined;
  const series: Array<readonly [number, number | undefined]> = [];
  let afterTokens: number | undefined;
  const tokenSequences = 12_000;
  try {
    await settle();
    idle = rssMiB(daemon.pid);
    const token = await getToken(daemon.port);
    for (let done = 0; done < totalRequests;) {
      const amount = Math.min(CHUNK, totalRequests - done);
      await runLoad({ port: daemon.port, connections: 16, amount, path: CREDENTIAL_PATH, headers: { [TOKEN_HEADER]: token }, latency: false });
      done += amount;
      series.push([done, rssMiB(daemon.pid)]);
      if (done % 100_000 === 0) progress(`memory: ${done} requests, RSS ${rssMiB(daemon.pid)} MiB`);
    }
    // Each sequence issues a new token: more than the store's cap of 10,000.
    await runLoad({ port: daemon.port, connections: 16, amount: tokenSequences * 2, path: TOKEN_PATH, requests: sdkSequence(), latency: false });
    afterTokens = rssMiB(daemon.pid);
  } finally {
    await daemon.stop();
  }

  const config = writeRolesConfig(workspace, BENCH_ROLE_ARNS);
  const t0 = performance.now();
  const fifty = spawnDaemon({ stsUrl, workspace, pinning, args: ['--config', config] });
  let idleFifty: number | undefined;
  let fiftyListeningMs = Number.NaN;
  try {
    const all = BENCH_ROLE_ARNS.length;
    await fifty.waitFor((line) => isListening(line) && fifty.lines.filter(isListening).length >= all, 60_000);
    fiftyListeningMs = round(performance.now() - t0, 1);
    await settle();
    idleFifty = rssMiB(fifty.pid);
  } finally {
    await fifty.stop();
  }

  const readings = series.map(([, mib]) => mib).filter((mib): mib is number => mib !== undefined);
  const half = Math.floor(readings.length / 2);
  const floor = (values: number[]): number | undefined => (values.length === 0 ? undefined : Math.min(...values));
  return {
    idleOneRoleMiB: idle,
    after100kMiB: series.find(([requests]) => requests >= 100_000)?.[1],
    series,
    totalRequests,
    floorGrowthPct: growth(floor(readings.slice(0, Math.max(1, half))), floor(readings.slice(half))),
    endGrowthPct: growth(readings[0], readings[readings.length - 1]),
    peakMiB: readings.length === 0 ? undefined : Math.max(...readings),
    afterTokenSequencesMiB: afterTokens,
    tokenSequences,
    idleFiftyRolesMiB: idleFifty,
    fiftyRolesListeningMs: fiftyListeningMs,
  };
}
