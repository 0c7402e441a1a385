/**
 * Keeps one role's credential fresh: a first fetch, a timer for the computed refresh
 * time, a periodic tick that also notices wall-clock jumps (sleep/wake, NTP steps),
 * on-demand single-flight refreshes when a client finds nothing valid, and backoff
 * with full jitter on failure. It implements the CredentialSource the IMDS server
 * reads, and never hands out a credential within SERVE_MIN_REMAINING_MS of expiry.
 */
import type { Logger } from 'pino';
import { isoTime as iso, type Clock } from '../clock.js';
import { keyIdTail, type Credential, type CredentialResult, type CredentialSource, type RoleIdentity } from '../credentials.js';
import { TIME_SYNC_HINT } from './clock-skew.js';
import { classifyStsFailure, type FailureContext } from './classify.js';
import { isServable } from './policy.js';
import {
  credentialOf, demandAllowed, initialState, isDue, onAdopt, onAttemptStarted, onChainingLimit, onClockMeasured, onFailure,
  onStop, onSuccess, refreshOutcomeOf, resultOf, statusOf, type RefresherStatus, type RefreshState,
} from './refresh-state.js';
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
  /**
   * Moves each rotation up to 10 % of its interval earlier (policy.ts), so that roles
   * started together spread out; a random source in [0, 1). Default: no jitter.
   */
  readonly scheduleJitter?: () => number;
  /** Told of every AssumeRole attempt (metrics). */
  readonly onAttempt?: (outcome: AttemptOutcome) => void;
}

export interface AttemptOutcome {
  readonly ok: boolean;
  readonly code?: string | undefined;
  readonly durationMs: number;
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

/** Sleep/wake or a clock step shows as wall time moving unlike monotonic time. */
const JUMP_THRESHOLD_MS = 5_000;
const DEFAULT_DEMAND_WAIT_MS = 800;

export function createRefresher(options: RefresherOptions): Refresher {
  const { clock, logger, identity } = options;
  const random = options.random ?? Math.random;
  const demandWaitMs = options.demandWaitMs ?? DEFAULT_DEMAND_WAIT_MS;
  const role = identity.roleName;

  let state: RefreshState = initialState(options.durationSec);
  let inflight: Promise<void> | undefined;
  let cancelTimer: (() => void) | undefined;
  let stopTicker: (() => void) | undefined;
  let lastWallMs = clock.now();
  let lastMonoMs = clock.monotonic();

  function arm(): void {
    cancelTimer?.();
    cancelTimer = undefined;
    if (state.stopped || state.nextAtMs === undefined) return;
    cancelTimer = clock.setTimer(check, state.nextAtMs - clock.now());
  }

  function succeeded(credential: Credential, startedMs: number, nowMs: number): void {
    state = onSuccess(state, credential, nowMs, options.refreshBeforeSec, options.scheduleJitter);
    options.onAttempt?.({ ok: true, durationMs: nowMs - startedMs });
    logger.info({
      event: 'refreshed', role, keyId: keyIdTail(credential.accessKeyId),
      expiresAt: iso(credential.expiresAtMs), durationMs: nowMs - startedMs, nextRefreshAt: iso(state.nextAtMs),
    }, 'refreshed credential');
  }

  /** Returns true when the attempt is to be repeated at once (the role-chaining cap). */
  function failed(thrown: unknown, startedMs: number): boolean {
    const { error, retry } = classifyStsFailure(thrown, options.failureContext);
    const capped = onChainingLimit(state, error);
    if (capped !== undefined) {
      options.onAttempt?.({ ok: false, code: error.code, durationMs: clock.now() - startedMs });
      state = capped;
      logger.warn({ event: 'duration-capped', role, durationSec: state.durationSec },
        'role chaining limits sessions to one hour; asking for 3600 seconds from now on');
      return true;
    }
    const nowMs = clock.now();
    state = onFailure(state, error, retry, nowMs, random);
    options.onAttempt?.({ ok: false, code: error.code, durationMs: nowMs - startedMs });
    const serving = isServable(state.current, nowMs);
    logger.warn({
      event: 'refresh-failed', role, code: error.code, hint: error.hint, failures: state.failures,
      nextRetryAt: iso(state.nextAtMs), servingUntil: serving ? iso(state.current?.expiresAtMs) : undefined,
    }, serving ? `${error.message}; still serving the last good credential` : error.message);
    return false;
  }

  async function attempt(): Promise<void> {
    const startedMs = clock.now();
    state = onAttemptStarted(state, startedMs);
    try {
      const issued = await options.assumeRole(state.durationSec);
      const nowMs = clock.now();
      if (state.stopped) return;
      const measured = onClockMeasured(state, issued.stsDateMs, startedMs, nowMs);
      state = measured.state;
      if (measured.newlySkewed) warnSkew(measured.skewMs);
      succeeded(credentialOf(issued, measured.skewMs, nowMs), startedMs, nowMs);
    } catch (thrown) {
      if (state.stopped) return;
      if (failed(thrown, startedMs)) return attempt();
    }
  }

  function warnSkew(offsetMs: number): void {
    logger.warn({ event: 'clock-skew', role, offsetMs, hint: TIME_SYNC_HINT },
      `the local clock is ${Math.round(Math.abs(offsetMs) / 1000)} s ${offsetMs > 0 ? 'behind' : 'ahead of'} STS: computing expiry on STS time`);
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
    if (state.stopped) return;
    const wallMs = clock.now();
    const monoMs = clock.monotonic();
    const driftMs = wallMs - lastWallMs - (monoMs - lastMonoMs);
    lastWallMs = wallMs;
    lastMonoMs = monoMs;
    if (Math.abs(driftMs) > JUMP_THRESHOLD_MS) {
      logger.info({ event: 'clock-jump', role, jumpMs: Math.round(driftMs) },
        'wall clock jumped (sleep/wake or a clock step): checking the credential now');
    }
    // A refresh in flight re-arms the timer when it ends.
    if (inflight !== undefined) return;
    if (isDue(state, wallMs)) void refresh();
    else arm();
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
      if (isServable(state.current, nowMs)) return { ok: true, credential: state.current };
      if (state.stopped) return resultOf(state, nowMs);
      if (inflight === undefined && demandAllowed(state, nowMs)) void refresh();
      if (inflight !== undefined) await waitBounded(inflight, demandWaitMs);
      return resultOf(state, clock.now());
    },
    async start() {
      stopTicker = options.ticker(check);
      if (isServable(state.current, clock.now())) arm();
      else await refresh();
      return resultOf(state, clock.now());
    },
    async refreshNow() {
      await refresh();
      return refreshOutcomeOf(state, clock.now());
    },
    status: () => statusOf(state, clock.now(), inflight !== undefined),
    held: () => state.current,
    adopt(credential) {
      state = onAdopt(state, credential, options.refreshBeforeSec);
    },
    stop() {
      state = onStop(state);
      cancelTimer?.();
      stopTicker?.();
    },
  };
}
