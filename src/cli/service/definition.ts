/**
 * The service definition `imdsd install` writes: which file, with what content, and
 * which directories must exist first. Rendered from the package's templates (a system
 * unit and every socket unit from the texts built into imdsd, root-units.ts) with
 * absolute paths, because a service manager knows neither the shell's PATH nor its cwd.
 */
import { dirname } from 'node:path';
import type { RoleSpec } from '../../config/config.js';
import { DEFINITION_MODE, definitionPath, launchdLogDir, socketPath, type Platform, type Scope } from './locations.js';
import { launcherFor } from './bin-link.js';
import { PACKAGE, readTemplate, type PackagePaths } from './package-paths.js';
import { SOCKET_TEMPLATE, SYSTEM_UNIT_TEMPLATE } from './root-units.js';
import { renderPlist } from './render-plist.js';
import { listenStreams, renderSocket } from './render-socket.js';
import { renderUnit } from './render-unit.js';
import { sandboxProblem, type SandboxProblem } from './sandbox-paths.js';
import { serviceEnvironment } from './service-env.js';
import type { ServiceIo } from './service-io.js';
import { checkSpec } from './service-spec.js';

export interface Definition {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  /** Created before writing: the file's directory, and launchd's log directory. */
  readonly dirs: readonly string[];
  readonly warnings: readonly string[];
  /** Linux: the socket unit written beside the service, same directory and mode (none with --port 0). */
  readonly socket: { readonly path: string; readonly content: string } | undefined;
  /** A path the unit runs or reads that its sandbox hides or its User= cannot read (sandbox-paths.ts). */
  readonly problem: SandboxProblem | undefined;
}

export interface DefinitionRequest {
  readonly platform: Platform;
  readonly scope: Scope;
  readonly user: string | undefined;
  readonly runArgs: readonly string[];
  /** The roles the service will serve: their ports go into the socket unit. */
  readonly roles: readonly RoleSpec[];
}

/** Home directories are often 0700, so a system service's User= may not reach them. */
function unreachable(path: string): boolean {
  return path.startsWith('/root/') || path.startsWith('/home/');
}

/** `node` is the binary the service runs the CLI with: this one, by absolute path. */
export async function buildDefinition(request: DefinitionRequest, io: ServiceIo, paths: PackagePaths = PACKAGE,
  node: string = process.execPath): Promise<Definition> {
  const { platform, scope, user } = request;
  const home = io.homedir;
  const environment = serviceEnvironment(io.env, io.cwd, scope === 'system' ? undefined : home);
  const launcher = await launcherFor(io, paths);
  const spec = checkSpec({
    platform,
    scope,
    program: [node, launcher.path, 'run', ...request.runArgs],
    env: environment.env,
    home,
    logDir: launchdLogDir(home),
    user,
  });
  const warnings = [...environment.warnings, ...(launcher.warning === undefined ? [] : [launcher.warning])];
  if (scope === 'system') {
    for (const path of [node, launcher.path].filter(unreachable)) {
      warnings.push(`${path} is under a home directory, which User=${String(user)} may not be able to read; install node and imdsd system-wide if the service fails with status 203/EXEC`);
    }
  }
  if (platform === 'linux' && scope === 'user' && request.roles.some((role) => (role.allowUids?.length ?? 0) > 0)) {
    warnings.push('--allow-uid does not work in the user unit: its PrivateUsers=yes shows other users\' connections as nobody, so they are refused; use --system on a shared host');
  }
  const path = definitionPath(platform, scope, io.env, home);
  if (platform === 'macos') {
    const content = renderPlist(await readTemplate(paths.plistTemplate), spec);
    return { path, content, mode: DEFINITION_MODE, dirs: [dirname(path), spec.logDir], warnings, socket: undefined, problem: undefined };
  }
  const streams = listenStreams(request.roles);
  // A system unit is loaded by root: its text is the built-in one, never a file (issue 18).
  const template = scope === 'system' ? SYSTEM_UNIT_TEMPLATE : await readTemplate(paths.userUnitTemplate);
  const content = renderUnit(template, spec, streams !== undefined);
  const socket = streams === undefined ? undefined : { path: socketPath(path), content: renderSocket(SOCKET_TEMPLATE, streams) };
  const problem = await sandboxProblem(io, content, spec.program);
  return { path, content, mode: DEFINITION_MODE, dirs: [dirname(path)], warnings, socket, problem };
}
