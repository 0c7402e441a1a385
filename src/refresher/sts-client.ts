/**
 * The STS client as imdsd uses it for every call (AssumeRole, GetSessionToken): no SDK
 * retries (imdsd retries on its own schedule), a hard deadline that also covers
 * resolving the source credentials, STS's Date header kept for clock-skew checks, and
 * the answer's credential checked and mapped once into the domain's shape.
 */
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { ImdsdError } from '../errors.js';

/** What STS issued, before imdsd stamps it with its own receive time. */
export interface IssuedCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAtMs: number;
  /** STS time of the answer (its Date header) in ms, when it sent one. */
  readonly stsDateMs?: number | undefined;
}

export interface StsClientOptions {
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
  /**
   * An explicit STS endpoint (a profile's endpoint_url). Without it the SDK's own rules
   * apply: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, AWS_PROFILE's settings, regional.
   */
  readonly endpoint?: string | undefined;
  /** Each call fails after this long, whatever the network does. */
  readonly deadlineMs: number;
}

/** Makes one call (`call` sends one command) within the deadline; resolves with its credential. */
export type SendForCredential = (
  action: string,
  call: (client: STSClient, abortSignal: AbortSignal) => Promise<unknown>,
) => Promise<IssuedCredential>;

/** The guard on STS's answer: all four parts present, an expiry that parses. */
function toIssued(output: unknown, stsDateMs: number | undefined, action: string): IssuedCredential {
  const creds = (output as { Credentials?: Record<string, unknown> } | undefined)?.Credentials;
  const expiration = creds?.Expiration;
  const expiresAtMs = expiration instanceof Date ? expiration.getTime() : Number.NaN;
  if (
    creds === undefined ||
    typeof creds.AccessKeyId !== 'string' || creds.AccessKeyId === '' ||
    typeof creds.SecretAccessKey !== 'string' || creds.SecretAccessKey === '' ||
    typeof creds.SessionToken !== 'string' || creds.SessionToken === '' ||
    !Number.isFinite(expiresAtMs)
  ) {
    throw new ImdsdError('IMDSD_ERR_STS_MALFORMED', `STS answered ${action} without a complete credential`);
  }
  return {
    accessKeyId: creds.AccessKeyId,
    secretAccessKey: creds.SecretAccessKey,
    sessionToken: creds.SessionToken,
    expiresAtMs,
    stsDateMs,
  };
}

/**
 * Rejects with the signal's reason when it fires. The SDK honours `abortSignal` only in
 * its HTTP handler, not while it resolves the source credentials (SSO, credential_process),
 * which can hang as well.
 */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function parseHttpDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** One STS client as imdsd makes them: no SDK retries, the deadline on each connection. */
export function newStsClient(options: StsClientOptions): STSClient {
  return new STSClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: options.deadlineMs, requestTimeout: options.deadlineMs },
  });
}

/** Runs `call` with a signal that fires after `deadlineMs`, and rejects then whatever `call` does. */
export function withinDeadline<T>(deadlineMs: number, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(deadlineMs);
  return Promise.race([call(signal), whenAborted(signal)]);
}

/** Builds one STS client (created once per role) and the way to call it. */
export function createStsSender(options: StsClientOptions): SendForCredential {
  const client = newStsClient(options);
  let stsDateMs: number | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { headers?: Record<string, unknown> } | undefined;
      stsDateMs = parseHttpDate(response?.headers?.date);
      return result;
    },
    { step: 'deserialize', name: 'imdsdStsDate', priority: 'low' },
  );
  return async (action, call) => {
    stsDateMs = undefined;
    const output = await withinDeadline(options.deadlineMs, (signal) => call(client, signal));
    return toIssued(output, stsDateMs, action);
  };
}
