/**
 * Waiting for an event that nothing announces (a process that is not our child exiting, a
 * kernel queue draining, a port closing): `check` is asked until it holds. The timeout
 * bounds the wait so a missing event fails the test instead of hanging it; it is never a
 * pause that hopes the event has happened by then (issue 19).
 */
import { setTimeout as pause } from 'node:timers/promises';

/** Resolves true as soon as `check` holds, false if it still does not after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await pause(everyMs);
  }
}
