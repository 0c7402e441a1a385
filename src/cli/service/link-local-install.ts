/**
 * `imdsd install --link-local` and `imdsd uninstall --link-local` (issue 14): serve the EC2
 * metadata address itself, so clients need no variable at all. Run with sudo: on Linux
 * three system units (link-local-linux.ts) run the daemon as the invoking user; on macOS
 * a LaunchDaemon adds the lo0 alias and a pf redirect to the user's agent
 * (link-local-macos.ts). `--print` shows every file, `--dry-run` every file and command.
 */
import { EXIT } from '../../contract/exit-codes.js';
import { LINK_LOCAL_URL } from '../../contract/link-local.js';
import { findNft } from './link-local-firewall.js';
import { LINUX_UNIT_PATHS, linuxLinkLocalPlan, linuxStopCommands, type LinkLocalPlan } from './link-local-linux.js';
import { MACOS_PATHS, macosLinkLocalPlan, macosStopCommands } from './link-local-macos.js';
import type { Platform } from './locations.js';
import type { PackagePaths } from './package-paths.js';
import { printError } from './report.js';
import { describeCommands, failureMessage, runCommands } from './runner.js';
import { refuseProblem, withProblemComment } from './sandbox-paths.js';
import { scopeOf, type InstallArgs } from './service-args.js';
import type { Command } from './service-commands.js';
import type { ServiceIo } from './service-io.js';

/**
 * `sudo imdsd`, not `sudo "$(command -v imdsd)"`: sudo finds root's imdsd on its own
 * secure PATH, never one the user can change (issue 18; docs/link-local.md, "Who installs what").
 */
export const ROOT_IMDSD = 'an imdsd only root can change: sudo npm install -g imdsd';
const SUDO: Record<Platform, string> = {
  linux: `sudo imdsd install --link-local --profile NAME, with ${ROOT_IMDSD}`,
  macos: `sudo imdsd install --link-local, with ${ROOT_IMDSD}`,
};

async function planFor(args: InstallArgs, platform: Platform, io: ServiceIo, paths: PackagePaths): Promise<LinkLocalPlan> {
  if (platform === 'macos') return macosLinkLocalPlan(args.config);
  // The units run the daemon as --user, else as the account that ran sudo: never as root.
  // Shown without sudo (--print, --dry-run), they name the account that asked.
  const asked = io.uid !== 0 && io.env.SUDO_USER === undefined ? { ...io.env, SUDO_USER: io.env.USER } : io.env;
  const { user } = scopeOf({ ...args, system: true }, platform, asked);
  return linuxLinkLocalPlan(args, String(user), io, paths);
}

/** Every file; --print heads each like head(1) does (`==> PATH <==`), so it splits cleanly. */
export function filesText(plan: LinkLocalPlan, dryRun: boolean): string {
  return plan.files.map((file) => {
    const mode = file.mode.toString(8).padStart(4, '0');
    return `${dryRun ? `would write ${file.path} (mode ${mode}):` : `==> ${file.path} <==`}\n${file.content}`;
  }).join('\n');
}

/** What to do next, once the units (or the LaunchDaemon) are loaded. */
function doneText(platform: Platform): string {
  if (platform === 'macos') {
    return `imdsd: ${LINK_LOCAL_URL} now redirects to imdsd on loopback (restored at every boot by ${MACOS_PATHS[0]}).\n`
      + 'Run imdsd as yourself in this mode, without sudo: imdsd install --link-local --profile NAME\n'
      + 'No variable is needed: unset AWS_EC2_METADATA_SERVICE_ENDPOINT. Check with: imdsd doctor\n';
  }
  return `imdsd: installed ${LINUX_UNIT_PATHS.join(', ')}; imdsd answers at ${LINK_LOCAL_URL}\n`
    + 'No variable is needed: unset AWS_EC2_METADATA_SERVICE_ENDPOINT. Check with: imdsd doctor\n'
    + '(logs: journalctl -u imdsd-link-local; status: IMDSD_CONTROL_SOCKET=/run/imdsd-link-local/control.sock imdsd status)\n';
}

