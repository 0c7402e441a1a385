/**
 * For a login the SDK renews with its refresh token, the end is known only once a
 * renewal is refused. The SDK tries only inside the access token's last five minutes, so
 * shortly inside that window imdsd has the SDK's token provider make the attempt
 * (src/refresher/sso-renew.ts) and reads what really happened: renewed (or a new token in
 * the cache, from any process) is watched again for the next token; refused by the portal
 * means the login ends with its token, and the warnings then treat it as a login that
 * cannot be renewed; an attempt the SDK skipped (its 30 s throttle) or that failed on the
 * way (network, throttling, 5xx) is tried again after the throttle, until the token ends.
 * An unchanged token alone is never read as a refusal (issue 19;
 * docs/imds-protocol.md, "SSO profiles").
 */
import type { Clock } from '../clock.js';
import type { RenewalOutcome } from '../refresher/sso-renew.js';
import type { SsoLoginWatch } from './sso-login.js';

/** Inside the SDK's five-minute renewal window, with a margin. */
export const RENEWAL_CHECK_BEFORE_MS = 4 * 60_000;
/** The SDK makes at most one attempt per 30 s and session: the next try comes after that. */
export const RENEWAL_RETRY_MS = 31_000;

export interface SsoRenewalOptions {
  readonly clock: Clock;
  readonly login: Pick<SsoLoginWatch, 'current' | 'reread'>;
  /** Has the SDK attempt the renewal once, and says what happened. */
  readonly renew: () => Promise<RenewalOutcome>;
}

export interface SsoRenewal {
  /** Looks at the current login again (call when a new one appears). */
  arm(): void;
  /** The portal refused to renew the current login: it ends when its token does. */
  refused(): boolean;
  stop(): void;
}

export function watchSsoRenewal(options: SsoRenewalOptions): SsoRenewal {
  const { clock, login } = options;
  let cancel: (() => void) | undefined;
  let refusedDigest: string | undefined;

  function schedule(digest: string, delayMs: number): void {
    cancel?.();
    cancel = clock.setTimer(() => void check(digest), delayMs);
  }

  async function check(digest: string): Promise<void> {
    cancel = undefined;
    const outcome = await options.renew();
    await login.reread();
    const now = login.current();
    if (now === undefined) return;
    if (now.tokenDigest !== digest) return arm();
    if (outcome === 'refused') {
      refusedDigest = digest;
      return;
    }
    // Skipped, failed on the way, or renewed without a new token in the cache: try again.
    if (clock.now() + RENEWAL_RETRY_MS < now.endsAtMs) schedule(digest, RENEWAL_RETRY_MS);
  }

  function arm(): void {
    cancel?.();
    cancel = undefined;
    const current = login.current();
    if (current === undefined || !current.renewable || current.tokenDigest === refusedDigest) return;
    schedule(current.tokenDigest, current.endsAtMs - RENEWAL_CHECK_BEFORE_MS - clock.now());
  }

  return {
    arm,
    refused: () => {
      const current = login.current();
      return current !== undefined && current.tokenDigest === refusedDigest;
    },
    stop: () => cancel?.(),
  };
}
