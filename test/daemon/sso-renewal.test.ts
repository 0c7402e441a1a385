/** A renewable SSO login: the SDK's attempt inside its window decides, never an unchanged token alone (issues 13, 19). */
import t from 'tap';
import type { SsoLogin } from '../../src/daemon/sso-login.js';
import { RENEWAL_CHECK_BEFORE_MS, RENEWAL_RETRY_MS, watchSsoRenewal } from '../../src/daemon/sso-renewal.js';
import type { RenewalOutcome } from '../../src/refresher/sso-renew.js';
import { FakeClock } from '../support/fake-clock.js';

const HOUR = 3_600_000;

/** A login ending in an hour, and an SDK whose attempts answer `outcomes` in turn (then the last one). */
function setup(outcomes: RenewalOutcome[]) {
  const clock = new FakeClock(Date.now(), 2);
  let login: SsoLogin | undefined = { endsAtMs: clock.now() + HOUR, renewable: true, tokenDigest: 'one' };
  const attempts: Array<{ at: number; outcome: RenewalOutcome }> = [];
  let n = 1;
  const renewal = watchSsoRenewal({
    clock,
    login: { current: () => login, reread: async () => undefined },
    renew: async () => {
      const outcome = outcomes[Math.min(attempts.length, outcomes.length - 1)] ?? 'skipped';
      attempts.push({ at: clock.now(), outcome });
      if (outcome === 'renewed' && login !== undefined) login = { endsAtMs: clock.now() + HOUR, renewable: true, tokenDigest: `token-${++n}` };
      return outcome;
    },
  });
  renewal.arm();
  const start = clock.now();
  return { clock, renewal, attempts, start, set: (next: SsoLogin | undefined) => (login = next) };
}

t.test('renewed: attempted once inside the window, then again for the next token', async (t) => {
  const { clock, renewal, attempts, start } = setup(['renewed']);
  await clock.advance(HOUR - RENEWAL_CHECK_BEFORE_MS - 1_000);
  t.equal(attempts.length, 0, 'not before the window');
  await clock.advance(2_000);
  t.equal(attempts.length, 1, 'inside it');
  t.notOk(renewal.refused(), 'renewed');
  t.ok((attempts[0]?.at ?? 0) - start >= HOUR - RENEWAL_CHECK_BEFORE_MS, 'at the right time');
  await clock.advance(HOUR);
  t.equal(attempts.length, 2, 'and again an hour later for the renewed token');
  renewal.stop();
});

t.test('skipped: an attempt the SDK did not make is no refusal, and is tried again after its throttle', async (t) => {
  const { clock, renewal, attempts } = setup(['skipped', 'skipped', 'refused']);
  await clock.advance(HOUR - RENEWAL_CHECK_BEFORE_MS + 1_000);
  t.equal(attempts.length, 1, 'attempted');
  t.notOk(renewal.refused(), 'a skipped attempt leaves the login renewable');
  await clock.advance(RENEWAL_RETRY_MS);
  t.equal(attempts.length, 2, 'tried again after the SDK\'s 30 s throttle');
  t.ok((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0) >= 30_000, 'not within it');
  t.notOk(renewal.refused(), 'still no verdict');
  await clock.advance(RENEWAL_RETRY_MS);
  t.equal(attempts.length, 3, 'and again');
  t.ok(renewal.refused(), 'refused only once an attempt that was made was refused');
  await clock.advance(HOUR);
  t.equal(attempts.length, 3, 'not asked again for a refused token');
  renewal.stop();
});

t.test('failed on the way (network, throttling): tried again until the token ends, never refused', async (t) => {
  const { clock, renewal, attempts } = setup(['failed']);
  await clock.advance(HOUR);
  t.notOk(renewal.refused(), 'a failure is not a refusal');
  const expected = Math.floor((RENEWAL_CHECK_BEFORE_MS - RENEWAL_RETRY_MS) / RENEWAL_RETRY_MS) + 1;
  t.ok(attempts.length >= expected - 1 && attempts.length <= expected + 1, `about ${expected} attempts in the last four minutes (${attempts.length})`);
  const count = attempts.length;
  await clock.advance(HOUR);
  t.equal(attempts.length, count, 'none after the token ended');
  renewal.stop();
});

t.test('refused: the login ends with its token; a new login starts afresh', async (t) => {
  const { clock, renewal, attempts, set } = setup(['refused']);
  await clock.advance(HOUR - RENEWAL_CHECK_BEFORE_MS + 1_000);
  t.equal(attempts.length, 1, 'attempted once');
  t.ok(renewal.refused(), 'refused');
  set({ endsAtMs: clock.now() + HOUR, renewable: true, tokenDigest: 'relogin' });
  renewal.arm();
  t.notOk(renewal.refused(), 'a new login is not refused');
  set(undefined);
  renewal.arm();
  t.notOk(renewal.refused(), 'no login: nothing refused');
  set({ endsAtMs: clock.now() + HOUR, renewable: false, tokenDigest: 'legacy' });
  renewal.arm();
  await clock.advance(HOUR);
  t.equal(attempts.length, 1, 'a login that cannot be renewed is not asked');
  renewal.stop();
});

t.test('a new token in the cache, from another process, counts as renewed whatever this attempt said', async (t) => {
  const { clock, renewal, attempts, set } = setup(['refused']);
  await clock.advance(HOUR - RENEWAL_CHECK_BEFORE_MS - 1_000);
  set({ endsAtMs: clock.now() + HOUR, renewable: true, tokenDigest: 'from-the-cli' });
  await clock.advance(2_000);
  t.equal(attempts.length, 1, 'the timer of the old token still fired');
  t.notOk(renewal.refused(), 'but the cache holds a new token: not refused');
  renewal.stop();
});
