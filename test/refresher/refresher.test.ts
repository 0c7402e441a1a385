import pino from 'pino';
import t, { type Test } from 'tap';
import type { Credential, CredentialResult, RoleIdentity } from '../../src/credentials.js';
import type { ErrorCode } from '../../src/errors.js';
import type { FailureContext } from '../../src/refresher/classify.js';
import { createRefresher, type Refresher, type RefresherOptions } from '../../src/refresher/refresher.js';
import type { IssuedCredential, Issuer } from '../../src/refresher/issuers/issuer.js';
import { FakeClock } from '../support/fake-clock.js';
import { fakeTicker } from '../support/fake-ticker.js';
import { seededRandom } from '../support/seeded-random.js';

// Each long simulation runs 7 days of fake time (about 30,000 timers): allow for a busy machine.
t.setTimeout(180_000);

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TICK_MS = 30 * SEC;

const IDENTITY: RoleIdentity = {
  roleName: 'dev',
  roleArn: 'arn:aws:iam::123456789012:role/dev',
  accountId: '123456789012',
  region: 'us-east-1',
};
const CONTEXT: FailureContext = {
  roleArn: IDENTITY.roleArn,
  sourceLabel: 'source profile dev-sso',
  sourceProfile: 'dev-sso',
  region: 'us-east-1',
};

// ---------------------------------------------------------------------------------------
// Fakes: STS, ticker, log capture
// ---------------------------------------------------------------------------------------

type Behaviour = (durationSec: number | undefined) => IssuedCredential | Promise<IssuedCredential>;

/** A scripted AssumeRole: counts calls, issues credentials or throws SDK-shaped errors. */
class FakeSts {
  readonly durations: Array<number | undefined> = [];
  readonly callTimesMs: number[] = [];
  readonly issued: IssuedCredential[] = [];
  /** Lifetime of what STS issues whatever is asked; undefined: what is asked, or 3600 s. */
  lifetimeSec: number | undefined;
  private behaviour: Behaviour | undefined;

  constructor(private readonly clock: FakeClock) {}

  get calls(): number {
    return this.durations.length;
  }

  readonly assumeRole: Issuer = async (durationSec) => {
    this.durations.push(durationSec);
    this.callTimesMs.push(this.clock.now());
    return this.behaviour === undefined ? this.issue(durationSec) : this.behaviour(durationSec);
  };

  /** A new credential, expiring `lifetimeMs` from the (fake) STS time. */
  issue(durationSec?: number, lifetimeMs?: number): IssuedCredential {
    const n = this.issued.length + 1;
    const life = lifetimeMs ?? (this.lifetimeSec ?? durationSec ?? 3600) * SEC;
    const credential: IssuedCredential = {
      accessKeyId: `ASIAFAKE${String(n).padStart(12, '0')}`,
      secretAccessKey: `SECRETKEY-${n}-wJalrXUtnFEMI/K7MDENG/bPxRfiCY`,
      sessionToken: `SESSIONTOKEN-${n}-IQoJb3JpZ2luX2VjEKqLL2ly079sZYrV`,
      expiresAtMs: this.clock.now() + life,
      stsDateMs: this.clock.now(),
    };
    this.issued.push(credential);
    return credential;
  }

  succeed(): void {
    this.behaviour = undefined;
  }

  respond(behaviour: Behaviour): void {
    this.behaviour = behaviour;
  }

  failWith(make: () => unknown): void {
    this.behaviour = () => {
      throw make();
    };
  }

  /** Never answers. */
  hang(): void {
    this.behaviour = () => new Promise<never>(() => undefined);
  }

  /** Answers with a credential after `ms` of fake time. */
  delay(ms: number): void {
    this.behaviour = (durationSec) =>
      new Promise((resolve) => this.clock.setTimer(() => resolve(this.issue(durationSec)), ms));
  }
}

/** An STS error answer as @aws-sdk/client-sts throws it. */
function stsError(code: string, status: number, message = `${code} (fake STS)`): Error {
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    Type: status >= 500 ? 'Receiver' : 'Sender',
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'fake-request', attempts: 1, totalRetryDelay: 0 },
  });
}
const throttling = (): Error => stsError('Throttling', 400, 'Rate exceeded');
const unavailable = (): Error => stsError('ServiceUnavailable', 503, 'Service unavailable');
const accessDenied = (): Error =>
  stsError('AccessDenied', 403, `User: arn:aws:iam::111111111111:user/tester is not authorized to perform: sts:AssumeRole on resource: ${IDENTITY.roleArn}`);
const roleChaining = (): Error =>
  stsError('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');

interface LogCapture {
  readonly lines: string[];
  readonly logger: pino.Logger;
  events(name?: string): Array<Record<string, unknown>>;
}

function captureLog(): LogCapture {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return {
    lines,
    logger,
    events(name) {
      const all = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      return name === undefined ? all : all.filter((e) => e.event === name);
    },
  };
}


interface Env {
  readonly clock: FakeClock;
  readonly sts: FakeSts;
  readonly log: LogCapture;
  readonly refresher: Refresher;
}

function setup(t: Test, options: Partial<RefresherOptions> = {}): Env {
  const clock = new FakeClock();
  const sts = new FakeSts(clock);
  const log = captureLog();
  const refresher = createRefresher({
    identity: IDENTITY,
    issue: sts.assumeRole,
    clock,
    logger: log.logger,
    failureContext: CONTEXT,
    ticker: fakeTicker(clock, TICK_MS),
    random: () => 0.5,
    ...options,
  });
  t.teardown(() => refresher.stop());
  return { clock, sts, log, refresher };
}

function errorCode(result: CredentialResult): ErrorCode | undefined {
  return result.ok ? undefined : result.error.code;
}

