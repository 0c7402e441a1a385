/**
 * A role profile, or `--role-arn` alone: the role is assumed with AssumeRole, signed by
 * its source credentials (source_profile, credential_source or the default chain) or by
 * the MFA session started with `imdsd mfa`.
 */
import type { RoleSpec } from '../config/config.js';
import { accountIdOfArn, roleNameOfArn } from '../credentials.js';
import { createAssumeRoleIssue } from '../refresher/issuers/assume-role.js';
import type { Issuer } from '../refresher/issuers/issuer.js';
import { sourceProvider, type SourceSpec } from '../refresher/source-credentials.js';
import { configSectionHeader } from '../system/aws-files.js';
import { profileStsEndpoint } from '../system/sts-endpoint.js';
import type { LoadedProfile } from './load.js';
import type { IssuerDeps, ResolvedRole } from './resolved-role.js';
import { configError, profileEndpoint, seconds, str, type ProfileAt } from './section.js';
import { commonFields, DEFAULT_MFA_SESSION_SEC, regionOf, sessionNameOf, withKey } from './served.js';

export interface RoleProfile {
  readonly kind: 'role';
  readonly name: string;
  readonly roleArn: string;
  readonly sourceProfile?: string | undefined;
  readonly credentialSource?: string | undefined;
  readonly externalId?: string | undefined;
  readonly roleSessionName?: string | undefined;
  readonly durationSeconds?: number | undefined;
  readonly region?: string | undefined;
  /** The MFA device: the role is assumed with a GetSessionToken session (`imdsd mfa`). */
  readonly mfaSerial?: string | undefined;
  /** GetSessionToken DurationSeconds from `mfa_session_duration`, when set. */
  readonly mfaSessionDurationSec?: number | undefined;
  /** STS endpoint from the profile: `services` → `sts.endpoint_url`, else `endpoint_url`. */
  readonly endpointUrl?: string | undefined;
  /** The profile's own keys, used when source_profile names the profile itself. */
  readonly accessKeyId?: string | undefined;
  readonly secretAccessKey?: string | undefined;
  readonly sessionToken?: string | undefined;
}

const CREDENTIAL_SOURCES = new Set(['Environment', 'Ec2InstanceMetadata', 'EcsContainer']);

/** AssumeRole takes 900–43200 s; 129600 is only for IAM users' sessions. */
const MAX_ASSUME_ROLE_SEC = 43_200;

/** source_profile or credential_source: exactly one, and one that exists. */
function checkSource(name: string, { at, section, files }: LoadedProfile): void {
  const sourceProfile = str(section, 'source_profile');
  const credentialSource = str(section, 'credential_source');
  if ((sourceProfile === undefined) === (credentialSource === undefined)) {
    throw configError(sourceProfile === undefined ? 'neither source_profile nor credential_source is set' : 'both source_profile and credential_source are set',
      'set exactly one: `source_profile = <profile with keys or SSO>` or `credential_source = Environment`', at);
  }
  if (credentialSource !== undefined && !CREDENTIAL_SOURCES.has(credentialSource)) {
    throw configError(`credential_source ${credentialSource} is not one of Environment, Ec2InstanceMetadata, EcsContainer`, 'use one of those values', at);
  }
  if (sourceProfile !== undefined && sourceProfile !== name && files.config[sourceProfile] === undefined && files.credentials[sourceProfile] === undefined) {
    throw configError(`source_profile ${sourceProfile} does not exist`, `add [${configSectionHeader(sourceProfile)}] or fix source_profile`, at);
  }
}

