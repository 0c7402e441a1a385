/**
 * Flags of `imdsd install` and `imdsd uninstall`. Every `imdsd run` flag passes through to
 * the service's command line, and is checked by the same code as `imdsd run`, so a service
 * is never installed with flags that would make it exit 78 on every start.
 */
import { resolve } from 'node:path';
import { ImdsdError } from '../../errors.js';
import type { DaemonConfig } from '../../config/config.js';
import { configFromFlags, parseRunArgs } from '../../config/run-args.js';
import { RUN_OPTIONS } from '../../config/run-options.js';
import { parseCommand } from '../parse-command.js';
import type { Platform, Scope } from './locations.js';

/** Run flags naming a file: the service starts elsewhere, so they are made absolute. */
export const PATH_FLAGS: ReadonlySet<string> = new Set(['config', 'control-socket', 'external-id-file']);
const SOURCE_FLAGS = ['profile', 'role-arn', 'config'];

export type Mode = 'install' | 'print' | 'dry-run';

export interface InstallArgs {
  readonly mode: Mode;
  readonly system: boolean;
  readonly user: string | undefined;
  /** Given with --platform; otherwise the caller detects it. */
  readonly platform: Platform | undefined;
  /** The arguments after `run` in the service's command line. */
  readonly runArgs: string[];
  readonly config: DaemonConfig;
  /** `--link-local` (issue 14): the units that serve 169.254.169.254 (link-local-install.ts). */
  readonly linkLocal: boolean;
  /** `--force` (issue 18): install as root even where node or the CLI is not root's alone (install-safety.ts). */
  readonly force: boolean;
}

export interface UninstallArgs {
  readonly dryRun: boolean;
  readonly system: boolean;
  readonly platform: Platform | undefined;
  readonly linkLocal: boolean;
}

function configError(message: string, hint: string): ImdsdError {
  return new ImdsdError('IMDSD_ERR_CONFIG', message, { hint });
}

function platformOf(command: string, value: string | undefined): Platform | undefined {
  if (value === undefined || value === 'linux' || value === 'macos') return value;
  throw configError(`imdsd ${command}: --platform must be linux or macos, not "${value}"`, 'use --platform linux or --platform macos');
}

/**
 * The run flags in RUN_OPTIONS order, as the service will pass them to `imdsd run`: a
 * repeatable flag once per value, a boolean bare, a file path made absolute.
 */
export function runArgsOf(values: Readonly<Record<string, unknown>>, cwd: string, options: object = RUN_OPTIONS): string[] {
  const args: string[] = [];
  for (const name of Object.keys(options)) {
    const value = values[name];
    if (name === 'help' || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === true) args.push(`--${name}`);
      else if (item !== false) args.push(`--${name}`, PATH_FLAGS.has(name) ? resolve(cwd, String(item)) : String(item));
    }
  }
  return args;
}

export async function parseInstallArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<InstallArgs> {
  const { values } = parseCommand('install', argv);
  const platform = platformOf('install', values.platform);
  if (values.print === true && values['dry-run'] === true) {
    throw configError('imdsd install: --print and --dry-run cannot be combined', 'use --print for the definition alone, --dry-run for the whole plan');
  }
  if (values.user !== undefined && values.system !== true && values['link-local'] !== true) {
    throw configError('imdsd install: --user only goes with --system or --link-local', 'add --system for a system service, or drop --user');
  }
  const given: Record<string, unknown> = values;
  const runArgs = runArgsOf(given, cwd);
  const config = await configFromFlags(parseRunArgs(runArgs), env);
  const profile = config.roles[0]?.profile;
  // Without a source flag `imdsd run` falls back to AWS_PROFILE, else "default": the service
  // gets the profile chosen now, whatever its own environment says later.
  if (!SOURCE_FLAGS.some((flag) => given[flag] !== undefined) && profile !== undefined) runArgs.unshift('--profile', profile);
  return {
    mode: values.print === true ? 'print' : values['dry-run'] === true ? 'dry-run' : 'install',
    system: values.system === true,
    user: values.user,
    platform,
    runArgs,
    config,
    linkLocal: values['link-local'] === true,
    force: values.force === true,
  };
}

/** A user name systemd accepts in User= that needs no quoting: no spaces, no `%`. */
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Scope and account, once the platform is known. A system service runs as --user, else
 * as the account that ran sudo: never as root by accident.
 */
export function scopeOf(args: InstallArgs, platform: Platform, env: NodeJS.ProcessEnv): { scope: Scope; user: string | undefined } {
  if (!args.system) return { scope: 'user', user: undefined };
  if (platform === 'macos') {
    throw configError('imdsd install: --system is for Linux build hosts; on macOS imdsd is a per-user LaunchAgent', 'drop --system');
  }
  const user = args.user ?? (env.SUDO_USER === 'root' ? undefined : env.SUDO_USER);
  if (user === undefined || user === '') {
    throw configError('imdsd install: --system needs the account the service runs as', 'add --user NAME (the account whose ~/.aws holds the profile)');
  }
  if (!USER_NAME.test(user)) {
    throw configError(`imdsd install: --user "${user}" is not a user name systemd accepts`, 'give a plain account name such as ci or builder');
  }
  return { scope: 'system', user };
}

export function parseUninstallArgs(argv: string[]): UninstallArgs {
  const { values } = parseCommand('uninstall', argv);
  return {
    dryRun: values['dry-run'] === true, system: values.system === true,
    platform: platformOf('uninstall', values.platform), linkLocal: values['link-local'] === true,
  };
}
