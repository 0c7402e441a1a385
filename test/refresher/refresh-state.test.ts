import t from 'tap';
import type { Credential } from '../../src/credentials.js';
import { ImdsdError } from '../../src/errors.js';
import {
  CHAINED_SESSION_SEC, DEMAND_SPACING_MS, credentialOf, demandAllowed, initialState, isDue, onAdopt, onAttemptStarted,
  onChainingLimit, onClockMeasured, onFailure, onStop, onSuccess, refreshOutcomeOf, resultOf, statusOf,
} from '../../src/refresher/refresh-state.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

const credential = (expiresAtMs: number, issuedAtMs = T0): Credential =>
  ({ accessKeyId: 'ASIAEXAMPLE00001', secretAccessKey: 's', sessionToken: 't', expiresAtMs, issuedAtMs });
const issued = (expiresAtMs: number) =>
  ({ accessKeyId: 'ASIAEXAMPLE00001', secretAccessKey: 's', sessionToken: 't', expiresAtMs, stsDateMs: undefined });
const throttled = new ImdsdError('IMDSD_ERR_STS_THROTTLED', 'slow down');

t.test('a new state holds nothing and is due at once', async (t) => {
  const state = initialState(undefined);
  t.ok(Object.isFrozen(state), 'frozen');
  t.equal(statusOf(state, T0, false).state, 'starting', 'starting');
  t.ok(isDue(state, T0), 'due');
  t.equal(resultOf(state, T0).ok, false, 'nothing to serve');
  t.match(resultOf(state, T0), { error: { code: 'IMDSD_ERR_NO_CREDENTIAL_YET' } }, 'says the first refresh is under way');
});

t.test('a success serves the credential, clears failures and schedules the next refresh', async (t) => {
  const failed = onFailure(initialState(undefined), throttled, 'fast', T0, () => 0.5);
  const state = onSuccess(failed, credential(T0 + HOUR), T0, undefined);
  t.equal(state.failures, 0, 'failures cleared');
  t.equal(state.lastError, undefined, 'error cleared');
  t.equal(state.nextAtMs, T0 + 30 * MIN, 'refresh at half the hour');
  t.equal(statusOf(state, T0, false).state, 'fresh', 'fresh');
  t.equal(statusOf(state, T0, true).state, 'refreshing', 'refreshing while an attempt runs');
  t.notOk(isDue(state, T0 + 29 * MIN), 'not due before the refresh time');
  t.ok(isDue(state, T0 + 30 * MIN), 'due at it');
});

t.test('a failure counts, backs off and keeps the last good credential', async (t) => {
  const good = onSuccess(initialState(undefined), credential(T0 + HOUR), T0, undefined);
  const once = onFailure(good, throttled, 'fast', T0 + 30 * MIN, () => 1);
  t.equal(once.failures, 1, 'one failure');
  t.ok(once.nextAtMs !== undefined && once.nextAtMs > T0 + 30 * MIN, 'a retry later');
  t.equal(statusOf(once, T0 + 30 * MIN, false).state, 'degraded', 'degraded while the credential lasts');
  t.equal(resultOf(once, T0 + 30 * MIN).ok, true, 'still served');
  t.match(refreshOutcomeOf(once, T0 + 30 * MIN), { ok: false, error: { code: 'IMDSD_ERR_STS_THROTTLED' } }, 'a forced refresh reports its own failure');
  t.equal(statusOf(once, T0 + HOUR, false).state, 'expired', 'expired once it ends');
  t.match(resultOf(once, T0 + HOUR), { ok: false, error: { code: 'IMDSD_ERR_STS_THROTTLED', message: /^the last credential has expired/ } },
    'the error explains why nothing is served');
});

t.test('client demand is spaced after failures by their class', async (t) => {
  const started = onAttemptStarted(initialState(undefined), T0);
  t.ok(demandAllowed(started, T0), 'no failure yet: allowed');
  const slow = onFailure(started, new ImdsdError('IMDSD_ERR_ACCESS_DENIED'), 'slow', T0, () => 1);
  t.notOk(demandAllowed(slow, T0 + DEMAND_SPACING_MS.fast), 'a slow failure is not retried on demand after 10 s');
  t.ok(demandAllowed(slow, T0 + DEMAND_SPACING_MS.slow), 'but after 60 s');
  t.ok(demandAllowed({ ...slow, nextAtMs: T0 + 1 }, T0 + 1), 'or once the retry is due');
});

t.test('role chaining caps the duration once', async (t) => {
  const chained = new ImdsdError('IMDSD_ERR_ROLE_CHAINING_LIMIT');
  const capped = onChainingLimit(initialState(7200), chained);
  t.equal(capped?.durationSec, CHAINED_SESSION_SEC, 'to 3600');
  t.equal(onChainingLimit(capped ?? initialState(undefined), chained), undefined, 'not twice');
  t.equal(onChainingLimit(initialState(7200), throttled), undefined, 'other errors are not this case');
});

t.test('STS\'s clock moves expiry only when it is off by more than the noise', async (t) => {
  const state = initialState(undefined);
  t.same(onClockMeasured(state, undefined, T0, T0), { state, skewMs: 0, newlySkewed: false }, 'no Date header: nothing measured');
  const close = onClockMeasured(state, T0 + 1_000, T0, T0);
  t.equal(close.skewMs, 0, 'a second off is noise');
  const far = onClockMeasured(state, T0 + 10 * MIN, T0, T0);
  t.equal(far.skewMs, 10 * MIN, 'ten minutes off is applied');
  t.ok(far.newlySkewed, 'and warned about once');
  t.notOk(onClockMeasured(far.state, T0 + 10 * MIN, T0, T0).newlySkewed, 'not again');
  t.equal(credentialOf(issued(T0 + HOUR), 10 * MIN, T0).expiresAtMs, T0 + 50 * MIN, 'expiry moved onto the local clock');
  t.throws(() => credentialOf(issued(T0 + 30_000), 0, T0), { code: 'IMDSD_ERR_CLOCK_SKEW' }, 'an already unservable credential is refused');
});

t.test('adopting keeps the longer-lived credential; stopping stops serving errors but the credential', async (t) => {
  const held = onSuccess(initialState(undefined), credential(T0 + HOUR), T0, undefined);
  t.equal(onAdopt(held, credential(T0 + 30 * MIN), undefined), held, 'a shorter one is ignored');
  t.equal(onAdopt(held, credential(T0 + 2 * HOUR), undefined).current?.expiresAtMs, T0 + 2 * HOUR, 'a longer one is taken');
  const stopped = onStop(initialState(undefined));
  t.equal(statusOf(stopped, T0, false).state, 'stopped', 'stopped');
  t.match(resultOf(stopped, T0), { error: { code: 'IMDSD_ERR_SHUTTING_DOWN' } }, 'shutting down');
  t.match(resultOf(onAdopt(initialState(undefined), credential(T0 + HOUR), undefined), T0 + HOUR), { error: { code: 'IMDSD_ERR_CREDENTIAL_EXPIRED' } },
    'an expired credential without an error is being renewed');
});
