/**
 * `imdsd uninstall`: stops the service, takes it out of login (or boot) and deletes the
 * definition `imdsd install` wrote. Running it twice is fine: the second time there is
 * nothing installed, it says so and exits 0.
 */
import { EXIT } from '../../contract/exit-codes.js';
import { definitionPath, hostPlatform, socketPath } from './locations.js';
import { printError } from './report.js';
import { describeCommands, failureMessage, runCommands } from './runner.js';
import { parseUninstallArgs } from './service-args.js';
import { forgetCommands, stopCommands } from './service-commands.js';
import { ROOT_IMDSD, uninstallLinkLocal } from './link-local-install.js';
import type { ServiceIo } from './service-io.js';

/** Exit code: 0 removed or nothing to remove, 78 bad flags (thrown, or --system on macOS), 1 anything else, with one line why. */
export async function runUninstall(argv: string[], io: ServiceIo): Promise<number> {
  const args = parseUninstallArgs(argv);
  const platform = args.platform ?? hostPlatform(io.platform);
  if (platform === undefined) {
    printError(io, `imdsd uninstall supports macOS (launchd) and Linux (systemd), not ${io.platform}`, 'remove the service by hand');
    return EXIT.FAILURE;
  }
  if (args.linkLocal) return uninstallLinkLocal(args.dryRun, platform, io);
  if (args.system && platform === 'macos') {
    printError(io, 'imdsd uninstall: --system is for Linux; on macOS imdsd is a per-user LaunchAgent', 'drop --system');
    return EXIT.CONFIG;
  }
  const scope = args.system ? 'system' : 'user';
  const path = definitionPath(platform, scope, io.env, io.homedir);
  const socket = platform === 'linux' && (await io.exists(socketPath(path))) ? socketPath(path) : undefined;
  if (!(await io.exists(path)) && socket === undefined) {
    io.stdout(`imdsd: not installed (there is no ${path}); nothing to do\n`);
    return EXIT.OK;
  }
  const paths = socket === undefined ? [path] : [path, socket];
  const stop = stopCommands(platform, scope, io.uid, socket !== undefined);
  const forget = forgetCommands(platform, scope);
  if (args.dryRun) {
    io.stdout(`${describeCommands(stop)}${paths.map((file) => `would remove ${file}\n`).join('')}${describeCommands(forget)}`);
    return EXIT.OK;
  }
  if (scope === 'system' && io.uid !== 0) {
    printError(io, `imdsd uninstall --system removes ${path} and must run as root`, `sudo imdsd uninstall --system, with ${ROOT_IMDSD}`);
    return EXIT.FAILURE;
  }
  const stopped = await runCommands(io, stop);
  if (stopped !== undefined) {
    printError(io, `${failureMessage(stopped)}; ${paths.join(' and ')} ${paths.length === 1 ? 'was' : 'were'} left in place`, `stop the service by hand, then remove ${paths.join(' ')}`);
    return EXIT.FAILURE;
  }
  for (const file of paths) await io.removeFile(file);
  const removed = paths.join(' and ');
  const forgotten = await runCommands(io, forget);
  if (forgotten !== undefined) {
    printError(io, `${failureMessage(forgotten)}; ${removed} ${paths.length === 1 ? 'was' : 'were'} removed`, 'run it again by hand');
    return EXIT.FAILURE;
  }
  io.stdout(`imdsd: uninstalled: the service is stopped and ${removed} ${paths.length === 1 ? 'is' : 'are'} removed\n`);
  return EXIT.OK;
}
