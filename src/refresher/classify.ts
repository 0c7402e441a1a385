/**
 * Turns whatever an STS call or a source-credential provider threw into one coded
 * ImdsdError with a remediation hint, and says how soon to try again. The codes are
 * the ones STS documents (see docs/imds-protocol.md, "STS").
 */
import { ImdsdError, type ErrorCode } from '../errors.js';
import { stsErrorCode, stsErrorName } from '../system/sts-error-code.js';
import { TIME_SYNC_HINT } from '../system/time-sync.js';

export type RetryClass = 'fast' | 'slow';

export interface ClassifiedError {
  readonly error: ImdsdError;
  readonly retry: RetryClass;
}

/** What the hint may mention about where the source credentials come from. */
export interface FailureContext {
  readonly roleArn: string;
  /** e.g. "source profile dev-sso" or "the default credential chain". */
  readonly sourceLabel: string;
  /** The profile to name in `aws sso login --profile …`, when there is one. */
  readonly sourceProfile?: string | undefined;
  readonly region: string;
}

const THROTTLING = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException',
  'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException', 'TransactionInProgressException', 'EC2ThrottledException',
]);
const TRANSIENT = new Set([
  'RequestTimeout', 'RequestTimeoutException', 'PriorRequestNotComplete', 'InternalFailure',
  'InternalError', 'ServiceUnavailable', 'IDPCommunicationError',
]);
const NETWORK = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN',
  'ECONNABORTED', 'EADDRNOTAVAIL', 'UND_ERR_SOCKET',
]);
const TIMEOUT = new Set(['TimeoutError', 'AbortError', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'RequestTimeoutError']);

/**
 * imdsd's own errors that only a person can clear: `imdsd mfa` and a new SSO login
 * (the cache watch) bring a retry at once.
 */
const WAITS_FOR_PERSON = new Set<string>([
  'IMDSD_ERR_MFA_REQUIRED', 'IMDSD_ERR_MFA_FAILED', 'IMDSD_ERR_SSO_LOGIN_REQUIRED', 'IMDSD_ERR_SSO_NO_ACCESS',
  'IMDSD_ERR_SSO_NOT_FOUND', 'IMDSD_ERR_PROCESS_FAILED', 'IMDSD_ERR_PROCESS_TIMEOUT', 'IMDSD_ERR_PROCESS_OUTPUT',
  'IMDSD_ERR_PROCESS_NO_EXPIRATION', 'IMDSD_ERR_PROCESS_EXPIRED', 'IMDSD_ERR_ENDPOINT', 'IMDSD_ERR_REGION',
]);

/** The STS error code of an SDK exception; throttling codes keep their SDK spelling for the message. */
function stsCode(err: unknown): string | undefined {
  const raw = stsErrorName(err);
  return raw !== undefined && THROTTLING.has(raw) ? raw : stsErrorCode(err);
}

function httpStatus(err: Record<string, unknown>): number | undefined {
  const meta = err.$metadata;
  if (typeof meta === 'object' && meta !== null && 'httpStatusCode' in meta) {
    const status = (meta as { httpStatusCode?: unknown }).httpStatusCode;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

function make(code: ErrorCode, retry: RetryClass, message: string, hint: string | undefined, cause: unknown): ClassifiedError {
  return { error: new ImdsdError(code, message, { hint, cause }), retry };
}

function sourceFailure(message: string, ctx: FailureContext, cause: unknown): ClassifiedError {
  const sso = /sso/i.test(message);
  const login = ctx.sourceProfile === undefined ? 'aws sso login' : `aws sso login --profile ${ctx.sourceProfile}`;
  if (sso && /expired|invalid|refresh/i.test(message)) {
    return make('IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', 'slow', `${ctx.sourceLabel}: the SSO session has expired`,
      `run \`${login}\``, cause);
  }
  if (/expired/i.test(message)) {
    return make('IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', 'slow', `${ctx.sourceLabel} has expired credentials`,
      `renew the credentials of ${ctx.sourceLabel}`, cause);
  }
  // Only the default chain's own last error means every source was tried; it sets
  // tryNextLink: false, as do config errors inside one source, so match its wording.
  const tryNext = /from any providers/i.test(message) ? ' (none of the default chain\'s sources had credentials)' : '';
  return make('IMDSD_ERR_SOURCE_CREDENTIALS_MISSING', 'slow', `${ctx.sourceLabel}: ${firstLine(message)}${tryNext}`,
    `configure ${ctx.sourceLabel} (\`aws configure\`, \`aws sso login\`) or pass --profile`, cause);
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).slice(0, 300);
}

/** Failures before STS answered: source credentials, network, DNS, deadline. */
function beforeAnswer(err: Record<string, unknown>, message: string, ctx: FailureContext, thrown: unknown): ClassifiedError | undefined {
  const name = typeof err.name === 'string' ? err.name : '';
  const sysCode = typeof err.code === 'string' ? err.code : '';
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return sourceFailure(message, ctx, thrown);
  }
  if (NETWORK.has(sysCode) || NETWORK.has(name)) {
    return make('IMDSD_ERR_STS_UNAVAILABLE', 'fast', `STS could not be reached (${sysCode || name})`,
      'check the network connection; imdsd retries on its own', thrown);
  }
  if (sysCode === 'ENOTFOUND') {
    // Also what an offline laptop gets right after wake, so retried soon, not slowly.
    return make('IMDSD_ERR_REGION', 'fast', `the STS endpoint for region ${ctx.region} could not be resolved`,
      'check --region (or the profile\'s region), or the network if offline; imdsd retries on its own', thrown);
  }
  if (TIMEOUT.has(name) || TIMEOUT.has(sysCode)) {
    return make('IMDSD_ERR_STS_TIMEOUT', 'fast', 'STS did not answer before the deadline',
      'check the network connection; imdsd retries on its own', thrown);
  }
  return undefined;
}

