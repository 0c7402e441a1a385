/**
 * Where a served credential comes from. Every kind is one function that issues a fresh
 * temporary credential; the refresher's schedule, backoff and single-flight are the
 * same for all of them (issue 13).
 */
import { ImdsdError } from '../errors.js';
import type { IssuedCredential } from './sts-client.js';

/** Issues one credential; `durationSec` is a wish the kind may ignore (SSO, process). */
export type IssueFn = (durationSec: number | undefined) => Promise<IssuedCredential>;

/** How `imdsd status` names the kinds. */
export type IssuerKind = 'assume-role' | 'sso' | 'process' | 'session-token';

/** The guard on a credential from a provider (SSO, the MFA session): all parts, an expiry. */
export function issuedFromIdentity(identity: unknown, what: string): IssuedCredential {
  const record = typeof identity === 'object' && identity !== null ? (identity as Record<string, unknown>) : {};
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = record;
  const expiresAtMs = expiration instanceof Date ? expiration.getTime() : Number.NaN;
  if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof secretAccessKey !== 'string' || secretAccessKey === ''
    || typeof sessionToken !== 'string' || sessionToken === '' || !Number.isFinite(expiresAtMs)) {
    throw new ImdsdError('IMDSD_ERR_STS_MALFORMED', `${what} returned an incomplete credential`);
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiresAtMs };
}