/** Every captured log line is free of the secrets of every credential STS issued. */
function checkLogsHoldNoSecrets(t: Test, env: Env): void {
  const leaks: string[] = [];
  for (const line of env.log.lines) {
    for (const c of env.sts.issued) {
      if (line.includes(c.secretAccessKey)) leaks.push(`secret key in: ${line}`);
      if (line.includes(c.sessionToken)) leaks.push(`session token in: ${line}`);
      if (line.includes(c.accessKeyId)) leaks.push(`whole key id in: ${line}`);
    }
    if (/SECRETKEY|SESSIONTOKEN/.test(line)) leaks.push(`secret material in: ${line}`);
  }
  t.same(leaks, [], `none of ${env.log.lines.length} log lines holds a secret, a token or a whole key id`);
  const shown = env.log.events().filter((e) => e.keyId !== undefined).map((e) => e.keyId);
  t.ok(shown.length > 0, 'some log lines name a key id');
  t.ok(shown.every((k) => typeof k === 'string' && /^…[A-Z0-9]{4}$/.test(k)), 'a key id is shown only as its last four characters');
  t.ok(shown.every((k) => env.sts.issued.some((c) => c.accessKeyId.endsWith((k as string).slice(1)))),
    'and those are the last four characters of a key STS issued');
}

// ---------------------------------------------------------------------------------------
// Start and get
// ---------------------------------------------------------------------------------------

t.test('start() fetches once and get() serves that credential, stamped with the clock time', async (t) => {
  const env = setup(t);
  const startedAt = env.clock.now();
  const first = await env.refresher.start();
  t.equal(env.sts.calls, 1, 'one STS call');
  t.same(env.sts.durations, [undefined], 'no DurationSeconds asked: STS chooses');
  if (!first.ok) return t.fail('start() succeeded');
  t.equal(first.credential.issuedAtMs, startedAt, 'issuedAtMs (IMDS LastUpdated) is the clock time of receipt');
  t.equal(first.credential.expiresAtMs, startedAt + HOUR, 'the expiry is what STS said');
  t.equal(first.credential.accessKeyId, env.sts.issued[0]?.accessKeyId, 'the key STS issued');
  const got = await env.refresher.get();
  t.equal(got.ok && got.credential, first.credential, 'get() returns the same credential');
  t.equal(env.refresher.held(), first.credential, 'held() is that credential');
  t.equal(env.refresher.servableNow(), first.credential, 'servableNow() too: no promise needed');
  t.equal(env.sts.calls, 1, 'get() made no STS call');
  const status = env.refresher.status();
  t.equal(status.state, 'fresh', 'the state is fresh');
  t.equal(status.nextRefreshAtMs, startedAt + 30 * MIN, 'the next refresh is at half the lifetime');
  t.equal(status.lastRefreshAtMs, startedAt, 'lastRefreshAtMs is when it arrived');
  t.equal(status.issuedAtMs, startedAt, 'status shows issuedAtMs');
  t.equal(status.expiresAtMs, startedAt + HOUR, 'status shows expiresAtMs');
  t.equal(status.consecutiveFailures, 0, 'no failures');
  t.equal(status.lastError, undefined, 'no error');
  t.equal(env.refresher.identity, IDENTITY, 'the identity served is the one configured');
  const refreshed = env.log.events('refreshed');
  t.equal(refreshed.length, 1, 'one "refreshed" log event');
  t.equal(refreshed[0]?.keyId, `…${first.credential.accessKeyId.slice(-4)}`, 'it names the key by its last four characters');
  t.equal(refreshed[0]?.role, 'dev', 'it names the role');
});

// ---------------------------------------------------------------------------------------
// Days of virtual time with a healthy STS
// ---------------------------------------------------------------------------------------

interface SimulationResult {
  readonly calls: number;
  readonly minLeftMs: number;
  readonly notOk: number;
  readonly durations: ReadonlyArray<number | undefined>;
  readonly states: ReadonlySet<string>;
}

/**
 * Runs a refresher for `days` of fake time. A timer samples get() every simulated minute,
 * so the whole run is one advance() of the fake clock.
 */
async function simulate(t: Test, days: number, options: { durationSec?: number; lifetimeSec?: number }): Promise<SimulationResult> {
  const env = setup(t, { durationSec: options.durationSec });
  env.sts.lifetimeSec = options.lifetimeSec;
  await env.refresher.start();
  let minLeftMs = Number.POSITIVE_INFINITY;
  let notOk = 0;
  let samples = 0;
  const states = new Set<string>();
  const sample = (): void => {
    env.clock.setTimer(sample, MIN);
    samples += 1;
    void env.refresher.get().then((r) => {
      states.add(env.refresher.status().state);
      if (r.ok) minLeftMs = Math.min(minLeftMs, r.credential.expiresAtMs - env.clock.now());
      else notOk += 1;
    });
  };
  env.clock.setTimer(sample, MIN);
  await env.clock.advance(days * DAY);
  t.equal(samples, days * 24 * 60, `get() was sampled every minute (${samples} times)`);
  checkLogsHoldNoSecrets(t, env);
  return { calls: env.sts.calls, minLeftMs, notOk, durations: env.sts.durations, states };
}

t.test('over 7 days of 1 h credentials: 2 refreshes an hour, always more than 25 min left', async (t) => {
  const r = await simulate(t, 7, { durationSec: 3600 });
  const expected = 1 + 7 * 24 * 2;
  t.ok(Math.abs(r.calls - expected) <= 2, `${r.calls} STS calls, about ${expected}`);
  t.equal(r.notOk, 0, 'every sampled get() served a credential');
  t.ok(r.minLeftMs > 25 * MIN, `the least left at any sampled minute was ${r.minLeftMs / MIN} min (> 25)`);
  t.ok(r.durations.every((d) => d === 3600), 'every call asked for 3600 s');
  t.same([...r.states], ['fresh'], 'the state was always fresh');
});

t.test('over 7 days of 12 h credentials: 4 refreshes a day, always more than 25 min left', async (t) => {
  const r = await simulate(t, 7, { durationSec: 43200 });
  const expected = 1 + 7 * 4;
  t.ok(Math.abs(r.calls - expected) <= 1, `${r.calls} STS calls, about ${expected}`);
  t.equal(r.notOk, 0, 'every sampled get() served a credential');
  t.ok(r.minLeftMs > 25 * MIN, `the least left was ${r.minLeftMs / MIN} min`);
  t.ok(r.minLeftMs >= 6 * HOUR - MIN, 'in fact about half the lifetime is always left');
});

