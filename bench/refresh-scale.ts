/**
 * Runs bench/refresh-scale-child.js against a local STS in a child of its own, once
 * with the bench's bound on concurrent AssumeRole calls and once without (what
 * imdsd's launch does today: Promise.all over every role's first fetch).
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
  /** 0: unbounded. */
  readonly concurrency: number;
  readonly buildMs: number;
  readonly firstFetchMs: number;
  readonly firstFetchOk: number;
  readonly freshAfterFirst: number;
  readonly refreshAllMs: number;
  readonly refreshAllOk: number;
  /** AssumeRole calls the refreshers made, and the STS's own count of requests. */
  readonly stsCalls: number;
  readonly stsRequestsSeen: number;
  readonly peakConcurrent: number;
  readonly rssBuiltMiB: number;
  readonly peakRssMiB: number;
  readonly errors: readonly string[];
}

async function runOnce(roles: number, concurrency: number, pinning: Pinning): Promise<RefreshRun> {
  const sts = pinned(pinning, pinning.servers, [join(HERE, 'sts-child.js'), String(roles)]);
  const stsChild = spawnServer(sts.command, sts.args, { PATH: process.env.PATH });
  try {
    const line = await stsChild.waitFor((l) => l.event === 'listening', 10_000);
    const url = String(line.url);
    const run = pinned(pinning, pinning.loadGenerator, [join(HERE, 'refresh-scale-child.js'), url, String(roles), String(concurrency)]);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(run.command, run.args, { env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 120_000, maxBuffer: 1 << 20 },
        (error, out) => (error === null ? resolve(out) : reject(error)));
    });
    const result = JSON.parse(stdout) as Omit<RefreshRun, 'stsRequestsSeen'>;
    await stsChild.stop();
    const seen = stsChild.lines.find((l) => l.event === 'calls');
    return {
      ...result,
      buildMs: round(result.buildMs, 1),
      firstFetchMs: round(result.firstFetchMs, 1),
      refreshAllMs: round(result.refreshAllMs, 1),
      stsRequestsSeen: Number(seen?.count ?? Number.NaN),
    };
  } finally {
    await stsChild.stop();
  }
}

export interface RefreshScale {
  readonly bounded: RefreshRun;
  readonly unbounded: RefreshRun;
}

export async function measureRefreshScale(roles: number, concurrency: number, pinning: Pinning): Promise<RefreshScale> {
  return { bounded: await runOnce(roles, concurrency, pinning), unbounded: await runOnce(roles, 0, pinning) };
}
