/**
 * What happens to one role's refresh state on each event: a credential issued, an attempt
 * failed, a tick, a client asking, a credential adopted. Pure functions over a frozen value,
 * tested like policy.ts; refresher.ts is the shell that owns the timers, the single-flight
 * promise and the log lines, and calls these to decide.
 */
import { isoTime as iso } from '../clock.js';
import type { RefresherState, RoleError } from '../contract/control-api.js';
import type { Credential, CredentialResult } from '../credentials.js';
import { ImdsdError } from '../errors.js';
import { FAST_RETRY, SLOW_RETRY, backoffDelayMs } from './backoff.js';
import { TIME_SYNC_HINT } from '../system/time-sync.js';
import { isSkewed, measuredOffsetMs } from './clock-skew.js';
import type { RetryClass } from './classify.js';
import { isServable, refreshAtMs } from './policy.js';
import type { IssuedCredential } from './sts-client.js';

/** A role's refresh status in milliseconds; the control API's RoleStatus is its JSON form. */
export interface RefresherStatus {
  readonly state: RefresherState;
  readonly expiresAtMs?: number | undefined;
  readonly issuedAtMs?: number | undefined;
  readonly lastRefreshAtMs?: number | undefined;
  readonly nextRefreshAtMs?: number | undefined;
  readonly consecutiveFailures: number;
  readonly lastError?: RoleError | undefined;
  readonly durationSec?: number | undefined;
  /** STS time minus local time, from STS's Date header at the last answer. */
  readonly clockOffsetMs?: number | undefined;
}

export interface RefreshState {
  /** The last good credential, servable or not. */
  readonly current: Credential | undefined;
  /** DurationSeconds to ask for; undefined lets STS choose. */
  readonly durationSec: number | undefined;
  readonly failures: number;
  readonly lastError: ImdsdError | undefined;
  readonly lastRetryClass: RetryClass;
  readonly lastAttemptAtMs: number | undefined;
  readonly lastRefreshAtMs: number | undefined;
  /** When the timer fires next: the computed refresh time, or the retry after a failure. */
  readonly nextAtMs: number | undefined;
  readonly clockOffsetMs: number | undefined;
  readonly stopped: boolean;
}

/** Minimum spacing of refreshes that client demand may trigger, by failure class. */
export const DEMAND_SPACING_MS: Readonly<Record<RetryClass, number>> = { fast: 10_000, slow: 60_000 };

/** Role chaining caps a session at one hour (docs/imds-protocol.md, "STS"). */
export const CHAINED_SESSION_SEC = 3600;

export function initialState(durationSec: number | undefined): RefreshState {
  return Object.freeze({
    current: undefined, durationSec, failures: 0, lastError: undefined, lastRetryClass: 'fast',
    lastAttemptAtMs: undefined, lastRefreshAtMs: undefined, nextAtMs: undefined, clockOffsetMs: undefined, stopped: false,
  });
}

const next = (state: RefreshState, change: Partial<RefreshState>): RefreshState => Object.freeze({ ...state, ...change });

export const onAttemptStarted = (state: RefreshState, nowMs: number): RefreshState => next(state, { lastAttemptAtMs: nowMs });

/**
 * STS's clock read from its Date header: the new offset, and how much to move expiry by
 * (0 while within noise). `newlySkewed` is true when the clock just went off, for one warning.
 */
export function onClockMeasured(state: RefreshState, stsDateMs: number | undefined, sentMs: number, receivedMs: number):
  { state: RefreshState; skewMs: number; newlySkewed: boolean } {
  if (stsDateMs === undefined) return { state, skewMs: 0, newlySkewed: false };
  const offsetMs = measuredOffsetMs(stsDateMs, sentMs, receivedMs);
  const skewed = isSkewed(offsetMs);
  return { state: next(state, { clockOffsetMs: offsetMs }), skewMs: skewed ? offsetMs : 0, newlySkewed: skewed && !isSkewed(state.clockOffsetMs) };
}

/**
 * The credential to serve from what STS issued: expiry on STS time moved onto the local
 * clock, since clients compare Expiration with their own (equally wrong) clock. Refused
 * when it is already unservable by the local clock.
 */
export function credentialOf(issued: IssuedCredential, skewMs: number, nowMs: number): Credential {
  const credential: Credential = {
    accessKeyId: issued.accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken,
    expiresAtMs: issued.expiresAtMs - skewMs,
    issuedAtMs: nowMs,
  };
  if (!isServable(credential, nowMs)) {
    throw new ImdsdError('IMDSD_ERR_CLOCK_SKEW',
      `STS issued a credential that expires at ${iso(issued.expiresAtMs)}, already expired by the local clock`,
      { hint: TIME_SYNC_HINT });
  }
  return credential;
}