t.test('over 7 days of 15 min credentials: refreshed every 5 min, never a loop, never unservable', async (t) => {
  const r = await simulate(t, 7, { durationSec: 900 });
  const expected = 1 + 7 * 24 * 12;
  t.ok(Math.abs(r.calls - expected) <= 2, `${r.calls} STS calls, about ${expected} (12 an hour)`);
  t.equal(r.notOk, 0, 'every sampled get() served a credential');
  t.ok(r.minLeftMs > 9 * MIN, `the least left was ${r.minLeftMs / MIN} min (a 15 min credential rotates with 10 left)`);
});

t.test('over 7 days of STS issuing 20 min when 1 h is asked: no refresh loop', async (t) => {
  const r = await simulate(t, 7, { durationSec: 3600, lifetimeSec: 1200 });
  const expected = 1 + 7 * 24 * 12;
  t.ok(r.calls <= expected + 2, `${r.calls} STS calls: at most 12 an hour, not a loop`);
  t.ok(r.calls >= expected - 2, 'and still rotated before the short credential ran low');
  t.equal(r.notOk, 0, 'every sampled get() served a credential');
  t.ok(r.minLeftMs > 14 * MIN, `the least left was ${r.minLeftMs / MIN} min`);
  t.ok(r.durations.every((d) => d === 3600), 'it kept asking for what was configured');
});

// ---------------------------------------------------------------------------------------
// A failing STS
// ---------------------------------------------------------------------------------------

t.test('during an outage the last good credential is served until 60 s before expiry, then the STS error', async (t) => {
  const env = setup(t);
  const start = await env.refresher.start();
  if (!start.ok) return t.fail('start() succeeded');
  const good = start.credential;
  env.sts.failWith(throttling);

  let servedAfterLimit = 0;
  let wrongCredential = 0;
  let firstRefusalAtMs: number | undefined;
  const codes = new Set<string>();
  while (env.clock.now() < good.expiresAtMs + 2 * MIN) {
    const nearEnd = env.clock.now() >= good.expiresAtMs - 3 * MIN;
    await env.clock.advance(nearEnd ? SEC : 10 * SEC);
    const r = await env.refresher.get();
    const leftMs = good.expiresAtMs - env.clock.now();
    if (r.ok) {
      if (r.credential !== good) wrongCredential += 1;
      if (leftMs <= 60 * SEC) servedAfterLimit += 1;
    } else {
      firstRefusalAtMs ??= env.clock.now();
      codes.add(r.error.code);
    }
    if (leftMs > 60 * SEC && env.refresher.status().consecutiveFailures > 0 && env.refresher.status().state !== 'degraded') {
      return t.fail('the state is degraded while the old credential is still served');
    }
  }
  t.equal(wrongCredential, 0, 'only the last good credential was served');
  t.equal(servedAfterLimit, 0, 'nothing was served with 60 s or less left');
  t.equal(firstRefusalAtMs, good.expiresAtMs - 60 * SEC, 'serving stopped exactly 60 s before expiry');
  t.same([...codes], ['IMDSD_ERR_STS_THROTTLED'], 'after that get() answers the specific STS error code');
  const refused = await env.refresher.get();
  t.match(refused.ok ? '' : refused.error.message, /^the last credential has expired: STS is throttling/, 'the message says the old credential expired and why');
  t.match(refused.ok ? '' : refused.error.hint, /backs off/, 'with the hint of the STS error');
  const status = env.refresher.status();
  t.equal(status.state, 'expired', 'the state is expired');
  t.equal(status.lastError?.code, 'IMDSD_ERR_STS_THROTTLED', 'status shows the last error');
  t.ok(status.consecutiveFailures > 10, `status counts ${status.consecutiveFailures} consecutive failures`);
  const failed = env.log.events('refresh-failed');
  t.ok(failed.length > 10, 'every failure is logged');
  t.equal(failed[0]?.code, 'IMDSD_ERR_STS_THROTTLED', 'with its code');
  t.equal(failed[0]?.servingUntil, new Date(good.expiresAtMs).toISOString(), 'and, while serving, until when');
  t.match(failed[0]?.msg, /still serving the last good credential/, 'saying so in words');
  t.equal(failed.at(-1)?.servingUntil, undefined, 'once expired no servingUntil is claimed');

  env.sts.succeed();
  await env.clock.advance(60 * SEC);
  const healed = await env.refresher.get();
  t.ok(healed.ok && healed.credential !== good, 'a new credential is served within a minute of STS healing');
  t.equal(env.refresher.status().state, 'fresh', 'the state is fresh again');
  t.equal(env.refresher.status().consecutiveFailures, 0, 'the failure count is reset');
  checkLogsHoldNoSecrets(t, env);
});

/** STS calls in each whole hour of an outage that starts one hour after start(). */
async function outageCallsPerHour(t: Test, random: () => number, hours: number): Promise<{ perHour: number[]; env: Env }> {
  const env = setup(t, { random });
  await env.refresher.start();
  await env.clock.advance(HOUR - 60 * SEC);
  env.sts.failWith(unavailable);
  const outageStartMs = env.clock.now();
  const before = env.sts.calls;
  for (let h = 0; h < hours; h++) await env.clock.advance(HOUR);
  const perHour = Array.from({ length: hours }, () => 0);
  for (const at of env.sts.callTimesMs.slice(before)) {
    const h = Math.floor((at - outageStartMs) / HOUR);
    if (h < hours) perHour[h] = (perHour[h] ?? 0) + 1;
  }
  return { perHour, env };
}

