import t from 'tap';
import { createLimiter, MAX_CONCURRENT_STS_CALLS } from '../../src/daemon/sts-limiter.js';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

t.test('issue 15: 1,000 calls never run more than the bound at once, and all finish in order', async (t) => {
  const limiter = createLimiter();
  t.equal(MAX_CONCURRENT_STS_CALLS, 16, 'the daemon bounds STS calls at 16');
  let inFlight = 0;
  let peak = 0;
  const started: number[] = [];
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => limiter.limit(async () => {
    started.push(i);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return i;
  })));
  t.equal(peak, 16, 'at most 16 at once, and the bound was used');
  t.same(results, Array.from({ length: 1000 }, (_, i) => i), 'every call got its own result');
  t.same(started, [...started].sort((a, b) => a - b), 'started first come, first served');
  t.equal(limiter.active(), 0, 'nothing left running');
});

t.test('a failing or throwing task frees its slot and passes its error on', async (t) => {
  const limiter = createLimiter(1);
  const first = deferred<string>();
  const running = limiter.limit(() => first.promise);
  const queued = limiter.limit(async () => 'second');
  t.equal(limiter.waiting(), 1, 'the second waits');
  first.reject(new Error('throttled'));
  await t.rejects(running, { message: 'throttled' }, 'the rejection reaches the caller');
  t.equal(await queued, 'second', 'and the next call ran');
  await t.rejects(limiter.limit(() => {
    throw new Error('sync');
  }), { message: 'sync' }, 'a synchronous throw becomes a rejection');
  t.equal(limiter.active(), 0, 'no slot leaked');
});

t.test('a bound that is not a positive integer is refused', async (t) => {
  t.throws(() => createLimiter(0), RangeError, 'zero');
  t.throws(() => createLimiter(1.5), RangeError, 'a fraction');
});
