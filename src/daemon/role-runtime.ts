/**
 * One running role: its refresher (source credentials → STS) wired into its IMDS app
 * as the app's CredentialSource, and the app's listener. The only place the two halves meet.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Credential, CredentialResult } from '../credentials.js';
import { buildImdsApp } from '../imds/app.js';
import { cronTicker } from '../refresher/cron-ticker.js';
import { createRefresher, type Refresher } from '../refresher/refresher.js';
import { sourceLabel, sourceProvider } from '../refresher/source-credentials.js';
import { createAssumeRole } from '../refresher/sts.js';
import { listen, type Listener } from './listen.js';
import type { ResolvedRole } from './resolve-role.js';

/** Each STS call fails after this long: a hung connection never stalls refreshing. */
export const STS_DEADLINE_MS = 10_000;

export interface RoleRuntime {
  readonly role: ResolvedRole;
  readonly refresher: Refresher;
  /** Runs the first fetch (whose failure is logged, not fatal). */
  start(carriedOver?: Credential): Promise<CredentialResult>;
  /** Opens the IMDS port. */
  listen(): Promise<Listener>;
  close(): Promise<void>;
}

export interface RuntimeDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tickSec: number;
}

export function createRoleRuntime(role: ResolvedRole, deps: RuntimeDeps): RoleRuntime {
  const logger = deps.logger.child({ role: role.identity.roleName });
  const assumeRole = createAssumeRole({
    roleArn: role.identity.roleArn,
    sessionName: role.sessionName,
    externalId: role.externalId,
    region: role.identity.region,
    credentials: sourceProvider(role.source),
    endpointProfile: role.endpointProfile,
    deadlineMs: STS_DEADLINE_MS,
  });
  const refresher = createRefresher({
    identity: role.identity,
    assumeRole,
    clock: deps.clock,
    logger: logger.child({ component: 'refresher' }),
    failureContext: {
      roleArn: role.identity.roleArn,
      sourceLabel: sourceLabel(role.source),
      sourceProfile: role.sourceProfile,
      region: role.identity.region,
    },
    ticker: cronTicker(deps.tickSec),
    durationSec: role.durationSec,
    refreshBeforeSec: role.refreshBeforeSec,
  });
  const app = buildImdsApp({
    source: refresher,
    clock: deps.clock,
    allowV1: role.imdsV1,
    logger: logger.child({ component: 'imds' }),
  });
  let listener: Listener | undefined;

  return {
    role,
    refresher,
    async start(carriedOver) {
      if (carriedOver !== undefined) refresher.adopt(carriedOver);
      return refresher.start();
    },
    async listen() {
      listener = await listen(app, role.port, role.host, logger);
      return listener;
    },
    async close() {
      // Stop accepting and let in-flight requests finish before the refresher stops.
      await (listener === undefined ? app.close() : listener.close());
      refresher.stop();
    },
  };
}
