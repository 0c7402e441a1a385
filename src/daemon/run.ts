/**
 * `imdsd run`: the daemon in the foreground. Owns the process while it runs: signals
 * (SIGTERM/SIGINT graceful shutdown within 5 s, SIGHUP reload), the control socket,
 * the optional metrics port, and crash handling that logs before exiting.
 */
import { homedir, userInfo } from 'node:os';
import { systemClock } from '../clock.js';
import { isImdsdError } from '../errors.js';
import { buildControlApp } from './control/control-server.js';
import { listenControl, type ControlListener } from './control/control-listen.js';
import { reusableContainerToken, writeContainerToken } from './control/container-token.js';
import { containerTokenPath, controlSocketPath } from '../contract/paths.js';
import { createDaemon, type Daemon } from './daemon.js';
import type { RoleRuntime } from './role-runtime.js';
import { EXIT } from '../contract/exit-codes.js';
import { createLogger } from './logger.js';
import { prettyDestination } from './pretty-log.js';
import { listenMetrics } from './metrics-listen.js';
import { watchExpiry, type ExpiryWatch } from './expiry-warning.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createNotifier } from './notifiers.js';
import { configFromFlags, metricsPort, parseRunArgs } from '../config/run-args.js';
import { renderRunUsage } from '../config/run-options.js';
import { takePassedSockets } from './socket-activation.js';
import { refuseOwnPrivilegedPort } from './link-local-guard.js';

/** SIGTERM/SIGINT: in-flight requests finish, and the process is gone within 5 s. */
const SHUTDOWN_GRACE_MS = 4_500;

function currentUid(): number | undefined {
  try {
    return userInfo().uid >= 0 ? userInfo().uid : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves once the daemon runs; the process then lives on its listeners and signals. */
export async function runCommand(argv: string[], version: string): Promise<void> {
  const flags = parseRunArgs(argv);
  if (flags.help === true) {
    process.stdout.write(renderRunUsage());
    return;
  }
  // Read (and removed from the environment, so children do not inherit them) before anything else.
  const passedSockets = takePassedSockets(process.env, process.pid);
  const config = await configFromFlags(flags, process.env);
  refuseOwnPrivilegedPort(config, passedSockets !== undefined);
  const metricsAt = metricsPort(flags);
  // A person at a terminal reads lines; a service manager keeps JSON (journald, launchd).
  const logger = createLogger(config.logLevel, process.stdout.isTTY ? prettyDestination(process.stdout, !('NO_COLOR' in process.env)) : undefined);
  const startedAtMs = systemClock.now();
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'crash', err: { message: error.message, stack: error.stack } }, 'unexpected error');
    process.exit(EXIT.FAILURE);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ event: 'crash', reason: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection');
    process.exit(EXIT.FAILURE);
  });

  logger.info({ event: 'starting', version, roles: config.roles.length, node: process.version }, 'imdsd starting');
  if (Number(process.versions.node.split('.')[0]) < 22) {
    logger.info({ event: 'node-version' }, 'AWS SDK v3 releases after January 2027 need Node.js 22; this one runs on 20 until then');
  }
  let daemon: Daemon | undefined;
  const runtimes = (): readonly RoleRuntime[] => daemon?.runtimes ?? [];
  const counters = createMetrics(systemClock, () => runtimes().map((runtime) => ({
    roleName: runtime.role.identity.roleName,
    expiresAtMs: () => runtime.refresher.held()?.expiresAtMs,
    tokenCount: () => runtime.tokenCount(),
  })));
  let warnings: ExpiryWatch | undefined;
  // A failed refresh is also when a coming expiry becomes worth a warning.
  const metrics: Metrics = {
    ...counters,
    observeRefresh(role, outcome) {
      counters.observeRefresh(role, outcome);
      if (!outcome.ok) setImmediate(() => warnings?.check());
    },
  };
  const socketPath = controlSocketPath(process.env, homedir(), flags['control-socket']);
  const tokenFile = containerTokenPath(socketPath);
  const containerToken = await reusableContainerToken(tokenFile, currentUid());
  const running = await createDaemon(config, {
    env: process.env, clock: systemClock, logger, metrics, containerToken, ownerUid: currentUid(), passedSockets,
  });
  daemon = running;
  const control: ControlListener = await listenControl(
    buildControlApp({ runtimes, metrics, version, startedAtMs, now: systemClock.now, containerTokenFile: tokenFile, logger }),
    socketPath,
    currentUid(),
  );
  logger.info({ event: 'control', path: control.path }, 'control socket ready (imdsd status, imdsd refresh)');
  await writeContainerToken(tokenFile, containerToken);
  const metricsListener = metricsAt === undefined ? undefined : await listenMetrics(metrics, metricsAt);
  warnings = watchExpiry({
    clock: systemClock,
    logger,
    roles: () => runtimes().map((runtime) => ({
      roleName: runtime.role.identity.roleName,
      status: runtime.refresher.status,
      mfaSessionEndsAtMs: () => runtime.mfa?.expiresAtMs(),
    })),
    notify: createNotifier({
      platform: process.platform, hook: config.onExpiryWarning, desktop: config.desktopNotify, logger, env: process.env,
    }),
    horizonSec: config.expiryWarningSec,
  });

  let stopping = false;
  const closeAll = async (): Promise<void> => {
    warnings?.stop();
    await Promise.allSettled([running.close(), control.close(), metricsListener?.close()]);
  };
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

  try {
    await running.start();
  } catch (error) {
    await control.close();
    await metricsListener?.close();
    throw error;
  }
}
