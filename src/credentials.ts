/**
 * The credential-store interface where the refresher (which gets credentials) and the
 * IMDS server (which serves them) meet. Neither side imports the other; src/daemon
 * wires a refresher in as the server's CredentialSource.
 */
import type { ImdsdError } from './errors.js';

/** One set of temporary credentials, as received from STS. Immutable once created. */
export interface Credential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** When STS says it expires, in ms since the epoch. */
  readonly expiresAtMs: number;
  /** When imdsd received it, in ms since the epoch (IMDS `LastUpdated`). */
  readonly issuedAtMs: number;
}

/** What is served about a role besides its credential. */
export interface RoleIdentity {
  /** Name served under iam/security-credentials/. */
  readonly roleName: string;
  /** Empty for a profile served directly (SSO, process, IAM user): no role ARN is known. */
  readonly roleArn: string;
  /** 12 digits, from the role ARN, the profile, or GetCallerIdentity; empty while unknown. */
  readonly accountId: string;
  readonly region: string;
}

export type CredentialResult =
  | { readonly ok: true; readonly credential: Credential }
  | { readonly ok: false; readonly error: ImdsdError };

export interface CredentialSource {
  /**
   * The role as known now. Only `accountId` may change, and only from empty to known: a
   * profile served directly without `aws_account_id` learns it from its first credential.
   */
  readonly identity: RoleIdentity;
  /**
   * A credential with more than SERVE_MIN_REMAINING_MS left, or the reason there is none.
   * When none is held, this triggers one single-flight refresh and waits for it for a
   * bounded time that stays under the SDKs' one-second timeout. Never rejects.
   */
  get(): Promise<CredentialResult>;
  /**
   * The credential get() would resolve to at once, or undefined when get() must be asked
   * (nothing servable is held). Lets IMDS answer the common request without a promise.
   */
  servableNow?(): Credential | undefined;
}

/**
 * A credential this close to expiry is never served: a client would use it past its end,
 * and the JS v3 SDK silently extends expired credentials.
 */
export const SERVE_MIN_REMAINING_MS = 60_000;

/** The account id in an IAM ARN (arn:partition:iam::123456789012:role/path/name). */
export function accountIdOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The role's name: the last path segment of its ARN. */
export function roleNameOfArn(arn: string): string | undefined {
  const resource = arn.split(':').slice(5).join(':');
  if (!resource.startsWith('role/')) return undefined;
  const name = resource.split('/').pop();
  return name === undefined || name === '' ? undefined : name;
}

/** An access key id as logs and answers may show it: its last four characters only, as aws-vault logs it. */
export function keyIdTail(accessKeyId: string): string {
  return `…${accessKeyId.slice(-4)}`;
}
