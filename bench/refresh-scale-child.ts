/**
 * Refresh at scale, in a process of its own so that its peak RSS (VmHWM) and its event
 * loop are its own: N roles, each with the real refresher, the real STS client and static
 * source keys, every AssumeRole through the daemon's own limiter (src/daemon/sts-limiter.ts)
 * and with the daemon's jitter, as role-runtime.ts wires them. Measures the first fetch of
 * all N, then one more refresh of all N at once (a wake-up), and the event-loop delay
 * throughout. How many calls were in flight is measured at the STS (sts-child.ts).
 *
 * Usage: node refresh-scale-child.js STS_URL N. Prints one JSON line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import type { CredentialResult } from '../src/credentials.js';
import { systemClock } from '../src/clock.js';
import { createLogger } from '../src/daemon/logger.js';
import { createRefresher, type Refresher } from '../src/refresher/refresher.js';
import { sourceProvider } from '../src/refresher/source-credentials.js';
import { createAssumeRoleIssue } from '../src/refresher/issuers/assume-role.js';
import { DEFAULT_USER } from '../test/support/sts-server.js';
import { createLimiter } from '../src/daemon/sts-limiter.js';
import { peakRssMiB, rssMiB } from './proc.js';
import { benchRoleArn } from './roles.js';

const [stsUrl = '', rolesArg = '1000'] = process.argv.slice(2);
const roles = Number(rolesArg);
/** Same as the daemon's STS_DEADLINE_MS. */
const DEADLINE_MS = 10_000;

const rssBeforeMiB = rssMiB(process.pid);
const limiter = createLimiter();
let stsCalls = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
// The daemon logs one info line per refresh: keep that cost, send it nowhere.
const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: true }));
const credentials = sourceProvider({ kind: 'static', accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey });

const t0 = performance.now();
const refreshers: Refresher[] = [];
for (let i = 1; i <= roles; i += 1) {
  const roleArn = benchRoleArn(i);
  const assumeRole = createAssumeRoleIssue({
    roleArn, sessionName: 'bench', region: 'us-east-1', endpoint: stsUrl, credentials, deadlineMs: DEADLINE_MS,
  });
  refreshers.push(createRefresher({
    identity: { roleName: `bench-${i}`, roleArn, accountId: '123456789012', region: 'us-east-1' },
    issue: (durationSec) => limiter.limit(() => {
      stsCalls += 1;
      return assumeRole(durationSec);
    }),
    scheduleJitter: Math.random,
    clock: systemClock,
    logger,
    failureContext: { roleArn, sourceLabel: 'static', sourceProfile: undefined, region: 'us-east-1' },
    // The periodic tick is not what is measured here.
    ticker: () => () => undefined,
  }));
}
const buildMs = performance.now() - t0;
const rssBuiltMiB = rssMiB(process.pid);

let sampledPeakMiB = rssBuiltMiB ?? 0;
const sampler = setInterval(() => {
  sampledPeakMiB = Math.max(sampledPeakMiB, rssMiB(process.pid) ?? 0);
}, 20);

const ok = (results: readonly CredentialResult[]): number => results.filter((r) => r.ok).length;
loopDelay.enable();
const t1 = performance.now();
const first = await Promise.all(refreshers.map((r) => r.start()));
const firstFetchMs = performance.now() - t1;
const freshAfterFirst = refreshers.filter((r) => r.status().state === 'fresh').length;
const t2 = performance.now();
const again = await Promise.all(refreshers.map((r) => r.refreshNow()));
const refreshAllMs = performance.now() - t2;
clearInterval(sampler);
loopDelay.disable();
for (const refresher of refreshers) refresher.stop();

process.stdout.write(`${JSON.stringify({
  roles,
  buildMs,
  firstFetchMs,
  firstFetchOk: ok(first),
  freshAfterFirst,
  refreshAllMs,
  refreshAllOk: ok(again),
  stsCalls,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  loopDelayMaxMs: loopDelay.max / 1e6,
  rssBeforeMiB,
  rssBuiltMiB,
  sampledPeakMiB,
  peakRssMiB: peakRssMiB(process.pid),
  errors: [...new Set([...first, ...again].flatMap((r) => (r.ok ? [] : [r.error.code])))],
})}\n`);
process.exit(0);
