/**
 * `sso-session` (issue 13): for each role the daemon serves from an SSO permission set,
 * whether the login behind it has ended or ends within 30 minutes, as the daemon read it
 * from the SSO cache, with the exact `aws sso login` command as the fix.
 */
import type { RoleStatus } from '../../contract/control-api.js';
import { countdown } from '../commands/status-format.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

/** Under this much left, log in again before the morning's ExpiredToken. */
export const SSO_LOGIN_WARNING_MS = 30 * 60 * 1000;

function ssoSession(role: RoleStatus, nowMs: number): Finding | undefined {
  const login = role.ssoLogin;
  if (login === undefined) return undefined;
  const fix = login.command;
  const who = `${role.roleName}: the SSO login ${login.session}`;
  if (login.endsAt === undefined) return problem('sso-session', `${who} is not in the SSO cache (or cannot be read)`, { fix });
  const leftMs = Date.parse(login.endsAt) - nowMs;
  if (login.renewable === true) {
    return ok('sso-session', `${who} is renewed by the SDK with its refresh token (the access token ${leftMs > 0 ? `ends in ${countdown(leftMs)}` : 'is due for renewal'})`);
  }
  if (leftMs <= 0) return problem('sso-session', `${who} ended ${countdown(-leftMs)} ago`, { fix });
  if (leftMs < SSO_LOGIN_WARNING_MS) {
    return warning('sso-session', `${who} ends in ${countdown(leftMs)}`, { fix, detail: 'log in again now: after it ends, refreshes fail until you do' });
  }
  return ok('sso-session', `${who} has ${countdown(leftMs)} left`);
}

export async function ssoSessionChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([
    ['sso-session', 'the SSO logins', () => s.roles.flatMap((role) => ssoSession(role, s.deps.now()) ?? [])],
  ]);
}