async function apply(io: ServiceIo, plan: LinkLocalPlan, platform: Platform, paths: PackagePaths): Promise<number> {
  if (platform === 'linux' && !(await io.exists(paths.cli))) {
    printError(io, `the built CLI ${paths.cli} is missing, so the service could not start`, 'run `npm run build` in the imdsd package');
    return EXIT.FAILURE;
  }
  try {
    for (const file of plan.files) await io.writeFile(file.path, file.content, file.mode);
  } catch (error) {
    printError(io, `could not write the link-local files: ${(error as Error).message}`, 'run it with sudo');
    return EXIT.FAILURE;
  }
  const failure = await runCommands(io, plan.install);
  if (failure !== undefined) {
    printError(io, `${failureMessage(failure)}; ${plan.files.map((file) => file.path).join(', ')} were written and left in place`,
      platform === 'linux' ? 'check systemctl status imdsd-link-local.socket imdsd-link-local; journalctl -u imdsd-link-local' : 'check /var/log/imdsd-link-local.log');
    return EXIT.FAILURE;
  }
  io.stdout(doneText(platform));
  return EXIT.OK;
}

/** Exit code: 0 installed (or shown), 78 bad flags, 1 anything else, with one line why. */
export async function installLinkLocal(args: InstallArgs, platform: Platform, io: ServiceIo, paths: PackagePaths): Promise<number> {
  const plan = await planFor(args, platform, io, paths);
  if (args.mode === 'print') {
    io.stdout(withProblemComment(plan.problem, filesText(plan, false)));
    return EXIT.OK;
  }
  refuseProblem(plan.problem);
  for (const warning of plan.warnings) io.stderr(`imdsd: note: ${warning}\n`);
  if (args.mode === 'dry-run') {
    io.stdout(`${filesText(plan, true)}${describeCommands(plan.install)}`);
    return EXIT.OK;
  }
  if (io.uid !== 0) {
    printError(io, `imdsd install --link-local writes ${plan.files.map((file) => file.path).join(', ')} and must run as root`, SUDO[platform]);
    return EXIT.FAILURE;
  }
  return apply(io, plan, platform, paths);
}

/** Linux removes the units and the address; macOS the LaunchDaemon, the anchor and the aliases. */
export async function uninstallLinkLocal(dryRun: boolean, platform: Platform, io: ServiceIo): Promise<number> {
  const files = platform === 'linux' ? LINUX_UNIT_PATHS : MACOS_PATHS;
  const stop: Command[] = platform === 'linux' ? linuxStopCommands(await findNft(io)) : macosStopCommands();
  const forget: Command[] = platform === 'linux' ? [{ cmd: 'systemctl', args: ['daemon-reload'] }] : [];
  if (dryRun) {
    io.stdout(`${describeCommands(stop)}${files.map((file) => `would remove ${file}\n`).join('')}${describeCommands(forget)}`);
    return EXIT.OK;
  }
  if (io.uid !== 0) {
    printError(io, `imdsd uninstall --link-local removes ${files.join(', ')} and must run as root`, `sudo imdsd uninstall --link-local, with ${ROOT_IMDSD}`);
    return EXIT.FAILURE;
  }
  // Every stop step may fail (already stopped, already gone): uninstalling twice is fine.
  await runCommands(io, stop);
  for (const file of files) await io.removeFile(file);
  const failure = await runCommands(io, forget);
  if (failure !== undefined) {
    printError(io, failureMessage(failure), 'run it again, or remove the files by hand');
    return EXIT.FAILURE;
  }
  io.stdout(`imdsd: uninstalled link-local mode: ${files.join(', ')} removed, ${LINK_LOCAL_URL} no longer answers here\n`);
  return EXIT.OK;
}
