/**
 * IMDSv2 tokens that outlive the process that issued them. Under socket activation a
 * restart refuses no connection, but a client whose token PUT the old daemon answered
 * sends its GET to the new one (the SDKs fetch a token per credential fetch, and a 401
 * fails that fetch). With a secret that survives restarts (a 0600 file beside the control
 * socket), a token carries its issue time and expiry under an HMAC, and the next daemon
 * accepts tokens issued before it started. One base64url blob, like a real IMDS token:
 * 32 random bytes, issue time and expiry (epoch ms, 64-bit big-endian), HMAC-SHA256.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

const RANDOM_BYTES = 32;
const BODY_BYTES = RANDOM_BYTES + 16;
const MAC_BYTES = 32;

function mac(secret: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function signToken(secret: string, random: Buffer, claims: TokenClaims): string {
  const body = Buffer.alloc(BODY_BYTES);
  random.copy(body, 0, 0, RANDOM_BYTES);
  body.writeBigUInt64BE(BigInt(claims.issuedAtMs), RANDOM_BYTES);
  body.writeBigUInt64BE(BigInt(claims.expiresAtMs), RANDOM_BYTES + 8);
  return Buffer.concat([body, mac(secret, body)]).toString('base64url');
}

/** The claims of a token signed with `secret`, or undefined for anything else. */
export function verifyToken(secret: string, token: string): TokenClaims | undefined {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== BODY_BYTES + MAC_BYTES || bytes.toString('base64url') !== token) return undefined;
  const body = bytes.subarray(0, BODY_BYTES);
  if (!timingSafeEqual(bytes.subarray(BODY_BYTES), mac(secret, body))) return undefined;
  const issuedAtMs = Number(body.readBigUInt64BE(RANDOM_BYTES));
  const expiresAtMs = Number(body.readBigUInt64BE(RANDOM_BYTES + 8));
  return Number.isSafeInteger(issuedAtMs) && Number.isSafeInteger(expiresAtMs) ? { issuedAtMs, expiresAtMs } : undefined;
}