export function readRoleProfile(loaded: LoadedProfile): RoleProfile {
  const { at, section, files } = loaded;
  const name = at.profile;
  const roleArn = str(section, 'role_arn');
  if (roleArn === undefined) {
    throw configError('role_arn is missing',
      `add \`role_arn = arn:aws:iam::<account>:role/<name>\` to [${configSectionHeader(name)}] (or sso_session, credential_process or aws_access_key_id: it holds none), or use --role-arn`, at);
  }
  checkSource(name, loaded);
  const durationSeconds = seconds(section, 'duration_seconds', 900, 43200, at);
  const mfaSerial = str(section, 'mfa_serial');
  if (mfaSerial !== undefined && str(section, 'credential_source') !== undefined) {
    throw configError('mfa_serial needs source_profile with long-term keys, not credential_source',
      'set source_profile to the profile holding your IAM user\'s keys', at);
  }
  return {
    kind: 'role',
    name,
    roleArn,
    sourceProfile: str(section, 'source_profile'),
    credentialSource: str(section, 'credential_source'),
    externalId: str(section, 'external_id'),
    roleSessionName: str(section, 'role_session_name'),
    durationSeconds,
    region: str(section, 'region'),
    mfaSerial,
    mfaSessionDurationSec: seconds(section, 'mfa_session_duration', 900, 129600, at),
    endpointUrl: profileEndpoint(section, files.config),
    accessKeyId: str(section, 'aws_access_key_id'),
    secretAccessKey: str(section, 'aws_secret_access_key'),
    sessionToken: str(section, 'aws_session_token'),
  };
}

/** Where the credentials that call AssumeRole come from. */
function sourceOf(profile: RoleProfile | undefined, at: ProfileAt | undefined): SourceSpec {
  if (profile?.sourceProfile === undefined) {
    return profile?.credentialSource === undefined
      ? { kind: 'chain' }
      : { kind: profile.credentialSource as 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer' };
  }
  if (profile.sourceProfile !== profile.name) return { kind: 'profile', profile: profile.sourceProfile };
  if (profile.accessKeyId === undefined || profile.secretAccessKey === undefined) {
    throw configError('source_profile names itself but it has no keys',
      'add aws_access_key_id and aws_secret_access_key, or point source_profile at another profile', at);
  }
  return { kind: 'static', accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey, sessionToken: profile.sessionToken };
}

/** The role to assume, from `--role-arn` or the profile (undefined: flags alone). */
export function resolveAssumedRole(
  profile: RoleProfile | undefined, at: ProfileAt | undefined, spec: RoleSpec, index: number, env: NodeJS.ProcessEnv,
): ResolvedRole {
  if ((spec.durationSec ?? 0) > MAX_ASSUME_ROLE_SEC) {
    throw configError(`durationSec ${spec.durationSec} is over AssumeRole's 43200 s`, 'use --duration 43200 or less (up to 129600 only for an IAM user\'s profile)');
  }
  const roleArn = spec.roleArn ?? profile?.roleArn ?? '';
  const accountId = accountIdOfArn(roleArn);
  const arnRoleName = roleNameOfArn(roleArn);
  if (accountId === undefined || arnRoleName === undefined) {
    const problem = `${roleArn} is not a role ARN`;
    const fix = 'use the form arn:aws:iam::123456789012:role/NAME';
    throw at === undefined ? configError(`--role-arn: ${problem}`, fix) : configError(`role_arn: ${problem}`, fix, at);
  }
  const source = sourceOf(profile, at);
  return withKey({
    identity: { roleName: spec.roleName ?? arnRoleName, roleArn, accountId, region: regionOf(spec, env, profile?.region) },
    ...commonFields(spec, index),
    issuer: { kind: 'assume-role' } as const,
    durationSec: spec.durationSec ?? profile?.durationSeconds,
    sessionName: sessionNameOf(spec, profile?.roleSessionName),
    externalId: spec.externalId ?? profile?.externalId,
    source,
    mfa: profile?.mfaSerial === undefined
      ? undefined
      : { serialNumber: profile.mfaSerial, sessionDurationSec: spec.mfaSessionDurationSec ?? profile.mfaSessionDurationSec ?? DEFAULT_MFA_SESSION_SEC },
    sourceProfile: source.kind === 'profile' ? source.profile : (env.AWS_PROFILE || undefined),
    endpoint: profileStsEndpoint(env, profile?.endpointUrl),
  });
}

/** AssumeRole, signed by the MFA session when there is one, else by the source credentials. */
export function assumeRoleIssuer(role: ResolvedRole, deps: IssuerDeps): Issuer {
  return createAssumeRoleIssue({
    region: role.identity.region,
    endpoint: role.endpoint,
    deadlineMs: deps.deadlineMs,
    roleArn: role.identity.roleArn,
    sessionName: role.sessionName,
    externalId: role.externalId,
    credentials: deps.mfa?.provider ?? sourceProvider(role.source),
  });
}
