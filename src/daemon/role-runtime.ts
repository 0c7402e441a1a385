/**
 * One running role: its refresher (source credentials → STS) wired into its IMDS app
 * as the app's CredentialSource, and the app's listener. The only place the two halves meet.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Credential, CredentialResult } from '../credentials.js';
import { buildImdsApp, imdsTokenCount } from '../imds/app.js';
import { cronTicker } from '../refresher/cron-ticker.js';
import { createRefresher, type Refresher } from '../refresher/refresher.js';
import { sourceLabel, sourceProvider } from '../refresher/source-credentials.js';
import { createMfaSession, type MfaSession } from '../refresher/mfa-session.js';
import { type AssumeRoleFn, createAssumeRole } from '../refresher/sts.js';
import { listen, type Listener } from './listen.js';
import { createPeerAdmission } from './peer-identity.js';
import type { Metrics } from './metrics.js';
import type { ResolvedRole } from './resolve-role.js';
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
  /** Opens the IMDS port. */
  listen(): Promise<Listener>;
  /** Live IMDSv2 tokens (metrics). */
  tokenCount(): number;
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
  /** Shared by every role: bounds the AssumeRole calls in flight (sts-limiter.ts). */
  readonly stsLimit?: Limit | undefined;
}

/** A bounded label for request metrics: never the raw path, which clients choose. */
function routeLabel(url: string, status: number): string {
  if (url.includes('/api/token')) return 'token';
  if (url.includes('/security-credentials')) return 'credentials';
  return status < 400 ? 'metadata' : 'other';
}

export function createRoleRuntime(role: ResolvedRole, deps: RuntimeDeps): RoleRuntime {
  const logger = deps.logger.child({ role: role.identity.roleName });
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
  const assumeRoleNow = createAssumeRole({
    ...stsAccess,
    roleArn: role.identity.roleArn,
    sessionName: role.sessionName,
    externalId: role.externalId,
    credentials: mfa?.provider ?? sourceProvider(role.source),
  });
  const { stsLimit } = deps;
  const assumeRole: AssumeRoleFn = stsLimit === undefined
    ? assumeRoleNow
    : (durationSec) => stsLimit(() => assumeRoleNow(durationSec));
  const refresher = createRefresher({
    identity: role.identity,
    assumeRole,
    clock: deps.clock,
    logger: logger.child({ component: 'refresher' }),
    failureContext,
    ticker: cronTicker(deps.tickSec),
    durationSec: role.durationSec,
    refreshBeforeSec: role.refreshBeforeSec,
    // Roles started together must not all rotate together (issue 15).
    scheduleJitter: Math.random,
    onAttempt: (outcome) => deps.metrics?.observeRefresh(role.identity.roleName, outcome),
  });
  const metrics = deps.metrics;
  const app = buildImdsApp({
    source: refresher,
    clock: deps.clock,
    allowV1: role.imdsV1,
    logger: logger.child({ component: 'imds' }),
    containerToken: deps.containerToken,
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
  let listener: Listener | undefined;

  return {
    role,
    refresher,
    mfa,
    async start(carriedOver) {
      if (carriedOver !== undefined) refresher.adopt(carriedOver);
      return refresher.start();
    },
    async listen() {
      listener = await listen(app, role.port, role.host, logger);
      return listener;
    },
    tokenCount() {
      return imdsTokenCount(app);
    },
    endpoint() {
      return listener === undefined ? undefined : { port: listener.port, addresses: listener.addresses };
    },
    async close() {
      // Stop accepting and let in-flight requests finish before the refresher stops.
      await (listener === undefined ? app.close() : listener.close());
      refresher.stop();
    },
  };
}
