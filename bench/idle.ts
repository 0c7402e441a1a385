/**
 * What does imdsd cost while nobody asks it anything? Resident memory (VmRSS) of the daemon
 * with one role 2 s after it listens, before any load, beside the bare node:http baseline
 * started the same way; then the CPU time each uses over IDLE_SEC seconds of quiet (timers,
 * the refresh schedule).
 */
import { BUDGETS } from './budgets.js';
import { cpuMs, ratio, round, rssMiB } from './load.js';
import { runAlone, type Row } from './report.js';
import { sleep, startPair, type Bench } from './setup.js';

const SETTLE_MS = 2_000;
const IDLE_SEC = 15;
const MIB_PER_MB = 1_000_000 / 1_048_576;

export async function idle(bench: Bench): Promise<Row[]> {
  const { imdsd, baseline } = await startPair(bench);
  await sleep(SETTLE_MS);
  const rss = { imdsd: rssMiB(imdsd.pid), baseline: rssMiB(baseline.pid) };
  const before = { imdsd: cpuMs(imdsd.pid), baseline: cpuMs(baseline.pid) };
  await sleep(IDLE_SEC * 1000);
  const cpu = { imdsd: cpuMs(imdsd.pid) - before.imdsd, baseline: cpuMs(baseline.pid) - before.baseline };
  await Promise.all([imdsd.stop(), baseline.stop()]);
  const rssMB = rss.imdsd === undefined ? undefined : round(rss.imdsd / MIB_PER_MB, 1);
  return [
    {
      figure: `idle RSS, one role (Node ${process.version})`, imdsd: `${rss.imdsd ?? 'n/a'} MiB (${rssMB ?? 'n/a'} MB)`,
      baseline: `${rss.baseline ?? 'n/a'} MiB (bare node:http)`, ratio: rss.imdsd === undefined || rss.baseline === undefined ? '–' : `${ratio(rss.imdsd, rss.baseline)} ×`,
      target: `< ${BUDGETS.idleRssMB} MB`, met: rssMB !== undefined && rssMB < BUDGETS.idleRssMB,
    },
    {
      figure: `idle CPU time over ${IDLE_SEC} s, one role (in 10 ms ticks)`, imdsd: `${cpu.imdsd} ms`, baseline: `${cpu.baseline} ms`,
      ratio: cpu.baseline === 0 ? '–' : `${ratio(cpu.imdsd, cpu.baseline)} ×`,
    },
  ];
}

runAlone(import.meta.url, idle);
