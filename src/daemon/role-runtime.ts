/**
 * One running role: its refresher (source credentials → STS) wired into its IMDS app
 * as the app's CredentialSource, and the app's listener. The only place the two halves meet.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Credential, CredentialResult } from '../credentials.js';
import { createRoleImds, type RoleImds } from '../imds/app.js';
import { cronTicker } from '../refresher/cron-ticker.js';
import type { Issuer } from '../refresher/issuers/issuer.js';
import { createRefresher, type Refresher } from '../refresher/refresher.js';
import { sourceLabel, sourceProvider } from '../refresher/source-credentials.js';
import { createMfaSession, type MfaSession } from '../refresher/mfa-session.js';
import { createAccountLookup, type AccountLookup } from '../refresher/caller-account.js';
import { createIssuer } from '../profiles/issuer.js';
import type { ResolvedRole } from '../profiles/resolved-role.js';
import { serveOnSockets, type OpenedSocket } from './activated-listen.js';
import { listen, type Listener } from './listen.js';
import { watchSsoLogin, type SsoLogin } from './sso-login.js';
import { watchSsoRenewal, type SsoRenewal } from './sso-renewal.js';
import { createPeerAdmission } from './peer-identity.js';
import type { Metrics } from './metrics.js';
import type { Limit } from './sts-limiter.js';

/** Each STS call fails after this long: a hung connection never stalls refreshing. */
export const STS_DEADLINE_MS = 10_000;

export interface RoleRuntime {
  readonly role: ResolvedRole;
  readonly refresher: Refresher;
  /** The MFA session, for roles whose profile has mfa_serial. */
  readonly mfa: MfaSession | undefined;
  /** Runs the first fetch (whose failure is logged, not fatal). */
  start(carriedOver?: Credential): Promise<CredentialResult>;
  /** Opens the IMDS port, or serves on the sockets systemd passed for this role. */
  listen(passed?: readonly OpenedSocket[]): Promise<Listener>;
  /** Live IMDSv2 tokens (metrics). */
  tokenCount(): number;
  /** The SSO login behind an SSO role (undefined for other kinds, or without a login). */
  ssoLogin(): SsoLogin | undefined;
  /** Where it listens, once it does. */
  endpoint(): { readonly port: number; readonly addresses: readonly string[] } | undefined;
  close(): Promise<void>;
}

export interface RuntimeDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tickSec: number;
  readonly metrics?: Metrics | undefined;
  /** Enables the ECS endpoint on every role's listener. */
  readonly containerToken?: string | undefined;
  /** The daemon's own uid: the one local user always admitted. */
  readonly ownerUid?: number | undefined;
  /** Signs this role's IMDSv2 tokens (per role: a token of one port is no token of another). */
  readonly tokenSecret?: string | undefined;
  /** The environment the SDK reads endpoints from (AWS_ENDPOINT_URL_…). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Shared by every role: bounds the STS calls in flight (sts-limiter.ts). */
  readonly stsLimit?: Limit | undefined;
}

/** A bounded label for request metrics: never the raw path, which clients choose. */
function routeLabel(url: string, status: number): string {
  if (url.includes('/api/token')) return 'token';
  if (url.includes('/security-credentials')) return 'credentials';
  return status < 400 ? 'metadata' : 'other';
}

/** The role's refresher, and its MFA session for roles whose profile has mfa_serial. */
function refresherOf(role: ResolvedRole, deps: RuntimeDeps, logger: Logger): { refresher: Refresher; mfa: MfaSession | undefined } {
  const failureContext = {
    roleArn: role.identity.roleArn,
    sourceLabel: sourceLabel(role.source),
    sourceProfile: role.sourceProfile,
    region: role.identity.region,
  };
  const stsAccess = { region: role.identity.region, endpoint: role.endpoint, deadlineMs: STS_DEADLINE_MS };
  // With mfa_serial, the source keys only ever call GetSessionToken; AssumeRole signs
  // with the MFA session.
  const mfa = role.mfa === undefined ? undefined : createMfaSession({
    ...stsAccess,
    credentials: sourceProvider(role.source),
    roleName: role.identity.roleName,
    serialNumber: role.mfa.serialNumber,
    durationSec: role.mfa.sessionDurationSec,
    clock: deps.clock,
    failureContext,
  });
  const issueNow = createIssuer(role, { clock: deps.clock, env: deps.env ?? process.env, deadlineMs: STS_DEADLINE_MS, mfa });
  const { stsLimit } = deps;
  const issue: Issuer = stsLimit === undefined ? issueNow : (durationSec) => stsLimit(() => issueNow(durationSec));
  // A profile served directly without aws_account_id: its first credential tells the account.
  const lookup = role.identity.accountId === '' ? createAccountLookup(stsAccess) : undefined;
  const lookupAccount: AccountLookup | undefined = lookup === undefined || stsLimit === undefined
    ? lookup
    : (credential) => stsLimit(() => lookup(credential));
  const refresher = createRefresher({
    identity: role.identity,
    issue,
    clock: deps.clock,
    logger: logger.child({ component: 'refresher' }),
    failureContext,
    ticker: cronTicker(deps.tickSec),
    durationSec: role.durationSec,
    refreshBeforeSec: role.refreshBeforeSec,
    // Roles started together must not all rotate together (issue 15).
    scheduleJitter: Math.random,
    onAttempt: (outcome) => deps.metrics?.observeRefresh(role.identity.roleName, outcome),
    lookupAccount,
  });
  return { refresher, mfa };
}

