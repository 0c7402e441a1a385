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
import { TIME_SYNC_HINT } from '../system/time-sync.js';
import { classifyStsFailure, type FailureContext } from './classify.js';
import { isServable } from './policy.js';
import {
  credentialOf, demandAllowed, initialState, isDue, onAdopt, onAttemptStarted, onChainingLimit, onClockMeasured, onFailure,
  onStop, onSuccess, refreshOutcomeOf, resultOf, statusOf, type RefresherStatus, type RefreshState,
} from './refresh-state.js';
import type { Issuer } from './issuers/issuer.js';
import { createAccountFill, type AccountFill } from './account-fill.js';
import type { AccountLookup } from './caller-account.js';

/** Starts a periodic callback; returns its stop function (node-cron in production). */
export type Ticker = (onTick: () => void) => () => void;

export interface RefresherOptions {
  readonly identity: RoleIdentity;
  /** Issues each credential: AssumeRole, SSO, credential_process or GetSessionToken (issuers/). */
  readonly issue: Issuer;
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
  /** Told of every attempt to issue a credential (metrics). */
  readonly onAttempt?: (outcome: AttemptOutcome) => void;
  /**
   * When `identity` has no account: learns it from the first credential obtained
   * (account-fill.ts). Serving never waits for it.
   */
  readonly lookupAccount?: AccountLookup | undefined;
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
  /** The credential held if it may be served now (CredentialSource's fast path). */
  servableNow(): Credential | undefined;
  /** Takes over a credential from a previous refresher of the same role (SIGHUP). */
  adopt(credential: Credential): void;
  stop(): void;
}

/** Sleep/wake or a clock step shows as wall time moving unlike monotonic time. */
const JUMP_THRESHOLD_MS = 5_000;
const DEFAULT_DEMAND_WAIT_MS = 800;

/**
 * The shell around RefreshState: it owns the timer, the ticker, the single in-flight
 * attempt and the log lines, and asks refresh-state.ts what each event means.
 * Methods are bound (arrow properties): the runtime hands them around as callbacks.
 */
class RefresherShell implements Refresher {
  private readonly account: AccountFill;
  private state: RefreshState;
  private inflight: Promise<void> | undefined;
  private cancelTimer: (() => void) | undefined;
  private stopTicker: (() => void) | undefined;
  private lastWallMs: number;
  private lastMonoMs: number;
  private readonly random: () => number;
  private readonly demandWaitMs: number;

  constructor(private readonly options: RefresherOptions) {
    this.account = createAccountFill({
      identity: options.identity, lookup: options.lookupAccount, logger: options.logger, failureContext: options.failureContext,
    });
    this.state = initialState(options.durationSec);
    this.lastWallMs = options.clock.now();
    this.lastMonoMs = options.clock.monotonic();
    this.random = options.random ?? Math.random;
    this.demandWaitMs = options.demandWaitMs ?? DEFAULT_DEMAND_WAIT_MS;
  }

  /** The role as known now: its account may be learned after the first credential. */
  get identity(): RoleIdentity {
    return this.account.identity();
  }

