/**
 * Does the daemon keep 1,000 roles (BENCH_REFRESH_ROLES) fresh without flooding STS or
 * stalling its event loop? A child process (this file run as `roles.js --child URL N`)
 * builds each role's real refresher and STS client with the daemon's own limiter and
 * jitter, as role-runtime.ts wires them, fetches all, then refreshes all at once, and
 * reports its event-loop delay and memory. The local STS, here in the bench process,
 * answers each call after 30 ms as a real one does, and counts the most it answered at once.
 */
import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { systemClock } from '../src/clock.js';
import { createLogger } from '../src/daemon/logger.js';
import { createLimiter } from '../src/daemon/sts-limiter.js';
import { createRefresher } from '../src/refresher/refresher.js';
import { sourceProvider } from '../src/refresher/source-credentials.js';
import { createAssumeRoleIssue } from '../src/refresher/issuers/assume-role.js';
import { DEFAULT_USER, startStsServer } from '../test/support/sts-server.js';
import { BUDGETS } from './budgets.js';
import { round, rssMiB } from './load.js';
import { n, runAlone, type Row } from './report.js';
import { benchArn, CPUS, SETTINGS } from './setup.js';

const STS_LATENCY_MS = 30;

async function child(stsUrl: string, roles: number): Promise<void> {
  const limiter = createLimiter();
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: true }));
  const credentials = sourceProvider({ kind: 'static', accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey });
  const refreshers = Array.from({ length: roles }, (_, i) => {
    const roleArn = benchArn(i + 1);
    const assumeRole = createAssumeRoleIssue({ roleArn, sessionName: 'bench', region: 'us-east-1', endpoint: stsUrl, credentials, deadlineMs: 10_000 });
    return createRefresher({
      identity: { roleName: `bench-${i + 1}`, roleArn, accountId: '123456789012', region: 'us-east-1' },
      issue: (durationSec) => limiter.limit(() => assumeRole(durationSec)),
      scheduleJitter: Math.random, clock: systemClock, logger, ticker: () => () => undefined,
      failureContext: { roleArn, sourceLabel: 'static', sourceProfile: undefined, region: 'us-east-1' },
    });
  });
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const t0 = performance.now();
  const first = await Promise.all(refreshers.map((r) => r.start()));
  const firstFetchMs = performance.now() - t0;
  const fresh = refreshers.filter((r) => r.status().state === 'fresh').length;
  const t1 = performance.now();
  const again = await Promise.all(refreshers.map((r) => r.refreshNow()));
  const refreshAllMs = performance.now() - t1;
  loopDelay.disable();
  refreshers.forEach((r) => r.stop());
  const errors = [...new Set([...first, ...again].flatMap((r) => (r.ok ? [] : [r.error.code])))];
  process.stdout.write(`${JSON.stringify({
    firstFetchMs, fresh, refreshAllMs, refreshedOk: again.filter((r) => r.ok).length, errors,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6, peakRssMiB: rssMiB(process.pid, 'VmHWM'),
  })}\n`);
  process.exit(0);
}

export async function manyRoles(): Promise<Row[]> {
  const roles = SETTINGS.roles;
  const sts = await startStsServer({ roles: Object.fromEntries(Array.from({ length: roles }, (_, i) => [benchArn(i + 1), {}])) });
  sts.setFaultMode(() => ({ kind: 'delay', ms: STS_LATENCY_MS }));
  const command = [process.execPath, fileURLToPath(import.meta.url), '--child', sts.url, String(roles)];
  const [file = '', ...args] = CPUS.pinned ? ['taskset', '-c', CPUS.servers, ...command] : command;
  const out = await new Promise<string>((resolve, reject) => {
    execFile(file, args, { env: { PATH: process.env.PATH }, timeout: 120_000, maxBuffer: 1 << 20 }, (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
  }).finally(() => sts.close());
  const r = JSON.parse(out) as { firstFetchMs: number; fresh: number; refreshAllMs: number; refreshedOk: number; errors: string[]; loopDelayP99Ms: number; loopDelayMaxMs: number; peakRssMiB: number };
  const inFlight = sts.peakInFlight();
  return [
    {
      figure: `${n(roles)} roles: first fetch of all, the daemon's limiter (STS answers in ${STS_LATENCY_MS} ms)`,
      imdsd: `${r.fresh}/${roles} fresh in ${round(r.firstFetchMs / 1000, 1)} s; ${inFlight} in flight at most, at the STS${r.errors.length > 0 ? `; errors ${r.errors.join(', ')}` : ''}`,
      target: `< ${BUDGETS.rolesFreshMs / 1000} s, ≤ ${BUDGETS.stsInFlight} in flight`,
      met: r.fresh === roles && r.firstFetchMs < BUDGETS.rolesFreshMs && inFlight <= BUDGETS.stsInFlight,
    },
    { figure: `${n(roles)} roles: all refreshed at once; peak RSS of that process`, imdsd: `${r.refreshedOk}/${roles} in ${round(r.refreshAllMs / 1000, 1)} s; ${r.peakRssMiB} MiB` },
    {
      figure: `event-loop delay p99 while ${n(roles)} roles fetch and refresh`, imdsd: `${round(r.loopDelayP99Ms, 1)} ms (max ${round(r.loopDelayMaxMs, 1)})`,
      target: `< ${BUDGETS.loopDelayP99Ms} ms`, met: r.loopDelayP99Ms < BUDGETS.loopDelayP99Ms,
    },
  ];
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '', Number(process.argv[4]));
else runAlone(import.meta.url, manyRoles);
