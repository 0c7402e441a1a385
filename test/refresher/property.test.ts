/**
 * Issue 4's property test over virtual time: 30 simulated days per scenario, with
 * lifetimes from 15 minutes to 12 hours (and STS issuing less than asked), STS failure
 * rates of 0–50 %, outages of varying length, sleep/wake jumps and clock offsets against
 * STS. At every simulated client request the invariants are checked:
 * - no credential past its real (STS-time) expiry is ever served;
 * - when STS was healthy for a whole lifetime before the request, the served credential
 *   keeps more than 25 minutes (or, for lifetimes under 30 minutes, all but the rotation
 *   interval of 5 minutes);
 * - STS calls per simulated hour stay within the budget however clients ask.
 * Seeded: IMDSD_PROPERTY_SEED reruns a failing seed.
 */
import pino from 'pino';
import t from 'tap';
import { createRefresher } from '../../src/refresher/refresher.js';
import type { IssuedCredential } from '../../src/refresher/issuers/issuer.js';
import { FakeClock } from '../support/fake-clock.js';
import { fakeTicker } from '../support/fake-ticker.js';
import { seededRandom } from '../support/seeded-random.js';

t.setTimeout(600_000);

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SIM_DAYS = 30;
/** Every simulated client request is this far apart (plus jitter). */
const REQUEST_EVERY_MS = 5 * MIN;
/** Background retries (≤ 60/h at the 60 s cap, more early in an outage) plus demand. */
const STS_CALLS_PER_HOUR_BUDGET = 150;


interface Scenario {
  readonly name: string;
  readonly askedSec: number;
  /** STS issues this instead of what was asked, when set (less than asked). */
  readonly issuedSec?: number;
  readonly failureRate: number;
  readonly outages: boolean;
  readonly sleeps: boolean;
  /** STS time minus local time, in ms (the local clock is behind when positive). */
  readonly clockOffsetMs: number;
}

const SCENARIOS: Scenario[] = [
  { name: '1 h, healthy', askedSec: 3600, failureRate: 0, outages: false, sleeps: false, clockOffsetMs: 0 },
  { name: '1 h, 20 % failures, outages, sleep/wake', askedSec: 3600, failureRate: 0.2, outages: true, sleeps: true, clockOffsetMs: 0 },
  { name: '12 h, 50 % failures, outages', askedSec: 43200, failureRate: 0.5, outages: true, sleeps: false, clockOffsetMs: 0 },
  { name: '15 min, 10 % failures, sleep/wake', askedSec: 900, failureRate: 0.1, outages: false, sleeps: true, clockOffsetMs: 0 },
  { name: '1 h asked, 20 min issued, 30 % failures', askedSec: 3600, issuedSec: 1200, failureRate: 0.3, outages: true, sleeps: true, clockOffsetMs: 0 },
  { name: '6 h, local clock 10 min behind STS, outages', askedSec: 21600, failureRate: 0.05, outages: true, sleeps: true, clockOffsetMs: 10 * MIN },
  { name: '1 h, local clock 7 min ahead of STS, 20 % failures', askedSec: 3600, failureRate: 0.2, outages: true, sleeps: false, clockOffsetMs: -7 * MIN },
  { name: '1 h, local clock 45 s behind (under the warning), 10 % failures', askedSec: 3600, failureRate: 0.1, outages: true, sleeps: true, clockOffsetMs: 45_000 },
];

interface Counts {
  requests: number;
  served: number;
  refused: number;
  stsCalls: number;
  failuresInjected: number;
  outages: number;
  sleeps: number;
  violations: string[];
  maxCallsInAnHour: number;
  simulatedMs: number;
}

