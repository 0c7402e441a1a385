/**
 * The local clock against STS's, from the Date header of STS's answers. Beyond
 * CLOCK_SKEW_WARN_MS the local clock is called wrong and expiry is computed on STS time.
 */

/** The Date header has one-second resolution, so smaller offsets are noise. */
export const CLOCK_SKEW_WARN_MS = 60_000;

/**
 * STS time minus local time, in ms. The Date header is stamped while the request is
 * under way, so the midpoint of sending and receiving is the best local estimate.
 */
export function measuredOffsetMs(stsDateMs: number, sentMs: number, receivedMs: number): number {
  return Math.round(stsDateMs - (sentMs + receivedMs) / 2);
}

export function isSkewed(offsetMs: number | undefined): offsetMs is number {
  return offsetMs !== undefined && Math.abs(offsetMs) > CLOCK_SKEW_WARN_MS;
}
