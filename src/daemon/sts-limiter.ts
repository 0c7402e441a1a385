/**
 * At most N AssumeRole calls in flight for the whole daemon. A 1,000-role config starts
 * every role's first fetch at once, and roles started together come due together: without
 * a bound that is 1,000 simultaneous TLS connections to STS, which throttles them (issue 15).
 * A call waits in FIFO order for a free slot; its own deadline (STS_DEADLINE_MS) starts
 * when it is sent, so a long queue never turns into timeouts.
 */

/** The default bound on concurrent STS calls. */
export const MAX_CONCURRENT_STS_CALLS = 16;

export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export interface Limiter {
  readonly limit: Limit;
  /** Calls running now. */
  active(): number;
  /** Calls waiting for a slot. */
  waiting(): number;
}

export function createLimiter(max: number = MAX_CONCURRENT_STS_CALLS): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter bound must be a positive integer, got ${max}`);
  let running = 0;
  const queue: Array<() => void> = [];

  function release(): void {
    running -= 1;
    const nextTask = queue.shift();
    if (nextTask !== undefined) {
      running += 1;
      nextTask();
    }
  }

  const limit: Limit = (task) => {
    if (running < max) {
      running += 1;
      return run(task);
    }
    return new Promise((resolve, reject) => {
      queue.push(() => {
        run(task).then(resolve, reject);
      });
    });
  };

  function run<T>(task: () => Promise<T>): Promise<T> {
    let started: Promise<T>;
    try {
      started = task();
    } catch (error) {
      started = Promise.reject(error);
    }
    return started.finally(release);
  }

  return { limit, active: () => running, waiting: () => queue.length };
}
