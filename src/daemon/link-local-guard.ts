/**
 * Link-local mode's promise (issue 14): the daemon never binds port 80 itself. On Linux
 * systemd's socket unit binds it as root and passes it on; on macOS pf redirects it to the
 * agent's unprivileged loopback port. A link-local role on a privileged port without a
 * passed socket would mean running imdsd as root to bind it: refused, with the way that works.
 */
import type { DaemonConfig } from '../config/config.js';
import { DEFAULTS } from '../config/config.js';
import { ImdsdError } from '../errors.js';

/** Ports below this need privileges to bind. */
const FIRST_UNPRIVILEGED_PORT = 1024;

export function refuseOwnPrivilegedPort(config: DaemonConfig, socketsPassed: boolean): void {
  if (socketsPassed) return;
  const role = config.roles.find((spec) => spec.linkLocal === true && (spec.port ?? DEFAULTS.port) > 0 && (spec.port ?? DEFAULTS.port) < FIRST_UNPRIVILEGED_PORT);
  if (role === undefined) return;
  throw new ImdsdError('IMDSD_ERR_CONFIG', `--link-local on port ${String(role.port)}: imdsd does not bind a privileged port itself, it takes the socket from its socket unit`,
    { hint: 'sudo imdsd install --link-local (Linux: systemd passes 169.254.169.254:80); on macOS keep the default --port, pf redirects port 80 to it' });
}