  private get role(): string {
    return this.identity.roleName;
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.state.stopped || this.state.nextAtMs === undefined) return;
    this.cancelTimer = this.options.clock.setTimer(this.check, this.state.nextAtMs - this.options.clock.now());
  }

  private succeeded(credential: Credential, startedMs: number, nowMs: number): void {
    this.state = onSuccess(this.state, credential, nowMs, this.options.refreshBeforeSec, this.options.scheduleJitter);
    this.options.onAttempt?.({ ok: true, durationMs: nowMs - startedMs });
    this.options.logger.info({
      event: 'refreshed', role: this.role, keyId: keyIdTail(credential.accessKeyId),
      expiresAt: iso(credential.expiresAtMs), durationMs: nowMs - startedMs, nextRefreshAt: iso(this.state.nextAtMs),
    }, 'refreshed credential');
    void this.account.learnFrom(credential);
  }

  /** Returns true when the attempt is to be repeated at once (the role-chaining cap). */
  private failed(thrown: unknown, startedMs: number): boolean {
    const { clock, logger, onAttempt } = this.options;
    const { error, retry } = classifyStsFailure(thrown, this.options.failureContext);
    const capped = onChainingLimit(this.state, error);
    if (capped !== undefined) {
      onAttempt?.({ ok: false, code: error.code, durationMs: clock.now() - startedMs });
      this.state = capped;
      logger.warn({ event: 'duration-capped', role: this.role, durationSec: capped.durationSec },
        'role chaining limits sessions to one hour; asking for 3600 seconds from now on');
      return true;
    }
    const nowMs = clock.now();
    this.state = onFailure(this.state, error, retry, nowMs, this.random);
    onAttempt?.({ ok: false, code: error.code, durationMs: nowMs - startedMs });
    const { current, failures, nextAtMs } = this.state;
    const serving = isServable(current, nowMs);
    // Offline is said once; the retries until the network returns are quiet.
    const quiet = error.code === 'IMDSD_ERR_OFFLINE' && failures > 1;
    logger[quiet ? 'debug' : 'warn']({
      event: 'refresh-failed', role: this.role, code: error.code, hint: error.hint, failures,
      nextRetryAt: iso(nextAtMs), servingUntil: serving ? iso(current?.expiresAtMs) : undefined,
    }, serving ? `${error.message}; still serving the last good credential` : error.message);
    return false;
  }

  private async attempt(): Promise<void> {
    const { clock } = this.options;
    const startedMs = clock.now();
    this.state = onAttemptStarted(this.state, startedMs);
    try {
      const issued = await this.options.issue(this.state.durationSec);
      const nowMs = clock.now();
      if (this.state.stopped) return;
      const measured = onClockMeasured(this.state, issued.stsDateMs, startedMs, nowMs);
      this.state = measured.state;
      if (measured.newlySkewed) this.warnSkew(measured.skewMs);
      this.succeeded(credentialOf(issued, measured.skewMs, nowMs), startedMs, nowMs);
    } catch (thrown) {
      if (this.state.stopped) return;
      if (this.failed(thrown, startedMs)) return this.attempt();
    }
  }

  private warnSkew(offsetMs: number): void {
    this.options.logger.warn({ event: 'clock-skew', role: this.role, offsetMs, hint: TIME_SYNC_HINT },
      `the local clock is ${Math.round(Math.abs(offsetMs) / 1000)} s ${offsetMs > 0 ? 'behind' : 'ahead of'} STS: computing expiry on STS time`);
  }

  private refresh(): Promise<void> {
    if (this.inflight === undefined) {
      this.inflight = this.attempt().finally(() => {
        this.inflight = undefined;
        this.arm();
      });
    }
    return this.inflight;
  }

  /** The timer and the ticker: notices clock jumps, then refreshes when due. */
  private readonly check = (): void => {
    if (this.state.stopped) return;
    const { clock, logger } = this.options;
    const wallMs = clock.now();
    const monoMs = clock.monotonic();
    const driftMs = wallMs - this.lastWallMs - (monoMs - this.lastMonoMs);
    this.lastWallMs = wallMs;
    this.lastMonoMs = monoMs;
    if (Math.abs(driftMs) > JUMP_THRESHOLD_MS) {
      logger.info({ event: 'clock-jump', role: this.role, jumpMs: Math.round(driftMs) },
        'wall clock jumped (sleep/wake or a clock step): checking the credential now');
    }
    // A refresh in flight re-arms the timer when it ends.
    if (this.inflight !== undefined) return;
    if (isDue(this.state, wallMs)) void this.refresh();
    else this.arm();
  };

  private waitBounded(work: Promise<void>, maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.options.clock.setTimer(resolve, maxMs);
      void work.then(() => {
        cancel();
        resolve();
      });
    });
  }

  readonly servableNow = (): Credential | undefined => {
    const { current } = this.state;
    return isServable(current, this.options.clock.now()) ? current : undefined;
  };

  readonly get = async (): Promise<CredentialResult> => {
    const { clock } = this.options;
    const nowMs = clock.now();
    if (isServable(this.state.current, nowMs)) return { ok: true, credential: this.state.current };
    if (this.state.stopped) return resultOf(this.state, nowMs);
    if (this.inflight === undefined && demandAllowed(this.state, nowMs)) void this.refresh();
    if (this.inflight !== undefined) await this.waitBounded(this.inflight, this.demandWaitMs);
    return resultOf(this.state, clock.now());
  };

  readonly start = async (): Promise<CredentialResult> => {
    this.stopTicker = this.options.ticker(this.check);
    const carried = this.state.current;
    if (carried !== undefined && isServable(carried, this.options.clock.now())) {
      this.arm();
      void this.account.learnFrom(carried);
    } else {
      await this.refresh();
    }
    return resultOf(this.state, this.options.clock.now());
  };

  readonly refreshNow = async (): Promise<CredentialResult> => {
    await this.refresh();
    return refreshOutcomeOf(this.state, this.options.clock.now());
  };

  readonly status = (): RefresherStatus => statusOf(this.state, this.options.clock.now(), this.inflight !== undefined);

  readonly held = (): Credential | undefined => this.state.current;

  readonly adopt = (credential: Credential): void => {
    this.state = onAdopt(this.state, credential, this.options.refreshBeforeSec);
  };

  readonly stop = (): void => {
    this.state = onStop(this.state);
    this.cancelTimer?.();
    this.stopTicker?.();
  };
}

export function createRefresher(options: RefresherOptions): Refresher {
  return new RefresherShell(options);
}
