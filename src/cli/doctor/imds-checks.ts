/**
 * IMDS as the shell's SDKs reach it: the endpoint answers the IMDSv2 sequence for the
 * right role, and fast enough for the SDKs' timeouts (1 s for JS, botocore and Java; the
 * Go SDK waits 500 ms for response headers).
 */
import { LINK_LOCAL_URL } from '../../contract/link-local.js';
import { endpointFixOf } from './endpoint-checks.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import { probeImds, type ProbeResult, type ProbeStep } from './imds-probe.js';
import type { Situation } from './situation.js';

export const SDK_TIMEOUT_MS = 1000;
export const GO_HEADER_TIMEOUT_MS = 500;
const SLOW_FIX = 'restart imdsd; if it stays slow, look at its log and the machine\'s load';

function failureFix(s: Situation, failure: Exclude<ProbeResult, { ok: true }>): string {
  switch (failure.kind) {
    case 'refused':
      return s.status === undefined ? 'start imdsd: `imdsd run --profile NAME`' : endpointFixOf(s);
    case 'timeout':
      return SLOW_FIX;
    case 'status':
      return s.role?.lastError?.hint ?? `imdsd status${s.role === undefined ? '' : ` --role ${s.role.roleName}`}`;
    default:
      return `check what listens on port ${s.port}: it does not answer as imdsd`;
  }
}

function latency(steps: readonly ProbeStep[]): Finding {
  const slowest = steps.reduce((a, b) => (b.ms > a.ms ? b : a));
  const total = steps.reduce((sum, step) => sum + step.ms, 0);
  const took = `the slowest answer (${slowest.name}) took ${Math.round(slowest.ms)} ms`;
  if (slowest.ms > SDK_TIMEOUT_MS) return problem('imds-latency', `${took}: the SDKs give up after 1 s`, { fix: SLOW_FIX });
  if (slowest.ms > GO_HEADER_TIMEOUT_MS) return warning('imds-latency', `${took}: the Go SDK waits only 500 ms for an answer`, { fix: SLOW_FIX });
  return ok('imds-latency', `IMDS answered the sequence in ${Math.round(total)} ms (slowest: ${slowest.name}, ${Math.round(slowest.ms)} ms)`);
}

/**
 * Link-local mode (issue 14): 169.254.169.254 may be answered by something else (another
 * imdsd, a leftover redirect, a real metadata service), so the credential must be this
 * daemon's: the same expiry as its status reports.
 */
function otherDaemon(s: Situation, target: URL, expiration: string): Finding | undefined {
  const expiresAt = s.role?.expiresAt;
  if (s.role?.linkLocal !== true || target.href !== LINK_LOCAL_URL || expiresAt === undefined) return undefined;
  // The document gives whole seconds; the status keeps milliseconds.
  if (Math.abs(Date.parse(expiration) - Date.parse(expiresAt)) < 1000) return undefined;
  return problem('imds-reachable', `${target.href} answers, but not with this daemon's credential (it expires at ${expiration}, this daemon's at ${expiresAt})`,
    { fix: 'find what else serves 169.254.169.254:80 (sudo ss -ltnp \'sport = :80\'), then sudo imdsd install --link-local again' });
}

async function probe(s: Situation, target: URL): Promise<Finding[]> {
  const result = await probeImds(target, s.deps.request, s.deps.monotonic);
  if (!result.ok) return [problem('imds-reachable', `${target.href}: ${result.step} ${result.reason}`, { fix: failureFix(s, result) })];
  const expected = s.role?.roleName;
  const reachable = expected !== undefined && result.roleName !== expected
    ? problem('imds-reachable', `${target.href} serves role ${result.roleName}, not ${expected}`, { fix: endpointFixOf(s) })
    : otherDaemon(s, target, result.expiration) ?? ok('imds-reachable', `${target.href} answers the IMDSv2 sequence (token, role list, credential of ${result.roleName})`);
  return [reachable, latency(result.steps)];
}

export async function imdsChecks(s: Situation): Promise<Finding[]> {
  const target = s.target;
  if (target === undefined) return [];
  return runGuarded([['imds-reachable', `IMDS at ${target.href}`, () => probe(s, target)]]);
}
