/**
 * The one registry of imdsd's errors. Every error that reaches a log line, an IMDS
 * error body or an exit code carries one of these stable codes, so scripts and tests
 * match on the code and never on the wording.
 */

export interface ErrorSpec {
  /** HTTP status when the error reaches an IMDS client. */
  readonly status: number;
  /** What went wrong, for people. */
  readonly summary: string;
}

export const ERRORS = {
  IMDSD_ERR_CONFIG: { status: 500, summary: 'the configuration is invalid' },
  IMDSD_ERR_PORT_IN_USE: { status: 500, summary: 'the listening port is already taken' },
  IMDSD_ERR_LISTEN: { status: 500, summary: 'the listener could not be opened' },
  IMDSD_ERR_SOCKET_ACTIVATION: { status: 500, summary: 'the sockets passed by the service manager cannot be used' },
  IMDSD_ERR_NO_CREDENTIAL_YET: { status: 503, summary: 'no credential has been obtained yet' },
  IMDSD_ERR_CREDENTIAL_EXPIRED: { status: 503, summary: 'the last credential expired and refreshing it is failing' },
  IMDSD_ERR_STS_THROTTLED: { status: 503, summary: 'STS is throttling requests' },
  IMDSD_ERR_STS_UNAVAILABLE: { status: 503, summary: 'STS could not be reached or failed' },
  IMDSD_ERR_STS_TIMEOUT: { status: 503, summary: 'STS did not answer in time' },
  IMDSD_ERR_STS_MALFORMED: { status: 502, summary: 'STS answered with a response that could not be used' },
  IMDSD_ERR_ACCESS_DENIED: { status: 503, summary: 'STS refused to let the source identity assume the role' },
  IMDSD_ERR_SOURCE_CREDENTIALS_MISSING: { status: 503, summary: 'no source credentials were found' },
  IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED: { status: 503, summary: 'the source credentials have expired' },
  IMDSD_ERR_SOURCE_CREDENTIALS_INVALID: { status: 503, summary: 'STS does not recognise the source credentials' },
  IMDSD_ERR_CLOCK_SKEW: { status: 503, summary: 'the local clock is too far from STS time' },
  IMDSD_ERR_ROLE_CHAINING_LIMIT: { status: 503, summary: 'role chaining limits sessions to one hour' },
  IMDSD_ERR_STS_VALIDATION: { status: 503, summary: 'STS rejected the AssumeRole parameters' },
  IMDSD_ERR_REGION: { status: 503, summary: 'the STS region is disabled or unknown' },
  IMDSD_ERR_STS_UNKNOWN: { status: 503, summary: 'STS failed with an unrecognised error' },
  IMDSD_ERR_MFA_REQUIRED: { status: 503, summary: 'an MFA code is needed to start a session' },
  IMDSD_ERR_MFA_FAILED: { status: 503, summary: 'STS refused the MFA code' },
  IMDSD_ERR_SSO_LOGIN_REQUIRED: { status: 503, summary: 'the SSO login is missing or has ended: `aws sso login` is needed' },
  IMDSD_ERR_SSO_NO_ACCESS: { status: 503, summary: 'IAM Identity Center refused the role: the permission set is not (or no longer) assigned' },
  IMDSD_ERR_SSO_NOT_FOUND: { status: 503, summary: 'IAM Identity Center knows no such account or role' },
  IMDSD_ERR_SSO_UNAVAILABLE: { status: 503, summary: 'the IAM Identity Center portal failed or is throttling' },
  IMDSD_ERR_PROCESS_FAILED: { status: 503, summary: 'credential_process could not be run or exited with an error' },
  IMDSD_ERR_PROCESS_TIMEOUT: { status: 503, summary: 'credential_process did not finish in time and was stopped' },
  IMDSD_ERR_PROCESS_OUTPUT: { status: 503, summary: 'credential_process printed something that is not a credential' },
  IMDSD_ERR_PROCESS_NO_EXPIRATION: { status: 503, summary: 'credential_process printed credentials without an Expiration' },
  IMDSD_ERR_PROCESS_EXPIRED: { status: 503, summary: 'credential_process printed credentials that have expired or are about to' },
  IMDSD_ERR_OFFLINE: { status: 503, summary: 'this machine is offline: no AWS endpoint resolves or can be reached' },
  IMDSD_ERR_ENDPOINT: { status: 503, summary: 'a configured endpoint does not resolve or refuses connections' },
  IMDSD_ERR_PEER_UNKNOWN: { status: 403, summary: 'the local user who opened this connection could not be identified with certainty, so it is refused' },
  IMDSD_ERR_CONTAINER_AUTH: { status: 401, summary: 'the Authorization header does not carry the container credentials token' },
  IMDSD_ERR_INTERNAL: { status: 500, summary: 'an unexpected internal error' },
  IMDSD_ERR_SHUTTING_DOWN: { status: 503, summary: 'the daemon is shutting down' },
  IMDSD_ERR_DAEMON_NOT_RUNNING: { status: 503, summary: 'no imdsd daemon is running' },
  IMDSD_ERR_DAEMON_REPLY: { status: 502, summary: 'the daemon answered a command with an error, or with a reply this version cannot read' },
  IMDSD_ERR_CONTROL_IN_USE: { status: 500, summary: 'another imdsd daemon already owns the control socket' },
  IMDSD_ERR_CONTROL_UNSAFE: { status: 500, summary: 'the control socket directory is not private to this user' },
  IMDSD_ERR_UNSAFE_INSTALL: { status: 500, summary: 'an install as root would run node or the CLI from a place another user can change' },
  IMDSD_ERR_UNREACHABLE_PATH: { status: 500, summary: 'the service unit would run or read a path its sandbox hides (PrivateTmp) or its User= cannot read' },
  IMDSD_ERR_UNKNOWN_ROLE: { status: 404, summary: 'no such role is configured' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ImdsdErrorOptions {
  /** A one-line remediation for the user ("run `aws sso login --profile dev`"). */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/** An error with a stable code; `message` never contains a secret. */
export class ImdsdError extends Error {
  override readonly name = 'ImdsdError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message?: string, options: ImdsdErrorOptions = {}) {
    super(message ?? ERRORS[code].summary, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERRORS[code].status;
    this.hint = options.hint;
  }
}

export function isImdsdError(value: unknown): value is ImdsdError {
  return value instanceof ImdsdError;
}
