/**
 * `imdsd run`: the daemon in the foreground. Owns the process while it runs: signals
 * (SIGTERM/SIGINT graceful shutdown within 5 s, SIGHUP reload), the control socket,
 * the optional metrics port, and crash handling that logs before exiting.
 */
import { homedir, userInfo } from 'node:os';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { isImdsdError } from '../errors.js';
import { buildControlApp } from './control/control-server.js';
import { listenControl, type ControlListener } from './control/control-listen.js';
import { privateTokens } from './control/container-token.js';
import { containerTokenPath, controlSocketPath, tokenKeyPath } from '../contract/paths.js';
import { createDaemon, type Daemon } from './daemon.js';
import type { RoleRuntime } from './role-runtime.js';
import { EXIT } from '../contract/exit-codes.js';
import { createLogger } from './logger.js';
import { listenMetrics } from './metrics-listen.js';
import { watchExpiry, type ExpiryWatch, type WatchedSsoLogin } from './expiry-warning.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createNotifier } from './notifiers.js';
import { watchNetworkReturn } from './network-return.js';
import { dnsProbe } from '../refresher/network.js';
import type { DaemonConfig } from '../config/config.js';
import { configFromFlags, metricsPort, parseRunArgs, type RunFlags } from '../config/run-args.js';
import { prettyDestination } from './pretty-log.js';
import { takePassedSockets } from './socket-activation.js';
import { refuseOwnPrivilegedPort } from './link-local-guard.js';
import { processPeerSockets } from '../system/peer-sockets.js';
import { createPeerAdmission } from './peer-identity.js';

/** SIGTERM/SIGINT: in-flight requests finish, and the process is gone within 5 s. */
const SHUTDOWN_GRACE_MS = 4_500;

function currentUid(): number | undefined {
  try {
    return userInfo().uid >= 0 ? userInfo().uid : undefined;
  } catch {
    return undefined;
  }
}

/** A crash is logged as one JSON line before the process exits, so journald and launchd keep it. */
function exitOnCrash(logger: Logger): void {
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'crash', err: { message: error.message, stack: error.stack } }, 'unexpected error');
    process.exit(EXIT.FAILURE);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ event: 'crash', reason: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection');
    process.exit(EXIT.FAILURE);
  });
}

function logStart(logger: Logger, version: string, roles: number): void {
  logger.info({ event: 'starting', version, roles, node: process.version }, 'imdsd starting');
  if (Number(process.versions.node.split('.')[0]) < 22) {
    logger.info({ event: 'node-version' }, 'AWS SDK v3 releases after January 2027 need Node.js 22; this one runs on 20 until then');
  }
  logPeerLookup(logger);
}

/** How local peers are identified here, said once: the /proc fallback is worth knowing about. */
function logPeerLookup(logger: Logger): void {
  if (process.platform !== 'linux') {
    logger.warn({ event: 'peer-lookup', method: 'none' }, `${process.platform} has no socket table: any local user can reach the IMDS port (docs/security-model.md)`);
    return;
  }
  const { method, fallbackReason } = processPeerSockets();
  if (method === 'netlink') logger.info({ event: 'peer-lookup', method }, 'local peers are identified by the kernel over netlink sock_diag');
  else logger.warn({ event: 'peer-lookup', method, reason: fallbackReason }, `local peers are identified from /proc/net/tcp (${fallbackReason ?? 'no netlink'}): as strict, slower with many sockets`);
}

/** The daemon's metrics; a failed refresh is also when a coming expiry becomes worth a warning. */
function daemonMetrics(runtimes: () => readonly RoleRuntime[], warnings: () => ExpiryWatch | undefined): Metrics {
  const counters = createMetrics(systemClock, () => runtimes().map((runtime) => ({
    roleName: runtime.role.identity.roleName,
    expiresAtMs: () => runtime.refresher.held()?.expiresAtMs,
    tokenCount: () => runtime.tokenCount(),
  })));
  return {
    ...counters,
    observeRefresh(role, outcome) {
      counters.observeRefresh(role, outcome);
      if (!outcome.ok) setImmediate(() => warnings()?.check());
    },
  };
}

/** What the warnings need of an SSO role's login. */
function ssoLoginOf(runtime: RoleRuntime): WatchedSsoLogin | undefined {
  const { issuer } = runtime.role;
  const login = runtime.ssoLogin();
  if (issuer.kind !== 'sso' || login === undefined) return undefined;
  return { endsAtMs: login.endsAtMs, renewable: login.renewable, session: issuer.ssoSession ?? issuer.startUrl, command: issuer.loginCommand };
}