t.test('a long outage costs at most about 120 STS calls an hour with fast retries', async (t) => {
  const { perHour, env } = await outageCallsPerHour(t, () => 0.5, 24);
  t.ok((perHour[0] ?? 0) <= 125, `the first hour, with its quick early retries, has ${perHour[0]} calls (≤ 125)`);
  t.ok(perHour.slice(1).every((n) => n <= 120), `at most 120 calls in every later hour (max ${Math.max(...perHour.slice(1))})`);
  t.ok(perHour.slice(1).every((n) => n >= 100), 'and it keeps trying (100 or more an hour after the first)');
  const gaps = env.sts.callTimesMs.slice(-100).map((at, i, all) => at - (all[i - 1] ?? at)).slice(1);
  t.ok(gaps.every((g) => g <= 60 * SEC), 'after thousands of failures the gap is still capped at 60 s');
  t.ok(env.refresher.status().consecutiveFailures > 2000, 'thousands of failures were counted without overflow');
  t.equal(env.refresher.status().nextRefreshAtMs, (env.sts.callTimesMs.at(-1) ?? 0) + 30 * SEC,
    'the next retry is 30 s (half the cap) after the last attempt');
  env.sts.succeed();
  await env.clock.advance(30 * SEC);
  t.equal(env.refresher.status().state, 'fresh', 'recovery comes with the next retry after STS heals');
});

t.test('with random jitter a long outage still averages about 120 STS calls an hour', async (t) => {
  const { perHour } = await outageCallsPerHour(t, seededRandom(42), 24);
  const mean = perHour.reduce((a, b) => a + b, 0) / perHour.length;
  t.ok(mean <= 125, `the mean is ${mean.toFixed(1)} calls an hour (≤ 125)`);
  t.ok(mean >= 100, 'and the daemon keeps retrying');
  t.ok(Math.max(...perHour) <= 150, `no hour had more than 150 calls (max ${Math.max(...perHour)})`);
});

t.test('a client asking after STS heals gets a new credential at once', async (t) => {
  const env = setup(t, { random: () => 0.999 });
  await env.refresher.start();
  env.sts.failWith(throttling);
  await env.clock.advance(HOUR);
  t.equal(errorCode(await env.refresher.get()), 'IMDSD_ERR_STS_THROTTLED', 'the credential has expired during the outage');
  env.sts.succeed();
  const lastAttemptMs = env.sts.callTimesMs.at(-1) ?? 0;
  if (env.clock.now() < lastAttemptMs + 10 * SEC) await env.clock.advance(lastAttemptMs + 10 * SEC - env.clock.now());
  t.ok(env.clock.now() < (env.refresher.status().nextRefreshAtMs ?? 0), 'the backoff timer has not fired yet');
  const calls = env.sts.calls;
  const r = await env.refresher.get();
  t.ok(r.ok, 'the next client request after STS heals is answered with a credential');
  t.equal(env.sts.calls, calls + 1, 'by one on-demand STS call, not waiting for the backoff timer');
});

// ---------------------------------------------------------------------------------------
// Single flight and bounded waiting
// ---------------------------------------------------------------------------------------

t.test('1,000 concurrent get() calls with no credential make exactly one STS call', async (t) => {
  const env = setup(t);
  env.sts.delay(200);
  const results = Promise.all(Array.from({ length: 1000 }, () => env.refresher.get()));
  await env.clock.advance(200);
  const all = await results;
  t.equal(env.sts.calls, 1, 'one STS call');
  t.ok(all.every((r) => r.ok), 'all 1,000 got a credential');
  const first = all[0];
  t.ok(all.every((r) => r.ok && first?.ok && r.credential === first.credential), 'all got the same credential');
});

t.test('get() calls during the first fetch join it', async (t) => {
  const env = setup(t);
  env.sts.delay(300);
  const started = env.refresher.start();
  const results = Promise.all(Array.from({ length: 100 }, () => env.refresher.get()));
  t.equal(env.refresher.status().state, 'starting', 'the state is starting during the first fetch');
  await env.clock.advance(300);
  t.ok((await started).ok, 'start() succeeds');
  t.ok((await results).every((r) => r.ok), 'every waiting get() got the credential');
  t.equal(env.sts.calls, 1, 'still one STS call');
});

t.test('waiting for a hung STS is bounded by demandWaitMs', async (t) => {
  const env = setup(t, { demandWaitMs: 500 });
  env.sts.hang();
  let settled = 0;
  const results = Promise.all(Array.from({ length: 1000 }, () => env.refresher.get().finally(() => (settled += 1))));
  await env.clock.advance(499);
  t.equal(settled, 0, 'no get() has answered after 499 ms');
  await env.clock.advance(1);
  t.equal(settled, 1000, 'all 1,000 answered at 500 ms');
  const all = await results;
  t.ok(all.every((r) => errorCode(r) === 'IMDSD_ERR_NO_CREDENTIAL_YET'), 'each with IMDSD_ERR_NO_CREDENTIAL_YET');
  t.match(all[0]?.ok ? '' : all[0]?.error.hint, /retry/, 'and a hint to retry');
  t.equal(env.sts.calls, 1, 'one STS call');
  t.equal(env.refresher.status().state, 'starting', 'the refresher is still starting');

  const again = env.refresher.get();
  await env.clock.advance(500);
  t.equal(errorCode(await again), 'IMDSD_ERR_NO_CREDENTIAL_YET', 'a later get() waits the same bound');
  t.equal(env.sts.calls, 1, 'and joins the call in flight instead of starting another');
});

t.test('the default wait for an on-demand refresh is 800 ms, under the SDKs one-second timeout', async (t) => {
  const env = setup(t);
  env.sts.hang();
  let settled = false;
  const pending = env.refresher.get().finally(() => (settled = true));
  await env.clock.advance(799);
  t.notOk(settled, 'still waiting at 799 ms');
  await env.clock.advance(1);
  t.ok(settled, 'answered at 800 ms');
  t.equal(errorCode(await pending), 'IMDSD_ERR_NO_CREDENTIAL_YET', 'with no credential');
});

// ---------------------------------------------------------------------------------------
// On-demand refreshes after failures are rate limited
// ---------------------------------------------------------------------------------------

/** STS calls over 10 min of an outage while `clients` call get() every second. */
async function hammer(t: Test, clients: number, failure: () => Error): Promise<number> {
  const env = setup(t);
  env.sts.failWith(failure);
  await env.refresher.start();
  for (let s = 0; s < 600; s++) {
    await Promise.all(Array.from({ length: clients }, () => env.refresher.get()));
    await env.clock.advance(SEC);
  }
  return env.sts.calls;
}

