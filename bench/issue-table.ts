/**
 * The figures of issue 15, measured as a user would, beside the bare node:http baseline in
 * the same run: wrk with one thread, alternating rounds (which server goes first swaps
 * every round), medians. Credential GETs on 16 kept-alive connections; then a new
 * connection per request (`-c1`, `Connection: close`, as each AWS CLI call does) on the
 * host as it is and with 10,000 more TCP sockets held open (bench/socket-filler.ts);
 * idle RSS of both servers before any load.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from './child.js';
import { CREDENTIAL_PATH, TOKEN_HEADER } from './daemon.js';
import { cpuTimeMs, rssMiB } from './proc.js';
import { median, round } from './stats.js';
import type { Target, Targets } from './targets.js';
import { runWrk, type WrkResult } from './wrk.js';

/** A wrk result with the server's own CPU time per request over the same round. */
export type ServerResult = WrkResult & {
  /** Server CPU (user + system, /proc/<pid>/stat) per 1,000 requests, ms: robust to a busy host. */
  readonly cpuMsPerThousand: number;
};

export interface PairedFigure {
  readonly imdsd: ServerResult;
  readonly baseline: ServerResult;
  /** Every round, in the order run. */
  readonly rounds: ReadonlyArray<{ readonly imdsd: ServerResult; readonly baseline: ServerResult }>;
  /** TCP sockets on the host (/proc/net/tcp and tcp6 rows) when the figure was measured. */
  readonly hostSockets: number | undefined;
}

export interface IssueFigures {
  readonly get16: PairedFigure;
  readonly churnQuiet: PairedFigure;
  readonly churnBusy: PairedFigure;
  readonly idleRssMiB: { readonly imdsd: number | undefined; readonly baseline: number | undefined };
  /** imdsd's event-loop delay over the GET rounds (bench/loop-delay-probe.ts). */
  readonly loopDelayUnderLoad: LoopDelay | undefined;
}

export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Where the daemon's --import probe is, for startTargets' node flags. */
export const LOOP_DELAY_PROBE = join(dirname(fileURLToPath(import.meta.url)), 'loop-delay-probe.js');

/** Asks the probed daemon for its event-loop delay since the last ask. */
async function loopDelay(target: Target): Promise<LoopDelay | undefined> {
  const before = target.server.stderr().length;
  target.server.child.kill('SIGUSR2');
  for (let i = 0; i < 50; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const line = target.server.stderr().slice(before).split('\n').find((l) => l.includes('"loop-delay"'));
    if (line !== undefined) {
      const parsed = JSON.parse(line) as LoopDelay;
      return { p50Ms: round(parsed.p50Ms, 2), p99Ms: round(parsed.p99Ms, 2), maxMs: round(parsed.maxMs, 2) };
    }
  }
  return undefined;
}

export interface IssueSettings {
  readonly rounds: number;
  readonly durationSec: number;
  /** Extra TCP sockets held open for the busy-host churn figure. */
  readonly busySockets: number;
  readonly progress: (message: string) => void;
}

const FILLER = join(dirname(fileURLToPath(import.meta.url)), 'socket-filler.js');

/** Rows in /proc/net/tcp and tcp6 (Linux), i.e. the sockets the kernel lists. */
export function hostSockets(): number | undefined {
  try {
    return ['tcp', 'tcp6'].reduce((sum, table) => sum + readFileSync(`/proc/net/${table}`, 'utf8').split('\n').length - 2, 0);
  } catch {
    return undefined;
  }
}

function medianResult(results: readonly ServerResult[]): ServerResult {
  const pick = (key: keyof ServerResult): number => round(median(results.map((r) => r[key])), 3);
  return {
    requestsPerSec: pick('requestsPerSec'), p50Ms: pick('p50Ms'), p99Ms: pick('p99Ms'), cpuMsPerThousand: pick('cpuMsPerThousand'),
    errors: results.reduce((s, r) => s + r.errors, 0),
  };
}

async function paired(targets: Targets, settings: IssueSettings, connections: number, extraHeaders: Record<string, string>, label: string): Promise<PairedFigure> {
  const load = async (target: Target, durationSec: number): Promise<ServerResult> => {
    const cpuBefore = cpuTimeMs(target.pid) ?? Number.NaN;
    const result = await runWrk({
      port: target.port, path: CREDENTIAL_PATH, connections, durationSec, headers: { [TOKEN_HEADER]: target.token, ...extraHeaders },
    });
    const cpuMs = (cpuTimeMs(target.pid) ?? Number.NaN) - cpuBefore;
    return { ...result, cpuMsPerThousand: round((cpuMs / (result.requestsPerSec * durationSec)) * 1000, 1) };
  };
  await load(targets.baseline, 1);
  await load(targets.imdsd, 1);
  const sockets = hostSockets();
  const rounds: Array<{ imdsd: ServerResult; baseline: ServerResult }> = [];
  for (let i = 0; i < settings.rounds; i += 1) {
    const first = i % 2 === 0 ? targets.imdsd : targets.baseline;
    const second = first === targets.imdsd ? targets.baseline : targets.imdsd;
    const a = await load(first, settings.durationSec);
    const b = await load(second, settings.durationSec);
    const round = first === targets.imdsd ? { imdsd: a, baseline: b } : { imdsd: b, baseline: a };
    settings.progress(`${label} round ${i + 1}: imdsd ${round.imdsd.requestsPerSec}/s p99 ${round.imdsd.p99Ms} ms, baseline ${round.baseline.requestsPerSec}/s p99 ${round.baseline.p99Ms} ms`);
    rounds.push(round);
  }
  return { imdsd: medianResult(rounds.map((r) => r.imdsd)), baseline: medianResult(rounds.map((r) => r.baseline)), rounds, hostSockets: sockets };
}

/** Holds `count` sockets open in a child of its own while `work` runs. */
async function withBusyHost<T>(count: number, work: () => Promise<T>): Promise<T> {
  const filler = spawnServer('sh', ['-c', `ulimit -n ${count + 1024} && exec "$0" "$@"`, process.execPath, FILLER, String(count)], { PATH: process.env.PATH });
  try {
    await filler.waitFor((line) => line.event === 'filled', 60_000);
    return await work();
  } finally {
    await filler.stop();
  }
}

export async function measureIssueFigures(targets: Targets, settings: IssueSettings): Promise<IssueFigures> {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idleRssMiB = { imdsd: rssMiB(targets.imdsd.pid), baseline: rssMiB(targets.baseline.pid) };
  await loopDelay(targets.imdsd);
  const get16 = await paired(targets, settings, 16, {}, 'GET @16');
  const loopDelayUnderLoad = await loopDelay(targets.imdsd);
  const churnQuiet = await paired(targets, settings, 1, { Connection: 'close' }, 'new connection per request');
  settings.progress(`holding ${settings.busySockets} more TCP sockets open`);
  const churnBusy = await withBusyHost(settings.busySockets, () => paired(targets, settings, 1, { Connection: 'close' }, `new connection, +${settings.busySockets} sockets`));
  return { get16, churnQuiet, churnBusy, idleRssMiB, loopDelayUnderLoad };
}

