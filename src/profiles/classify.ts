/**
 * What a profile is, decided in one place for the daemon and for `imdsd doctor`: the
 * settings through which it hands out credentials (doctor warns of those that win over
 * IMDS), and the kind the daemon serves it as. The daemon picks by the AWS CLI's order:
 * a role_arn is a role; else an SSO permission set, a credential_process, an IAM user's
 * keys; a profile with none of them is read as a role, whose error names what is missing.
 */
import { str, type Section } from './section.js';

/** The kinds the daemon serves; each has its module in this folder. */
export type ProfileKind = 'role' | 'sso' | 'process' | 'keys';

/** Settings through which a profile hands out credentials before the chain reaches IMDS. */
export type CredentialKind = 'static-keys' | 'credential-process' | 'sso' | 'web-identity' | 'role-arn' | 'role-over-imds';

export interface CredentialSetting {
  readonly kind: CredentialKind;
  /** The keys of the section that make it so. */
  readonly keys: readonly string[];
}

export interface ProfileClass {
  /** How the daemon serves it. */
  readonly served: ProfileKind;
  /** Every credential setting it holds, in the order doctor reports them. */
  readonly settings: readonly CredentialSetting[];
}

/** The settings that make a profile an SSO permission set for the daemon. */
const SSO_NAMING = ['sso_session', 'sso_start_url', 'sso_account_id'];

function credentialSettings(section: Section, present: (key: string) => boolean): CredentialSetting[] {
  const found: CredentialSetting[] = [];
  if (present('aws_access_key_id')) {
    found.push({ kind: 'static-keys', keys: ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'].filter(present) });
  }
  if (present('credential_process')) found.push({ kind: 'credential-process', keys: ['credential_process'] });
  const sso = Object.keys(section).filter((key) => key.startsWith('sso_') && section[key] !== undefined);
  if (sso.length > 0) found.push({ kind: 'sso', keys: sso });
  if (present('web_identity_token_file')) {
    found.push({ kind: 'web-identity', keys: ['web_identity_token_file', 'role_arn'].filter(present) });
  } else if (present('role_arn')) {
    const overImds = str(section, 'credential_source') === 'Ec2InstanceMetadata';
    found.push({ kind: overImds ? 'role-over-imds' : 'role-arn', keys: ['role_arn', 'source_profile', 'credential_source'].filter(present) });
  }
  return found;
}

function servedKind(present: (key: string) => boolean): ProfileKind {
  if (present('role_arn')) return 'role';
  if (SSO_NAMING.some(present)) return 'sso';
  if (present('credential_process')) return 'process';
  if (present('aws_access_key_id') && present('aws_secret_access_key')) return 'keys';
  return 'role';
}

export function classifyProfile(section: Section): ProfileClass {
  const present = (key: string): boolean => str(section, key) !== undefined;
  return { served: servedKind(present), settings: credentialSettings(section, present) };
}