t.test('clients hammering get() during a throttling outage do not multiply STS calls', async (t) => {
  const none = await hammer(t, 0, throttling);
  const one = await hammer(t, 1, throttling);
  const many = await hammer(t, 100, throttling);
  t.equal(many, one, `100 clients cause no more calls than one (${many} vs ${one})`);
  t.ok(one <= 600 / 10 + 8, `${one} calls in 10 min: at most one on-demand call per 10 s, plus early retries`);
  t.ok(none <= one, `without clients there are no more calls (${none})`);
});

t.test('clients hammering get() while access is denied cause at most one call a minute', async (t) => {
  const none = await hammer(t, 0, accessDenied);
  const one = await hammer(t, 1, accessDenied);
  const many = await hammer(t, 100, accessDenied);
  t.equal(many, one, `100 clients cause no more calls than one (${many} vs ${one})`);
  t.ok(one <= 10 + 2, `${one} calls in 10 min: at most one a minute`);
  t.ok(none <= one, `without clients: ${none}`);
});

t.test('after a wall-clock jump past the retry time, the next get() retries at once', async (t) => {
  const env = setup(t, { random: () => 0.999 });
  env.sts.failWith(accessDenied);
  await env.refresher.start();
  const retryAtMs = env.refresher.status().nextRefreshAtMs ?? 0;
  t.ok(retryAtMs - env.clock.now() < 40 * SEC, 'the first slow retry is due within 40 s');
  env.clock.jumpWall(40 * SEC);
  env.sts.succeed();
  const r = env.refresher.get();
  t.equal(env.sts.calls, 2, 'the request started the retry that was due, before the 60 s on-demand spacing');
  await env.clock.advance(0);
  t.ok((await r).ok, 'and was answered with its credential');
});

t.test('a get() right after a failed attempt answers at once without calling STS', async (t) => {
  const env = setup(t);
  env.sts.failWith(accessDenied);
  await env.refresher.start();
  await env.clock.advance(SEC);
  let settled = false;
  const r = env.refresher.get().finally(() => (settled = true));
  await Promise.resolve();
  await Promise.resolve();
  await Promise.resolve();
  t.ok(settled, 'the answer does not wait for any timer');
  t.equal(errorCode(await r), 'IMDSD_ERR_ACCESS_DENIED', 'it is the last error');
  t.equal(env.sts.calls, 1, 'no STS call was made for it');
});

// ---------------------------------------------------------------------------------------
// First fetch failing
// ---------------------------------------------------------------------------------------

t.test('when the first fetch fails get() answers the error, the daemon retries, and a later success is served', async (t) => {
  const env = setup(t);
  env.sts.failWith(accessDenied);
  const first = await env.refresher.start();
  t.equal(errorCode(first), 'IMDSD_ERR_ACCESS_DENIED', 'start() reports the coded error');
  t.match(first.ok ? '' : first.error.hint, /trust policy/, 'with its remediation hint');
  t.match(first.ok ? '' : first.error.message, /^no credential yet: STS denied AssumeRole/, 'and says no credential is held');
  t.equal(env.refresher.status().state, 'starting', 'the state stays starting');
  t.equal(env.refresher.held(), undefined, 'nothing is held');
  t.equal(env.refresher.servableNow(), undefined, 'so get() must be asked');
  t.equal(errorCode(await env.refresher.get()), 'IMDSD_ERR_ACCESS_DENIED', 'get() answers the same error');
  t.equal(env.log.events('refresh-failed')[0]?.servingUntil, undefined, 'the failure log claims nothing is served');

  await env.clock.advance(5 * MIN);
  const retries = env.sts.calls;
  t.ok(retries >= 3, `the daemon kept retrying on its own (${retries} calls in 5 min)`);
  t.ok(retries <= 6, 'slowly, since a person must fix access');

  env.sts.succeed();
  await env.clock.advance(10 * MIN);
  const later = await env.refresher.get();
  t.ok(later.ok, 'the later success is served');
  t.equal(env.refresher.status().state, 'fresh', 'the state is fresh');
  t.equal(env.refresher.status().lastError, undefined, 'the last error is cleared');
});

// ---------------------------------------------------------------------------------------
// Sleep and wake
// ---------------------------------------------------------------------------------------

t.test('after an 8 h sleep the first get() triggers one refresh, waits for it, and never sees the expired credential', async (t) => {
  const env = setup(t);
  const start = await env.refresher.start();
  await env.clock.advance(10 * MIN);
  env.sts.delay(300);
  env.clock.jumpWall(8 * HOUR);
  const calls = env.sts.calls;
  const pending = env.refresher.get();
  t.equal(env.sts.calls, calls + 1, 'the get() started one refresh');
  const others = Promise.all(Array.from({ length: 10 }, () => env.refresher.get()));
  await env.clock.advance(300);
  const r = await pending;
  t.ok(r.ok, 'it answered with a credential after waiting for STS');
  t.ok(r.ok && start.ok && r.credential.accessKeyId !== start.credential.accessKeyId, 'a new credential, not the expired one');
  t.ok(r.ok && r.credential.expiresAtMs - env.clock.now() > 55 * MIN, 'with nearly its whole hour left');
  t.ok((await others).every((o) => o.ok && r.ok && o.credential === r.credential), 'other clients waiting got the same');
  t.equal(env.sts.calls, calls + 1, 'still one refresh');

  await env.clock.advance(TICK_MS);
  const jumps = env.log.events('clock-jump');
  t.equal(jumps.length, 1, 'the next tick logs the clock jump');
  t.ok(Math.abs(Number(jumps[0]?.jumpMs) - 8 * HOUR) < MIN, 'with its size');
  t.equal(env.sts.calls, calls + 1, 'the tick made no second call: the new credential is fresh');
});

