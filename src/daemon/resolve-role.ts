/**
 * Turns one configured role (flags or file) into everything needed to run it: the role
 * ARN and served name, where its source credentials come from, its region and the
 * AssumeRole parameters. Profile problems surface here, as configuration errors.
 */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { accountIdOfArn, roleNameOfArn, type RoleIdentity } from '../credentials.js';
import { ImdsdError } from '../errors.js';
import { defaultSessionName } from '../refresher/session-name.js';
import type { SourceSpec } from '../refresher/source-credentials.js';
import type { RoleSpec } from '../config/config.js';
import { DEFAULTS } from '../config/config.js';
import { profileStsEndpoint } from '../system/sts-endpoint.js';
import { configFilePath, readProfile, type RoleProfile } from './profile.js';
import { directRole, type IssuerSpec } from './resolve-direct.js';

export type { IssuerSpec } from './resolve-direct.js';
import { LINK_LOCAL_HOSTS } from '../contract/link-local.js';

export interface ResolvedRole {
  readonly identity: RoleIdentity;
  readonly port: number;
  readonly host: string | undefined;
  readonly imdsV1: boolean;
  readonly allowUids: readonly number[];
  readonly allowCidrs: readonly string[];
  readonly allowHosts: readonly string[];
  readonly allowForwarded: boolean;
  /** Link-local mode: the IMDS addresses are among allowHosts. */
  readonly linkLocal: boolean;
  readonly durationSec: number | undefined;
  readonly refreshBeforeSec: number | undefined;
  readonly sessionName: string;
  readonly externalId: string | undefined;
  readonly source: SourceSpec;
  /** What issues the served credential: AssumeRole (with `source`), or a profile served directly. */
  readonly issuer: IssuerSpec;
  /** For profiles with mfa_serial: the device and how long one code's session lasts. */
  readonly mfa: { readonly serialNumber: string; readonly sessionDurationSec: number } | undefined;
  /** The profile to name in `aws sso login --profile …` hints. */
  readonly sourceProfile: string | undefined;
  /**
   * The STS endpoint from the role profile, when the environment names none: the SDK's
   * own lookup reads only AWS_PROFILE's settings, not those of a profile given in code.
   */
  readonly endpoint: string | undefined;
  /** Equal keys mean nothing changed across a reload: the credential is kept. */
  readonly key: string;
}

/** One MFA code's session, unless configured: 12 hours (STS allows up to 36). */
export const DEFAULT_MFA_SESSION_SEC = 43_200;

/** Used when neither flags, environment nor profile name a region. */
export const FALLBACK_REGION = 'us-east-1';

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/** AssumeRole takes 900–43200 s; 129600 is only for IAM users' sessions. */
const MAX_ASSUME_ROLE_SEC = 43_200;

/** Fields every kind shares, from the role's spec. */
export function commonFields(spec: RoleSpec, index: number) {
  return {
    port: spec.port ?? (index === 0 ? DEFAULTS.port : 0),
    host: spec.host,
    imdsV1: spec.imdsV1 ?? false,
    allowUids: spec.allowUids ?? [],
    allowCidrs: spec.allowCidrs ?? [],
    // The address a non-loopback listener is reached by is a Host it must accept; in
    // link-local mode, so are the real IMDS addresses (and only then: issue 14).
    allowHosts: [...(spec.allowHosts ?? []), ...(spec.host === undefined ? [] : [spec.host]), ...(spec.linkLocal === true ? LINK_LOCAL_HOSTS : [])],
    allowForwarded: spec.allowForwarded ?? false,
    linkLocal: spec.linkLocal ?? false,
    refreshBeforeSec: spec.refreshBeforeSec,
  };
}

/** A digest, so the key never holds a profile's own secret key in readable form. */
export function withKey<T extends object>(resolved: T): T & { readonly key: string } {
  return { ...resolved, key: createHash('sha256').update(JSON.stringify(resolved)).digest('hex') };
}

export async function resolveRole(spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): Promise<ResolvedRole> {
  const any = spec.profile === undefined ? undefined : await readProfile(spec.profile, env);
  if (any !== undefined && any.kind !== 'role') return directRole(any, spec, index, env);
  const profile: RoleProfile | undefined = any?.role;
  if ((spec.durationSec ?? 0) > MAX_ASSUME_ROLE_SEC) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `durationSec ${spec.durationSec} is over AssumeRole's 43200 s`,
      { hint: 'use --duration 43200 or less (up to 129600 only for an IAM user\'s profile)' });
  }
  const roleArn = spec.roleArn ?? profile?.roleArn ?? '';
  const accountId = accountIdOfArn(roleArn);
  const arnRoleName = roleNameOfArn(roleArn);
  if (accountId === undefined || arnRoleName === undefined) {
    const where = profile === undefined ? '--role-arn' : `${configFilePath(env)}: profile ${profile.name}: role_arn`;
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${where}: ${roleArn} is not a role ARN`,
      { hint: 'use the form arn:aws:iam::123456789012:role/NAME' });
  }
  let source: SourceSpec = { kind: 'chain' };
  if (profile?.sourceProfile !== undefined) {
    source = profile.sourceProfile !== profile.name
      ? { kind: 'profile', profile: profile.sourceProfile }
      : profile.accessKeyId !== undefined && profile.secretAccessKey !== undefined
        ? { kind: 'static', accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey, sessionToken: profile.sessionToken }
        : (() => {
          throw new ImdsdError('IMDSD_ERR_CONFIG', `${configFilePath(env)}: profile ${profile.name}: source_profile names itself but it has no keys`,
            { hint: 'add aws_access_key_id and aws_secret_access_key, or point source_profile at another profile' });
        })();
  } else if (profile?.credentialSource !== undefined) {
    source = { kind: profile.credentialSource as 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer' };
  }
  const region = spec.region ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined) ?? profile?.region ?? FALLBACK_REGION;
  const identity: RoleIdentity = { roleName: spec.roleName ?? arnRoleName, roleArn, accountId, region };
  const resolved = {
    identity,
    ...commonFields(spec, index),
    issuer: { kind: 'assume-role' } as IssuerSpec,
    durationSec: spec.durationSec ?? profile?.durationSeconds,
    sessionName: spec.sessionName ?? profile?.roleSessionName ?? defaultSessionName(currentUser()),
    externalId: spec.externalId ?? profile?.externalId,
    source,
    mfa: profile?.mfaSerial === undefined
      ? undefined
      : { serialNumber: profile.mfaSerial, sessionDurationSec: spec.mfaSessionDurationSec ?? profile.mfaSessionDurationSec ?? DEFAULT_MFA_SESSION_SEC },
    sourceProfile: source.kind === 'profile' ? source.profile : (env.AWS_PROFILE || undefined),
    endpoint: profileStsEndpoint(env, profile?.endpointUrl),
  };
  return withKey(resolved);
}
