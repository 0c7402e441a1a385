/**
 * The IMDSv2 session tokens one app has issued. A token is valid for its whole TTL and
 * for any number of GETs, as real IMDS tokens are. The store is capped because JS v3 and
 * botocore ask for a new token on every fetch: a busy machine must not grow it without end.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { signToken, verifyToken } from './signed-token.js';

/** How often expired tokens are dropped; lookups reject them on their own in between. */
export const TOKEN_SWEEP_INTERVAL_MS = 60_000;
/** Enough for thousands of clients each holding a few six-hour tokens. */
export const DEFAULT_MAX_TOKENS = 10_000;
/** 256 bits: guessing a live token is out of reach. */
const TOKEN_BYTES = 32;

export interface TokenStoreOptions {
  /** Tokens expire on `clock.now()`; the sweep runs on `clock.setTimer`. */
  readonly clock: Clock;
  /** Live tokens kept at most; issuing one more forgets the oldest. */
  readonly maxTokens?: number;
  /**
   * Signs tokens (see signed-token.ts) so that a store built later on the same secret (the
   * restarted daemon) accepts the ones issued before it was built. Without it, plain random tokens.
   */
  readonly secret?: string | undefined;
}

export interface TokenStore {
  /** A new random token valid for `ttlSec` seconds from now. */
  issue(ttlSec: number): string;
  /** Whole seconds the token has left (at least 1), or undefined if unknown or expired. */
  check(token: string): number | undefined;
  /** Tokens held, expired ones not yet swept included. */
  size(): number;
  /** Drops expired tokens now; returns how many. */
  sweep(): number;
  /** Stops the sweep timer and forgets every token. */
  close(): void;
}

function newToken(secret: string | undefined, issuedAtMs: number, ttlSec: number): { token: string; expiresAtMs: number } {
  const random = randomBytes(TOKEN_BYTES);
  const expiresAtMs = issuedAtMs + ttlSec * 1000;
  return { token: secret === undefined ? random.toString('base64url') : signToken(secret, random, { issuedAtMs, expiresAtMs }), expiresAtMs };
}

/**
 * The expiry of a token an earlier store on the same secret issued. Only earlier ones:
 * a token this store issued and then forgot (the cap) stays forgotten.
 */
function earlierExpiry(secret: string | undefined, createdAtMs: number, token: string): number | undefined {
  const claims = secret === undefined ? undefined : verifyToken(secret, token);
  return claims !== undefined && claims.issuedAtMs < createdAtMs ? claims.expiresAtMs : undefined;
}

export function createTokenStore({ clock, maxTokens = DEFAULT_MAX_TOKENS, secret }: TokenStoreOptions): TokenStore {
  const createdAtMs = clock.now();
  /** Token -> expiry in epoch ms. A Map iterates in insertion order, so the first key is the oldest. */
  const expiries = new Map<string, number>();
  let cancelSweep: (() => void) | undefined;

  function sweep(): number {
    const now = clock.now();
    let dropped = 0;
    for (const [token, expiresAtMs] of expiries) {
      if (expiresAtMs <= now) {
        expiries.delete(token);
        dropped += 1;
      }
    }
    return dropped;
  }

  function scheduleSweep(): void {
    cancelSweep = clock.setTimer(() => {
      sweep();
      scheduleSweep();
    }, TOKEN_SWEEP_INTERVAL_MS);
  }

  scheduleSweep();

  return {
    issue(ttlSec) {
      for (const oldest of expiries.keys()) {
        if (expiries.size < maxTokens) break;
        expiries.delete(oldest);
      }
      const { token, expiresAtMs } = newToken(secret, clock.now(), ttlSec);
      expiries.set(token, expiresAtMs);
      return token;
    },
    check(token) {
      const expiresAtMs = expiries.get(token) ?? earlierExpiry(secret, createdAtMs, token);
      if (expiresAtMs === undefined) return undefined;
      const leftMs = expiresAtMs - clock.now();
      if (leftMs <= 0) {
        expiries.delete(token);
        return undefined;
      }
      return Math.ceil(leftMs / 1000);
    },
    size: () => expiries.size,
    sweep,
    close() {
      cancelSweep?.();
      cancelSweep = undefined;
      expiries.clear();
    },
  };
}
