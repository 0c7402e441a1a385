/**
 * An IAM user's profile (static keys) served directly (issue 13): never its long-term
 * keys, but a GetSessionToken session signed with them, of up to 36 hours; with
 * mfa_serial, the session `imdsd mfa CODE` started. A profile that holds temporary keys
 * (aws_session_token) is refused: nothing could renew them.
 */
import type { RoleSpec } from '../config/config.js';
import type { Issuer } from '../refresher/issuers/issuer.js';
import { createMfaSessionIssue, createSessionTokenIssue } from '../refresher/issuers/session-token.js';
import { sourceProvider } from '../refresher/source-credentials.js';
import type { LoadedProfile } from './load.js';
import type { IssuerDeps, ResolvedRole } from './resolved-role.js';
import { account, configError, profileEndpoint, seconds, str } from './section.js';
import { DEFAULT_MFA_SESSION_SEC, regionOf, servedDirectly } from './served.js';

/** GetSessionToken allows up to 36 hours for an IAM user. */
const MAX_SESSION_TOKEN_SEC = 129_600;

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

export function readKeysProfile({ at, section, files }: LoadedProfile): KeysProfile {
  if (str(section, 'aws_session_token') !== undefined) {
    throw configError('holds temporary keys (aws_session_token): they cannot be refreshed',
      'point imdsd at the profile that issues them (a role, SSO or credential_process profile)', at);
  }
  return {
    kind: 'keys', name: at.profile,
    accessKeyId: str(section, 'aws_access_key_id') ?? '',
    secretAccessKey: str(section, 'aws_secret_access_key') ?? '',
    region: str(section, 'region'),
    mfaSerial: str(section, 'mfa_serial'),
    mfaSessionDurationSec: seconds(section, 'mfa_session_duration', 900, 129600, at),
    accountId: account(section, 'aws_account_id', at),
    endpointUrl: profileEndpoint(section, files.config),
  };
}

export function resolveKeys(profile: KeysProfile, spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): ResolvedRole {
  if ((spec.durationSec ?? 0) > MAX_SESSION_TOKEN_SEC) {
    throw configError(`--duration ${spec.durationSec} is over GetSessionToken's 129600 s`, 'use --duration 129600 or less');
  }
  return servedDirectly({
    profile: profile.name,
    roleName: spec.roleName ?? profile.name,
    accountId: profile.accountId,
    region: regionOf(spec, env, profile.region),
    issuer: { kind: 'session-token', profile: profile.name },
    source: { kind: 'static', accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey },
    mfa: profile.mfaSerial === undefined ? undefined : {
      serialNumber: profile.mfaSerial,
      sessionDurationSec: spec.mfaSessionDurationSec ?? profile.mfaSessionDurationSec ?? spec.durationSec ?? DEFAULT_MFA_SESSION_SEC,
    },
    endpointUrl: profile.endpointUrl,
  }, spec, index, env);
}

/** GetSessionToken with the keys, or the MFA session (IMDSD_ERR_MFA_REQUIRED without one). */
export function sessionTokenIssuer(role: ResolvedRole, deps: IssuerDeps): Issuer {
  return deps.mfa === undefined
    ? createSessionTokenIssue({ region: role.identity.region, endpoint: role.endpoint, deadlineMs: deps.deadlineMs, credentials: sourceProvider(role.source) })
    : createMfaSessionIssue(deps.mfa);
}
