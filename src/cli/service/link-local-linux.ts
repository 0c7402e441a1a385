/**
 * `sudo imdsd install --link-local` on Linux (issue 14): three system units.
 *
 * - imdsd-link-local-address.service loads the nftables table that lets only the allowed
 *   uids connect (link-local-firewall.ts, issue 18), puts 169.254.169.254/32 and
 *   fd00:ec2::254/128 on `lo`, and takes both away when it stops;
 * - imdsd-link-local.socket listens on port 80 of both, as root (systemd binds it);
 * - imdsd-link-local.service runs `imdsd run --link-local --port 80` as the invoking user,
 *   with exactly the hardening of the `--system` unit (it is derived from that unit), and
 *   receives the sockets: the daemon never runs as root and never binds port 80 itself.
 *
 * Root loads all three, so their texts are the ones built into imdsd (root-units.ts), and
 * the service names node and the CLI by absolute path: never what is on someone's PATH.
 */
import { join } from 'node:path';
import { LINK_LOCAL_CONTROL_SOCKET, LINK_LOCAL_IPV4, LINK_LOCAL_IPV6, LINK_LOCAL_PORT } from '../../contract/link-local.js';
import { ImdsdError } from '../../errors.js';
import { buildDefinition } from './definition.js';
import { DEFINITION_MODE } from './locations.js';
import { allowedOwners, findNft, firewallLines, NO_NFT_NOTE, nftDeleteCommand } from './link-local-firewall.js';
import type { PackagePaths } from './package-paths.js';
import { LINK_LOCAL_ADDRESS_TEMPLATE, LINK_LOCAL_SOCKET_TEMPLATE } from './root-units.js';
import type { InstallArgs } from './service-args.js';
import type { Command } from './service-commands.js';
import type { SandboxProblem } from './sandbox-paths.js';
import type { ServiceIo } from './service-io.js';
import { fillTemplate } from './template.js';

export const LINK_LOCAL_UNITS = {
  address: 'imdsd-link-local-address.service',
  socket: 'imdsd-link-local.socket',
  service: 'imdsd-link-local.service',
} as const;
const UNIT_DIR = '/etc/systemd/system';

export interface PlannedFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export interface LinkLocalPlan {
  readonly files: readonly PlannedFile[];
  readonly install: readonly Command[];
  readonly warnings: readonly string[];
  /** What would keep the service from starting (sandbox-paths.ts); none on macOS. */
  readonly problem?: SandboxProblem | undefined;
}

const HEADER = `# imdsd in link-local mode, written by \`sudo imdsd install --link-local\` to
# ${UNIT_DIR}/${LINK_LOCAL_UNITS.service}. It is the --system unit with its own runtime
# directory, started with the listening sockets of ${LINK_LOCAL_UNITS.socket}
# (${LINK_LOCAL_IPV4}:${LINK_LOCAL_PORT} and [${LINK_LOCAL_IPV6}]:${LINK_LOCAL_PORT}), which systemd binds as root: the daemon
# runs as User= and never binds port ${LINK_LOCAL_PORT} itself. Clients need no variable at all.
# Logs: \`journalctl -u imdsd-link-local\`. Status: \`IMDSD_CONTROL_SOCKET=${LINK_LOCAL_CONTROL_SOCKET} imdsd status\`.
`;

/** One edit of the system unit; it must apply, or the template changed under us. */
function edit(unit: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(unit)) throw new Error(`the system unit template no longer matches ${String(pattern)}`);
  return unit.replace(pattern, replacement);
}

/** The link-local service from the rendered `--system` unit, so both keep one hardening. */
export function linkLocalService(systemUnit: string): string {
  let unit = edit(systemUnit, /%t\/imdsd\b/g, '%t/imdsd-link-local');
  unit = edit(unit, /\/run\/imdsd\b/g, '/run/imdsd-link-local');
  unit = edit(unit, /^RuntimeDirectory=imdsd$/m, 'RuntimeDirectory=imdsd-link-local');
  unit = edit(unit, /^(\[Unit\]\nDescription=.*\n)/m, `$1Requires=${LINK_LOCAL_UNITS.socket}\nAfter=${LINK_LOCAL_UNITS.socket}\n`);
  return edit(unit, /^[\s\S]*?(?=^\[Unit\]$)/m, `${HEADER}\n`);
}

