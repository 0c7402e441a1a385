/**
 * Fills in the account of a role that was started without one (issue 19): with the first
 * credential obtained, one lookup (GetCallerIdentity); from then on the identity carries
 * it. A failed lookup never stands in the way of serving: it is logged once, with its
 * code, and tried again with the next credential, no sooner.
 */
import type { Logger } from 'pino';
import type { Credential, RoleIdentity } from '../credentials.js';
import { classifyStsFailure, type FailureContext } from './classify.js';
import type { AccountLookup } from './caller-account.js';

export interface AccountFillOptions {
  readonly identity: RoleIdentity;
  /** Absent, or the identity has an account: nothing is ever looked up. */
  readonly lookup?: AccountLookup | undefined;
  readonly logger: Logger;
  readonly failureContext: FailureContext;
}

export interface AccountFill {
  /** The identity as known now: `accountId` stays empty until a lookup succeeds. */
  identity(): RoleIdentity;
  /**
   * Told of each credential obtained. While the account is unknown, starts one lookup
   * with it (none while another is in flight); returns that lookup, settled either way.
   */
  learnFrom(credential: Credential): Promise<void>;
}

export function createAccountFill(options: AccountFillOptions): AccountFill {
  const { logger, lookup } = options;
  let identity = options.identity;
  let inflight: Promise<void> | undefined;
  let failures = 0;

  const failed = (thrown: unknown): void => {
    failures += 1;
    const { error } = classifyStsFailure(thrown, options.failureContext);
    // Said once; later failures (one per refresh at most) are quiet.
    logger[failures === 1 ? 'warn' : 'debug']({ event: 'account-unknown', role: identity.roleName, code: error.code, failures },
      'GetCallerIdentity failed: serving without the account id until a later credential tells it');
  };

  const learned = (accountId: string): void => {
    identity = { ...identity, accountId };
    logger.info({ event: 'account-learned', role: identity.roleName, accountId }, 'the account id comes from GetCallerIdentity');
  };

  return {
    identity: () => identity,
    learnFrom(credential) {
      if (lookup === undefined || identity.accountId !== '') return Promise.resolve();
      inflight ??= lookup(credential).then(learned, failed).finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
  };
}
