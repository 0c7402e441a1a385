import t from 'tap';
import { ImdsdError, type ErrorCode } from '../../src/errors.js';
import { classifyStsFailure, type FailureContext, type RetryClass } from '../../src/refresher/classify.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/dev';
const CTX: FailureContext = {
  roleArn: ROLE_ARN,
  sourceLabel: 'source profile dev-sso',
  sourceProfile: 'dev-sso',
  region: 'eu-west-1',
};
const CHAIN_CTX: FailureContext = { roleArn: ROLE_ARN, sourceLabel: 'the default credential chain', region: 'eu-west-1' };

/** An error as @aws-sdk/client-sts throws it for an STS error answer (awsQuery protocol). */
function sdkError(code: string, status: number, message = `${code} from STS`): Error {
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    Type: status >= 500 ? 'Receiver' : 'Sender',
    $fault: status >= 500 ? 'server' : 'client',
    $retryable: undefined,
    $metadata: { httpStatusCode: status, requestId: 'f0e1d2c3-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 },
  });
}

/** A modeled STS exception (e.g. ExpiredTokenException): its class name, no `Code` field. */
function modeledError(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status, requestId: 'r', attempts: 1, totalRetryDelay: 0 },
  });
}

/** A Node socket error (net / undici), as the SDK's HTTP handler passes it on. */
function socketError(code: string, syscall = 'connect'): Error {
  return Object.assign(new Error(`${syscall} ${code} sts.eu-west-1.amazonaws.com`), {
    code,
    errno: -1,
    syscall,
    hostname: 'sts.eu-west-1.amazonaws.com',
  });
}

/** What the SDK threw, with $metadata, when a 200 body was not the XML it expected. */
function deserializationError(): Error {
  return Object.assign(
    new Error('@aws-sdk XML parse error: missing closing tag </body>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'),
    { $metadata: { httpStatusCode: 200, requestId: 'r', attempts: 1, totalRetryDelay: 0 } },
  );
}

function providerError(message: string, tryNextLink = true, name = 'CredentialsProviderError'): Error {
  return Object.assign(new Error(message), { name, tryNextLink });
}

interface Case {
  readonly what: string;
  readonly thrown: unknown;
  readonly code: ErrorCode;
  readonly retry: RetryClass;
  /** The remediation the hint must name. */
  readonly hint: RegExp;
  readonly message?: RegExp;
  readonly ctx?: FailureContext;
}

const SSO_EXPIRED =
  'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.';