/** The run flags with the socket's port: the daemon matches passed sockets to roles by port. */
export function withLinkLocalPort(runArgs: readonly string[]): string[] {
  const at = runArgs.indexOf('--port');
  if (at < 0) return [...runArgs, '--port', String(LINK_LOCAL_PORT)];
  if (runArgs[at + 1] === String(LINK_LOCAL_PORT)) return [...runArgs];
  throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd install --link-local: --port ${String(runArgs[at + 1])} cannot be used on Linux, where the socket unit listens on port ${LINK_LOCAL_PORT}`,
    { hint: 'drop --port' });
}

function systemctl(...args: string[]): Command {
  return { cmd: 'systemctl', args };
}

const ALL_UNITS = [LINK_LOCAL_UNITS.address, LINK_LOCAL_UNITS.socket, LINK_LOCAL_UNITS.service];

/**
 * Reload, enable all three for the next boot, then start afresh in dependency order: a
 * socket unit refuses to restart while its service runs, so the service stops first.
 */
export function linuxInstallCommands(): Command[] {
  return [
    systemctl('daemon-reload'),
    systemctl('enable', ...ALL_UNITS),
    { ...systemctl('stop', LINK_LOCAL_UNITS.service, LINK_LOCAL_UNITS.socket), mayFail: 'nothing to stop on a first install' },
    systemctl('restart', LINK_LOCAL_UNITS.address),
    systemctl('start', LINK_LOCAL_UNITS.socket, LINK_LOCAL_UNITS.service),
  ];
}

/**
 * Stopping the address unit removes the addresses and the table; `ip addr del` and `nft
 * delete table` make sure of it (nft where it is installed).
 */
export function linuxStopCommands(nft?: string): Command[] {
  const gone = 'already removed when the address unit stopped';
  return [
    { ...systemctl('disable', '--now', LINK_LOCAL_UNITS.service, LINK_LOCAL_UNITS.socket, LINK_LOCAL_UNITS.address), mayFail: 'units that are already gone' },
    { cmd: 'ip', args: ['-4', 'addr', 'del', `${LINK_LOCAL_IPV4}/32`, 'dev', 'lo'], mayFail: gone },
    { cmd: 'ip', args: ['-6', 'addr', 'del', `${LINK_LOCAL_IPV6}/128`, 'dev', 'lo'], mayFail: gone },
    ...(nft === undefined ? [] : [nftDeleteCommand(nft)]),
  ];
}

export const LINUX_UNIT_PATHS: readonly string[] = ALL_UNITS.map((unit) => join(UNIT_DIR, unit));

/** The address unit: the kernel rule for `user` and the --allow-uid uids of every role, then the addresses. */
export function addressUnit(nft: string | undefined, user: string, allowUids: readonly number[]): string {
  return fillTemplate(LINK_LOCAL_ADDRESS_TEMPLATE, firewallLines(nft, allowedOwners(user, allowUids)));
}

/** The three files and the commands that load them. */
export async function linuxLinkLocalPlan(args: InstallArgs, user: string, io: ServiceIo, paths: PackagePaths): Promise<LinkLocalPlan> {
  const definition = await buildDefinition(
    // No roles: the link-local socket unit below is this service's socket, not imdsd.socket.
    { platform: 'linux', scope: 'system', user, runArgs: withLinkLocalPort(args.runArgs), roles: [] }, io, paths);
  const nft = await findNft(io);
  const allowUids = args.config.roles.flatMap((role) => role.allowUids ?? []);
  const files = [
    { path: join(UNIT_DIR, LINK_LOCAL_UNITS.address), content: addressUnit(nft, user, allowUids), mode: DEFINITION_MODE },
    { path: join(UNIT_DIR, LINK_LOCAL_UNITS.socket), content: fillTemplate(LINK_LOCAL_SOCKET_TEMPLATE, {}), mode: DEFINITION_MODE },
    { path: join(UNIT_DIR, LINK_LOCAL_UNITS.service), content: linkLocalService(definition.content), mode: DEFINITION_MODE },
  ];
  const warnings = nft === undefined ? [...definition.warnings, NO_NFT_NOTE] : definition.warnings;
  return { files, install: linuxInstallCommands(), warnings, problem: definition.problem };
}