/** The role's IMDS, serving what the refresher holds, with request metrics. */
function imdsOf(role: ResolvedRole, deps: RuntimeDeps, refresher: Refresher, logger: Logger): RoleImds {
  const metrics = deps.metrics;
  return createRoleImds({
    source: refresher,
    clock: deps.clock,
    allowV1: role.imdsV1,
    logger: logger.child({ component: 'imds' }),
    containerToken: deps.containerToken,
    tokenSecret: deps.tokenSecret === undefined ? undefined : `${deps.tokenSecret}/${role.identity.roleName}`,
    allowedHosts: role.allowHosts,
    allowForwarded: role.allowForwarded,
    admitPeer: createPeerAdmission({
      ownerUid: deps.ownerUid,
      allowUids: role.allowUids,
      allowCidrs: role.allowCidrs,
      platform: process.platform,
    }),
    onAnswer: metrics === undefined
      ? undefined
      : (url, status) => metrics.observeRequest(role.identity.roleName, routeLabel(url, status), status),
  });
}

export function createRoleRuntime(role: ResolvedRole, deps: RuntimeDeps): RoleRuntime {
  const logger = deps.logger.child({ role: role.identity.roleName });
  const { refresher, mfa } = refresherOf(role, deps, logger);
  const imds = imdsOf(role, deps, refresher, logger);
  let listener: Listener | undefined;
  // A new login in the SSO cache ends a failure at once (issue 13): no waiting for a retry.
  const issuer = role.issuer;
  let renewal: SsoRenewal | undefined;
  const login = issuer.kind !== 'sso' ? undefined : watchSsoLogin({
    key: issuer.ssoSession ?? issuer.startUrl,
    logger,
    onNewLogin: () => {
      renewal?.arm();
      if (refresher.status().consecutiveFailures > 0) void refresher.refreshNow();
    },
  });
  renewal = issuer.kind !== 'sso' || login === undefined ? undefined : watchSsoRenewal({
    clock: deps.clock,
    login,
    renew: async () => {
      // Loaded when a login first comes due, not at start-up.
      const outcome = await (await import('../refresher/sso-renew.js')).attemptSsoRenewal(issuer.profile);
      logger.info({ event: 'sso-renewal', outcome }, `SSO login renewal: ${outcome}`);
      return outcome;
    },
  });
  /** A login whose renewal was refused is one that cannot be renewed: it ends with its token. */
  const ssoLogin = (): SsoLogin | undefined => {
    const current = login?.current();
    return current === undefined || renewal?.refused() !== true ? current : { ...current, renewable: false };
  };

  return {
    role,
    refresher,
    mfa,
    async start(carriedOver) {
      if (carriedOver !== undefined) refresher.adopt(carriedOver);
      return refresher.start();
    },
    async listen(passed) {
      listener = passed === undefined ? await listen(imds, role.port, role.host, logger) : await serveOnSockets(imds, passed);
      return listener;
    },
    ssoLogin,
    tokenCount: () => imds.tokenCount(),
    endpoint() {
      return listener === undefined ? undefined : { port: listener.port, addresses: listener.addresses };
    },
    async close() {
      // Stop accepting and let in-flight requests finish before the tokens and the refresher stop.
      await listener?.close();
      imds.close();
      login?.stop();
      renewal?.stop();
      refresher.stop();
    },
  };
}
