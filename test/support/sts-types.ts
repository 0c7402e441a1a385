/** Public types and constants of the fake STS (see sts-server.ts). */

export type FaultBody =
  /** An STS ErrorResponse, e.g. 500 InternalFailure, 400 Throttling, 503 ServiceUnavailable. */
  | { kind: 'http'; status: number; code: string; message?: string }
  /** Accept the request and never answer (until close()). */
  | { kind: 'hang' }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** 200 with a body that is not a valid response (default MALFORMED_BODY). */
  | { kind: 'malformed'; body?: string }
  /** Answer normally after `ms` (real timers). */
  | { kind: 'delay'; ms: number };
/** A failure to serve instead of the normal answer. `action` limits a queued fault to that action. */
export type StsFault = FaultBody & { action?: string };

export interface StsServerOptions {
  /** Wall clock used for expiry, signature time checks and the Date header; default Date.now */
  now?: () => number;
  /** Accepted long-term keys: accessKeyId -> { secretAccessKey, arn } */
  users?: Record<string, { secretAccessKey: string; arn: string }>;
  /** Roles that exist: roleArn -> { maxSessionDurationSec (default 43200), trusted principal ARNs (default: anyone) } */
  roles?: Record<string, { maxSessionDurationSec?: number; trusted?: string[] }>;
  /** If set, every issued credential lives this many seconds regardless of DurationSeconds */
  lifetimeSec?: number;
  /** The one MFA code GetSessionToken accepts; default '123456' */
  mfaCode?: string;
}

export interface StsCall {
  action: string;
  requestId: string;
  accessKeyId?: string;
  region?: string;
  roleArn?: string;
  durationSeconds?: number;
  roleSessionName?: string;
  externalId?: string;
  serialNumber?: string;
  /** HTTP status answered; 0 while unanswered or when the fault was hang/reset. */
  status: number;
  /** Error code answered, if any. */
  code?: string;
  /** The fault applied to this request, if any. */
  fault?: StsFault['kind'];
  /** AccessKeyId of credentials issued by this call. */
  issuedAccessKeyId?: string;
}

export interface StsServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Every request received, in order (no secrets). */
  readonly calls: StsCall[];
  /** The most requests it was answering at once (a client's bound on concurrency, seen from STS). */
  peakInFlight(): number;
  /** Queue faults: each next request (any action, or only `fault.action` if given) consumes one. */
  injectFaults(...faults: StsFault[]): void;
  /** Apply the returned fault to every request (after the queue is used up); undefined clears it. */
  setFaultMode(fn: ((call: { action: string }) => StsFault | undefined) | undefined): void;
  addUser(accessKeyId: string, secretAccessKey: string, arn: string): void;
  addRole(roleArn: string, opts?: { maxSessionDurationSec?: number; trusted?: string[] }): void;
  /** Accept credentials issued elsewhere (the local SSO portal) as the session `arn`. */
  addSession(creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAtMs: number }, arn: string): void;
  /** Random credentials of the real shapes, expiring at `expiresAtMs`. */
  newCredentials(expiresAtMs: number): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAtMs: number };
  /** Revoke a long-term key or an issued session key (subsequent use -> InvalidClientTokenId). */
  revoke(accessKeyId: string): void;
  /** Stops listening and destroys every open socket, hanging ones included. */
  close(): Promise<void>;
}

export const DEFAULT_USER = {
  accessKeyId: 'AKIAIMDSDTESTUSER001',
  secretAccessKey: 'imdsd-test-secret-key-000000000000000000',
  arn: 'arn:aws:iam::111111111111:user/tester',
} as const;
export const DEFAULT_ROLE_ARN = 'arn:aws:iam::123456789012:role/dev';
export const DEFAULT_MFA_CODE = '123456';
/** How far x-amz-date may be from now() before the request is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** The answer to a request signed too far from the server's time (one place, easy to change). */
export const REQUEST_TIME_ERROR = { status: 400, code: 'RequestExpired', message: 'Request has expired.' } as const;