t.test('after a sleep the tick refreshes; meanwhile get() never serves the expired credential', async (t) => {
  const env = setup(t);
  const start = await env.refresher.start();
  if (!start.ok) return t.fail('start() succeeded');
  await env.clock.advance(10 * MIN);
  env.sts.delay(5 * SEC);
  env.clock.jumpWall(8 * HOUR);
  await env.clock.advance(TICK_MS);
  t.equal(env.log.events('clock-jump').length, 1, 'the tick logged the clock jump');
  t.equal(env.sts.calls, 2, 'and started a refresh');
  t.equal(env.refresher.status().state, 'expired', 'the state is expired while it runs');
  const pending = env.refresher.get();
  await env.clock.advance(800);
  const r = await pending;
  t.equal(errorCode(r), 'IMDSD_ERR_CREDENTIAL_EXPIRED', 'a get() meanwhile answers "being renewed", not the old credential');
  t.match(r.ok ? '' : r.error.hint, /retry in a moment/, 'and asks to retry');
  await env.clock.advance(5 * SEC);
  const after = await env.refresher.get();
  t.ok(after.ok && after.credential.accessKeyId !== start.credential.accessKeyId, 'then the new credential is served');
  t.equal(env.sts.calls, 2, 'one refresh in all');
});

t.test('a small wall-clock step is not reported as a jump', async (t) => {
  const env = setup(t);
  await env.refresher.start();
  env.clock.jumpWall(4 * SEC);
  await env.clock.advance(TICK_MS);
  t.equal(env.log.events('clock-jump').length, 0, 'a 4 s step is no jump');
  env.clock.jumpWall(-10 * SEC);
  await env.clock.advance(TICK_MS);
  t.equal(env.log.events('clock-jump')[0]?.jumpMs, -10 * SEC, 'a 10 s step back is');
  t.equal(env.sts.calls, 1, 'and neither needs a refresh');
});

// ---------------------------------------------------------------------------------------
// Role chaining, already-expired credentials
// ---------------------------------------------------------------------------------------

t.test('role chaining: a refused 43200 s is retried at once with 3600 s, kept from then on, logged once', async (t) => {
  const env = setup(t, { durationSec: 43200 });
  env.sts.respond((durationSec) => {
    if (durationSec !== undefined && durationSec > 3600) throw roleChaining();
    return env.sts.issue(durationSec);
  });
  const first = await env.refresher.start();
  t.ok(first.ok, 'start() succeeds');
  t.same(env.sts.durations, [43200, 3600], 'the refused call was retried at once with 3600');
  t.equal(env.refresher.status().durationSec, 3600, 'status shows the capped duration');
  await env.clock.advance(3 * HOUR);
  t.ok(env.sts.durations.slice(1).every((d) => d === 3600), 'every later call asks for 3600');
  t.equal(env.sts.calls, 2 + 6, 'and rotates hourly credentials twice an hour');
  t.equal(env.log.events('duration-capped').length, 1, 'duration-capped is logged once');
  t.equal(env.log.events('duration-capped')[0]?.durationSec, 3600, 'naming the new duration');
  t.equal(env.log.events('refresh-failed').length, 0, 'the refusal is not counted as a failure');
  t.equal(env.refresher.status().consecutiveFailures, 0, 'no failures');
});

t.test('role chaining refused even at 3600 s is a failure, not a loop', async (t) => {
  const env = setup(t, { durationSec: 3600 });
  env.sts.failWith(roleChaining);
  const first = await env.refresher.start();
  t.equal(errorCode(first), 'IMDSD_ERR_ROLE_CHAINING_LIMIT', 'the error is reported');
  t.equal(env.sts.calls, 1, 'one call, no immediate retry');
  t.equal(env.log.events('duration-capped').length, 0, 'nothing to cap');
});

t.test('an already-expired credential from STS is never served: IMDSD_ERR_CLOCK_SKEW', async (t) => {
  const env = setup(t);
  env.sts.respond(() => env.sts.issue(undefined, -5 * MIN));
  const first = await env.refresher.start();
  t.equal(errorCode(first), 'IMDSD_ERR_CLOCK_SKEW', 'start() reports clock skew');
  t.match(first.ok ? '' : first.error.hint, /timedatectl set-ntp true/, 'with the time-sync remedy');
  t.equal(env.refresher.held(), undefined, 'the credential is not kept');
  t.equal(errorCode(await env.refresher.get()), 'IMDSD_ERR_CLOCK_SKEW', 'get() answers clock skew too');

  env.sts.respond(() => env.sts.issue(undefined, 60 * SEC));
  await env.clock.advance(MIN);
  t.equal(env.refresher.held(), undefined, 'a credential with only 60 s left is not kept either');
  t.equal(errorCode(await env.refresher.get()), 'IMDSD_ERR_CLOCK_SKEW', 'and is not served');
});

t.test('an expired credential from STS does not replace a good one', async (t) => {
  const env = setup(t);
  const start = await env.refresher.start();
  env.sts.respond(() => env.sts.issue(undefined, -MIN));
  const r = await env.refresher.refreshNow();
  t.equal(errorCode(r), 'IMDSD_ERR_CLOCK_SKEW', 'refreshNow() reports the outcome of its own attempt');
  const got = await env.refresher.get();
  t.ok(got.ok && start.ok && got.credential === start.credential, 'the good credential is still served');
  t.equal(env.refresher.status().state, 'degraded', 'the state is degraded');
  t.equal(env.refresher.status().lastError?.code, 'IMDSD_ERR_CLOCK_SKEW', 'with clock skew as the reason');
});

// ---------------------------------------------------------------------------------------
// status(), adopt(), held(), refreshNow(), stop()
// ---------------------------------------------------------------------------------------

t.test('status() moves through starting, fresh, refreshing, degraded, expired and stopped', async (t) => {
  const env = setup(t);
  t.equal(env.refresher.status().state, 'starting', 'before start(): starting');
  t.equal(env.refresher.status().consecutiveFailures, 0, 'no failures yet');
  await env.refresher.start();
  t.equal(env.refresher.status().state, 'fresh', 'after the first fetch: fresh');
  env.sts.delay(100);
  const refreshing = env.refresher.refreshNow();
  t.equal(env.refresher.status().state, 'refreshing', 'during a refresh with a good credential: refreshing');
  await env.clock.advance(100);
  await refreshing;
  t.equal(env.refresher.status().state, 'fresh', 'after it: fresh');
  env.sts.failWith(unavailable);
  await env.refresher.refreshNow();
  const degraded = env.refresher.status();
  t.equal(degraded.state, 'degraded', 'after a failed refresh with a good credential: degraded');
  t.same(degraded.lastError && { code: degraded.lastError.code, hint: degraded.lastError.hint },
    { code: 'IMDSD_ERR_STS_UNAVAILABLE', hint: 'imdsd retries on its own' }, 'lastError has the code and hint');
  await env.clock.advance(HOUR);
  t.equal(env.refresher.status().state, 'expired', 'once the credential is no longer servable: expired');
  env.refresher.stop();
  t.equal(env.refresher.status().state, 'stopped', 'after stop(): stopped');
});

