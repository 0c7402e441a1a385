/**
 * Builds the status of one role as the control API reports it (its shape is the
 * contract's `RoleStatus`, which `imdsd status`, `/healthz` and doctor read).
 */
import { isoTime as iso } from '../../clock.js';
import { containerCredentialsPath, servedUrls, type RoleStatus, type SsoLoginStatus } from '../../contract/control-api.js';
import type { RoleRuntime } from '../role-runtime.js';

function ssoLoginStatus(runtime: RoleRuntime): SsoLoginStatus | undefined {
  const { issuer } = runtime.role;
  if (issuer.kind !== 'sso') return undefined;
  const login = runtime.ssoLogin();
  return {
    session: issuer.ssoSession ?? issuer.startUrl,
    command: issuer.loginCommand,
    endsAt: iso(login?.endsAtMs),
    renewable: login?.renewable,
  };
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
    // What the sockets really answer: 169.254.169.254:80 when systemd passed it, not localhost.
    urls: endpoint === undefined ? [] : servedUrls(endpoint.port, endpoint.addresses),
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
    source: runtime.role.issuer.kind,
    ssoLogin: ssoLoginStatus(runtime),
    linkLocal: runtime.role.linkLocal,
  };
}
