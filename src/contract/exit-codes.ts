import type { ErrorCode } from '../errors.js';

/**
 * The one table of exit codes, for the daemon and every command: scripts and service
 * managers act on them, so a code is never renamed or reused for another meaning.
 */
export const EXIT = {
  OK: 0,
  /** Anything else: a problem the command reports, or one the daemon reported. */
  FAILURE: 1,
  /** A client command found no daemon behind the control socket (as `systemctl status` does). */
  NOT_RUNNING: 3,
  /** EX_UNAVAILABLE: the port (or the control socket) is taken. */
  PORT_IN_USE: 69,
  /** EX_CONFIG: the configuration (flags, file, profile) is wrong; nothing was done. */
  CONFIG: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_CODE: Partial<Record<ErrorCode, ExitCode>> = {
  IMDSD_ERR_CONFIG: EXIT.CONFIG,
  IMDSD_ERR_SOCKET_ACTIVATION: EXIT.CONFIG,
  // An install as root that would run code another user can change (issue 18), or a path
  // the unit's sandbox hides: refused before anything is written, as a bad flag is.
  IMDSD_ERR_UNSAFE_INSTALL: EXIT.CONFIG,
  IMDSD_ERR_UNREACHABLE_PATH: EXIT.CONFIG,
  IMDSD_ERR_PORT_IN_USE: EXIT.PORT_IN_USE,
  IMDSD_ERR_CONTROL_IN_USE: EXIT.PORT_IN_USE,
  IMDSD_ERR_DAEMON_NOT_RUNNING: EXIT.NOT_RUNNING,
};

/** The exit code of a coded error, whichever command or the daemon stops on it. */
export function exitCodeOf(code: ErrorCode): ExitCode {
  return BY_CODE[code] ?? EXIT.FAILURE;
}
