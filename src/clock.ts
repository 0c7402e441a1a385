/**
 * Time as a dependency. The refresher and the token store take a Clock so that days of
 * refresh behaviour run in milliseconds under a fake clock in tests.
 */
export interface Clock {
  /** Wall-clock time in ms since the epoch (what credential expiry is measured in). */
  now(): number;
  /** Monotonic time in ms: never jumps with NTP steps, does not count suspended time on Linux. */
  monotonic(): number;
  /** Runs `fn` after `delayMs`; returns a function that cancels it. Never keeps the process alive. */
  setTimer(fn: () => void, delayMs: number): () => void;
}

/** Node's setTimeout stores its delay in a 32-bit int; longer delays fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, delayMs) {
    const handle = setTimeout(fn, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** A wall time as ISO 8601 (ms precision) for logs and the control API; undefined stays undefined. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | undefined): string | undefined;
export function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
