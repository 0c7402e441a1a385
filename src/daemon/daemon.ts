/**
 * The running daemon: resolves the configured roles, fetches a first credential for each
 * before opening its port, then listens. A reload (SIGHUP) keeps unchanged roles running
 * with their credentials; a failed reload keeps the old configuration.
 */
import { homedir } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DaemonConfig } from '../config/config.js';
import { isLoopback } from '../loopback.js';
import { servedUrls } from '../contract/control-api.js';
import { LINK_LOCAL_URL } from '../contract/link-local.js';
import { checkKeyFilePermissions } from '../profiles/key-files.js';
import { resolveRole } from '../profiles/resolve.js';
import type { ResolvedRole } from '../profiles/resolved-role.js';
import { sharedFilePaths } from '../system/aws-files.js';
import type { Metrics } from './metrics.js';
import { socketsForRoles } from './activated-listen.js';
import { createRoleRuntime, type RoleRuntime } from './role-runtime.js';
import type { PassedSocket } from './socket-activation.js';
import { createLimiter } from './sts-limiter.js';

/** The first fetch may take this long before the port opens anyway (it goes on behind). */
export const FIRST_FETCH_WAIT_MS = 15_000;

export interface Daemon {
  readonly runtimes: readonly RoleRuntime[];
  /** First fetch for every role, then their ports open. */
  start(): Promise<void>;
  reload(config: DaemonConfig): Promise<void>;
  close(): Promise<void>;
}

export interface DaemonDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  readonly containerToken?: string | undefined;
  readonly ownerUid?: number | undefined;
  /** Credential issues (STS, SSO or credential_process) in flight at most, all roles together. Default 16. */
  readonly maxConcurrentStsCalls?: number | undefined;
  /** Signs IMDSv2 tokens so that the next daemon accepts them (see src/imds/signed-token.ts). */
  readonly tokenSecret?: string | undefined;
  /** Sockets systemd passed (socket activation): the first start serves on them. */
  readonly passedSockets?: readonly PassedSocket[] | undefined;
}

async function resolveAll(config: DaemonConfig, env: NodeJS.ProcessEnv): Promise<ResolvedRole[]> {
  await checkKeyFilePermissions(sharedFilePaths(env, homedir()));
  return Promise.all(config.roles.map((spec, i) => resolveRole(spec, i, env)));
}

async function firstFetch(runtime: RoleRuntime, deps: DaemonDeps): Promise<void> {
  const { identity } = runtime.role;
  const outcome = await Promise.race([
    runtime.start(),
    new Promise<undefined>((resolve) => deps.clock.setTimer(() => resolve(undefined), FIRST_FETCH_WAIT_MS)),
  ]);
  const log = deps.logger.child({ role: identity.roleName });
  if (outcome === undefined) {
    log.warn({ event: 'first-fetch-slow' }, 'the first credential is taking long: opening the port, clients get an error until it arrives');
  } else if (outcome.ok) {
    log.info({ event: 'ready', roleArn: identity.roleArn, expiresAt: new Date(outcome.credential.expiresAtMs).toISOString() },
      'first credential obtained');
  } else {
    log.error({ event: 'first-fetch-failed', code: outcome.error.code, hint: outcome.error.hint },
      `could not get a first credential: ${outcome.error.message}; retrying, and answering IMDS with an error until it works`);
  }
}

/** Where clients reach the role: the SDKs' own default address, or the variable that points them there. */
function servingMessage(roleName: string, port: number, addresses: readonly string[]): string {
  const urls = servedUrls(port, addresses);
  return urls.includes(LINK_LOCAL_URL)
    ? `serving ${roleName} at ${urls.join(' and ')}: SDKs find it with no variable`
    : `serving ${roleName}: export AWS_EC2_METADATA_SERVICE_ENDPOINT=${urls[0] ?? `http://localhost:${port}/`}`;
}

/** Roles added by a reload get no passed socket: they bind their ports as without activation. */
async function launch(runtimes: RoleRuntime[], deps: DaemonDeps, passed?: readonly PassedSocket[]): Promise<void> {
  await Promise.all(runtimes.map((runtime) => firstFetch(runtime, deps)));
  const sockets = passed === undefined
    ? undefined
    : await socketsForRoles(passed, runtimes.map((runtime) => ({ name: runtime.role.identity.roleName, port: runtime.role.port })));
  for (const [i, runtime] of runtimes.entries()) {
    const listener = await runtime.listen(sockets?.[i]);
    const { identity, host } = runtime.role;
    if (host !== undefined && !isLoopback(host)) {
      deps.logger.warn({ event: 'exposed', role: identity.roleName, host, allowCidrs: runtime.role.allowCidrs },
        `listening on non-loopback ${host}: only clients from ${runtime.role.allowCidrs.join(', ')} are served`);
    }
    deps.logger.info({
      event: 'listening', role: identity.roleName, roleArn: identity.roleArn, port: listener.port,
      addresses: listener.addresses, imdsV1: runtime.role.imdsV1, socketActivated: sockets !== undefined,
    }, servingMessage(identity.roleName, listener.port, listener.addresses));
  }
}

/** Resolves every role (configuration errors surface here); nothing runs until start(). */
export async function createDaemon(config: DaemonConfig, deps: DaemonDeps): Promise<Daemon> {
  const settings = {
    clock: deps.clock, logger: deps.logger, tickSec: config.tickSec, metrics: deps.metrics, containerToken: deps.containerToken,
    ownerUid: deps.ownerUid, tokenSecret: deps.tokenSecret, env: deps.env,
    // One bound for every role, across reloads: first fetches and refreshes alike.
    stsLimit: createLimiter(deps.maxConcurrentStsCalls).limit,
  };
  let runtimes = (await resolveAll(config, deps.env)).map((role) => createRoleRuntime(role, settings));

  return {
    get runtimes() {
      return runtimes;
    },
    async start() {
      try {
        await launch(runtimes, deps, deps.passedSockets);
      } catch (error) {
        await Promise.allSettled(runtimes.map((runtime) => runtime.close()));
        throw error;
      }
    },
    async reload(next) {
      const roles = await resolveAll(next, deps.env);
      const keep = runtimes.filter((runtime) => roles.some((role) => role.key === runtime.role.key));
      const retire = runtimes.filter((runtime) => !keep.includes(runtime));
      const fresh = roles
        .filter((role) => !keep.some((runtime) => runtime.role.key === role.key))
        .map((role) => createRoleRuntime(role, { ...settings, tickSec: next.tickSec }));
      await Promise.all(retire.map((runtime) => runtime.close()));
      runtimes = [...keep, ...fresh];
      await launch(fresh, deps);
      deps.logger.info({ event: 'reloaded', kept: keep.length, started: fresh.length, stopped: retire.length },
        'configuration reloaded');
    },
    async close() {
      await Promise.allSettled(runtimes.map((runtime) => runtime.close()));
    },
  };
}
