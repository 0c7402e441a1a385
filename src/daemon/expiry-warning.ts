/**
 * Warns before a credential runs out while refreshes are failing, so the user can act
 * (renew SSO, fix the network) before clients see errors: a warn log line always, a
 * desktop notification where one is available, and the user's own hook. At most one
 * notice per role per credential, however long the failure lasts.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { RefresherStatus } from '../refresher/refresh-state.js';

export interface ExpiryNotice {
  readonly role: string;
  readonly expiresAtMs: number;
  readonly leftSec: number;
  readonly code: string | undefined;
  readonly message: string;
  readonly hint: string | undefined;
  /** For SSO login notices: the sso-session name (or the start URL of a legacy profile). */
  readonly ssoSession?: string | undefined;
}

/** Delivers a notice beyond the log (desktop, hook); must not throw. */
export type Notifier = (notice: ExpiryNotice) => void;

export interface WatchedRole {
  readonly roleName: string;
  status(): RefresherStatus;
  /** When the MFA session behind the role ends, for roles that use one. */
  mfaSessionEndsAtMs?(): number | undefined;
  /** The SSO login behind an SSO role, as the cache holds it. */
  ssoLogin?(): WatchedSsoLogin | undefined;
}

export interface WatchedSsoLogin {
  readonly endsAtMs: number;
  /** The SDK renews it by itself: its token's expiry is not the login's end. */
  readonly renewable: boolean;
  /** The sso-session name, or the start URL of a legacy profile. */
  readonly session: string;
  /** `aws sso login --sso-session corp` or `--profile dev`. */
  readonly command: string;
}

export interface ExpiryWarningOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly roles: () => readonly WatchedRole[];
  readonly notify: Notifier;
  /** Warn when this little is left (seconds). */
  readonly horizonSec: number;
  /** How often to look (ms). */
  readonly intervalMs?: number;
  /** Seconds before an SSO login ends at which to warn, once each (default 1800 and 300). */
  readonly ssoWarningSec?: readonly number[];
}

export const DEFAULT_EXPIRY_WARNING_SEC = 600;
const DEFAULT_SSO_WARNING_SEC: readonly number[] = [1800, 300];

export function describeNotice(role: string, leftSec: number, status: RefresherStatus): string {
  const minutes = Math.max(0, Math.round(leftSec / 60));
  const why = status.lastError === undefined ? 'refreshing is failing' : `refreshing fails: ${status.lastError.message}`;
  return `imdsd: the ${role} credential expires in ${minutes} min and ${why}`;
}

/**
 * Warns while refreshes still succeed, once per threshold crossed (issue 13). A login
 * the SDK renews by itself has no known end until a renewal is refused (sso-renewal.ts
 * then reports it as not renewable).
 */
function createSsoWarner(options: ExpiryWarningOptions): (role: WatchedRole, nowMs: number) => void {
  /** Per role and login: the smallest threshold already announced. */
  const warnedSso = new Map<string, number>();
  const ssoThresholdsSec = options.ssoWarningSec ?? DEFAULT_SSO_WARNING_SEC;
  return (role, nowMs) => {
    const login = role.ssoLogin?.();
    if (login === undefined || login.renewable || login.endsAtMs <= nowMs) return;
    const leftMs = login.endsAtMs - nowMs;
    const crossed = ssoThresholdsSec.filter((sec) => leftMs <= sec * 1000);
    if (crossed.length === 0) return;
    const threshold = Math.min(...crossed);
    const key = `${role.roleName}\0${login.endsAtMs}`;
    if (threshold >= (warnedSso.get(key) ?? Number.POSITIVE_INFINITY)) return;
    warnedSso.set(key, threshold);
    const leftSec = Math.round(leftMs / 1000);
    const notice: ExpiryNotice = {
      role: role.roleName,
      expiresAtMs: login.endsAtMs,
      leftSec,
      code: 'IMDSD_ERR_SSO_LOGIN_REQUIRED',
      message: `imdsd: the SSO login behind ${role.roleName} (${login.session}) ends in ${Math.round(leftSec / 60)} min`,
      hint: `run \`${login.command}\``,
      ssoSession: login.session,
    };
    options.logger.warn({ event: 'sso-login-ending', role: notice.role, leftSec, session: login.session, hint: notice.hint }, notice.message);
    options.notify(notice);
  };
}

export interface ExpiryWatch {
  /** Looks now (after a failed refresh) as well as on the interval. */
  check(): void;
  stop(): void;
}

/** Starts watching every `intervalMs`. */
export function watchExpiry(options: ExpiryWarningOptions): ExpiryWatch {
  const { clock, logger } = options;
  const intervalMs = options.intervalMs ?? 30_000;
  const warned = new Map<string, number>();
  const warnedMfa = new Map<string, number>();

  function checkMfa(role: WatchedRole, nowMs: number): void {
    const endsAtMs = role.mfaSessionEndsAtMs?.();
    if (endsAtMs === undefined || endsAtMs - nowMs > options.horizonSec * 1000 || warnedMfa.get(role.roleName) === endsAtMs) return;
    warnedMfa.set(role.roleName, endsAtMs);
    const leftSec = Math.max(0, Math.round((endsAtMs - nowMs) / 1000));
    const notice: ExpiryNotice = {
      role: role.roleName,
      expiresAtMs: endsAtMs,
      leftSec,
      code: 'IMDSD_ERR_MFA_REQUIRED',
      message: `imdsd: the MFA session behind ${role.roleName} ends in ${Math.round(leftSec / 60)} min`,
      hint: `run \`imdsd mfa <code> --role ${role.roleName}\` with a fresh code`,
    };
    logger.warn({ event: 'mfa-session-ending', role: notice.role, leftSec, hint: notice.hint }, notice.message);
    options.notify(notice);
  }
  const checkSso = createSsoWarner(options);
  let cancel: (() => void) | undefined;

  function check(): void {
    cancel?.();
    const nowMs = clock.now();
    for (const role of options.roles()) {
      checkMfa(role, nowMs);
      checkSso(role, nowMs);
      const status = role.status();
      if (status.consecutiveFailures === 0 || status.expiresAtMs === undefined) continue;
      const leftMs = status.expiresAtMs - nowMs;
      if (leftMs > options.horizonSec * 1000 || warned.get(role.roleName) === status.expiresAtMs) continue;
      warned.set(role.roleName, status.expiresAtMs);
      const notice: ExpiryNotice = {
        role: role.roleName,
        expiresAtMs: status.expiresAtMs,
        leftSec: Math.round(leftMs / 1000),
        code: status.lastError?.code,
        message: describeNotice(role.roleName, leftMs / 1000, status),
        hint: status.lastError?.hint,
      };
      logger.warn({ event: 'expiry-warning', role: notice.role, leftSec: notice.leftSec, code: notice.code, hint: notice.hint }, notice.message);
      options.notify(notice);
    }
    cancel = clock.setTimer(check, intervalMs);
  }

  cancel = clock.setTimer(check, intervalMs);
  return {
    check,
    stop: () => cancel?.(),
  };
}
