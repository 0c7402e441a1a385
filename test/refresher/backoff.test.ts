import t from 'tap';
import { FAST_RETRY, SLOW_RETRY, backoffDelayMs, type BackoffPolicy } from '../../src/refresher/backoff.js';

const ALMOST_ONE = 0.999_999_9;
const constant = (value: number) => () => value;

t.test('random 0 gives the floor, never zero', async (t) => {
  for (const failures of [1, 2, 5, 10, 100, 1000]) {
    t.equal(backoffDelayMs(FAST_RETRY, failures, constant(0)), 500, `fast retry after ${failures} failures waits the 500 ms floor`);
    t.equal(backoffDelayMs(SLOW_RETRY, failures, constant(0)), 15_000, `slow retry after ${failures} failures waits the 15 s floor`);
  }
});

t.test('the ceiling doubles with each failure until the cap (random 0.5)', async (t) => {
  const half = constant(0.5);
  const fast = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((f) => backoffDelayMs(FAST_RETRY, f, half));
  t.same(fast, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000], 'fast: half of 1 s, 2 s, 4 s … capped at half of 60 s');
  const slow = [1, 2, 3, 4, 5, 6, 7, 50].map((f) => backoffDelayMs(SLOW_RETRY, f, half));
  t.same(slow, [15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000], 'slow: half of 30 s, 60 s … capped at half of 10 min');
});

t.test('random close to 1 gives close to the ceiling, never above the cap', async (t) => {
  t.equal(backoffDelayMs(FAST_RETRY, 1, constant(ALMOST_ONE)), 999, 'first fast retry: just under 1 s');
  t.equal(backoffDelayMs(FAST_RETRY, 3, constant(ALMOST_ONE)), 3_999, 'third fast retry: just under 4 s');
  t.equal(backoffDelayMs(FAST_RETRY, 7, constant(ALMOST_ONE)), 59_999, 'from the seventh fast retry: just under the 60 s cap');
  t.equal(backoffDelayMs(SLOW_RETRY, 1000, constant(ALMOST_ONE)), 599_999, 'slow retry after 1000 failures: just under the 10 min cap');
});

t.test('full jitter spreads the delay linearly over [0, ceiling)', async (t) => {
  t.equal(backoffDelayMs(FAST_RETRY, 10, constant(0.25)), 15_000, 'a quarter of the 60 s cap');
  t.equal(backoffDelayMs(FAST_RETRY, 10, constant(0.75)), 45_000, 'three quarters of the 60 s cap');
  t.equal(backoffDelayMs(FAST_RETRY, 4, constant(0.3)), 2_400, '0.3 of the 8 s ceiling of the fourth retry');
});

t.test('the cap holds and nothing overflows however many failures there are', async (t) => {
  const policies: Array<[string, BackoffPolicy]> = [['fast', FAST_RETRY], ['slow', SLOW_RETRY]];
  for (const [name, policy] of policies) {
    let bad: string | undefined;
    for (let failures = 0; failures <= 5_000 && bad === undefined; failures++) {
      for (const r of [0, 0.5, ALMOST_ONE]) {
        const d = backoffDelayMs(policy, failures, constant(r));
        if (!Number.isSafeInteger(d) || d < policy.floorMs || d >= policy.capMs) bad = `failures ${failures}, random ${r}: ${d}`;
      }
    }
    t.equal(bad, undefined, `${name}: every delay for 0–5000 failures is an integer in [floor, cap)`);
  }
  t.equal(backoffDelayMs(FAST_RETRY, 1000, constant(ALMOST_ONE)), 59_999, 'failure 1000 is still capped, not Infinity or NaN');
  t.equal(backoffDelayMs(FAST_RETRY, Number.MAX_SAFE_INTEGER, constant(0.5)), 30_000, 'an absurd failure count is still capped');
  t.equal(backoffDelayMs(FAST_RETRY, 0, constant(ALMOST_ONE)), 999, 'zero failures is treated like the first');
});

t.test('the policies retry fast for transient trouble and slowly for problems a person must fix', async (t) => {
  t.same(FAST_RETRY, { baseMs: 1_000, capMs: 60_000, floorMs: 500 }, 'fast: 1 s doubling to 60 s, never under 0.5 s');
  t.same(SLOW_RETRY, { baseMs: 30_000, capMs: 600_000, floorMs: 15_000 }, 'slow: 30 s doubling to 10 min, never under 15 s');
});
