/**
 * What issues a served credential. Every kind (AssumeRole, SSO, credential_process, an
 * IAM user's session; `CredentialSourceKind` in src/contract names them) is one function
 * that issues a fresh temporary credential; the refresher's schedule, backoff and
 * single-flight are the same for all of them (issue 13). The kinds are the other files
 * of this folder; src/profiles picks one per profile.
 */
import { ImdsdError } from '../../errors.js';
import type { IssuedCredential } from '../sts-client.js';

export type { IssuedCredential } from '../sts-client.js';

/** Issues one credential; `durationSec` is a wish the kind may ignore (SSO, process). */
export type Issuer = (durationSec: number | undefined) => Promise<IssuedCredential>;

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
