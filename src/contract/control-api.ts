/**
 * The control API between the daemon and the commands: its routes, the JSON each route
 * answers, and the runtime checks a command applies before trusting a reply. The daemon
 * builds these documents (src/daemon/control), the commands read them (src/cli); neither
 * imports the other, both import this. Plain JSON, times as ISO strings, never a secret.
 */

import { isLoopback, peerAddress } from '../loopback.js';

/** Route paths of the control server, on its Unix socket only. */
export const CONTROL_ROUTES = {
  status: '/v1/status',
  refresh: '/v1/refresh',
  mfa: '/v1/mfa',
  /** Followed by the role name: the credential_process document. */
  credentials: '/v1/credentials/',
  health: '/healthz',
  metrics: '/metrics',
} as const;

/** Where SDKs find a role through AWS_CONTAINER_CREDENTIALS_FULL_URI, on the role's IMDS port. */
export function containerCredentialsPath(roleName: string): string {
  return `/v1/credentials/${roleName}`;
}

/** A socket bound to every address (`--host 0.0.0.0`) is reached on loopback too. */
function isLoopbackOrAny(address: string): boolean {
  const plain = peerAddress(address.replace(/^\[(.*)\]$/, '$1'));
  return isLoopback(plain) || plain === '0.0.0.0' || plain === '::';
}

/** The addresses among `addresses` that `http://localhost:PORT/` stands for. */
export function loopbackAddresses(addresses: readonly string[]): string[] {
  return addresses.filter(isLoopbackOrAny);
}

/**
 * The URLs that reach sockets listening on `port` at `addresses`, one per distinct URL:
 * loopback (and any-address) sockets as `http://localhost:PORT/`, the name SDK endpoints
 * use; every other address as itself, IPv6 in brackets; port 80 left out, as the SDKs'
 * default endpoint spells it. Only what these sockets answer: never an address they are not bound to.
 */
export function servedUrls(port: number, addresses: readonly string[]): string[] {
  const portPart = port === 80 ? '' : `:${port}`;
  const urls = addresses.map((address) => {
    const plain = peerAddress(address.replace(/^\[(.*)\]$/, '$1')).toLowerCase();
    const host = isLoopbackOrAny(plain) ? 'localhost' : plain.includes(':') ? `[${plain}]` : plain;
    return `http://${host}${portPart}/`;
  });
  return [...new Set(urls)];
}

/** Where a role's refresher stands: `fresh`, `refreshing` and `degraded` serve a credential. */
export type RefresherState = 'starting' | 'fresh' | 'refreshing' | 'degraded' | 'expired' | 'stopped';

/** The last refresh error of a role: its code, message and fix. */
export interface RoleError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
}

export interface RoleStatus {
  readonly roleName: string;
  readonly roleArn: string;
  readonly region: string;
  readonly port: number | undefined;
  /** The addresses its listening sockets are bound to, as the sockets report them. */
  readonly addresses: readonly string[];
  /**
   * The IMDS URLs that reach those sockets (`servedUrls`): `http://169.254.169.254/` and
   * `http://[fd00:ec2::254]/` in link-local mode, `http://localhost:PORT/` on loopback.
   * Absent from daemons before issue 19.
   */
  readonly urls?: readonly string[] | undefined;
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI for this role. */
  readonly containerCredentialsUri: string | undefined;
  readonly state: RefresherState;
  readonly expiresAt?: string | undefined;
  readonly issuedAt?: string | undefined;
  readonly lastRefreshAt?: string | undefined;
  readonly nextRefreshAt?: string | undefined;
  readonly consecutiveFailures: number;
  readonly lastError?: RoleError | undefined;
  readonly clockOffsetMs?: number | undefined;
  readonly durationSec?: number | undefined;
  /** For MFA roles: when the session from the last `imdsd mfa` ends (absent before one). */
  readonly mfaSessionExpiresAt?: string | undefined;
  readonly usesMfa?: boolean;
  /** Where the credential comes from (issue 13); absent from daemons before it. */
  readonly source?: CredentialSourceKind | undefined;
  /** For SSO roles: the login behind it, as the SSO cache holds it. */
  readonly ssoLogin?: SsoLoginStatus | undefined;
  /** Served at http://169.254.169.254/ too (`imdsd install --link-local`): no variable needed. */
  readonly linkLocal?: boolean;
}

