/**
 * The systemd unit for a spec: the user unit, or the system unit with `User=`. Every
 * ExecStart= argument and Environment= assignment is quoted, so a value with spaces,
 * quotes, `%` or `$` reaches the daemon exactly as given.
 */
import { systemdArg, systemdEnv } from './escape.js';
import type { ServiceSpec } from './service-spec.js';
import { fillTemplate } from './template.js';

/** Fills `systemd/imdsd.service.template` or, for `--system`, `imdsd-system.service.template`. */
export function renderUnit(template: string, spec: ServiceSpec): string {
  const values: Record<string, string> = {
    EXEC_START: spec.program.map(systemdArg).join(' '),
    ENVIRONMENT: spec.env.map(([name, value]) => `Environment=${systemdEnv(name, value)}`).join('\n'),
  };
  if (spec.user !== undefined) values.USER = spec.user;
  return fillTemplate(template, values);
}
