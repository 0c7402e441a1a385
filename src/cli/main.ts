#!/usr/bin/env node
/**
 * The `imdsd` command. The only entry that touches the process: argv, env, exit codes.
 * Every command is an entry of the command table (command-table.ts), which answers
 * `--help`; its code is loaded only when it runs and returns its exit code (`run` keeps
 * the process). Whatever a command throws is printed here, once, by report-error.ts.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import type { CommandContext } from './commands/context.js';
import { EXIT } from '../contract/exit-codes.js';
import { isCommandName, type CommandName } from './command-table.js';
import { renderCommandHelp, renderUsage } from './help.js';
import { parseCommand, wantsHelp } from './parse-command.js';
import { errorLine, reportError } from './report-error.js';

/** Returns the exit code, or undefined while the process lives on (`imdsd run`). */
type CommandMain = (argv: string[], ctx: CommandContext) => Promise<number | undefined>;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

function unknownCommand(ctx: CommandContext, command: string): number {
  ctx.err(`${errorLine(`unknown command "${command}"`)}\n${renderUsage()}`);
  return EXIT.FAILURE;
}

/** `imdsd help [COMMAND]`: the list of commands, or one command's help. */
async function helpCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const [command] = parseCommand('help', argv).positionals;
  if (command !== undefined && !isCommandName(command)) return unknownCommand(ctx, command);
  ctx.out(command === undefined ? renderUsage() : renderCommandHelp(command));
  return EXIT.OK;
}

/**
 * Each command is loaded only when it runs: the daemon need not load undici or the
 * doctor, and `imdsd env` in a shell profile need not load the AWS SDK (start-up time).
 */
const MAINS: Record<CommandName, () => Promise<CommandMain>> = {
  run: async () => {
    const { runCommand } = await import('../daemon/run.js');
    return async (argv) => { await runCommand(argv, version()); return undefined; };
  },
  install: async () => {
    const [{ runInstall }, { defaultServiceIo }] = await Promise.all([import('./service/install.js'), import('./service/service-io.js')]);
    return (argv) => runInstall(argv, defaultServiceIo());
  },
  uninstall: async () => {
    const [{ runUninstall }, { defaultServiceIo }] = await Promise.all([import('./service/uninstall.js'), import('./service/service-io.js')]);
    return (argv) => runUninstall(argv, defaultServiceIo());
  },
  status: async () => (await import('./commands/status.js')).statusCommand,
  refresh: async () => (await import('./commands/refresh.js')).refreshCommand,
  env: async () => (await import('./commands/env.js')).envCommand,
  'credential-process': async () => (await import('./commands/credential-process.js')).credentialProcessCommand,
  mfa: async () => (await import('./commands/mfa.js')).mfaCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  version: async () => async (argv, ctx) => {
    parseCommand('version', argv);
    ctx.out(`${version()}\n`);
    return EXIT.OK;
  },
  help: async () => helpCommand,
};

const ALIASES: Readonly<Record<string, CommandName>> = { '--version': 'version', '-v': 'version' };

function processContext(): CommandContext {
  let interrupted: Promise<void> | undefined;
  return {
    env: process.env,
    home: homedir(),
    now: () => Date.now(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    // Listening for SIGINT keeps Ctrl-C from ending the process: only a command that waits for it (--watch) asks.
    get interrupted() {
      interrupted ??= new Promise((resolve) => process.once('SIGINT', () => resolve()));
      return interrupted;
    },
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

async function main(argv: string[], ctx: CommandContext): Promise<number | undefined> {
  enableCompileCache();
  // The SDK's own Node-version notice is a multi-line stderr warning; run logs it once instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [given, ...rest] = argv;
  if (given === undefined || given === '--help' || given === '-h') {
    ctx.out(renderUsage());
    return EXIT.OK;
  }
  const command = ALIASES[given] ?? given;
  if (!isCommandName(command)) return unknownCommand(ctx, given);
  if (wantsHelp(rest)) {
    ctx.out(renderCommandHelp(command));
    return EXIT.OK;
  }
  return (await MAINS[command]())(rest, ctx);
}

const context = processContext();
main(process.argv.slice(2), context).then(
  (code) => { if (code !== undefined) process.exitCode = code; },
  (error: unknown) => process.exit(reportError(context.err, error)),
);