/** Errors STS names that need a person (docs/imds-protocol.md, "STS"). */
function needsPerson(code: string, message: string, stsSaid: string, ctx: FailureContext, thrown: unknown): ClassifiedError | undefined {
  switch (code) {
    case 'AccessDenied':
      return make('IMDSD_ERR_ACCESS_DENIED', 'slow', `STS denied AssumeRole on ${ctx.roleArn}${stsSaid}`,
        `check that the role exists and that its trust policy allows ${ctx.sourceLabel}`, thrown);
    case 'ExpiredToken':
      return make('IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', 'slow', `${ctx.sourceLabel} has expired credentials`,
        ctx.sourceProfile === undefined
          ? 'renew the source credentials (for SSO: `aws sso login`)'
          : `renew them, e.g. \`aws sso login --profile ${ctx.sourceProfile}\``, thrown);
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
    case 'MissingAuthenticationToken':
    case 'UnrecognizedClientException':
      return make('IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', 'slow', `STS rejected the keys of ${ctx.sourceLabel} (${code})`,
        'the access key is wrong, deleted or revoked: update the source credentials', thrown);
    case 'RequestExpired':
    case 'InvalidSignatureException':
      return make('IMDSD_ERR_CLOCK_SKEW', 'slow', `STS says the request time is wrong (${code}): the local clock is off`,
        TIME_SYNC_HINT, thrown);
    case 'RegionDisabled':
      return make('IMDSD_ERR_REGION', 'slow', `STS is not activated in region ${ctx.region}${stsSaid}`,
        'activate the region in IAM account settings, or choose another with --region', thrown);
    default:
      return invalidRequest(code, message, stsSaid, thrown);
  }
}

/** STS refused the request's parameters; role chaining's one-hour cap is retried at once with 3600. */
function invalidRequest(code: string, message: string, stsSaid: string, thrown: unknown): ClassifiedError | undefined {
  switch (code) {
    case 'ValidationError':
      if (/role chaining/i.test(message)) {
        return make('IMDSD_ERR_ROLE_CHAINING_LIMIT', 'fast', `role chaining limits the session to one hour${stsSaid}`,
          'imdsd asks for 3600 seconds instead; set --duration 3600 to silence this', thrown);
      }
      return make('IMDSD_ERR_STS_VALIDATION', 'slow', `STS rejected the AssumeRole parameters${stsSaid}`,
        'check --duration against the role\'s MaxSessionDuration, and the session name and external id', thrown);
    case 'MalformedPolicyDocument':
    case 'PackedPolicyTooLarge':
      return make('IMDSD_ERR_STS_VALIDATION', 'slow', `STS rejected the session policy (${code})${stsSaid}`,
        'fix the session policy or tags', thrown);
    default:
      return undefined;
  }
}

/** Classifies one failure of an AssumeRole attempt. */
export function classifyStsFailure(thrown: unknown, ctx: FailureContext): ClassifiedError {
  if (thrown instanceof ImdsdError) return { error: thrown, retry: WAITS_FOR_PERSON.has(thrown.code) ? 'slow' : 'fast' };
  const err: Record<string, unknown> = typeof thrown === 'object' && thrown !== null ? (thrown as Record<string, unknown>) : {};
  const message = typeof err.message === 'string' ? err.message : String(thrown);
  const early = beforeAnswer(err, message, ctx, thrown);
  if (early !== undefined) return early;

  const code = stsCode(err) ?? '';
  const status = httpStatus(err);
  const stsSaid = message ? `: ${firstLine(message)}` : '';
  if (THROTTLING.has(code)) {
    return make('IMDSD_ERR_STS_THROTTLED', 'fast', `STS is throttling (${code})`, 'imdsd backs off and retries', thrown);
  }
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500)) {
    return make('IMDSD_ERR_STS_UNAVAILABLE', 'fast', `STS failed (${code || status})${stsSaid}`,
      'imdsd retries on its own', thrown);
  }
  const person = needsPerson(code, message, stsSaid, ctx, thrown);
  if (person !== undefined) return person;
  if (err.$metadata !== undefined || /deseriali[sz]|xml|parse/i.test(message)) {
    return make(code ? 'IMDSD_ERR_STS_UNKNOWN' : 'IMDSD_ERR_STS_MALFORMED', 'fast',
      code ? `STS failed with ${code}${stsSaid}` : `STS answered with something that is not an AssumeRole response${stsSaid}`,
      'imdsd retries on its own', thrown);
  }
  return make('IMDSD_ERR_STS_UNKNOWN', 'fast', `AssumeRole failed${stsSaid}`, 'imdsd retries on its own', thrown);
}
