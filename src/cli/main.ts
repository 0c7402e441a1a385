#!/usr/bin/env node
/**
 * The `imdsd` command. The only entry that touches the process: argv, env, exit codes.
 * Each command is built elsewhere and returns its exit code (`run` keeps the process).
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { isImdsdError } from '../errors.js';
import type { CommandContext } from './commands/context.js';
import { EXIT, exitCodeOf } from '../contract/exit-codes.js';
import { USAGE } from './usage.js';

type ClientCommand = (argv: string[], ctx: CommandContext) => Promise<number>;

/**
 * Each command is loaded only when it runs: the daemon need not load undici or the
 * doctor, and `imdsd env` in a shell profile need not load the AWS SDK (start-up time).
 */
const CLIENT_COMMANDS: Record<string, () => Promise<ClientCommand>> = {
  status: async () => (await import('./commands/status.js')).statusCommand,
  refresh: async () => (await import('./commands/refresh.js')).refreshCommand,
  env: async () => (await import('./commands/env.js')).envCommand,
  'credential-process': async () => (await import('./commands/credential-process.js')).credentialProcessCommand,
  mfa: async () => (await import('./commands/mfa.js')).mfaCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
};

function fail(error: unknown): never {
  if (isImdsdError(error)) {
    const code = exitCodeOf(error.code);
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

/**
 * Node 22.1+ can keep the compiled code of every module on disk and reuse it at the next
 * start (`imdsd run` under socket activation makes its first client wait for start-up).
 * Off where the running Node lacks it or NODE_DISABLE_COMPILE_CACHE is set.
 */
function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
  try {
    enable?.();
  } catch {
    // A cache directory that cannot be written only costs the speed-up.
  }
}

async function main(argv: string[]): Promise<void> {
  enableCompileCache();
  // The SDK's own Node-version notice is a multi-line stderr warning; run logs it once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [command, ...rest] = argv;
  const client = command === undefined ? undefined : CLIENT_COMMANDS[command];
  if (client !== undefined) {
    const { COMMAND_HELP, renderCommandHelp, wantsHelp } = await import('./commands/command-help.js');
    const help = COMMAND_HELP[command ?? ''];
    if (help !== undefined && wantsHelp(rest)) {
      process.stdout.write(renderCommandHelp(command ?? '', help));
      return;
    }
    process.exitCode = await (await client())(rest, clientContext());
    return;
  }
  switch (command) {
    case 'install': {
      const [{ runInstall }, { defaultServiceIo }] = await Promise.all([import('./service/install.js'), import('./service/service-io.js')]);
      process.exitCode = await runInstall(rest, defaultServiceIo());
      return;
    }
    case 'uninstall': {
      const [{ runUninstall }, { defaultServiceIo }] = await Promise.all([import('./service/uninstall.js'), import('./service/service-io.js')]);
      process.exitCode = await runUninstall(rest, defaultServiceIo());
      return;
    }
    case 'run':
      return (await import('../daemon/run.js')).runCommand(rest, version());
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
