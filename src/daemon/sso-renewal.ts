/**
 * For a login the SDK renews with its refresh token, the end is known only once a
 * renewal is refused. The SDK tries only inside the access token's last five minutes, and
 * only when asked for credentials; so shortly inside that window imdsd asks once (a
 * refresh), then reads the cache again: a new token means renewed, the same token means
 * the login ends with it, and the warnings then treat it as a login that cannot be
 * renewed (docs/imds-protocol.md, "SSO profiles"; issue 13).
 */
import type { Clock } from '../clock.js';
import type { SsoLoginWatch } from './sso-login.js';

/** Inside the SDK's five-minute renewal window, with a margin. */
export const RENEWAL_CHECK_BEFORE_MS = 4 * 60_000;

export interface SsoRenewalOptions {
  readonly clock: Clock;
  readonly login: Pick<SsoLoginWatch, 'current' | 'reread'>;
  /** Asks the SDK for credentials (a refresh), which makes it try the renewal. */
  readonly refresh: () => Promise<unknown>;
}

export interface SsoRenewal {
  /** Looks at the current login again (call when a new one appears). */
  arm(): void;
  /** The SDK could not renew the current login: it ends when its token does. */
  refused(): boolean;
  stop(): void;
}

export function watchSsoRenewal(options: SsoRenewalOptions): SsoRenewal {
  const { clock, login } = options;
  let cancel: (() => void) | undefined;
  let refusedDigest: string | undefined;

  async function check(digest: string): Promise<void> {
    await options.refresh();
    await login.reread();
    const now = login.current();
    if (now?.tokenDigest === digest) refusedDigest = digest;
    else arm();
  }

  function arm(): void {
    cancel?.();
    cancel = undefined;
    const current = login.current();
    if (current === undefined || !current.renewable || current.tokenDigest === refusedDigest) return;
    const digest = current.tokenDigest;
    cancel = clock.setTimer(() => void check(digest), current.endsAtMs - RENEWAL_CHECK_BEFORE_MS - clock.now());
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
