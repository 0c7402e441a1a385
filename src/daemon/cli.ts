#!/usr/bin/env node
/**
 * The `imdsd` command. The only entry that touches the process: argv, env, exit codes.
 * Each command is built elsewhere and returns its exit code (`run` keeps the process).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isImdsdError } from '../errors.js';
import type { CommandContext } from './commands/context.js';
import { credentialProcessCommand } from './commands/credential-process.js';
import { doctorCommand } from './commands/doctor.js';
import { envCommand } from './commands/env.js';
import { mfaCommand } from './commands/mfa.js';
import { refreshCommand } from './commands/refresh.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { EXIT } from './exit-codes.js';
import { runInstall } from './service/install.js';
import { defaultServiceIo } from './service/service-io.js';
import { runUninstall } from './service/uninstall.js';
import { USAGE } from './usage.js';

type ClientCommand = (argv: string[], ctx: CommandContext) => Promise<number>;

const CLIENT_COMMANDS: Record<string, ClientCommand> = {
  status: statusCommand,
  refresh: refreshCommand,
  env: envCommand,
  'credential-process': credentialProcessCommand,
  mfa: mfaCommand,
  doctor: doctorCommand,
};

function fail(error: unknown): never {
  if (isImdsdError(error)) {
    const code = error.code === 'IMDSD_ERR_CONFIG'
      ? EXIT.CONFIG
      : error.code === 'IMDSD_ERR_PORT_IN_USE' || error.code === 'IMDSD_ERR_CONTROL_IN_USE' ? EXIT.PORT_IN_USE : EXIT.FAILURE;
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

function clientContext(): CommandContext {
  return {
    env: process.env,
    home: homedir(),
    now: () => Date.now(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interrupted: new Promise((resolve) => process.once('SIGINT', () => resolve())),
  };
}

async function main(argv: string[]): Promise<void> {
  // The SDK's own Node-version notice is a multi-line stderr warning; run logs it once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [command, ...rest] = argv;
  const client = command === undefined ? undefined : CLIENT_COMMANDS[command];
  if (client !== undefined) {
    process.exitCode = await client(rest, clientContext());
    return;
  }
  switch (command) {
    case 'install':
      process.exitCode = await runInstall(rest, defaultServiceIo());
      return;
    case 'uninstall':
      process.exitCode = await runUninstall(rest, defaultServiceIo());
      return;
    case 'run':
      return runCommand(rest, version());
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
