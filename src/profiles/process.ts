/**
 * A `credential_process` served directly (issue 13): the command runs on every refresh
 * and its output is checked (src/refresher/issuers/process.ts). Served under
 * `--role-name`, else the profile's name; the process sets the lifetime.
 */
import type { RoleSpec } from '../config/config.js';
import type { Issuer } from '../refresher/issuers/issuer.js';
import { createProcessIssue } from '../refresher/issuers/process.js';
import type { LoadedProfile } from './load.js';
import type { IssuerDeps, ProcessIssuerSpec, ResolvedRole } from './resolved-role.js';
import { account, configError, str } from './section.js';
import { regionOf, servedDirectly } from './served.js';

/** A credential_process gets this long before it is stopped: it may have to talk to a vault. */
export const PROCESS_TIMEOUT_MS = 30_000;

export interface ProcessProfile {
  readonly kind: 'process';
  readonly name: string;
  readonly command: string;
  /** `aws_account_id`, when the profile states it. */
  readonly accountId: string | undefined;
  readonly region: string | undefined;
}

export function readProcessProfile({ at, section }: LoadedProfile): ProcessProfile {
  const command = str(section, 'credential_process') ?? '';
  return { kind: 'process', name: at.profile, command, accountId: account(section, 'aws_account_id', at), region: str(section, 'region') };
}

export function resolveProcess(profile: ProcessProfile, spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): ResolvedRole {
  if (spec.durationSec !== undefined) {
    throw configError(`--duration does not apply to profile ${profile.name}: its credential_process sets the lifetime`, 'remove --duration (durationSec)');
  }
  return servedDirectly({
    profile: profile.name,
    roleName: spec.roleName ?? profile.name,
    accountId: profile.accountId,
    region: regionOf(spec, env, profile.region),
    issuer: { kind: 'process', profile: profile.name, command: profile.command },
    source: { kind: 'profile', profile: profile.name },
  }, spec, index, env);
}

export function processIssuer(issuer: ProcessIssuerSpec, deps: IssuerDeps): Issuer {
  return createProcessIssue({ profile: issuer.profile, command: issuer.command, timeoutMs: PROCESS_TIMEOUT_MS, now: deps.clock.now });
}
