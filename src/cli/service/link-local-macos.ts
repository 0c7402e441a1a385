/**
 * `sudo imdsd install --link-local` on macOS (issue 14): a LaunchDaemon that, at every
 * boot, aliases the EC2 metadata addresses on lo0 and loads a pf anchor redirecting their
 * port 80 to the port where the user's imdsd LaunchAgent listens on loopback. The daemon
 * stays the user's agent (`imdsd install --link-local` without sudo); nothing runs as
 * root but these few commands. CI renders and checks the files as text only: there is no
 * pfctl or launchd on Linux (docs/link-local.md, "macOS (launchd and pf)").
 */
import { LINK_LOCAL_IPV4, LINK_LOCAL_IPV6 } from '../../contract/link-local.js';
import { DEFAULTS, type DaemonConfig } from '../../config/config.js';
import { ImdsdError } from '../../errors.js';
import { xmlEscape } from './escape.js';
import type { LinkLocalPlan } from './link-local-linux.js';
import { DEFINITION_MODE } from './locations.js';
import { LAUNCHD_LINK_LOCAL_PLIST_TEMPLATE, PF_ANCHOR_TEMPLATE } from './root-units.js';
import type { Command } from './service-commands.js';
import { fillTemplate } from './template.js';

export const MACOS_LABEL = 'dev.imdsd.link-local';
export const MACOS_PLIST = `/Library/LaunchDaemons/${MACOS_LABEL}.plist`;
export const PF_ANCHOR_FILE = '/etc/pf.anchors/dev.imdsd';
/** Under com.apple/, which the stock /etc/pf.conf evaluates (`rdr-anchor "com.apple/*"`). */
export const PF_ANCHOR = 'com.apple/dev.imdsd';

/** What the LaunchDaemon runs at boot, as root: each step logged on failure, none fatal to the others. */
export function bootScript(): string {
  return [
    `/sbin/ifconfig lo0 alias ${LINK_LOCAL_IPV4} netmask 255.255.255.255`,
    `/sbin/ifconfig lo0 inet6 alias ${LINK_LOCAL_IPV6} prefixlen 128`,
    `/sbin/pfctl -a ${PF_ANCHOR} -f ${PF_ANCHOR_FILE}`,
    // -E takes a reference on pf, so it stays enabled whoever else turns it off.
    '/sbin/pfctl -E',
  ].join('; ');
}

/** The agent's port, where pf sends port 80: the first role's, which must be fixed. */
export function redirectPort(config: DaemonConfig): number {
  const port = config.roles[0]?.port ?? DEFAULTS.port;
  if (port === 0) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', 'imdsd install --link-local: --port 0 picks a new port at every start, so pf cannot redirect to it',
      { hint: 'give the --port your imdsd LaunchAgent uses (default 1338)' });
  }
  return port;
}

export function macosInstallCommands(): Command[] {
  return [
    { cmd: 'launchctl', args: ['bootout', `system/${MACOS_LABEL}`], mayFail: 'nothing to unload when it was not loaded' },
    // RunAtLoad: bootstrapping runs the boot script now, so no restart is needed.
    { cmd: 'launchctl', args: ['bootstrap', 'system', MACOS_PLIST] },
  ];
}

/** Undoes the boot script now; the files are removed after these. */
export function macosStopCommands(): Command[] {
  const gone = 'already gone';
  return [
    { cmd: 'launchctl', args: ['bootout', `system/${MACOS_LABEL}`], mayFail: 'nothing to unload when it was not loaded' },
    { cmd: '/sbin/pfctl', args: ['-a', PF_ANCHOR, '-F', 'all'], mayFail: gone },
    { cmd: '/sbin/ifconfig', args: ['lo0', '-alias', LINK_LOCAL_IPV4], mayFail: gone },
    { cmd: '/sbin/ifconfig', args: ['lo0', 'inet6', LINK_LOCAL_IPV6, '-alias'], mayFail: gone },
  ];
}

export const MACOS_PATHS: readonly string[] = [MACOS_PLIST, PF_ANCHOR_FILE];

/** The LaunchDaemon and the pf anchor, and the commands that load them. */
export function macosLinkLocalPlan(config: DaemonConfig): LinkLocalPlan {
  const port = redirectPort(config);
  // Root loads both: their texts are built into imdsd (root-units.ts), never read from a file.
  const plist = fillTemplate(LAUNCHD_LINK_LOCAL_PLIST_TEMPLATE, { LABEL: xmlEscape(MACOS_LABEL), SCRIPT: xmlEscape(bootScript()) });
  const anchor = fillTemplate(PF_ANCHOR_TEMPLATE, { PORT: String(port) });
  return {
    files: [{ path: MACOS_PLIST, content: plist, mode: DEFINITION_MODE }, { path: PF_ANCHOR_FILE, content: anchor, mode: DEFINITION_MODE }],
    install: macosInstallCommands(),
    warnings: [],
  };
}
