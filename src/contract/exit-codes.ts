/** Exit codes are a contract: scripts and service managers act on them. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  /** EX_UNAVAILABLE: the port is taken. */
  PORT_IN_USE: 69,
  /** EX_CONFIG: the configuration (flags, file, profile) is wrong. */
  CONFIG: 78,
} as const;