export type CredentialSourceKind = 'assume-role' | 'sso' | 'process' | 'session-token';

export interface SsoLoginStatus {
  /** The sso-session name, or the start URL of a legacy profile. */
  readonly session: string;
  /** `aws sso login --sso-session corp` or `aws sso login --profile dev`. */
  readonly command: string;
  /** When the cached token ends; absent when there is no readable login. */
  readonly endsAt?: string | undefined;
  /** The SDK renews the token by itself, so its end is not the login's. */
  readonly renewable?: boolean | undefined;
}

/** `GET /v1/status`. */
export interface DaemonStatus {
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly now: string;
  readonly containerTokenFile: string;
  readonly roles: readonly RoleStatus[];
}

/** One role's refresh outcome (`POST /v1/refresh` lists them; `POST /v1/mfa` extends one). */
export interface RefreshOutcome {
  readonly roleName: string;
  readonly ok: boolean;
  readonly expiresAt?: string | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  readonly hint?: string | undefined;
}

/** `POST /v1/refresh`. */
export interface RefreshReply {
  readonly results: readonly RefreshOutcome[];
}

/** `POST /v1/mfa`. */
export interface MfaReply extends RefreshOutcome {
  readonly mfaSessionExpiresAt: string;
}

/** `GET /v1/credentials/<role>`: the credential_process document (Version 1) the AWS CLI and SDKs read. */
export interface CredentialProcessDocument {
  readonly Version: 1;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken?: string | undefined;
  readonly Expiration: string;
}

/** Healthy: every role holds a credential it may serve. */
export function unhealthyReasons(roles: readonly RoleStatus[]): string[] {
  return roles
    .filter((role) => role.state !== 'fresh' && role.state !== 'refreshing' && role.state !== 'degraded')
    .map((role) => `${role.roleName}: ${role.state}${role.lastError === undefined ? '' : ` (${role.lastError.code}: ${role.lastError.message})`}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(value: unknown, type: 'string' | 'number' | 'boolean'): boolean {
  return value === undefined || typeof value === type;
}

/** The fields a command reads from a role, with their types. */
export function isRoleStatus(value: unknown): value is RoleStatus {
  return isRecord(value) && typeof value.roleName === 'string' && typeof value.state === 'string'
    && Array.isArray(value.addresses) && optional(value.port, 'number')
    && (value.urls === undefined || (Array.isArray(value.urls) && value.urls.every((url) => typeof url === 'string')));
}

/** The guard on `GET /v1/status`: a status document a command may read. */
export function isDaemonStatus(value: unknown): value is DaemonStatus {
  return isRecord(value) && typeof value.version === 'string' && typeof value.pid === 'number'
    && typeof value.startedAt === 'string' && typeof value.containerTokenFile === 'string'
    && Array.isArray(value.roles) && value.roles.every(isRoleStatus);
}

export function isRefreshOutcome(value: unknown): value is RefreshOutcome {
  return isRecord(value) && typeof value.roleName === 'string' && typeof value.ok === 'boolean'
    && optional(value.expiresAt, 'string') && optional(value.code, 'string') && optional(value.message, 'string');
}

export function isRefreshReply(value: unknown): value is RefreshReply {
  return isRecord(value) && Array.isArray(value.results) && value.results.every(isRefreshOutcome);
}

export function isMfaReply(value: unknown): value is MfaReply {
  return isRefreshOutcome(value) && typeof (value as { mfaSessionExpiresAt?: unknown }).mfaSessionExpiresAt === 'string';
}

export function isCredentialProcessDocument(value: unknown): value is CredentialProcessDocument {
  return isRecord(value) && value.Version === 1 && typeof value.AccessKeyId === 'string' && typeof value.SecretAccessKey === 'string'
    && optional(value.SessionToken, 'string') && typeof value.Expiration === 'string';
}
