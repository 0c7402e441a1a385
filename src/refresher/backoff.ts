/**
 * Retry delays: exponential growth with full jitter and a cap, so that many daemons
 * failing together do not retry in step, and a long outage costs a bounded number of
 * STS calls per hour.
 */

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  /** Full jitter can pick ~0; this floor keeps a failing STS from being hammered. */
  readonly floorMs: number;
}

/** Throttling, 5xx, network: retry soon. */
export const FAST_RETRY: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, floorMs: 500 };

/** Errors a person has to fix (access denied, expired source credentials): retry slowly. */
export const SLOW_RETRY: BackoffPolicy = { baseMs: 30_000, capMs: 10 * 60_000, floorMs: 15_000 };

/** Delay before attempt number `failures` + 1, given `failures` consecutive failures (≥ 1). */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: () => number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.max(policy.floorMs, Math.floor(random() * ceiling));
}
