/**
 * An IAM Identity Center permission set served directly: the SDK's own `fromSSO`
 * provider reads the access token that `aws sso login` cached, renews it with its
 * refresh token where the SDK does so, and calls SSO `GetRoleCredentials`. imdsd never
 * reads the token itself for this; it only names what went wrong, with the command that
 * fixes it (docs/imds-protocol.md, "SSO profiles").
 */
import { fromSSO } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { ImdsdError } from '../../errors.js';
import { issuedFromIdentity, type Issuer } from './issuer.js';

export interface SsoIssuerOptions {
  /** The profile with sso_account_id and sso_role_name. */
  readonly profile: string;
  readonly accountId: string;
  readonly roleName: string;
  /** `aws sso login --sso-session corp` or `aws sso login --profile dev`. */
  readonly loginCommand: string;
  /** Each attempt fails after this long. */
  readonly deadlineMs: number;
  /** The sso-session name; undefined in the legacy form. */
  readonly ssoSession?: string | undefined;
  /** As imdsd read them, so the SDK uses exactly these, even after the files change. */
  readonly startUrl?: string | undefined;
  readonly ssoRegion?: string | undefined;
  /** The SDK's provider, unless a test passes its own. */
  readonly provider?: AwsCredentialIdentityProvider;
}

/** The command that logs in again for a profile: by session when it has one. */
export function ssoLoginCommand(profile: string, ssoSession: string | undefined): string {
  return ssoSession === undefined ? `aws sso login --profile ${profile}` : `aws sso login --sso-session ${ssoSession}`;
}

/** The SDK wraps the portal's error into its message as `Name: message`. */
const SERVICE_ERROR = /\b(UnauthorizedException|ForbiddenException|ResourceNotFoundException|TooManyRequestsException|InvalidRequestException|InvalidGrantException|ExpiredTokenException)\b/;
const NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ENETUNREACH|ENETDOWN|EHOSTUNREACH|EADDRNOTAVAIL|ETIMEDOUT|TimeoutError)\b/;

function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
}

/**
 * A name that does not resolve, or no route: a plain error with the system code, which
 * the network diagnosis (network.ts) tells apart as offline or a wrong endpoint.
 */
function networkError(code: string, thrown: unknown): Error {
  const hostname = /(?:ENOTFOUND|EAI_AGAIN)\s+(\S+)/.exec(messageOf(thrown))?.[1];
  return Object.assign(new Error(`IAM Identity Center could not be reached (${code})`, { cause: thrown }), { code, hostname });
}

/** No answer at all from a host that resolved: the portal is down or the connection broke. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'TimeoutError']);

/** One coded error, with its fix, for whatever fromSSO threw. */
export function classifySsoFailure(thrown: unknown, options: Pick<SsoIssuerOptions, 'profile' | 'accountId' | 'roleName' | 'loginCommand'>): unknown {
  if (thrown instanceof ImdsdError) return thrown;
  const message = messageOf(thrown);
  const login = `run \`${options.loginCommand}\``;
  const target = `account ${options.accountId}, role ${options.roleName}`;
  const service = SERVICE_ERROR.exec(message)?.[1];
  const first = message.split('\n')[0]?.slice(0, 300) ?? '';
  switch (service) {
    case 'UnauthorizedException':
    case 'InvalidGrantException':
    case 'ExpiredTokenException':
      return new ImdsdError('IMDSD_ERR_SSO_LOGIN_REQUIRED', `profile ${options.profile}: IAM Identity Center no longer accepts the SSO login (${service})`,
        { hint: login, cause: thrown });
    case 'ForbiddenException':
      return new ImdsdError('IMDSD_ERR_SSO_NO_ACCESS', `profile ${options.profile}: IAM Identity Center refused ${target}: the permission set is not assigned to you (or no longer)`,
        { hint: `check sso_account_id and sso_role_name against \`aws sso list-account-roles\`, or ask your administrator to assign ${options.roleName} in ${options.accountId}`, cause: thrown });
    case 'ResourceNotFoundException':
      return new ImdsdError('IMDSD_ERR_SSO_NOT_FOUND', `profile ${options.profile}: IAM Identity Center knows no ${target}`,
        { hint: 'fix sso_account_id or sso_role_name (`aws sso list-accounts`, `aws sso list-account-roles`)', cause: thrown });
    case 'TooManyRequestsException':
    case 'InvalidRequestException':
      return new ImdsdError('IMDSD_ERR_SSO_UNAVAILABLE', `profile ${options.profile}: IAM Identity Center answered ${service}`,
        { hint: 'imdsd retries on its own', cause: thrown });
    default:
      break;
  }
  const network = NETWORK.exec(message)?.[1];
  if (network !== undefined && UNREACHABLE.has(network)) {
    return new ImdsdError('IMDSD_ERR_SSO_UNAVAILABLE', `profile ${options.profile}: IAM Identity Center did not answer (${network})`,
      { hint: 'check the network connection; imdsd retries on its own', cause: thrown });
  }
  if (network !== undefined) return networkError(network, thrown);
  if (/\$metadata|\b5\d\d\b|InternalServer|ServiceUnavailable|Deserialization/i.test(message)) {
    return new ImdsdError('IMDSD_ERR_SSO_UNAVAILABLE', `profile ${options.profile}: IAM Identity Center failed: ${first}`,
      { hint: 'imdsd retries on its own', cause: thrown });
  }
  // The token cache: missing, unreadable, not JSON, without a token, expired, or for
  // another session; the SDK says "invalid", "expired", "not found" or "not present".
  if (/sso|token/i.test(message)) {
    const what = /expired|Cannot refresh/i.test(message)
      ? 'the SSO login has ended'
      : /not found|invalid|not present/i.test(message) ? 'there is no usable SSO login in the cache' : 'there is no valid SSO login';
    return new ImdsdError('IMDSD_ERR_SSO_LOGIN_REQUIRED', `profile ${options.profile}: ${what}`, { hint: login, cause: thrown });
  }
  return new ImdsdError('IMDSD_ERR_SSO_UNAVAILABLE', `profile ${options.profile}: ${first}`, { hint: 'imdsd retries on its own', cause: thrown });
}

/** GetRoleCredentials through the SDK's provider, within the deadline. */
export function createSsoIssue(options: SsoIssuerOptions): Issuer {
  const provider = options.provider ?? fromSSO({
    profile: options.profile,
    ...(options.startUrl === undefined || options.ssoRegion === undefined ? {} : {
      ssoStartUrl: options.startUrl, ssoRegion: options.ssoRegion, ssoAccountId: options.accountId, ssoRoleName: options.roleName,
      ...(options.ssoSession === undefined ? {} : { ssoSession: options.ssoSession }),
    }),
    // The shared files are read again on each call: a reload (SIGHUP) sees edits.
    ignoreCache: true,
    clientConfig: { maxAttempts: 1, requestHandler: { connectionTimeout: options.deadlineMs, requestTimeout: options.deadlineMs } },
  });
  return async () => {
    const signal = AbortSignal.timeout(options.deadlineMs);
    try {
      const identity = await Promise.race([
        provider(),
        new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      ]);
      return issuedFromIdentity(identity, 'IAM Identity Center');
    } catch (thrown) {
      throw classifySsoFailure(thrown, options);
    }
  };
}
