/**
 * How fast does imdsd answer the credential GET, against a bare node:http server that
 * answers the same bytes after one token Map lookup (bench/baseline-server.ts)? wrk -t1 on
 * 16 kept-alive connections with a valid token, alternating rounds, medians: throughput,
 * p99, each server's CPU per 1,000 GETs, imdsd's event-loop delay over those rounds (read
 * by bench/loop-delay-probe.ts, preloaded), and its log lines beyond the one `handed-out`
 * audit line per connection that is by design.
 */
import { join } from 'node:path';
import { BUDGETS } from './budgets.js';
import { paired, ratio, round } from './load.js';
import { n, runAlone, type Row } from './report.js';
import { HERE, SETTINGS, sleep, startPair, type Bench, type Server } from './setup.js';

const CONNECTIONS = 16;

/** Asks the probed daemon for its event-loop delay since the last ask (ms). */
async function loopDelay(imdsd: Server): Promise<{ p99Ms: number; maxMs: number } | undefined> {
  const before = imdsd.output.length;
  imdsd.child.kill('SIGUSR2');
  for (let i = 0; i < 50; i += 1) {
    await sleep(20);
    const line = imdsd.output.slice(before).find((l) => l.includes('"loop-delay"'));
    if (line !== undefined) return JSON.parse(line) as { p99Ms: number; maxMs: number };
  }
  return undefined;
}

export async function credentialGet(bench: Bench): Promise<Row[]> {
  const servers = await startPair(bench, ['--import', join(HERE, 'loop-delay-probe.js')]);
  await loopDelay(servers.imdsd);
  const linesBefore = servers.imdsd.lines.length;
  const { imdsd, baseline } = await paired(servers, { connections: CONNECTIONS }, `GET @${CONNECTIONS}`);
  const delay = await loopDelay(servers.imdsd);
  const logged = servers.imdsd.lines.slice(linesBefore);
  await Promise.all([servers.imdsd.stop(), servers.baseline.stop()]);
  const connections = CONNECTIONS * (SETTINGS.rounds + 1);
  const handedOut = logged.filter((l) => l.event === 'handed-out').length;
  const beyond = logged.length - handedOut + Math.max(0, handedOut - connections);
  const throughput = ratio(imdsd.perSec, baseline.perSec);
  const cpu = ratio(imdsd.cpuMsPer1000, baseline.cpuMsPer1000);
  const p99 = ratio(imdsd.p99Ms, baseline.p99Ms);
  const errors = imdsd.errors + baseline.errors === 0 ? '' : ` (${imdsd.errors} / ${baseline.errors} errors)`;
  return [
    {
      figure: `credential GET throughput (wrk -t1 -c${CONNECTIONS})${errors}`, imdsd: `${n(imdsd.perSec)} req/s`, baseline: `${n(baseline.perSec)} req/s`,
      ratio: `${throughput} ×`, target: `≥ ${BUDGETS.getThroughputRatio} ×`, met: throughput >= BUDGETS.getThroughputRatio,
    },
    {
      figure: 'server CPU per 1,000 credential GETs (same rounds; what a busy host distorts least)', imdsd: `${imdsd.cpuMsPer1000} ms`,
      baseline: `${baseline.cpuMsPer1000} ms`, ratio: `${cpu} ×`, target: `≤ ${round(1 / BUDGETS.getThroughputRatio)} × (the throughput target as a cost)`,
      met: cpu <= 1 / BUDGETS.getThroughputRatio,
    },
    {
      figure: 'credential GET p99 (same rounds)', imdsd: `${imdsd.p99Ms} ms`, baseline: `${baseline.p99Ms} ms`,
      ratio: `${p99} ×`, target: `≤ ${BUDGETS.getP99Ratio} ×`, met: p99 <= BUDGETS.getP99Ratio,
    },
    {
      figure: 'event-loop delay p99 during the GET rounds', imdsd: delay === undefined ? 'n/a' : `${round(delay.p99Ms, 1)} ms (max ${round(delay.maxMs, 1)})`,
      target: `< ${BUDGETS.loopDelayP99Ms} ms`, met: delay !== undefined && delay.p99Ms < BUDGETS.loopDelayP99Ms,
    },
    {
      figure: `info log lines beyond one per connection (${n(connections)} connections, ${n(imdsd.requests)} GETs a round)`,
      imdsd: String(beyond), target: '0', met: beyond === 0,
    },
  ];
}

runAlone(import.meta.url, credentialGet);
