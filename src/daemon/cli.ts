#!/usr/bin/env node
/**
 * The `imdsd` command. The only module that touches the process: argv, env, signals,
 * exit codes. Everything it runs is built elsewhere and never exits on its own.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { isImdsdError } from '../errors.js';
import { USAGE, RUN_USAGE } from './usage.js';
import { EXIT } from './exit-codes.js';
import { createLogger } from './logger.js';
import { configFromFlags, parseRunArgs } from './run-args.js';
import { startDaemon, type Daemon } from './daemon.js';

/** SIGTERM/SIGINT: in-flight requests finish, and the process is gone within 5 s. */
const SHUTDOWN_GRACE_MS = 4_500;

function fail(error: unknown): never {
  if (isImdsdError(error)) {
    const code = error.code === 'IMDSD_ERR_CONFIG'
      ? EXIT.CONFIG
      : error.code === 'IMDSD_ERR_PORT_IN_USE' ? EXIT.PORT_IN_USE : EXIT.FAILURE;
    process.stderr.write(`imdsd: ${error.message}${error.hint === undefined ? '' : ` (fix: ${error.hint})`}\n`);
    process.exit(code);
  }
  process.stderr.write(`imdsd: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.FAILURE);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

async function run(argv: string[]): Promise<void> {
  const flags = parseRunArgs(argv);
  if (flags.help === true) {
    process.stdout.write(RUN_USAGE);
    return;
  }
  const config = await configFromFlags(flags, process.env);
  const logger = createLogger(config.logLevel);
  process.on('uncaughtException', (error) => {
    logger.fatal({ event: 'crash', err: { message: error.message, stack: error.stack } }, 'unexpected error');
    process.exit(EXIT.FAILURE);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ event: 'crash', reason: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection');
    process.exit(EXIT.FAILURE);
  });

  let daemon: Daemon | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      logger.warn({ event: 'shutdown-forced' }, 'in-flight requests did not finish in time');
      process.exit(EXIT.OK);
    }, SHUTDOWN_GRACE_MS).unref();
    void (daemon?.close() ?? Promise.resolve()).then(() => process.exit(EXIT.OK));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', () => {
    if (daemon === undefined || stopping) return;
    logger.info({ event: 'reload' }, 'SIGHUP: reloading the configuration');
    configFromFlags(flags, process.env)
      .then((next) => daemon?.reload(next))
      .catch((error: unknown) => {
        logger.error({ event: 'reload-failed', code: isImdsdError(error) ? error.code : undefined, hint: isImdsdError(error) ? error.hint : undefined },
          `reload failed, keeping the running configuration: ${error instanceof Error ? error.message : String(error)}`);
      });
  });

  logger.info({ event: 'starting', version: version(), roles: config.roles.length, node: process.version }, 'imdsd starting');
  if (Number(process.versions.node.split('.')[0]) < 22) {
    logger.info({ event: 'node-version' }, 'AWS SDK v3 releases after January 2027 need Node.js 22; this one runs on 20 until then');
  }
  daemon = await startDaemon(config, { env: process.env, clock: systemClock, logger });
  if (stopping) await daemon.close();
}

async function main(argv: string[]): Promise<void> {
  // The SDK's own Node-version notice is a multi-line stderr warning; run() logs it once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`${version()}\n`);
      return;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`imdsd: unknown command "${command}"\n\n${USAGE}`);
      process.exit(EXIT.FAILURE);
  }
}

main(process.argv.slice(2)).catch(fail);
