/**
 * `imdsd status` as people read it: one block per role with the expiry as a countdown
 * and a bar of remaining lifetime. Pure: takes the status document and the time.
 */
import { loopbackAddresses, servedUrls, type DaemonStatus, type RoleStatus, type SsoLoginStatus } from '../../contract/control-api.js';

const BAR_WIDTH = 20;

/** 3725 s → "1h02m05s"; negative → "expired 5m ago". */
export function countdown(ms: number): string {
  if (ms < 0) return `expired ${countdown(-ms)} ago`;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m${pad(s)}s` : m > 0 ? `${m}m${pad(s)}s` : `${s}s`;
}

export function lifetimeBar(issuedMs: number, expiresMs: number, nowMs: number): string {
  const span = expiresMs - issuedMs;
  const left = span <= 0 ? 0 : Math.min(1, Math.max(0, (expiresMs - nowMs) / span));
  const filled = Math.round(left * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.round(left * 100)}%`;
}

function relative(iso: string | undefined, nowMs: number): string {
  if (iso === undefined) return '-';
  const delta = Date.parse(iso) - nowMs;
  return delta >= 0 ? `in ${countdown(delta)} (${iso})` : `${countdown(-delta)} ago (${iso})`;
}

function offset(ms: number | undefined): string {
  if (ms === undefined) return 'not measured';
  const sign = ms >= 0 ? '+' : '-';
  return `${sign}${(Math.abs(ms) / 1000).toFixed(1)}s against STS${Math.abs(ms) > 60_000 ? '  (!) local clock is off: enable time sync' : ''}`;
}

/** The login behind an SSO role: time left, or that the SDK renews it. */
function ssoLines(login: SsoLoginStatus | undefined, nowMs: number): string[] {
  if (login === undefined) return [];
  const left = login.endsAt === undefined
    ? `none in the cache: run \`${login.command}\``
    : login.renewable === true
      ? `renewed by the SDK (token ${relative(login.endsAt, nowMs)})`
      : `${countdown(Date.parse(login.endsAt) - nowMs)} left (${login.endsAt})${Date.parse(login.endsAt) - nowMs < 30 * 60_000 ? `  (!) run \`${login.command}\`` : ''}`;
  return [`  sso login     ${login.session}: ${left}`];
}

/**
 * The URLs that reach the role, as the daemon reports them (computed from its sockets for
 * a daemon that reports none), and the loopback addresses behind `localhost`.
 */
export function endpointText(role: Pick<RoleStatus, 'port' | 'addresses' | 'urls'>): string {
  if (role.port === undefined) return 'not listening';
  const urls = role.urls ?? servedUrls(role.port, role.addresses);
  const behindLocalhost = loopbackAddresses(role.addresses);
  return [...urls, ...(behindLocalhost.length === 0 ? [] : [`[${behindLocalhost.join(', ')}]`])].join('  ');
}

function roleBlock(role: RoleStatus, nowMs: number): string[] {
  const lines = [
    `${role.roleName}  (${role.state})`,
    ...(role.roleArn === '' ? [] : [`  role          ${role.roleArn}`]),
    ...(role.source === undefined ? [] : [`  source        ${role.source}`]),
    ...ssoLines(role.ssoLogin, nowMs),
    `  endpoint      ${endpointText(role)}`,
  ];
  if (role.expiresAt !== undefined && role.issuedAt !== undefined) {
    const expiresMs = Date.parse(role.expiresAt);
    lines.push(`  expires       ${countdown(expiresMs - nowMs)}  ${lifetimeBar(Date.parse(role.issuedAt), expiresMs, nowMs)}`);
  } else {
    lines.push('  expires       no credential yet');
  }
  lines.push(`  last refresh  ${relative(role.lastRefreshAt, nowMs)}`);
  lines.push(`  next refresh  ${relative(role.nextRefreshAt, nowMs)}`);
  lines.push(`  clock offset  ${offset(role.clockOffsetMs)}`);
  if (role.lastError !== undefined) {
    lines.push(`  last error    ${role.lastError.code}: ${role.lastError.message} (${role.consecutiveFailures} in a row)`);
    if (role.lastError.hint !== undefined) lines.push(`  fix           ${role.lastError.hint}`);
  }
  return lines;
}

export function formatStatus(status: DaemonStatus, nowMs: number): string {
  const header = `imdsd ${status.version}, pid ${status.pid}, up ${countdown(nowMs - Date.parse(status.startedAt))}`;
  return `${[header, '', ...status.roles.flatMap((role) => [...roleBlock(role, nowMs), ''])].join('\n')}`;
}