function watchRoles(config: DaemonConfig, logger: Logger, runtimes: () => readonly RoleRuntime[]): ExpiryWatch {
  return watchExpiry({
    clock: systemClock,
    logger,
    roles: () => runtimes().map((runtime) => ({
      roleName: runtime.role.identity.roleName,
      status: runtime.refresher.status,
      mfaSessionEndsAtMs: () => runtime.mfa?.expiresAtMs(),
      ssoLogin: () => ssoLoginOf(runtime),
    })),
    ssoWarningSec: config.ssoWarningSec,
    notify: createNotifier({
      platform: process.platform, hook: config.onExpiryWarning, desktop: config.desktopNotify, logger, env: process.env,
    }),
    horizonSec: config.expiryWarningSec,
  });
}

/** SIGTERM/SIGINT: finish in-flight requests, gone within the grace period; SIGHUP: reload. */
function handleSignals(logger: Logger, running: Daemon, flags: RunFlags, closeAll: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      logger.warn({ event: 'shutdown-forced' }, 'in-flight requests did not finish in time');
      process.exit(EXIT.OK);
    }, SHUTDOWN_GRACE_MS).unref();
    void closeAll().then(() => process.exit(EXIT.OK));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', () => {
    if (stopping) return;
    logger.info({ event: 'reload' }, 'SIGHUP: reloading the configuration');
    configFromFlags(flags, process.env)
      .then((next) => running.reload(next))
      .catch((error: unknown) => {
        logger.error({ event: 'reload-failed', code: isImdsdError(error) ? error.code : undefined, hint: isImdsdError(error) ? error.hint : undefined },
          `reload failed, keeping the running configuration: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
}

/** Resolves once the daemon runs; the process then lives on its listeners and signals. */
export async function runCommand(argv: string[], version: string): Promise<void> {
  // `imdsd run --help` is answered by the CLI from the command table before this loads.
  const flags = parseRunArgs(argv);
  // Read (and removed from the environment, so children do not inherit them) before anything else.
  const passedSockets = takePassedSockets(process.env, process.pid);
  const config = await configFromFlags(flags, process.env);
  refuseOwnPrivilegedPort(config, passedSockets !== undefined);
  const metricsAt = metricsPort(flags);
  // A person at a terminal reads lines; a service manager keeps JSON (journald, launchd).
  const logger = createLogger(config.logLevel, process.stdout.isTTY ? prettyDestination(process.stdout, !('NO_COLOR' in process.env)) : undefined);
  const startedAtMs = systemClock.now();
  exitOnCrash(logger);
  logStart(logger, version, config.roles.length);
  let daemon: Daemon | undefined;
  let warnings: ExpiryWatch | undefined;
  const runtimes = (): readonly RoleRuntime[] => daemon?.runtimes ?? [];
  const metrics = daemonMetrics(runtimes, () => warnings);
  const socketPath = controlSocketPath(process.env, homedir(), flags['control-socket']);
  const { tokenFile, containerToken, tokenSecret, save } = await privateTokens(containerTokenPath(socketPath), tokenKeyPath(socketPath), currentUid());
  const running = await createDaemon(config, {
    env: process.env, clock: systemClock, logger, metrics, containerToken, ownerUid: currentUid(), passedSockets, tokenSecret,
  });
  daemon = running;
  const control: ControlListener = await listenControl(
    buildControlApp({ runtimes, metrics, version, startedAtMs, now: systemClock.now, containerTokenFile: tokenFile, logger }),
    socketPath,
    currentUid(),
  );
  logger.info({ event: 'control', path: control.path }, 'control socket ready (imdsd status, imdsd refresh)');
  await save();
  const metricsListener = metricsAt === undefined ? undefined : await listenMetrics(metrics, {
    port: metricsAt.port,
    admitPeer: createPeerAdmission({ ownerUid: currentUid(), allowUids: metricsAt.allowUids, allowCidrs: [], platform: process.platform }),
    logger,
  });
  warnings = watchRoles(config, logger, runtimes);
  const networkReturn = watchNetworkReturn({ clock: systemClock, logger, probe: dnsProbe, roles: runtimes });
  handleSignals(logger, running, flags, async () => {
    warnings?.stop();
    networkReturn.stop();
    await Promise.allSettled([running.close(), control.close(), metricsListener?.close()]);
  });
  try {
    await running.start();
  } catch (error) {
    await control.close();
    await metricsListener?.close();
    throw error;
  }
}
