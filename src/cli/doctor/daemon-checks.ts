/**
 * The daemon itself, as its control socket reports it: running, serving the role asked
 * for, holding a credential with enough time left, and the last refresh error with its fix.
 */
import { isImdsdError } from '../../errors.js';
import { countdown } from '../commands/status-format.js';
import type { RoleStatus } from '../../contract/control-api.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

/** Less than this left is worth a warning: imdsd normally rotates 30 minutes before expiry. */
export const SHORT_LIFETIME_MS = 10 * 60 * 1000;
/** States in which the role holds a credential it may serve. */
const SERVING = new Set(['fresh', 'refreshing', 'degraded']);

function running(s: Situation): Finding[] {
  if (s.status === undefined) {
    const error = s.statusError;
    // The control client's own message already says "imdsd is not running (no daemon at …)".
    const title = isImdsdError(error) ? error.message : `no usable answer from the control socket: ${error instanceof Error ? error.message : String(error)}`;
    return [problem('daemon-running', title, {
      fix: isImdsdError(error) && error.hint !== undefined ? error.hint : 'start it with `imdsd run --profile NAME`, or pass --control-socket',
    })];
  }
  const { status } = s;
  const up = countdown(s.deps.now() - Date.parse(status.startedAt));
  const roles = status.roles.map((role) => `${role.roleName} on port ${role.port ?? 'none'}`).join(', ') || 'none';
  const found = [ok('daemon-running', `imdsd ${status.version} is running (pid ${status.pid}, up ${up}; roles: ${roles})`)];
  if (status.roles.length === 0) {
    found.push(problem('daemon-role', 'the daemon serves no role', { fix: 'check its configuration: `imdsd run --help`' }));
  } else if (s.options.role !== undefined && s.roles.length === 0) {
    found.push(problem('daemon-role', `no role named ${s.options.role} is served`, {
      fix: `use --role with one of: ${status.roles.map((role) => role.roleName).join(', ')}`,
    }));
  }
  return found;
}

function credential(role: RoleStatus, nowMs: number): Finding {
  const name = role.roleName;
  const fix = role.lastError?.hint ?? `imdsd refresh --role ${name}`;
  if (role.expiresAt === undefined) return problem('daemon-credential', `${name}: no credential yet (state ${role.state})`, { fix });
  const leftMs = Date.parse(role.expiresAt) - nowMs;
  if (leftMs <= 0 || !SERVING.has(role.state)) {
    return problem('daemon-credential', `${name}: the credential ${leftMs <= 0 ? `expired ${countdown(-leftMs)} ago` : `is not served (state ${role.state})`}`, { fix });
  }
  if (leftMs < SHORT_LIFETIME_MS) {
    return warning('daemon-credential', `${name}: the credential expires in ${countdown(leftMs)}`, {
      fix, detail: 'imdsd rotates at least 30 minutes before expiry while STS answers: a refresh is failing, or the session is very short',
    });
  }
  return ok('daemon-credential', `${name}: holds a credential valid for ${countdown(leftMs)} (state ${role.state})`);
}

function lastErrors(s: Situation): Finding[] {
  if (s.status === undefined || s.roles.length === 0) return [];
  const failing = s.roles.filter((role) => role.lastError !== undefined);
  if (failing.length === 0) return [ok('daemon-last-error', 'no refresh is failing')];
  return failing.map((role) => {
    const error = role.lastError as NonNullable<RoleStatus['lastError']>;
    const title = `${role.roleName}: the last refresh failed: ${error.code}: ${error.message} (${role.consecutiveFailures} in a row)`;
    const fix = error.hint ?? `imdsd refresh --role ${role.roleName}`;
    return SERVING.has(role.state)
      ? warning('daemon-last-error', title, { fix, detail: 'the last good credential is still served' })
      : problem('daemon-last-error', title, { fix });
  });
}

export async function daemonChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([
    ['daemon-running', 'the daemon', () => running(s)],
    ['daemon-credential', 'the served credentials', () => s.roles.map((role) => credential(role, s.deps.now()))],
    ['daemon-last-error', 'the refresh errors', () => lastErrors(s)],
  ]);
}
