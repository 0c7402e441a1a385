/**
 * An IAM Identity Center permission set served directly (issue 13): `sso_session` with
 * its `[sso-session]` section, or the legacy `sso_start_url` form, as the AWS CLI
 * documents them (docs/imds-protocol.md, "SSO profiles"). Served under the permission
 * set's role name, issued by SSO GetRoleCredentials.
 */
import type { RoleSpec } from '../config/config.js';
import type { Issuer } from '../refresher/issuers/issuer.js';
import { createSsoIssue, ssoLoginCommand } from '../refresher/issuers/sso.js';
import { configSectionHeader } from '../system/aws-files.js';
import type { LoadedProfile } from './load.js';
import type { IssuerDeps, ResolvedRole, SsoIssuerSpec } from './resolved-role.js';
import { account, configError, str } from './section.js';
import { regionOf, servedDirectly } from './served.js';

export interface SsoProfile {
  readonly kind: 'sso';
  readonly name: string;
  /** The `[sso-session NAME]` the profile names; undefined in the legacy form. */
  readonly ssoSession: string | undefined;
  readonly startUrl: string;
  readonly ssoRegion: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly region: string | undefined;
}

export function readSsoProfile({ at, section, files }: LoadedProfile): SsoProfile {
  const name = at.profile;
  const header = `[${configSectionHeader(name)}]`;
  const ssoSession = str(section, 'sso_session');
  const session = ssoSession === undefined ? undefined : files.config[`sso-session.${ssoSession}`];
  if (ssoSession !== undefined && session === undefined) {
    throw configError(`sso_session ${ssoSession} has no [sso-session ${ssoSession}] section`,
      `add [sso-session ${ssoSession}] with sso_start_url and sso_region (aws configure sso-session)`, at);
  }
  const from = session ?? section;
  const startUrl = str(from, 'sso_start_url');
  const ssoRegion = str(from, 'sso_region');
  const accountId = str(section, 'sso_account_id');
  const roleName = str(section, 'sso_role_name');
  const missing = [
    ...(startUrl === undefined ? ['sso_start_url'] : []), ...(ssoRegion === undefined ? ['sso_region'] : []),
    ...(accountId === undefined ? ['sso_account_id'] : []), ...(roleName === undefined ? ['sso_role_name'] : []),
  ];
  if (startUrl === undefined || ssoRegion === undefined || accountId === undefined || roleName === undefined) {
    throw configError(`an SSO profile needs ${missing.join(', ')}`,
      `add ${missing.join(', ')} to ${ssoSession === undefined ? header : `${header} or [sso-session ${ssoSession}]`} (aws configure sso)`, at);
  }
  account(section, 'sso_account_id', at);
  return { kind: 'sso', name, ssoSession, startUrl, ssoRegion, accountId, roleName, region: str(section, 'region') };
}

/** Served as its permission set's role, in its account; the permission set sets the lifetime. */
export function resolveSso(profile: SsoProfile, spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): ResolvedRole {
  if (spec.durationSec !== undefined) {
    throw configError(`--duration does not apply to profile ${profile.name}: its permission set sets the lifetime`, 'remove --duration (durationSec)');
  }
  if (spec.roleName !== undefined && spec.roleName !== profile.roleName) {
    throw configError(`profile ${profile.name} is an SSO permission set: it is served as its role, ${profile.roleName}`,
      `remove --role-name (roleName), or set it to ${profile.roleName}`);
  }
  const issuer: SsoIssuerSpec = {
    kind: 'sso', profile: profile.name, ssoSession: profile.ssoSession, startUrl: profile.startUrl, ssoRegion: profile.ssoRegion,
    accountId: profile.accountId, ssoRoleName: profile.roleName, loginCommand: ssoLoginCommand(profile.name, profile.ssoSession),
  };
  return servedDirectly({
    profile: profile.name,
    roleName: profile.roleName,
    accountId: profile.accountId,
    region: regionOf(spec, env, profile.region, profile.ssoRegion),
    issuer,
    source: { kind: 'profile', profile: profile.name },
  }, spec, index, env);
}

/** GetRoleCredentials with the login `aws sso login` cached, as imdsd read the profile. */
export function ssoIssuer(issuer: SsoIssuerSpec, deps: IssuerDeps): Issuer {
  return createSsoIssue({
    profile: issuer.profile, accountId: issuer.accountId, roleName: issuer.ssoRoleName, ssoSession: issuer.ssoSession,
    startUrl: issuer.startUrl, ssoRegion: issuer.ssoRegion, loginCommand: issuer.loginCommand, deadlineMs: deps.deadlineMs,
  });
}
