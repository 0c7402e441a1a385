/**
 * The systemd unit for a spec: the user unit, or the system unit with `User=`. Every
 * ExecStart= argument and Environment= assignment is quoted, so a value with spaces,
 * quotes, `%` or `$` reaches the daemon exactly as given.
 */
import { systemdArg, systemdEnv } from './escape.js';
import { SYSTEMD_SOCKET } from './locations.js';
import type { ServiceSpec } from './service-spec.js';
import { fillTemplate } from './template.js';

/** With a socket unit, the service takes its ports from it and never starts without it. */
const SOCKET_DEPENDENCY = `# The IMDS ports are held by imdsd.socket and passed to the daemon (LISTEN_FDS).
Requires=${SYSTEMD_SOCKET}
After=${SYSTEMD_SOCKET}`;

/** Fills `systemd/imdsd.service.template` or, for `--system`, `imdsd-system.service.template`. */
export function renderUnit(template: string, spec: ServiceSpec, withSocket: boolean): string {
  const values: Record<string, string> = {
    SOCKET_DEPENDENCY: withSocket ? SOCKET_DEPENDENCY : '',
    EXEC_START: spec.program.map(systemdArg).join(' '),
    ENVIRONMENT: spec.env.map(([name, value]) => `Environment=${systemdEnv(name, value)}`).join('\n'),
  };
  if (spec.user !== undefined) values.USER = spec.user;
  return fillTemplate(template, values);
}
