/**
 * The systemd socket unit that holds the IMDS ports across daemon restarts (issue 14):
 * one ListenStream= per address the daemon would bind by itself (127.0.0.1 and [::1] for
 * the loopback default, else the role's --host), for every role's port. The daemon matches
 * the passed sockets to its roles by port (src/daemon/activated-listen.ts).
 */
import { DEFAULTS, type RoleSpec } from '../../config/config.js';
import { fillTemplate } from './template.js';

function address(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The ListenStream= lines, or undefined when a role picks its port at every start
 * (--port 0): no socket can be declared for it, and the service binds as before.
 */
export function listenStreams(roles: readonly RoleSpec[]): string[] | undefined {
  const ports = roles.map((role, i) => role.port ?? (i === 0 ? DEFAULTS.port : 0));
  if (ports.length === 0 || ports.includes(0)) return undefined;
  return roles.flatMap((role, i) => {
    const port = ports[i] ?? DEFAULTS.port;
    const hosts = role.host === undefined ? ['127.0.0.1', '::1'] : [role.host];
    return hosts.map((host) => `ListenStream=${address(host, port)}`);
  });
}

/** Fills `systemd/imdsd.socket.template`. */
export function renderSocket(template: string, streams: readonly string[]): string {
  return fillTemplate(template, { LISTEN_STREAMS: streams.join('\n') });
}