t.test('adopt() takes over a credential from a previous refresher, and start() then needs no STS call', async (t) => {
  const env = setup(t);
  const now = env.clock.now();
  const carried: Credential = {
    accessKeyId: 'ASIACARRIEDOVER00001',
    secretAccessKey: 'carried-secret',
    sessionToken: 'carried-token',
    issuedAtMs: now - 10 * MIN,
    expiresAtMs: now + 50 * MIN,
  };
  env.refresher.adopt(carried);
  t.equal(env.refresher.held(), carried, 'held() returns the adopted credential');
  t.equal(env.refresher.status().nextRefreshAtMs, now + 20 * MIN, 'its refresh time is computed from its own lifetime');
  const r = await env.refresher.start();
  t.ok(r.ok && r.credential === carried, 'start() serves it');
  t.equal(env.sts.calls, 0, 'without calling STS');
  env.refresher.adopt({ ...carried, accessKeyId: 'ASIAOLDERCREDENTIAL1', expiresAtMs: now + 40 * MIN });
  t.equal(env.refresher.held(), carried, 'a credential expiring sooner is not adopted');
  await env.clock.advance(20 * MIN);
  t.equal(env.sts.calls, 1, 'the adopted credential is refreshed on its schedule');
  const newer = { ...carried, accessKeyId: 'ASIANEWERCREDENTIAL1', issuedAtMs: env.clock.now(), expiresAtMs: env.clock.now() + 2 * HOUR };
  env.refresher.adopt(newer);
  t.equal(env.refresher.held(), newer, 'a credential expiring later is adopted');
});

t.test('adopting an expired credential still fetches at start()', async (t) => {
  const env = setup(t);
  const now = env.clock.now();
  env.refresher.adopt({ accessKeyId: 'ASIAEXPIRED000000001', secretAccessKey: 's', sessionToken: 't', issuedAtMs: now - 2 * HOUR, expiresAtMs: now - HOUR });
  const r = await env.refresher.start();
  t.ok(r.ok && r.credential.accessKeyId !== 'ASIAEXPIRED000000001', 'a new credential is fetched and served');
  t.equal(env.sts.calls, 1, 'with one STS call');
});

t.test('refreshNow() refreshes a fresh credential and joins a refresh in flight', async (t) => {
  const env = setup(t);
  const start = await env.refresher.start();
  env.sts.delay(50);
  const a = env.refresher.refreshNow();
  const b = env.refresher.refreshNow();
  await env.clock.advance(50);
  const [ra, rb] = await Promise.all([a, b]);
  t.equal(env.sts.calls, 2, 'two concurrent refreshNow() make one STS call');
  t.ok(ra.ok && rb.ok && ra.credential === rb.credential, 'and see the same result');
  t.ok(ra.ok && start.ok && ra.credential !== start.credential, 'a new credential');
  t.equal(env.refresher.status().nextRefreshAtMs, env.clock.now() + 30 * MIN, 'the schedule follows the new credential');
});

t.test('stop() cancels every timer and no STS call follows', async (t) => {
  const env = setup(t);
  await env.refresher.start();
  t.ok(env.clock.pending() >= 2, 'the refresh timer and the ticker are armed');
  env.refresher.stop();
  t.equal(env.clock.pending(), 0, 'stop() leaves no timer pending');
  await env.clock.advance(DAY);
  t.equal(env.sts.calls, 1, 'no STS call in the following day');
  t.equal(errorCode(await env.refresher.get()), 'IMDSD_ERR_SHUTTING_DOWN', 'get() with nothing servable says the daemon is shutting down');
});

t.test('stop() also cancels the retry timer of a failing refresher', async (t) => {
  const env = setup(t);
  env.sts.failWith(throttling);
  await env.refresher.start();
  env.refresher.stop();
  t.equal(env.clock.pending(), 0, 'no timer pending');
});

t.test('a refresh that ends after stop() changes nothing', async (t) => {
  const env = setup(t);
  const start = await env.refresher.start();
  env.sts.delay(100);
  const late = env.refresher.refreshNow();
  env.refresher.stop();
  await env.clock.advance(100);
  const r = await late;
  t.ok(r.ok && start.ok && r.credential === start.credential, 'the credential that arrived late is not taken');
  t.equal(env.log.events('refreshed').length, 1, 'and not logged as refreshed');

  const failing = setup(t);
  await failing.refresher.start();
  failing.sts.respond(() => new Promise((_resolve, reject) => failing.clock.setTimer(() => reject(throttling()), 100)));
  const lateFailure = failing.refresher.refreshNow();
  failing.refresher.stop();
  await failing.clock.advance(100);
  await lateFailure;
  t.equal(failing.log.events('refresh-failed').length, 0, 'a failure arriving after stop() is not logged');
  t.equal(failing.refresher.status().consecutiveFailures, 0, 'nor counted');
});

t.test('a tick that arrives after stop() does nothing', async (t) => {
  const clock = new FakeClock();
  const sts = new FakeSts(clock);
  let tick: () => void = () => undefined;
  const refresher = createRefresher({
    identity: IDENTITY, issue: sts.assumeRole, clock, logger: captureLog().logger, failureContext: CONTEXT,
    // A ticker whose stop function does not stop it.
    ticker: (onTick) => {
      tick = onTick;
      return () => undefined;
    },
  });
  await refresher.start();
  refresher.stop();
  clock.jumpWall(2 * HOUR);
  tick();
  await clock.advance(SEC);
  t.equal(sts.calls, 1, 'no refresh was started');
});

