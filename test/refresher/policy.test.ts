import t from 'tap';
import { SERVE_MIN_REMAINING_MS, type Credential } from '../../src/credentials.js';
import { MIN_LEFT_AT_ROTATION_MS, isServable, refreshAtMs } from '../../src/refresher/policy.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

function credential(lifetimeMs: number, issuedAtMs = T0): Credential {
  return {
    accessKeyId: 'ASIAPOLICYTEST000001',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    issuedAtMs,
    expiresAtMs: issuedAtMs + lifetimeMs,
  };
}

/** How long after issue the credential is replaced. */
const intervalOf = (lifetimeMs: number, refreshBeforeSec?: number): number =>
  refreshAtMs(credential(lifetimeMs), refreshBeforeSec) - T0;

t.test('by default a credential is replaced at half its lifetime', async (t) => {
  t.equal(intervalOf(12 * HOUR), 6 * HOUR, 'a 12 h credential is refreshed after 6 h');
  t.equal(intervalOf(6 * HOUR), 3 * HOUR, 'a 6 h credential is refreshed after 3 h');
  t.equal(intervalOf(2 * HOUR), HOUR, 'a 2 h credential is refreshed after 1 h');
  t.equal(intervalOf(HOUR), 30 * MIN, 'a 1 h credential is refreshed with 30 min left');
  t.equal(refreshAtMs(credential(HOUR, T0 + 5_000)), T0 + 5_000 + 30 * MIN, 'the time counts from when it was received');
});

t.test('with a healthy STS a credential of an hour or more always keeps more than 25 minutes', async (t) => {
  let worstLeftMs = Number.POSITIVE_INFINITY;
  for (let lifetimeSec = 3600; lifetimeSec <= 43200; lifetimeSec += 60) {
    const lifetimeMs = lifetimeSec * 1000;
    worstLeftMs = Math.min(worstLeftMs, lifetimeMs - intervalOf(lifetimeMs));
  }
  t.ok(worstLeftMs > 25 * MIN, `the least left at rotation over 1 h–12 h lifetimes is ${worstLeftMs / MIN} min, more than 25`);
  t.equal(MIN_LEFT_AT_ROTATION_MS, 30 * MIN, 'the default margin is 30 minutes');
  t.equal(worstLeftMs, MIN_LEFT_AT_ROTATION_MS, 'the tightest case (a 1 h credential) keeps exactly the margin');
});

t.test('refreshBeforeSec overrides the default margin', async (t) => {
  t.equal(intervalOf(HOUR, 900), 45 * MIN, 'a 1 h credential with refreshBeforeSec 900 is refreshed after 45 min');
  t.equal(intervalOf(12 * HOUR, 3600), 11 * HOUR, 'a 12 h credential with refreshBeforeSec 3600 is refreshed after 11 h');
  t.equal(intervalOf(12 * HOUR, 40 * 60), 12 * HOUR - 40 * MIN, 'the margin may also be more than 30 min');
});

t.test('a credential shorter than asked never turns into a refresh loop', async (t) => {
  t.equal(intervalOf(20 * MIN), 5 * MIN, 'STS issuing 20 min: refreshed after 5 min, not at once');
  t.equal(intervalOf(15 * MIN), 5 * MIN, 'a 15 min credential is refreshed after 5 min');
  t.equal(intervalOf(4 * MIN), 2 * MIN, 'a 4 min credential lives half its life first');
  t.equal(intervalOf(HOUR, 3600), 5 * MIN, 'refreshBeforeSec as long as the lifetime still waits 5 min');
  t.equal(intervalOf(HOUR, 43200), 5 * MIN, 'refreshBeforeSec longer than the lifetime still waits 5 min');
  t.equal(intervalOf(10_000), 10_000, 'a 10 s credential waits the 10 s floor');
  t.equal(intervalOf(0), 10_000, 'a credential issued already at its expiry still waits the 10 s floor');
  t.equal(intervalOf(-HOUR), 10_000, 'an expiry before the receive time counts as no lifetime, not a negative one');
  for (let lifetimeMs = 0; lifetimeMs <= 3 * HOUR; lifetimeMs += 1_000) {
    for (const before of [undefined, 60, 900, 3600, 43200]) {
      const interval = intervalOf(lifetimeMs, before);
      if (interval < 10_000) {
        t.fail(`lifetime ${lifetimeMs} ms, refreshBeforeSec ${before}: refreshed after only ${interval} ms`);
        return;
      }
    }
  }
  t.pass('no lifetime from 0 to 3 h, with any margin, is refreshed sooner than 10 s after issue');
});

t.test('a credential is replaced while it can still be served', async (t) => {
  for (let lifetimeMs = 2 * MIN + 1_000; lifetimeMs <= 13 * HOUR; lifetimeMs += 7_000) {
    const leftMs = lifetimeMs - intervalOf(lifetimeMs);
    if (leftMs <= SERVE_MIN_REMAINING_MS) {
      t.fail(`a ${lifetimeMs} ms credential has only ${leftMs} ms left at rotation`);
      return;
    }
  }
  t.pass('every lifetime over 2 min still has more than 60 s left when it is rotated');
});

t.test('a credential with 60 s or less left is never servable', async (t) => {
  const c = credential(HOUR);
  t.equal(isServable(undefined, T0), false, 'no credential is not servable');
  t.equal(isServable(c, T0), true, 'a fresh credential is servable');
  t.equal(isServable(c, c.expiresAtMs - 60_001), true, 'with 60.001 s left it is servable');
  t.equal(isServable(c, c.expiresAtMs - 60_000), false, 'with exactly 60 s left it is not');
  t.equal(isServable(c, c.expiresAtMs - 59_999), false, 'with 59.999 s left it is not');
  t.equal(isServable(c, c.expiresAtMs), false, 'at its expiry it is not');
  t.equal(isServable(c, c.expiresAtMs + HOUR), false, 'an expired credential is not');
  t.equal(SERVE_MIN_REMAINING_MS, 60_000, 'the serving margin is 60 s');
});

t.test('issue 15: jitter only ever moves a rotation earlier, by at most 10 % of its interval', async (t) => {
  const hour = credential(HOUR);
  const plain = refreshAtMs(hour);
  t.equal(refreshAtMs(hour, undefined, () => 0), plain, 'random 0: no change');
  const earliest = refreshAtMs(hour, undefined, () => 0.999999);
  t.ok(earliest < plain, 'random near 1: earlier');
  t.ok(plain - earliest <= 0.1 * (plain - T0), 'by at most a tenth of the interval');
  const spread = new Set(Array.from({ length: 50 }, (_, i) => refreshAtMs(hour, undefined, () => i / 50)));
  t.equal(spread.size, 50, 'roles issued together get 50 different times');
  const short = credential(20_000);
  t.ok(refreshAtMs(short, undefined, () => 0.999999) - T0 >= 10_000, 'never under the 10 s floor: no refresh loop');
});
