/**
 * Runs every group of checks against one situation, in the report's order. Each group
 * guards its own checks, so a failing one is a finding and the others still run.
 */
import { cacheChecks } from './cache-checks.js';
import { clockChecks } from './clock-checks.js';
import { daemonChecks } from './daemon-checks.js';
import type { DoctorDeps } from './deps.js';
import { envChecks } from './env-checks.js';
import type { Finding } from './finding.js';
import { imdsChecks } from './imds-checks.js';
import { linkLocalChecks } from './link-local-checks.js';
import { portChecks } from './port-checks.js';
import { proxyChecks } from './proxy-checks.js';
import { unitChecks } from './unit-checks.js';
import { sharedFileChecks } from './shared-file-checks.js';
import { ssoSessionChecks } from './sso-session-checks.js';
import { inspect, type DoctorOptions, type Situation } from './situation.js';

const GROUPS: ReadonlyArray<(s: Situation) => Promise<Finding[]>> = [
  daemonChecks, ssoSessionChecks, imdsChecks, envChecks, proxyChecks, sharedFileChecks, cacheChecks, clockChecks, portChecks,
  linkLocalChecks, unitChecks,
];

export async function runDoctor(deps: DoctorDeps, options: DoctorOptions): Promise<Finding[]> {
  const situation = await inspect(deps, options);
  const findings: Finding[] = [];
  for (const group of GROUPS) findings.push(...(await group(situation)));
  return findings;
}