const CASES: Case[] = [
  { what: 'Throttling', thrown: sdkError('Throttling', 400, 'Rate exceeded'), code: 'IMDSD_ERR_STS_THROTTLED', retry: 'fast', hint: /backs off and retries/, message: /Throttling/ },
  { what: 'ThrottlingException', thrown: modeledError('ThrottlingException', 400, 'Rate exceeded'), code: 'IMDSD_ERR_STS_THROTTLED', retry: 'fast', hint: /retries/ },
  { what: 'TooManyRequestsException (an Exception-suffixed throttling code)', thrown: sdkError('TooManyRequestsException', 429), code: 'IMDSD_ERR_STS_THROTTLED', retry: 'fast', hint: /retries/ },
  { what: 'RequestLimitExceeded', thrown: sdkError('RequestLimitExceeded', 400), code: 'IMDSD_ERR_STS_THROTTLED', retry: 'fast', hint: /retries/ },
  { what: 'HTTP 500 InternalFailure', thrown: sdkError('InternalFailure', 500), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries on its own/ },
  { what: 'HTTP 502 with an unknown code', thrown: sdkError('BadGateway', 502), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries on its own/, message: /BadGateway/ },
  { what: 'HTTP 503 ServiceUnavailable', thrown: sdkError('ServiceUnavailable', 503), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries on its own/ },
  { what: 'HTTP 504 with no code', thrown: Object.assign(new Error(''), { name: 'Error', $metadata: { httpStatusCode: 504 } }), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries on its own/, message: /504/ },
  { what: 'RequestTimeout', thrown: sdkError('RequestTimeout', 400), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries/ },
  { what: 'PriorRequestNotComplete', thrown: sdkError('PriorRequestNotComplete', 400), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries/ },
  { what: 'IDPCommunicationError', thrown: sdkError('IDPCommunicationError', 400), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /retries/ },
  { what: 'ECONNREFUSED', thrown: socketError('ECONNREFUSED'), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /check the network connection/, message: /ECONNREFUSED/ },
  { what: 'ECONNRESET (the SDK names it TimeoutError)', thrown: Object.assign(socketError('ECONNRESET', 'read'), { name: 'TimeoutError', $metadata: { attempts: 1 } }), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /network/, message: /ECONNRESET/ },
  { what: 'an error named after a socket error, with no code', thrown: Object.assign(new Error('socket closed'), { name: 'EPIPE' }), code: 'IMDSD_ERR_STS_UNAVAILABLE', retry: 'fast', hint: /network/, message: /\(EPIPE\)/ },
  { what: 'an unknown error whose $metadata has no status', thrown: Object.assign(new Error('odd'), { name: 'Oops', $metadata: { httpStatusCode: undefined, attempts: 1 } }), code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries/, message: /STS failed with Oops: odd/ },
  { what: 'TimeoutError (the SDK request timeout)', thrown: Object.assign(new Error('Connection timed out after 10000 ms'), { name: 'TimeoutError' }), code: 'IMDSD_ERR_STS_TIMEOUT', retry: 'fast', hint: /check the network connection/ },
  { what: 'AbortError (the abort signal fired)', thrown: Object.assign(new Error('Request aborted'), { name: 'AbortError' }), code: 'IMDSD_ERR_STS_TIMEOUT', retry: 'fast', hint: /network/ },
  { what: 'AbortSignal.timeout() reason', thrown: new DOMException('The operation was aborted due to timeout', 'TimeoutError'), code: 'IMDSD_ERR_STS_TIMEOUT', retry: 'fast', hint: /network/ },
  { what: 'ETIMEDOUT', thrown: socketError('ETIMEDOUT'), code: 'IMDSD_ERR_STS_TIMEOUT', retry: 'fast', hint: /network/ },
  { what: 'ENOTFOUND', thrown: socketError('ENOTFOUND', 'getaddrinfo'), code: 'IMDSD_ERR_REGION', retry: 'fast', hint: /--region.*offline/, message: /eu-west-1/ },
  { what: 'AccessDenied', thrown: sdkError('AccessDenied', 403, `User: arn:aws:iam::111111111111:user/tester is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`), code: 'IMDSD_ERR_ACCESS_DENIED', retry: 'slow', hint: /trust policy allows source profile dev-sso/, message: /role\/dev/ },
  { what: 'ExpiredToken', thrown: sdkError('ExpiredToken', 400, 'The security token included in the request is expired'), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /aws sso login --profile dev-sso/ },
  { what: 'ExpiredTokenException (modeled)', thrown: modeledError('ExpiredTokenException', 400, 'The security token included in the request is expired'), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /aws sso login --profile dev-sso/ },
  { what: 'ExpiredToken with no source profile', thrown: sdkError('ExpiredToken', 400), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /renew the source credentials \(for SSO: `aws sso login`\)/, ctx: CHAIN_CTX },
  { what: 'InvalidClientTokenId', thrown: sdkError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', retry: 'slow', hint: /update the source credentials/, message: /InvalidClientTokenId/ },
  { what: 'SignatureDoesNotMatch', thrown: sdkError('SignatureDoesNotMatch', 403), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', retry: 'slow', hint: /access key is wrong/ },
  { what: 'RequestExpired', thrown: sdkError('RequestExpired', 400, 'Request has expired.'), code: 'IMDSD_ERR_CLOCK_SKEW', retry: 'slow', hint: /timedatectl set-ntp true/, message: /local clock/ },
  { what: 'RegionDisabledException', thrown: sdkError('RegionDisabledException', 403, 'STS is not activated in this region'), code: 'IMDSD_ERR_REGION', retry: 'slow', hint: /activate the region in IAM account settings, or choose another with --region/, message: /eu-west-1/ },
  { what: 'ValidationError for role chaining', thrown: sdkError('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'), code: 'IMDSD_ERR_ROLE_CHAINING_LIMIT', retry: 'fast', hint: /--duration 3600/ },
  { what: 'ValidationError for MaxSessionDuration', thrown: sdkError('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), code: 'IMDSD_ERR_STS_VALIDATION', retry: 'slow', hint: /MaxSessionDuration/, message: /MaxSessionDuration/ },
  { what: 'MalformedPolicyDocument', thrown: sdkError('MalformedPolicyDocument', 400), code: 'IMDSD_ERR_STS_VALIDATION', retry: 'slow', hint: /fix the session policy/ },
  { what: 'MalformedPolicyDocumentException (modeled)', thrown: modeledError('MalformedPolicyDocumentException', 400, 'bad policy'), code: 'IMDSD_ERR_STS_VALIDATION', retry: 'slow', hint: /session policy/ },
  { what: 'PackedPolicyTooLargeException (modeled)', thrown: modeledError('PackedPolicyTooLargeException', 400, 'too large'), code: 'IMDSD_ERR_STS_VALIDATION', retry: 'slow', hint: /session policy or tags/ },
  { what: 'CredentialsProviderError: SSO session expired', thrown: providerError(SSO_EXPIRED, false), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /run `aws sso login --profile dev-sso`/, message: /SSO session has expired/ },
  { what: 'TokenProviderError: SSO token invalid, no profile known', thrown: providerError('The SSO session token associated with profile=dev was not found or is invalid. To refresh this SSO session run aws sso login with the corresponding profile.', true, 'TokenProviderError'), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /^run `aws sso login`$/, ctx: CHAIN_CTX },
  { what: 'CredentialsProviderError: SSO credentials expired', thrown: providerError('SSO credentials are expired', true), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /aws sso login --profile dev-sso/ },
  { what: 'CredentialsProviderError: other expired credentials', thrown: providerError('credential_process returned expired credentials'), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', retry: 'slow', hint: /renew the credentials of source profile dev-sso/ },
  { what: 'CredentialsProviderError: the default chain found nothing', thrown: providerError('Could not load credentials from any providers', false), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_MISSING', retry: 'slow', hint: /aws configure/, message: /none of the default chain's sources had credentials/, ctx: CHAIN_CTX },
  { what: 'CredentialsProviderError: a named profile has no credentials', thrown: providerError('Could not resolve credentials using profile: [dev-sso] in configuration/credentials file(s).'), code: 'IMDSD_ERR_SOURCE_CREDENTIALS_MISSING', retry: 'slow', hint: /--profile/, message: /^source profile dev-sso: Could not resolve credentials using profile: \[dev-sso\] in configuration\/credentials file\(s\)\.$/ },
  { what: 'a deserialization failure', thrown: deserializationError(), code: 'IMDSD_ERR_STS_MALFORMED', retry: 'fast', hint: /retries/, message: /not an AssumeRole response: @aws-sdk XML parse error/ },
  { what: 'an unparseable body with no $metadata', thrown: new SyntaxError('Unexpected token < in JSON at position 0 (parse)'), code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries/, message: /SyntaxError/ },
  { what: 'a plain error naming parse trouble', thrown: new Error('could not parse the answer'), code: 'IMDSD_ERR_STS_MALFORMED', retry: 'fast', hint: /retries/ },
  { what: 'an unknown STS error code', thrown: sdkError('SomethingNew', 400, 'brand new'), code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries on its own/, message: /SomethingNew: brand new/ },
  { what: 'an unknown thing', thrown: new Error('boom'), code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries/, message: /^AssumeRole failed: boom$/ },
  { what: 'a thrown string', thrown: 'kaput', code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries/, message: /kaput/ },
  { what: 'a thrown undefined', thrown: undefined, code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries/, message: /undefined/ },
  { what: 'a thrown null', thrown: null, code: 'IMDSD_ERR_STS_UNKNOWN', retry: 'fast', hint: /retries/ },
];

for (const c of CASES) {
  t.test(`classifies ${c.what}`, async (t) => {
    const { error, retry } = classifyStsFailure(c.thrown, c.ctx ?? CTX);
    t.ok(error instanceof ImdsdError, 'the result is an ImdsdError');
    t.equal(error.code, c.code, `the code is ${c.code}`);
    t.equal(retry, c.retry, `the retry class is ${c.retry}`);
    t.type(error.hint, 'string', 'there is a hint');
    t.match(error.hint ?? '', c.hint, 'the hint names the remediation');
    if (c.message !== undefined) t.match(error.message, c.message, 'the message says what happened');
    t.equal(error.cause, c.thrown === undefined ? undefined : c.thrown, 'the original error is kept as the cause');
    t.notMatch(error.message, /\n/, 'the message is one line');
  });
}

t.test('an ImdsdError passes through unchanged and is retried fast', async (t) => {
  const own = new ImdsdError('IMDSD_ERR_STS_MALFORMED', 'STS answered AssumeRole without a complete credential');
  const { error, retry } = classifyStsFailure(own, CTX);
  t.equal(error, own, 'the same error object comes back');
  t.equal(retry, 'fast', 'it is retried fast');
});

t.test('an STS message is cut to its first line and 300 characters', async (t) => {
  const long = `${'x'.repeat(500)}\nsecond line`;
  const { error } = classifyStsFailure(sdkError('AccessDenied', 403, long), CTX);
  t.notMatch(error.message, /second line/, 'only the first line is kept');
  t.ok(error.message.length < 400, 'a very long line is cut');
});

t.test('a source-credential failure names the source, not the role', async (t) => {
  const { error } = classifyStsFailure(providerError('Unable to find environment variable credentials.'), {
    ...CHAIN_CTX,
    sourceLabel: 'credential_source Environment',
  });
  t.equal(error.code, 'IMDSD_ERR_SOURCE_CREDENTIALS_MISSING', 'missing environment keys are MISSING');
  t.equal(error.message, 'credential_source Environment: Unable to find environment variable credentials.',
    'the message names the source and does not blame the default chain');
  t.match(error.hint ?? '', /configure credential_source Environment/, 'the hint names the source to configure');
});
