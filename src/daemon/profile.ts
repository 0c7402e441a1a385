/**
 * Reads a role profile from the AWS shared config and credentials files, with the
 * SDK's own loader so AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are honoured.
 */
import { homedir } from 'node:os';
import { ImdsdError } from '../errors.js';
import { configSectionHeader, loadProfiles, sharedFilePaths, type ProfileMap } from '../system/aws-files.js';
import { directProfileOf, type DirectProfile } from './direct-profile.js';

export interface RoleProfile {
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

/** What a profile is: a role to assume, or a source served directly. */
export type AnyProfile = { readonly kind: 'role'; readonly role: RoleProfile } | DirectProfile;

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return sharedFilePaths(env, homedir()).config;
}

const CREDENTIAL_SOURCES = new Set(['Environment', 'Ec2InstanceMetadata', 'EcsContainer']);

export function str(section: Record<string, string | undefined>, key: string): string | undefined {
  const value = section[key]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function configError(file: string, profile: string, problem: string, fix: string): ImdsdError {
  return new ImdsdError('IMDSD_ERR_CONFIG', `${file}: profile ${profile}: ${problem}`, { hint: fix });
}

/** A whole number of seconds within bounds, or undefined when the setting is absent. */
export function seconds(section: Record<string, string | undefined>, key: string, min: number, max: number, file: string, profile: string): number | undefined {
  const raw = str(section, key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw configError(file, profile, `${key} ${raw} is not a whole number from ${min} to ${max}`, `fix ${key}`);
  }
  return value;
}

/** The profile's STS endpoint as the SDK's configured-endpoints feature reads it. */
export function profileEndpoint(section: Record<string, string | undefined>, config: ProfileMap): string | undefined {
  const services = str(section, 'services');
  const fromServices = services === undefined ? undefined : config[`services.${services}`]?.['sts.endpoint_url']?.trim();
  return fromServices || str(section, 'endpoint_url');
}

interface LoadedProfile {
  readonly file: string;
  readonly section: Record<string, string | undefined>;
  readonly files: { readonly config: ProfileMap; readonly credentials: ProfileMap };
}

/** The profile's settings (credentials file first, the config file wins) and both files. */
async function loadProfile(name: string, env: NodeJS.ProcessEnv): Promise<LoadedProfile> {
  const file = configFilePath(env);
  let files: Awaited<ReturnType<typeof loadProfiles>>;
  try {
    files = await loadProfiles(sharedFilePaths(env, homedir()));
  } catch (cause) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${file}: could not be read (${(cause as Error).message})`,
      { hint: 'fix the file or point AWS_CONFIG_FILE at the right one', cause });
  }
  const fromConfig = files.config[name];
  const fromCredentials = files.credentials[name];
  if (fromConfig === undefined && fromCredentials === undefined) {
    const known = Object.keys(files.config).sort().join(', ') || 'none';
    throw configError(file, name, 'no such profile', `add [${configSectionHeader(name)}] to ${file} or pick one of: ${known}`);
  }
  return { file, section: { ...fromCredentials, ...fromConfig }, files };
}

/**
 * Any profile that yields temporary credentials: a role profile as before, else an SSO
 * permission set, a credential_process or an IAM user's keys (issue 13).
 */
export async function readProfile(name: string, env: NodeJS.ProcessEnv): Promise<AnyProfile> {
  const loaded = await loadProfile(name, env);
  if (str(loaded.section, 'role_arn') !== undefined) return { kind: 'role', role: roleProfileOf(name, loaded) };
  const direct = directProfileOf(name, loaded.section, loaded.files.config, loaded.file);
  return direct ?? { kind: 'role', role: roleProfileOf(name, loaded) };
}

export async function readRoleProfile(name: string, env: NodeJS.ProcessEnv): Promise<RoleProfile> {
  return roleProfileOf(name, await loadProfile(name, env));
}

function roleProfileOf(name: string, { file, section, files }: LoadedProfile): RoleProfile {
  const roleArn = str(section, 'role_arn');
  if (roleArn === undefined) {
    throw configError(file, name, 'role_arn is missing',
      `add \`role_arn = arn:aws:iam::<account>:role/<name>\` to [${configSectionHeader(name)}] (or sso_session, credential_process or aws_access_key_id: it holds none), or use --role-arn`);
  }
  const sourceProfile = str(section, 'source_profile');
  const credentialSource = str(section, 'credential_source');
  if ((sourceProfile === undefined) === (credentialSource === undefined)) {
    throw configError(file, name,
      sourceProfile === undefined ? 'neither source_profile nor credential_source is set' : 'both source_profile and credential_source are set',
      'set exactly one: `source_profile = <profile with keys or SSO>` or `credential_source = Environment`');
  }
  if (credentialSource !== undefined && !CREDENTIAL_SOURCES.has(credentialSource)) {
    throw configError(file, name, `credential_source ${credentialSource} is not one of Environment, Ec2InstanceMetadata, EcsContainer`,
      'use one of those values');
  }
  if (sourceProfile !== undefined && sourceProfile !== name && files.config[sourceProfile] === undefined && files.credentials[sourceProfile] === undefined) {
    throw configError(file, name, `source_profile ${sourceProfile} does not exist`, `add [${configSectionHeader(sourceProfile)}] or fix source_profile`);
  }
  const durationSeconds = seconds(section, 'duration_seconds', 900, 43200, file, name);
  const mfaSerial = str(section, 'mfa_serial');
  if (mfaSerial !== undefined && credentialSource !== undefined) {
    throw configError(file, name, 'mfa_serial needs source_profile with long-term keys, not credential_source',
      'set source_profile to the profile holding your IAM user\'s keys');
  }
  return {
    name,
    roleArn,
    sourceProfile,
    credentialSource,
    externalId: str(section, 'external_id'),
    roleSessionName: str(section, 'role_session_name'),
    durationSeconds,
    region: str(section, 'region'),
    mfaSerial,
    mfaSessionDurationSec: seconds(section, 'mfa_session_duration', 900, 129600, file, name),
    endpointUrl: profileEndpoint(section, files.config),
    accessKeyId: str(section, 'aws_access_key_id'),
    secretAccessKey: str(section, 'aws_secret_access_key'),
    sessionToken: str(section, 'aws_session_token'),
  };
}
