/**
 * Keeps one role's credential fresh: a first fetch, a timer for the computed refresh
 * time, a periodic tick that also notices wall-clock jumps (sleep/wake, NTP steps),
 * on-demand single-flight refreshes when a client finds nothing valid, and backoff
 * with full jitter on failure. It implements the CredentialSource the IMDS server
 * reads, and never hands out a credential within SERVE_MIN_REMAINING_MS of expiry.
 */
import type { Logger } from 'pino';
import { isoTime as iso, type Clock } from '../clock.js';
import type { Credential, CredentialResult, CredentialSource, RoleIdentity } from '../credentials.js';
import { ImdsdError } from '../errors.js';
import { FAST_RETRY, SLOW_RETRY, backoffDelayMs } from './backoff.js';
import { TIME_SYNC_HINT, isSkewed, measuredOffsetMs } from './clock-skew.js';
import { classifyStsFailure, type FailureContext, type RetryClass } from './classify.js';
import { isServable, refreshAtMs } from './policy.js';
import type { AssumeRoleFn } from './sts.js';

/** Starts a periodic callback; returns its stop function (node-cron in production). */
export type Ticker = (onTick: () => void) => () => void;

export interface RefresherOptions {
  readonly identity: RoleIdentity;
  readonly assumeRole: AssumeRoleFn;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly failureContext: FailureContext;
  readonly ticker: Ticker;
  /** DurationSeconds to ask for; undefined lets STS choose (one hour). */
  readonly durationSec?: number | undefined;
  readonly refreshBeforeSec?: number | undefined;
  /** How long a client request waits for an on-demand refresh: under the SDKs' 1 s. */
  readonly demandWaitMs?: number;
  readonly random?: () => number;
  /** Told of every AssumeRole attempt (metrics). */
  readonly onAttempt?: (outcome: AttemptOutcome) => void;
}

export interface AttemptOutcome {
  readonly ok: boolean;
  readonly code?: string | undefined;
  readonly durationMs: number;
}

export type RefresherState = 'starting' | 'fresh' | 'refreshing' | 'degraded' | 'expired' | 'stopped';

export interface RefresherStatus {
  readonly state: RefresherState;
  readonly expiresAtMs?: number | undefined;
  readonly issuedAtMs?: number | undefined;
  readonly lastRefreshAtMs?: number | undefined;
  readonly nextRefreshAtMs?: number | undefined;
  readonly consecutiveFailures: number;
  readonly lastError?: { readonly code: string; readonly message: string; readonly hint?: string | undefined } | undefined;
  readonly durationSec?: number | undefined;
  /** STS time minus local time, from STS's Date header at the last answer. */
  readonly clockOffsetMs?: number | undefined;
}

export interface Refresher extends CredentialSource {
  /** Starts the schedule and the first fetch; resolves when that first attempt ends. */
  start(): Promise<CredentialResult>;
  /** Refreshes now (joining one in flight) and reports the outcome. */
  refreshNow(): Promise<CredentialResult>;
  status(): RefresherStatus;
  /** The credential held, servable or not: lets a reload carry it over. */
  held(): Credential | undefined;
  /** Takes over a credential from a previous refresher of the same role (SIGHUP). */
  adopt(credential: Credential): void;
  stop(): void;
}

export { CLOCK_SKEW_WARN_MS } from './clock-skew.js';

/** Sleep/wake or a clock step shows as wall time moving unlike monotonic time. */
const JUMP_THRESHOLD_MS = 5_000;
/** Minimum spacing of refreshes that client demand may trigger, by failure class. */
const DEMAND_SPACING_MS: Record<RetryClass, number> = { fast: 10_000, slow: 60_000 };
const DEFAULT_DEMAND_WAIT_MS = 800;

const last4 = (keyId: string): string => `…${keyId.slice(-4)}`;