export function onSuccess(state: RefreshState, credential: Credential, nowMs: number, refreshBeforeSec: number | undefined,
  random?: () => number): RefreshState {
  return next(state, {
    current: credential, failures: 0, lastError: undefined, lastRefreshAtMs: nowMs,
    nextAtMs: refreshAtMs(credential, refreshBeforeSec, random),
  });
}

/** A chained role asked for more than an hour: retry once at once with 3600 (undefined: not this case). */
export function onChainingLimit(state: RefreshState, error: ImdsdError): RefreshState | undefined {
  if (error.code !== 'IMDSD_ERR_ROLE_CHAINING_LIMIT' || state.durationSec === CHAINED_SESSION_SEC) return undefined;
  return next(state, { durationSec: CHAINED_SESSION_SEC });
}

export function onFailure(state: RefreshState, error: ImdsdError, retry: RetryClass, nowMs: number, random: () => number): RefreshState {
  const failures = state.failures + 1;
  return next(state, {
    failures, lastError: error, lastRetryClass: retry,
    nextAtMs: nowMs + backoffDelayMs(retry === 'fast' ? FAST_RETRY : SLOW_RETRY, failures, random),
  });
}

/** A tick or the timer: whether to refresh now. */
export function isDue(state: RefreshState, wallMs: number): boolean {
  if (state.failures === 0) return state.nextAtMs === undefined || wallMs >= state.nextAtMs || !isServable(state.current, wallMs);
  /* c8 ignore next - a failed attempt always sets nextAtMs; `?? 0` only satisfies the type */
  return wallMs >= (state.nextAtMs ?? 0);
}

/** Whether a client finding nothing valid may trigger a refresh now (bounded STS traffic). */
export function demandAllowed(state: RefreshState, nowMs: number): boolean {
  if (state.lastAttemptAtMs === undefined || state.failures === 0) return true;
  if (state.nextAtMs !== undefined && nowMs >= state.nextAtMs) return true;
  return nowMs - state.lastAttemptAtMs >= DEMAND_SPACING_MS[state.lastRetryClass];
}

/** What a client gets now: the credential while servable, else the error that explains why not. */
export function resultOf(state: RefreshState, nowMs: number): CredentialResult {
  const { current, lastError } = state;
  if (isServable(current, nowMs)) return { ok: true, credential: current };
  if (state.stopped) return { ok: false, error: new ImdsdError('IMDSD_ERR_SHUTTING_DOWN') };
  if (lastError !== undefined) {
    const prefix = current === undefined ? 'no credential yet' : 'the last credential has expired';
    return { ok: false, error: new ImdsdError(lastError.code, `${prefix}: ${lastError.message}`, { hint: lastError.hint }) };
  }
  return current === undefined
    ? { ok: false, error: new ImdsdError('IMDSD_ERR_NO_CREDENTIAL_YET', 'no credential yet: the first refresh is in progress', { hint: 'retry in a moment' }) }
    : { ok: false, error: new ImdsdError('IMDSD_ERR_CREDENTIAL_EXPIRED', 'the credential is being renewed', { hint: 'retry in a moment' }) };
}

/** The outcome of a forced refresh: its own failure, even while the last good credential is served. */
export function refreshOutcomeOf(state: RefreshState, nowMs: number): CredentialResult {
  if (state.failures > 0 && state.lastError !== undefined) return { ok: false, error: state.lastError };
  return resultOf(state, nowMs);
}

export function statusOf(state: RefreshState, nowMs: number, refreshing: boolean): RefresherStatus {
  const { current, failures, lastError } = state;
  let phase: RefresherState;
  if (state.stopped) phase = 'stopped';
  else if (!isServable(current, nowMs)) phase = current === undefined ? 'starting' : 'expired';
  else if (failures > 0) phase = 'degraded';
  else phase = refreshing ? 'refreshing' : 'fresh';
  return {
    state: phase,
    expiresAtMs: current?.expiresAtMs,
    issuedAtMs: current?.issuedAtMs,
    lastRefreshAtMs: state.lastRefreshAtMs,
    nextRefreshAtMs: state.nextAtMs,
    consecutiveFailures: failures,
    lastError: lastError === undefined ? undefined : { code: lastError.code, message: lastError.message, hint: lastError.hint },
    durationSec: state.durationSec,
    clockOffsetMs: state.clockOffsetMs,
  };
}

/** A credential carried over from the previous refresher of the role (SIGHUP): kept when it lasts longer. */
export function onAdopt(state: RefreshState, credential: Credential, refreshBeforeSec: number | undefined): RefreshState {
  if (state.current !== undefined && credential.expiresAtMs <= state.current.expiresAtMs) return state;
  return next(state, { current: credential, nextAtMs: refreshAtMs(credential, refreshBeforeSec) });
}

export const onStop = (state: RefreshState): RefreshState => next(state, { stopped: true });
