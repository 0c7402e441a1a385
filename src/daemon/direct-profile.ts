/**
 * Profiles that are served directly, without AssumeRole (issue 13): an IAM Identity
 * Center permission set (`sso_session` with its `[sso-session]` section, or the legacy
 * `sso_start_url` form), a `credential_process`, or an IAM user's keys (served as a
 * GetSessionToken session, never as they are). Settings as the AWS CLI documents them
 * (docs/imds-protocol.md, "SSO profiles").
 */
import type { ProfileMap } from '../system/aws-files.js';
import { configSectionHeader } from '../system/aws-files.js';
import { configError, profileEndpoint, seconds, str } from './profile.js';

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

export interface ProcessProfile {
  readonly kind: 'process';
  readonly name: string;
  readonly command: string;
  /** `aws_account_id`, when the profile states it. */
  readonly accountId: string | undefined;
  readonly region: string | undefined;
}

export interface KeysProfile {
  readonly kind: 'keys';
  readonly name: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly mfaSerial: string | undefined;
  readonly mfaSessionDurationSec: number | undefined;
  readonly accountId: string | undefined;
  readonly region: string | undefined;
  /** The profile's STS endpoint (endpoint_url or its services section). */
  readonly endpointUrl: string | undefined;
}

export type DirectProfile = SsoProfile | ProcessProfile | KeysProfile;

const ACCOUNT = /^\d{12}$/;

function ssoProfileOf(name: string, section: Record<string, string | undefined>, config: ProfileMap, file: string): SsoProfile {
  const header = `[${configSectionHeader(name)}]`;
  const ssoSession = str(section, 'sso_session');
  const session = ssoSession === undefined ? undefined : config[`sso-session.${ssoSession}`];
  if (ssoSession !== undefined && session === undefined) {
    throw configError(file, name, `sso_session ${ssoSession} has no [sso-session ${ssoSession}] section`,
      `add [sso-session ${ssoSession}] with sso_start_url and sso_region (aws configure sso-session)`);
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
    throw configError(file, name, `an SSO profile needs ${missing.join(', ')}`,
      `add ${missing.join(', ')} to ${ssoSession === undefined ? header : `${header} or [sso-session ${ssoSession}]`} (aws configure sso)`);
  }
  if (!ACCOUNT.test(accountId)) {
    throw configError(file, name, `sso_account_id ${accountId} is not twelve digits`, 'fix sso_account_id');
  }
  return { kind: 'sso', name, ssoSession, startUrl, ssoRegion, accountId, roleName, region: str(section, 'region') };
}

function accountOf(section: Record<string, string | undefined>, file: string, name: string): string | undefined {
  const account = str(section, 'aws_account_id');
  if (account !== undefined && !ACCOUNT.test(account)) {
    throw configError(file, name, `aws_account_id ${account} is not twelve digits`, 'fix aws_account_id');
  }
  return account;
}

/** The profile as a directly served source, or undefined when it is none of the three. */
export function directProfileOf(
  name: string, section: Record<string, string | undefined>, config: ProfileMap, file: string,
): DirectProfile | undefined {
  const region = str(section, 'region');
  if (str(section, 'sso_session') !== undefined || str(section, 'sso_start_url') !== undefined || str(section, 'sso_account_id') !== undefined) {
    return ssoProfileOf(name, section, config, file);
  }
  const command = str(section, 'credential_process');
  if (command !== undefined) return { kind: 'process', name, command, accountId: accountOf(section, file, name), region };
  const accessKeyId = str(section, 'aws_access_key_id');
  const secretAccessKey = str(section, 'aws_secret_access_key');
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  if (str(section, 'aws_session_token') !== undefined) {
    throw configError(file, name, 'holds temporary keys (aws_session_token): they cannot be refreshed',
      'point imdsd at the profile that issues them (a role, SSO or credential_process profile)');
  }
  return {
    kind: 'keys', name, accessKeyId, secretAccessKey, region,
    mfaSerial: str(section, 'mfa_serial'),
    mfaSessionDurationSec: seconds(section, 'mfa_session_duration', 900, 129600, file, name),
    accountId: accountOf(section, file, name),
    endpointUrl: profileEndpoint(section, config),
  };
}
