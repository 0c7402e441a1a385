/**
 * `imdsd install`: writes a launchd or systemd definition that runs `imdsd run` with the
 * given flags, loads it, and says which line to add to the shell profile. Returns the exit
 * code instead of exiting, so the CLI owns the process and tests drive it with a fake io.
 */
import { ImdsdError } from '../../errors.js';
import { EXIT } from '../../contract/exit-codes.js';
import { launcherFor } from './bin-link.js';
import { buildDefinition, type Definition } from './definition.js';
import { LAUNCHD_LABEL, hostPlatform, type Platform } from './locations.js';
import { PACKAGE, type PackagePaths } from './package-paths.js';
import { endpointAdvice, printError } from './report.js';
import { describeCommands, failureMessage, runCommands } from './runner.js';
import { parseInstallArgs, scopeOf, type InstallArgs } from './service-args.js';
import { installCommands } from './service-commands.js';
import { checkRootInstall } from './install-safety.js';
import { installLinkLocal, ROOT_IMDSD } from './link-local-install.js';
import { refuseProblem, withProblemComment } from './sandbox-paths.js';
import type { ServiceIo } from './service-io.js';

/** Where the service's own messages go, to point at when it does not come up. */
function statusHint(platform: Platform, system: boolean, uid: number): string {
  if (platform === 'macos') return `launchctl print gui/${uid}/${LAUNCHD_LABEL}; logs in ~/Library/Logs/imdsd/`;
  return system ? 'systemctl status imdsd; journalctl -u imdsd' : 'systemctl --user status imdsd; journalctl --user -u imdsd';
}

/** The platform to render for, or undefined (already reported) where there is none. */
function platformFor(args: InstallArgs, io: ServiceIo): Platform | undefined {
  const host = hostPlatform(io.platform);
  if (args.platform === undefined) {
    if (host === undefined) {
      printError(io, `imdsd install supports macOS (launchd) and Linux (systemd), not ${io.platform}`,
        'render a definition with --print --platform linux|macos and install it by hand');
    }
    return host;
  }
  if (args.mode === 'install' && args.platform !== host) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd install: --platform ${args.platform} is not this machine (${io.platform})`,
      { hint: 'use --platform with --print or --dry-run, or drop it' });
  }
  return args.platform;
}

/** Runs one write; false (reported) when it failed. */
async function write(io: ServiceIo, path: string, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    printError(io, `could not write ${path}: ${(error as Error).message}`, 'check the permissions of its directory');
    return false;
  }
}

/**
 * Before anything is written, as root: root runs this node and this CLI, and so do the
 * units (issue 18). Throws IMDSD_ERR_UNSAFE_INSTALL (exit 78); with --force, a note.
 */
async function refuseUnsafeRoot(args: InstallArgs, io: ServiceIo, paths: PackagePaths): Promise<void> {
  if (args.mode !== 'install' || io.uid !== 0) return;
  const forced = await checkRootInstall(io, process.execPath, (await launcherFor(io, paths)).path, args.force);
  if (forced !== undefined) io.stderr(`imdsd: note: ${forced}\n`);
}

/** `--print`: the definition and its socket unit, below the line of what would keep it from starting. */
function printDefinition(io: ServiceIo, definition: Definition): number {
  const socket = definition.socket;
  io.stdout(withProblemComment(definition.problem,
    socket === undefined ? definition.content : `${definition.content}\n# ==> ${socket.path} <==\n${socket.content}`));
  return EXIT.OK;
}

/**
 * Exit code: 0 installed (or printed), 1 anything else, with one line why. A bad flag, an
 * unsafe install as root or a path the unit cannot reach is thrown (exit 78, nothing written).
 */
export async function runInstall(argv: string[], io: ServiceIo, paths: PackagePaths = PACKAGE): Promise<number> {
  const args = await parseInstallArgs(argv, io.env, io.cwd);
  const platform = platformFor(args, io);
  if (platform === undefined) return EXIT.FAILURE;
  await refuseUnsafeRoot(args, io, paths);
  // On macOS the daemon stays the user's agent: without sudo, --link-local installs it.
  if (args.linkLocal && !(platform === 'macos' && args.mode === 'install' && io.uid !== 0)) return installLinkLocal(args, platform, io, paths);
  const { scope, user } = scopeOf(args, platform, io.env);
  const definition = await buildDefinition({ platform, scope, user, runArgs: args.runArgs, roles: args.config.roles }, io, paths);
  const socket = definition.socket;
  if (args.mode === 'print') return printDefinition(io, definition);
  refuseProblem(definition.problem);
  for (const warning of definition.warnings) io.stderr(`imdsd: note: ${warning}\n`);
  const commands = installCommands(platform, scope, io.uid, definition.path, socket !== undefined);
  const files = socket === undefined ? [definition] : [definition, socket];
  if (args.mode === 'dry-run') {
    const dirs = definition.dirs.map((dir) => `would create directory ${dir}\n`).join('');
    const mode = definition.mode.toString(8).padStart(4, '0');
    const writes = files.map((file) => `would write ${file.path} (mode ${mode}):\n${file.content}`).join('');
    io.stdout(`${dirs}${writes}${describeCommands(commands)}`);
    return EXIT.OK;
  }
  if (scope === 'system' && io.uid !== 0) {
    printError(io, `imdsd install --system writes ${definition.path} and must run as root`,
      `sudo imdsd install --system …, with ${ROOT_IMDSD}`);
    return EXIT.FAILURE;
  }
  if (scope === 'user' && io.uid === 0 && io.env.SUDO_USER !== undefined) {
    printError(io, `imdsd install under sudo would install the service for root, not for ${io.env.SUDO_USER}`,
      'run it without sudo, or add --system for a system service');
    return EXIT.FAILURE;
  }
  if (!(await io.exists(paths.cli))) {
    printError(io, `the built CLI ${paths.cli} is missing, so the service could not start`, 'run `npm run build` in the imdsd package');
    return EXIT.FAILURE;
  }
  for (const dir of definition.dirs) {
    if (!(await write(io, dir, () => io.mkdir(dir)))) return EXIT.FAILURE;
  }
  for (const file of files) {
    if (!(await write(io, file.path, () => io.writeFile(file.path, file.content, definition.mode)))) return EXIT.FAILURE;
  }
  const failure = await runCommands(io, commands);
  if (failure !== undefined) {
    printError(io, `${failureMessage(failure)}; ${definition.path} was written and left in place`,
      `check ${statusHint(platform, scope === 'system', io.uid)}, then run imdsd install again`);
    return EXIT.FAILURE;
  }
  io.stdout(`imdsd: installed ${files.map((file) => file.path).join(' and ')} and started the service (${statusHint(platform, scope === 'system', io.uid)})\n`);
  io.stdout(endpointAdvice(args.config));
  return EXIT.OK;
}