t.test('a tick during a refresh leaves it alone', async (t) => {
  const env = setup(t);
  await env.refresher.start();
  env.sts.delay(2 * TICK_MS);
  await env.clock.advance(30 * MIN);
  t.equal(env.sts.calls, 2, 'the scheduled refresh started');
  await env.clock.advance(TICK_MS);
  t.equal(env.sts.calls, 2, 'a tick while it runs starts no other');
  await env.clock.advance(TICK_MS);
  t.equal(env.refresher.status().state, 'fresh', 'and it completes');
  t.equal(env.refresher.status().nextRefreshAtMs, env.clock.now() + 30 * MIN, 'the timer is re-armed from the new credential');
});

// ---------------------------------------------------------------------------------------
// The local clock against STS's clock, and attempt reporting
// ---------------------------------------------------------------------------------------

/** STS answering as if its clock were `offsetMs` ahead of the local one. */
function skewedSts(env: Env, offsetMs: () => number): void {
  env.sts.respond((durationSec) => {
    const issued = env.sts.issue(durationSec);
    return { ...issued, expiresAtMs: issued.expiresAtMs + offsetMs(), stsDateMs: env.clock.now() + offsetMs() };
  });
}

t.test('with a local clock behind STS the expiry is moved onto the local clock, and the skew is logged once', async (t) => {
  const env = setup(t);
  let offsetMs = 10 * MIN;
  skewedSts(env, () => offsetMs);
  const first = await env.refresher.start();
  t.ok(first.ok, 'the credential is served');
  t.equal(first.ok && first.credential.expiresAtMs, env.clock.now() + HOUR, 'it expires one hour from now on the local clock');
  t.equal(env.refresher.status().clockOffsetMs, 10 * MIN, 'status shows STS 10 min ahead');
  const skew = env.log.events('clock-skew');
  t.equal(skew.length, 1, 'a clock-skew warning is logged');
  t.equal(skew[0]?.offsetMs, 10 * MIN, 'with the offset');
  t.match(skew[0]?.hint, /timedatectl set-ntp true/, 'and the time-sync remedy');
  t.match(skew[0]?.msg, /600 s behind STS/, 'saying the local clock is behind');
  await env.clock.advance(2 * HOUR);
  t.ok(env.sts.calls >= 5, 'later refreshes happened');
  t.equal(env.log.events('clock-skew').length, 1, 'while the skew lasts it is not logged again');

  offsetMs = 0;
  await env.refresher.refreshNow();
  t.equal(env.refresher.status().clockOffsetMs, 0, 'after time sync the offset is 0');
  offsetMs = -2 * HOUR;
  const ahead = await env.refresher.refreshNow();
  t.ok(ahead.ok, 'a local clock 2 h ahead no longer reads a fresh credential as expired');
  t.equal(ahead.ok && ahead.credential.expiresAtMs, env.clock.now() + HOUR, 'it expires one hour from now on the local clock');
  const skewAgain = env.log.events('clock-skew');
  t.equal(skewAgain.length, 2, 'a new skew after a good answer is logged again');
  t.match(skewAgain[1]?.msg, /7200 s ahead of STS/, 'saying the local clock is ahead');
});

t.test('an offset within 60 s is noise and changes nothing', async (t) => {
  const env = setup(t);
  skewedSts(env, () => 30 * SEC);
  const r = await env.refresher.start();
  t.equal(r.ok && r.credential.expiresAtMs, env.sts.issued[0] && env.sts.issued[0].expiresAtMs + 30 * SEC, 'the expiry is taken as STS sent it');
  t.equal(env.refresher.status().clockOffsetMs, 30 * SEC, 'the offset is still reported');
  t.equal(env.log.events('clock-skew').length, 0, 'nothing is logged');
});

t.test('the Date header is compared with the middle of the round trip', async (t) => {
  const env = setup(t);
  env.sts.delay(20 * SEC);
  const pending = env.refresher.start();
  await env.clock.advance(20 * SEC);
  await pending;
  t.equal(env.refresher.status().clockOffsetMs, 10 * SEC, 'an answer stamped at its arrival after 20 s is 10 s past the midpoint');
});

t.test('without a Date header no offset is measured', async (t) => {
  const env = setup(t);
  env.sts.respond((durationSec) => ({ ...env.sts.issue(durationSec), stsDateMs: undefined }));
  const r = await env.refresher.start();
  t.ok(r.ok, 'the credential is served');
  t.equal(env.refresher.status().clockOffsetMs, undefined, 'no offset is reported');
});

t.test('onAttempt is told of every attempt, its outcome and its duration', async (t) => {
  const outcomes: unknown[] = [];
  const env = setup(t, { onAttempt: (o) => void outcomes.push(o) });
  env.sts.delay(200);
  const pending = env.refresher.start();
  await env.clock.advance(200);
  await pending;
  env.sts.failWith(throttling);
  await env.refresher.refreshNow();
  t.same(outcomes, [
    { ok: true, durationMs: 200 },
    { ok: false, code: 'IMDSD_ERR_STS_THROTTLED', durationMs: 0 },
  ], 'one success after 200 ms, one throttled failure');
});

// ---------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------

t.test('logs never contain a secret key or session token, and show key ids by their last four characters', async (t) => {
  const env = setup(t, { durationSec: 43200 });
  let n = 0;
  env.sts.respond((durationSec) => {
    n += 1;
    if (n === 1) throw roleChaining();
    if (n === 3) throw throttling();
    return env.sts.issue(durationSec);
  });
  await env.refresher.start();
  await env.clock.advance(2 * HOUR);
  env.clock.jumpWall(8 * HOUR);
  await env.clock.advance(TICK_MS);
  await env.refresher.get();
  for (const event of ['refreshed', 'refresh-failed', 'duration-capped', 'clock-jump']) {
    t.ok(env.log.events(event).length > 0, `the scenario logged "${event}"`);
  }
  checkLogsHoldNoSecrets(t, env);
  const refreshed = env.log.events('refreshed')[0];
  t.same(Object.keys(refreshed ?? {}).filter((k) => /secret|token|session/i.test(k)), [], 'no field is named like a secret');
});
