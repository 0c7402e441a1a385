/**
 * The status of one role as the control API reports it: plain JSON, times as ISO
 * strings, never a secret. Shared by `imdsd status`, `/healthz` and doctor.
 */
import { isoTime as iso } from '../../clock.js';
import { containerCredentialsPath } from '../../imds/route-table.js';
import type { RoleRuntime } from '../role-runtime.js';

export interface RoleStatus {
  readonly roleName: string;
  readonly roleArn: string;
  readonly region: string;
  readonly port: number | undefined;
  readonly addresses: readonly string[];
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI for this role. */
  readonly containerCredentialsUri: string | undefined;
  readonly state: string;
  readonly expiresAt?: string | undefined;
  readonly issuedAt?: string | undefined;
  readonly lastRefreshAt?: string | undefined;
  readonly nextRefreshAt?: string | undefined;
  readonly consecutiveFailures: number;
  readonly lastError?: { readonly code: string; readonly message: string; readonly hint?: string | undefined } | undefined;
  readonly clockOffsetMs?: number | undefined;
  readonly durationSec?: number | undefined;
  /** For MFA roles: when the session from the last `imdsd mfa` ends (absent before one). */
  readonly mfaSessionExpiresAt?: string | undefined;
  readonly usesMfa?: boolean;
}

export interface DaemonStatus {
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly now: string;
  readonly containerTokenFile: string;
  readonly roles: readonly RoleStatus[];
}


export function roleStatus(runtime: RoleRuntime): RoleStatus {
  const status = runtime.refresher.status();
  const endpoint = runtime.endpoint();
  const { identity } = runtime.role;
  return {
    roleName: identity.roleName,
    roleArn: identity.roleArn,
    region: identity.region,
    port: endpoint?.port,
    addresses: endpoint?.addresses ?? [],
    containerCredentialsUri: endpoint === undefined ? undefined : `http://127.0.0.1:${endpoint.port}${containerCredentialsPath(identity.roleName)}`,
    state: status.state,
    expiresAt: iso(status.expiresAtMs),
    issuedAt: iso(status.issuedAtMs),
    lastRefreshAt: iso(status.lastRefreshAtMs),
    nextRefreshAt: iso(status.nextRefreshAtMs),
    consecutiveFailures: status.consecutiveFailures,
    lastError: status.lastError,
    clockOffsetMs: status.clockOffsetMs,
    durationSec: status.durationSec,
    usesMfa: runtime.mfa !== undefined,
    mfaSessionExpiresAt: iso(runtime.mfa?.expiresAtMs()),
  };
}

/** Healthy: every role holds a credential it may serve. */
export function unhealthyReasons(roles: readonly RoleStatus[]): string[] {
  return roles
    .filter((role) => role.state !== 'fresh' && role.state !== 'refreshing' && role.state !== 'degraded')
    .map((role) => `${role.roleName}: ${role.state}${role.lastError === undefined ? '' : ` (${role.lastError.code}: ${role.lastError.message})`}`);
}
