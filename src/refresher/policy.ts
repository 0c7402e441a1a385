/**
 * When to refresh, as pure functions of a credential's lifetime. Kept apart from the
 * refresher's state so the numbers can be checked over any lifetime without timers.
 */
import { SERVE_MIN_REMAINING_MS, type Credential } from '../credentials.js';

/**
 * Left on a credential at rotation, by default: botocore rewrites the expiry of a
 * credential with less than 17–25 minutes left, and the Java SDK re-fetches on every
 * call in the last 15, so rotate while more than 25 minutes remain.
 */
export const MIN_LEFT_AT_ROTATION_MS = 30 * 60_000;

/** Never rotate more often than this, whatever the options say: no refresh loop. */
const MIN_INTERVAL_FLOOR_MS = 10_000;

/** Rotation never comes sooner than this share of a lifetime, capped at five minutes. */
const MIN_INTERVAL_SHARE = 0.5;
const MIN_INTERVAL_CAP_MS = 5 * 60_000;

/**
 * Each rotation comes up to this share of its interval early, at random: roles started
 * together (a 1,000-role config, a daemon restart) then do not all rotate in the same
 * second. Only ever earlier, so every guarantee on the time left at rotation still holds.
 */
export const REFRESH_JITTER_SHARE = 0.1;

/**
 * The wall time at which `credential` should be replaced.
 *
 * By default: at half its lifetime, so that an STS outage of up to half a lifetime is
 * survived, and earlier when that would leave less than MIN_LEFT_AT_ROTATION_MS.
 * `refreshBeforeSec` asks for a fixed margin instead. Either way a credential shorter
 * than asked (STS may issue less) still lives min(half its life, 5 min) before it is
 * replaced, so a short lifetime never turns into a loop of STS calls. With `random`, the
 * time moves up to REFRESH_JITTER_SHARE of the interval earlier, never under that floor.
 */
export function refreshAtMs(credential: Credential, refreshBeforeSec?: number, random?: () => number): number {
  const lifetimeMs = Math.max(0, credential.expiresAtMs - credential.issuedAtMs);
  const wantedLeftMs =
    refreshBeforeSec === undefined
      ? Math.max(lifetimeMs / 2, MIN_LEFT_AT_ROTATION_MS)
      : refreshBeforeSec * 1000;
  const minIntervalMs = Math.max(
    Math.min(lifetimeMs * MIN_INTERVAL_SHARE, MIN_INTERVAL_CAP_MS),
    MIN_INTERVAL_FLOOR_MS,
  );
  const intervalMs = Math.max(lifetimeMs - wantedLeftMs, minIntervalMs);
  const earlyMs = random === undefined ? 0 : Math.floor(random() * REFRESH_JITTER_SHARE * intervalMs);
  return credential.issuedAtMs + Math.max(intervalMs - earlyMs, minIntervalMs);
}

/** True when `credential` may be handed to a client at `nowMs`. */
export function isServable(credential: Credential | undefined, nowMs: number): credential is Credential {
  return credential !== undefined && credential.expiresAtMs - nowMs > SERVE_MIN_REMAINING_MS;
}
