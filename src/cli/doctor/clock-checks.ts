/**
 * The local clock against STS, as the daemon measured it from STS's Date header: past
 * 5 minutes STS refuses signatures (RequestExpired), and every tool on the machine signs
 * with the local clock even though imdsd computes expiry on STS time.
 */
import { timeSyncFix } from '../../system/time-sync.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

export const CLOCK_PROBLEM_MS = 60_000;
export const CLOCK_WARNING_MS = 5_000;

function clockCheck(s: Situation): Finding[] {
  if (s.status === undefined) return [];
  const measured = s.status.roles.flatMap((role) => (role.clockOffsetMs === undefined ? [] : [{ role: role.roleName, offsetMs: role.clockOffsetMs }]));
  if (measured.length === 0) return [ok('clock-offset', 'the clock offset is not measured yet (no answer from STS so far)')];
  const worst = measured.reduce((a, b) => (Math.abs(b.offsetMs) > Math.abs(a.offsetMs) ? b : a));
  const seconds = (Math.abs(worst.offsetMs) / 1000).toFixed(1);
  const title = `the local clock is ${seconds} s ${worst.offsetMs > 0 ? 'behind' : 'ahead of'} STS (as imdsd measured for role ${worst.role})`;
  const fix = timeSyncFix(s.deps.platform);
  if (Math.abs(worst.offsetMs) > CLOCK_PROBLEM_MS) {
    return [problem('clock-offset', title, { fix, detail: 'STS refuses requests signed more than 5 minutes off, and expiry times shown by tools are off by as much' })];
  }
  if (Math.abs(worst.offsetMs) > CLOCK_WARNING_MS) return [warning('clock-offset', title, { fix })];
  return [ok('clock-offset', `the local clock is within ${seconds} s of STS`)];
}

export async function clockChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([['clock-offset', 'the clock offset', () => clockCheck(s)]]);
}