async function simulate(scenario: Scenario, seed: number): Promise<Counts> {
  const random = seededRandom(seed);
  // The refresher's work is promises only, so two macrotask turns per timer suffice.
  const clock = new FakeClock(Date.UTC(2026, 10, 1), 2);
  const stsNow = (): number => clock.now() + scenario.clockOffsetMs;
  const realExpiry = new Map<string, number>();
  const callTimes: number[] = [];
  const healthSince = { ms: clock.now() };
  let outageUntilMs = 0;
  let failuresInjected = 0;
  let issuedCount = 0;

  const assumeRole = async (durationSec: number | undefined): Promise<IssuedCredential> => {
    callTimes.push(clock.now());
    if (clock.now() < outageUntilMs || random() < scenario.failureRate) {
      failuresInjected += 1;
      healthSince.ms = Number.POSITIVE_INFINITY;
      const throttled = random() < 0.5;
      throw Object.assign(new Error(throttled ? 'Rate exceeded' : 'Service Unavailable'), {
        name: throttled ? 'Throttling' : 'ServiceUnavailable',
        $metadata: { httpStatusCode: throttled ? 400 : 503 },
      });
    }
    if (healthSince.ms === Number.POSITIVE_INFINITY) healthSince.ms = clock.now();
    issuedCount += 1;
    const lifetimeMs = (scenario.issuedSec ?? durationSec ?? 3600) * 1000;
    const credential = {
      accessKeyId: `ASIAPROP${String(issuedCount).padStart(12, '0')}`,
      secretAccessKey: `secret-${issuedCount}`,
      sessionToken: `token-${issuedCount}`,
      expiresAtMs: stsNow() + lifetimeMs,
      stsDateMs: stsNow(),
    };
    realExpiry.set(credential.accessKeyId, credential.expiresAtMs);
    return credential;
  };

  const refresher = createRefresher({
    identity: { roleName: 'dev', roleArn: 'arn:aws:iam::123456789012:role/dev', accountId: '123456789012', region: 'us-east-1' },
    issue: assumeRole,
    clock,
    logger: pino({ level: 'silent' }),
    failureContext: { roleArn: 'arn:aws:iam::123456789012:role/dev', sourceLabel: 'test', region: 'us-east-1' },
    ticker: fakeTicker(clock),
    durationSec: scenario.askedSec,
    random,
  });

  const counts: Counts = {
    requests: 0, served: 0, refused: 0, stsCalls: 0, failuresInjected: 0, outages: 0, sleeps: 0, violations: [], maxCallsInAnHour: 0, simulatedMs: 0,
  };
  const startMs = clock.now();
  await refresher.start();
  const endMs = clock.now() + SIM_DAYS * DAY;
  const lifetimeMs = (scenario.issuedSec ?? scenario.askedSec) * 1000;
  const healthyFloorMs = Math.min(25 * MIN, lifetimeMs - 6 * MIN);

  while (clock.now() < endMs && counts.violations.length < 5) {
    await clock.advance(REQUEST_EVERY_MS + Math.floor(random() * MIN));
    if (scenario.outages && clock.now() >= outageUntilMs && random() < 0.004) {
      outageUntilMs = clock.now() + Math.floor(random() * 3 * lifetimeMs);
      counts.outages += 1;
    }
    if (scenario.sleeps && random() < 0.003) {
      // Suspend: wall time moves, monotonic time and pending timers do not.
      clock.jumpWall(Math.floor(random() * 10 * HOUR));
      counts.sleeps += 1;
      healthSince.ms = Number.POSITIVE_INFINITY;
    }

    counts.requests += 1;
    const result = await refresher.get();
    if (!result.ok) {
      counts.refused += 1;
      continue;
    }
    counts.served += 1;
    const trueLeftMs = (realExpiry.get(result.credential.accessKeyId) ?? 0) - stsNow();
    if (trueLeftMs <= 0) {
      counts.violations.push(`expired credential served at ${new Date(clock.now()).toISOString()} (${trueLeftMs} ms left)`);
    }
    const healthyForLifetime = clock.now() - healthSince.ms >= lifetimeMs && clock.now() >= outageUntilMs;
    if (healthyForLifetime && trueLeftMs <= healthyFloorMs) {
      counts.violations.push(`only ${Math.round(trueLeftMs / 1000)} s left while STS was healthy, at ${new Date(clock.now()).toISOString()}`);
    }
  }
  refresher.stop();
  counts.simulatedMs = clock.now() - startMs;

  const perHour = new Map<number, number>();
  for (const at of callTimes) perHour.set(Math.floor(at / HOUR), (perHour.get(Math.floor(at / HOUR)) ?? 0) + 1);
  counts.maxCallsInAnHour = Math.max(0, ...perHour.values());
  if (counts.maxCallsInAnHour > STS_CALLS_PER_HOUR_BUDGET) {
    counts.violations.push(`${counts.maxCallsInAnHour} STS calls in one hour (budget ${STS_CALLS_PER_HOUR_BUDGET})`);
  }
  counts.stsCalls = callTimes.length;
  counts.failuresInjected = failuresInjected;
  return counts;
}

const baseSeed = Number(process.env.IMDSD_PROPERTY_SEED ?? 20261121);

for (const [i, scenario] of SCENARIOS.entries()) {
  t.test(`30 simulated days: ${scenario.name}`, async (t) => {
    const seed = baseSeed + i;
    const counts = await simulate(scenario, seed);
    t.comment(`seed ${seed}: ${counts.requests} requests, ${counts.served} served, ${counts.refused} refused, `
      + `${counts.stsCalls} STS calls (max ${counts.maxCallsInAnHour}/h), ${counts.failuresInjected} failures injected, `
      + `${counts.outages} outages, ${counts.sleeps} sleeps, ${counts.violations.length} violations`);
    t.same(counts.violations, [], 'no violation of the invariants');
    t.ok(counts.simulatedMs >= SIM_DAYS * DAY, `the whole month was simulated (${Math.round(counts.simulatedMs / DAY)} days)`);
    if (scenario.failureRate === 0 && !scenario.outages) t.equal(counts.refused, 0, 'a healthy STS never leaves a client without a credential');
    if (scenario.failureRate > 0) t.ok(counts.failuresInjected > 0, 'failures were really injected');
  });
}
