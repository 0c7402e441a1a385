/**
 * A profile served directly (issue 13) turned into a running role's settings: what is
 * served under iam/security-credentials/ (the permission set's role name for SSO, else
 * `--role-name` or the profile's name), the account where it is known, and the issuer.
 */
import type { RoleIdentity } from '../credentials.js';
import { ImdsdError } from '../errors.js';
import type { RoleSpec } from '../config/config.js';
import type { SourceSpec } from '../refresher/source-credentials.js';
import { ssoLoginCommand } from '../refresher/issuers/sso.js';
import type { DirectProfile } from './direct-profile.js';
import { profileStsEndpoint } from '../system/sts-endpoint.js';
import { commonFields, currentUser, DEFAULT_MFA_SESSION_SEC, FALLBACK_REGION, withKey, type ResolvedRole } from './resolve-role.js';
import { defaultSessionName } from '../refresher/session-name.js';

export type IssuerSpec =
  | { readonly kind: 'assume-role' }
  | {
    readonly kind: 'sso';
    readonly profile: string;
    /** The `[sso-session]` name, undefined in the legacy form. */
    readonly ssoSession: string | undefined;
    readonly startUrl: string;
    readonly ssoRegion: string;
    readonly accountId: string;
    readonly ssoRoleName: string;
    /** `aws sso login --sso-session NAME` or `--profile NAME`. */
    readonly loginCommand: string;
  }
  | { readonly kind: 'process'; readonly profile: string; readonly command: string }
  | { readonly kind: 'session-token'; readonly profile: string };

/** GetSessionToken allows up to 36 hours for an IAM user. */
const MAX_SESSION_TOKEN_SEC = 129_600;

function configError(problem: string, hint: string): ImdsdError {
  return new ImdsdError('IMDSD_ERR_CONFIG', problem, { hint });
}

function issuerOf(profile: DirectProfile): IssuerSpec {
  switch (profile.kind) {
    case 'sso':
      return {
        kind: 'sso', profile: profile.name, ssoSession: profile.ssoSession, startUrl: profile.startUrl, ssoRegion: profile.ssoRegion,
        accountId: profile.accountId, ssoRoleName: profile.roleName, loginCommand: ssoLoginCommand(profile.name, profile.ssoSession),
      };
    case 'process':
      return { kind: 'process', profile: profile.name, command: profile.command };
    case 'keys':
      return { kind: 'session-token', profile: profile.name };
  }
}

export function directRole(profile: DirectProfile, spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): ResolvedRole {
  if (spec.roleArn !== undefined) {
    throw configError(`profile ${profile.name} is served directly and takes no roleArn`, 'remove roleArn, or give a role profile');
  }
  if (profile.kind !== 'keys' && spec.durationSec !== undefined) {
    throw configError(`--duration does not apply to profile ${profile.name}: its ${profile.kind === 'sso' ? 'permission set' : 'credential_process'} sets the lifetime`,
      'remove --duration (durationSec)');
  }
  if ((spec.durationSec ?? 0) > MAX_SESSION_TOKEN_SEC) {
    throw configError(`--duration ${spec.durationSec} is over GetSessionToken's 129600 s`, 'use --duration 129600 or less');
  }
  if (profile.kind === 'sso' && spec.roleName !== undefined && spec.roleName !== profile.roleName) {
    throw configError(`profile ${profile.name} is an SSO permission set: it is served as its role, ${profile.roleName}`,
      `remove --role-name (roleName), or set it to ${profile.roleName}`);
  }
  const roleName = profile.kind === 'sso' ? profile.roleName : spec.roleName ?? profile.name;
  const accountId = profile.accountId ?? '';
  const region = spec.region ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined) ?? profile.region
    ?? (profile.kind === 'sso' ? profile.ssoRegion : undefined) ?? FALLBACK_REGION;
  // No role ARN is known locally: an SSO role's name carries a suffix only IAM knows.
  const identity: RoleIdentity = { roleName, roleArn: '', accountId, region };
  const source: SourceSpec = profile.kind === 'keys'
    ? { kind: 'static', accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey }
    : { kind: 'profile', profile: profile.name };
  const mfa = profile.kind === 'keys' && profile.mfaSerial !== undefined
    ? { serialNumber: profile.mfaSerial, sessionDurationSec: spec.mfaSessionDurationSec ?? profile.mfaSessionDurationSec ?? spec.durationSec ?? DEFAULT_MFA_SESSION_SEC }
    : undefined;
  return withKey({
    identity,
    ...commonFields(spec, index),
    issuer: issuerOf(profile),
    durationSec: spec.durationSec,
    sessionName: spec.sessionName ?? defaultSessionName(currentUser()),
    externalId: undefined,
    source,
    mfa,
    sourceProfile: profile.name,
    endpoint: profileStsEndpoint(env, profile.kind === 'keys' ? profile.endpointUrl : undefined),
  });
}
