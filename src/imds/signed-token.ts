/**
 * IMDSv2 tokens that outlive the process that issued them. Under socket activation a
 * restart refuses no connection, but a client whose token PUT the old daemon answered
 * sends its GET to the new one (the SDKs fetch a token per credential fetch, and a 401
 * fails that fetch). With a secret that survives restarts (a 0600 file beside the control
 * socket), a token carries its issue time and expiry under an HMAC, and the next daemon
 * accepts tokens issued before it started.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** `<random>.<issued>.<expires>.<mac>`, times in base 36 epoch ms: url- and header-safe. */
export function signToken(secret: string, random: string, claims: TokenClaims): string {
  const body = `${random}.${claims.issuedAtMs.toString(36)}.${claims.expiresAtMs.toString(36)}`;
  return `${body}.${mac(secret, body)}`;
}

/** The claims of a token signed with `secret`, or undefined for anything else. */
export function verifyToken(secret: string, token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 4) return undefined;
  const [random = '', issued = '', expires = '', given = ''] = parts;
  const expected = Buffer.from(mac(secret, `${random}.${issued}.${expires}`));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  const issuedAtMs = parseInt(issued, 36);
  const expiresAtMs = parseInt(expires, 36);
  return Number.isSafeInteger(issuedAtMs) && Number.isSafeInteger(expiresAtMs) ? { issuedAtMs, expiresAtMs } : undefined;
}
