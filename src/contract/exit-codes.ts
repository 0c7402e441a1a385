import type { ErrorCode } from '../errors.js';

/** Exit codes are a contract: scripts and service managers act on them. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  /** EX_UNAVAILABLE: the port is taken. */
  PORT_IN_USE: 69,
  /** EX_CONFIG: the configuration (flags, file, profile) is wrong. */
  CONFIG: 78,
} as const;

/** Exit code for an error that stops the daemon: what a service manager's restart policy acts on. */
export function exitCodeOf(code: ErrorCode): number {
  if (code === 'IMDSD_ERR_CONFIG' || code === 'IMDSD_ERR_SOCKET_ACTIVATION') return EXIT.CONFIG;
  if (code === 'IMDSD_ERR_PORT_IN_USE' || code === 'IMDSD_ERR_CONTROL_IN_USE') return EXIT.PORT_IN_USE;
  return EXIT.FAILURE;
}
