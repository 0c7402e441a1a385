/**
 * Picks how a role's credential is issued (issue 13): AssumeRole with its source
 * credentials as before, or the profile served directly (SSO, credential_process, an
 * IAM user's session), each with offline and wrong-endpoint failures told apart.
 */
import type { Clock } from '../clock.js';
import type { Issuer } from '../refresher/issuers/issuer.js';
import type { MfaSession } from '../refresher/mfa-session.js';
import { dnsProbe, withNetworkDiagnosis, type ResolveProbe } from '../refresher/network.js';
import { createProcessIssue } from '../refresher/issuers/process.js';
import { createMfaSessionIssue, createSessionTokenIssue } from '../refresher/issuers/session-token.js';
import { sourceProvider } from '../refresher/source-credentials.js';
import { createSsoIssue } from '../refresher/issuers/sso.js';
import { createAssumeRoleIssue } from '../refresher/issuers/assume-role.js';
import type { ResolvedRole } from './resolve-role.js';

/** A credential_process gets this long before it is stopped: it may have to talk to a vault. */
export const PROCESS_TIMEOUT_MS = 30_000;

export interface IssuerDeps {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** Each STS or SSO call fails after this long. */
  readonly deadlineMs: number;
  readonly mfa: MfaSession | undefined;
  readonly probe?: ResolveProbe;
}

function baseIssue(role: ResolvedRole, deps: IssuerDeps): Issuer {
  const stsAccess = { region: role.identity.region, endpoint: role.endpoint, deadlineMs: deps.deadlineMs };
  const { issuer } = role;
  switch (issuer.kind) {
    case 'assume-role':
      return createAssumeRoleIssue({
        ...stsAccess,
        roleArn: role.identity.roleArn,
        sessionName: role.sessionName,
        externalId: role.externalId,
        credentials: deps.mfa?.provider ?? sourceProvider(role.source),
      });
    case 'sso':
      return createSsoIssue({
        profile: issuer.profile, accountId: issuer.accountId, roleName: issuer.ssoRoleName, ssoSession: issuer.ssoSession,
        startUrl: issuer.startUrl, ssoRegion: issuer.ssoRegion, loginCommand: issuer.loginCommand, deadlineMs: deps.deadlineMs,
      });
    case 'process':
      return createProcessIssue({ profile: issuer.profile, command: issuer.command, timeoutMs: PROCESS_TIMEOUT_MS, now: deps.clock.now });
    case 'session-token':
      return deps.mfa === undefined
        ? createSessionTokenIssue({ ...stsAccess, credentials: sourceProvider(role.source) })
        : createMfaSessionIssue(deps.mfa);
  }
}

export function createIssue(role: ResolvedRole, deps: IssuerDeps): Issuer {
  const sso = role.issuer.kind === 'sso';
  const env = deps.env;
  return withNetworkDiagnosis(baseIssue(role, deps), {
    service: sso ? 'IAM Identity Center' : 'STS',
    region: role.identity.region,
    endpointConfigured: sso
      ? Boolean(env.AWS_ENDPOINT_URL_SSO || env.AWS_ENDPOINT_URL)
      : Boolean(role.endpoint || env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL),
    probe: deps.probe ?? dnsProbe,
  });
}
