/**
 * Runs bench/refresh-scale-child.js (the daemon's refresher, limiter and jitter for N
 * roles) against a local STS in a child of its own, which counts the calls it answered
 * and the most it answered at once.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from './child.js';
import { pinned, type Pinning } from './pinning.js';
import { round } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface RefreshRun {
  readonly roles: number;
  readonly buildMs: number;
  readonly firstFetchMs: number;
  readonly firstFetchOk: number;
  readonly freshAfterFirst: number;
  readonly refreshAllMs: number;
  readonly refreshAllOk: number;
  /** AssumeRole calls the refreshers made, and the STS's own count of requests. */
  readonly stsCalls: number;
  readonly stsRequestsSeen: number;
  /** The most AssumeRole requests the STS was answering at once. */
  readonly peakInFlightAtSts: number;
  /** Event-loop delay of the refreshing process over both phases. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  readonly rssBuiltMiB: number;
  readonly peakRssMiB: number;
  readonly errors: readonly string[];
}

export async function measureRefreshScale(roles: number, pinning: Pinning): Promise<RefreshRun> {
  const sts = pinned(pinning, pinning.servers, [join(HERE, 'sts-child.js'), String(roles)]);
  const stsChild = spawnServer(sts.command, sts.args, { PATH: process.env.PATH });
  try {
    const line = await stsChild.waitFor((l) => l.event === 'listening', 10_000);
    const url = String(line.url);
    const run = pinned(pinning, pinning.loadGenerator, [join(HERE, 'refresh-scale-child.js'), url, String(roles)]);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(run.command, run.args, { env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 120_000, maxBuffer: 1 << 20 },
        (error, out) => (error === null ? resolve(out) : reject(error)));
    });
    const result = JSON.parse(stdout) as Omit<RefreshRun, 'stsRequestsSeen' | 'peakInFlightAtSts'>;
    await stsChild.stop();
    const seen = stsChild.lines.find((l) => l.event === 'calls');
    return {
      ...result,
      buildMs: round(result.buildMs, 1),
      firstFetchMs: round(result.firstFetchMs, 1),
      refreshAllMs: round(result.refreshAllMs, 1),
      loopDelayP99Ms: round(result.loopDelayP99Ms, 1),
      loopDelayMaxMs: round(result.loopDelayMaxMs, 1),
      stsRequestsSeen: Number(seen?.count ?? Number.NaN),
      peakInFlightAtSts: Number(seen?.peakInFlight ?? Number.NaN),
    };
  } finally {
    await stsChild.stop();
  }
}
