/**
 * `PUT /latest/api/token`: the start of every IMDSv2 session. The status codes matter
 * more than usual here: JS v3 and Go read a 403, 404 or 405 as "no IMDSv2 here" and stop
 * asking for tokens, so a well-formed request is never answered with one of them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type Answer, BAD_REQUEST, FORBIDDEN, TEXT } from './answers.js';
import { isForwarded } from './security-checks.js';
import type { TokenStore } from './tokens.js';

/** The longest session real IMDS grants: six hours. */
export const MAX_TOKEN_TTL_SEC = 21_600;

/** Digits only: `-1`, `1e9`, `+5`, ` 5` and `5.0` are all refused as real IMDS does. */
const DIGITS = /^[0-9]{1,6}$/;

/** The requested TTL in seconds, or undefined when the header is missing or invalid. */
export function parseTokenTtl(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const ttlSec = Number(value);
  return ttlSec >= 1 && ttlSec <= MAX_TOKEN_TTL_SEC ? ttlSec : undefined;
}

/**
 * Issues a token: the whole body is the token, no newline, and the granted TTL comes
 * back in `X-aws-ec2-metadata-token-ttl-seconds` (the Go SDK uses no token without it).
 */
export function answerTokenRequest(headers: IncomingHttpHeaders, tokens: TokenStore): Answer {
  if (isForwarded(headers)) return FORBIDDEN;
  const ttlSec = parseTokenTtl(headers['x-aws-ec2-metadata-token-ttl-seconds']);
  if (ttlSec === undefined) return BAD_REQUEST;
  return { status: 200, body: tokens.issue(ttlSec), contentType: TEXT, tokenTtlSec: ttlSec };
}