export function createRefresher(options: RefresherOptions): Refresher {
  const { clock, logger, identity } = options;
  const random = options.random ?? Math.random;
  const demandWaitMs = options.demandWaitMs ?? DEFAULT_DEMAND_WAIT_MS;

  let current: Credential | undefined;
  let inflight: Promise<void> | undefined;
  let durationSec = options.durationSec;
  let failures = 0;
  let lastError: ImdsdError | undefined;
  let lastRetryClass: RetryClass = 'fast';
  let lastAttemptAtMs: number | undefined;
  let lastRefreshAtMs: number | undefined;
  let nextAtMs: number | undefined;
  let cancelTimer: (() => void) | undefined;
  let stopTicker: (() => void) | undefined;
  let stopped = false;
  let clockOffsetMs: number | undefined;
  let lastWallMs = clock.now();
  let lastMonoMs = clock.monotonic();

  function arm(): void {
    cancelTimer?.();
    cancelTimer = undefined;
    if (stopped || nextAtMs === undefined) return;
    cancelTimer = clock.setTimer(check, nextAtMs - clock.now());
  }

  async function attempt(): Promise<void> {
    const startedMs = clock.now();
    lastAttemptAtMs = startedMs;
    try {
      const issued = await options.assumeRole(durationSec);
      const nowMs = clock.now();
      if (stopped) return;
      const skewMs = measureSkew(issued.stsDateMs, startedMs, nowMs);
      const credential: Credential = {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        // On STS time, moved onto the local clock: clients compare Expiration with their
        // own (equally wrong) clock, so this is when it really ends for them.
        expiresAtMs: issued.expiresAtMs - skewMs,
        issuedAtMs: nowMs,
      };
      if (!isServable(credential, nowMs)) {
        throw new ImdsdError('IMDSD_ERR_CLOCK_SKEW',
          `STS issued a credential that expires at ${iso(issued.expiresAtMs)}, already expired by the local clock`,
          { hint: TIME_SYNC_HINT });
      }
      current = credential;
      failures = 0;
      lastError = undefined;
      lastRefreshAtMs = nowMs;
      options.onAttempt?.({ ok: true, durationMs: nowMs - startedMs });
      nextAtMs = refreshAtMs(credential, options.refreshBeforeSec);
      logger.info({
        event: 'refreshed', role: identity.roleName, keyId: last4(credential.accessKeyId),
        expiresAt: iso(credential.expiresAtMs), durationMs: nowMs - startedMs, nextRefreshAt: iso(nextAtMs),
      }, 'refreshed credential');
    } catch (thrown) {
      if (stopped) return;
      const { error, retry } = classifyStsFailure(thrown, options.failureContext);
      if (error.code === 'IMDSD_ERR_ROLE_CHAINING_LIMIT' && durationSec !== 3600) {
        options.onAttempt?.({ ok: false, code: error.code, durationMs: clock.now() - startedMs });
        durationSec = 3600;
        logger.warn({ event: 'duration-capped', role: identity.roleName, durationSec },
          'role chaining limits sessions to one hour; asking for 3600 seconds from now on');
        return attempt();
      }
      failures += 1;
      lastError = error;
      lastRetryClass = retry;
      const nowMs = clock.now();
      options.onAttempt?.({ ok: false, code: error.code, durationMs: nowMs - startedMs });
      nextAtMs = nowMs + backoffDelayMs(retry === 'fast' ? FAST_RETRY : SLOW_RETRY, failures, random);
      const serving = isServable(current, nowMs);
      logger.warn({
        event: 'refresh-failed', role: identity.roleName, code: error.code, hint: error.hint, failures,
        nextRetryAt: iso(nextAtMs),
        servingUntil: serving ? iso(current?.expiresAtMs) : undefined,
      }, serving ? `${error.message}; still serving the last good credential` : error.message);
    }
  }

  /** Records STS's clock against ours; returns the offset to apply (0 when within noise). */
  function measureSkew(stsDateMs: number | undefined, sentMs: number, receivedMs: number): number {
    if (stsDateMs === undefined) return 0;
    const offsetMs = measuredOffsetMs(stsDateMs, sentMs, receivedMs);
    const wasSkewed = isSkewed(clockOffsetMs);
    clockOffsetMs = offsetMs;
    if (!isSkewed(offsetMs)) return 0;
    if (!wasSkewed) {
      logger.warn({ event: 'clock-skew', role: identity.roleName, offsetMs, hint: TIME_SYNC_HINT },
        `the local clock is ${Math.round(Math.abs(offsetMs) / 1000)} s ${offsetMs > 0 ? 'behind' : 'ahead of'} STS: computing expiry on STS time`);
    }
    return offsetMs;
  }

  function refresh(): Promise<void> {
    if (inflight === undefined) {
      inflight = attempt().finally(() => {
        inflight = undefined;
        arm();
      });
    }
    return inflight;
  }

  function check(): void {
    if (stopped) return;
    const wallMs = clock.now();
    const monoMs = clock.monotonic();
    const driftMs = wallMs - lastWallMs - (monoMs - lastMonoMs);
    lastWallMs = wallMs;
    lastMonoMs = monoMs;
    if (Math.abs(driftMs) > JUMP_THRESHOLD_MS) {
      logger.info({ event: 'clock-jump', role: identity.roleName, jumpMs: Math.round(driftMs) },
        'wall clock jumped (sleep/wake or a clock step): checking the credential now');
    }
    // A refresh in flight re-arms the timer when it ends.
    if (inflight !== undefined) return;
    const due = failures === 0
      ? nextAtMs === undefined || wallMs >= nextAtMs || !isServable(current, wallMs)
      /* c8 ignore next - a failed attempt always sets nextAtMs; `?? 0` only satisfies the type */
      : wallMs >= (nextAtMs ?? 0);
    if (due) void refresh();
    else arm();
  }

  function demandAllowed(nowMs: number): boolean {
    if (lastAttemptAtMs === undefined || failures === 0) return true;
    if (nextAtMs !== undefined && nowMs >= nextAtMs) return true;
    return nowMs - lastAttemptAtMs >= DEMAND_SPACING_MS[lastRetryClass];
  }

  function result(): CredentialResult {
    const nowMs = clock.now();
    if (isServable(current, nowMs)) return { ok: true, credential: current };
    if (stopped) return { ok: false, error: new ImdsdError('IMDSD_ERR_SHUTTING_DOWN') };
    if (lastError !== undefined) {
      const prefix = current === undefined ? 'no credential yet' : 'the last credential has expired';
      return { ok: false, error: new ImdsdError(lastError.code, `${prefix}: ${lastError.message}`, { hint: lastError.hint }) };
    }
    return current === undefined
      ? { ok: false, error: new ImdsdError('IMDSD_ERR_NO_CREDENTIAL_YET', 'no credential yet: the first refresh is in progress', { hint: 'retry in a moment' }) }
      : { ok: false, error: new ImdsdError('IMDSD_ERR_CREDENTIAL_EXPIRED', 'the credential is being renewed', { hint: 'retry in a moment' }) };
  }

  function waitBounded(work: Promise<void>, maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = clock.setTimer(resolve, maxMs);
      void work.then(() => {
        cancel();
        resolve();
      });
    });
  }

  return {
    identity,
    async get() {
      const nowMs = clock.now();
      if (isServable(current, nowMs)) return { ok: true, credential: current };
      if (stopped) return result();
      if (inflight === undefined && demandAllowed(nowMs)) void refresh();
      if (inflight !== undefined) await waitBounded(inflight, demandWaitMs);
      return result();
    },
    async start() {
      stopTicker = options.ticker(check);
      if (isServable(current, clock.now())) arm();
      else await refresh();
      return result();
    },
    async refreshNow() {
      await refresh();
      // The attempt's own outcome, even while the last good credential is still served.
      if (failures > 0 && lastError !== undefined) return { ok: false, error: lastError };
      return result();
    },
    status() {
      const nowMs = clock.now();
      const servable = isServable(current, nowMs);
      let state: RefresherState;
      if (stopped) state = 'stopped';
      else if (!servable) state = current === undefined ? 'starting' : 'expired';
      else if (failures > 0) state = 'degraded';
      else state = inflight === undefined ? 'fresh' : 'refreshing';
      return {
        state,
        expiresAtMs: current?.expiresAtMs,
        issuedAtMs: current?.issuedAtMs,
        lastRefreshAtMs,
        nextRefreshAtMs: nextAtMs,
        consecutiveFailures: failures,
        lastError: lastError === undefined ? undefined : { code: lastError.code, message: lastError.message, hint: lastError.hint },
        durationSec,
        clockOffsetMs,
      };
    },
    held: () => current,
    adopt(credential) {
      if (current === undefined || credential.expiresAtMs > current.expiresAtMs) {
        current = credential;
        nextAtMs = refreshAtMs(credential, options.refreshBeforeSec);
      }
    },
    stop() {
      stopped = true;
      cancelTimer?.();
      stopTicker?.();
    },
  };
}
