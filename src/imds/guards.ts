/**
 * The request guards, in the order they run (app.ts): the peer, then the headers, before
 * any route can issue a token or read a credential, so a refused request never reaches
 * one; the token check before a read's path is even looked at. Each returns the refusal,
 * or undefined to go on.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type Answer, FORBIDDEN, PEER_UNKNOWN } from './answers.js';
import type { PeerVerdict } from './peer-gate.js';
import { isRefused, type RequestPolicy } from './security-checks.js';
import type { TokenStore } from './tokens.js';

/**
 * Another local user must not read the owner's credential: each connection's peer is
 * identified once (peer-gate.ts, issue 18) and a refused peer gets 403 for everything on
 * that connection; one that could not be identified gets the coded 403.
 */
export function peerRefusal(verdict: PeerVerdict | undefined): Answer | undefined {
  if (verdict === undefined || verdict.admitted) return undefined;
  return verdict.code === undefined ? FORBIDDEN : PEER_UNKNOWN;
}

/**
 * DNS rebinding, browsers and proxies (security-checks.ts names each attack): a request
 * with a foreign Host, any browser header, or X-Forwarded-For gets 403 whatever it asks.
 */
export function headerRefusal(headers: IncomingHttpHeaders, policy: RequestPolicy): Answer | undefined {
  return isRefused(headers, policy) ? FORBIDDEN : undefined;
}

/**
 * IMDSv2: a read needs a live token in X-aws-ec2-metadata-token, unless IMDSv1 is
 * allowed and none is sent (an unknown or expired token is refused even then). Returns
 * the token's remaining TTL in seconds, null for an IMDSv1 read, undefined for a refusal.
 * A repeated header arrives joined with ", " and never matches.
 */
export function readTokenTtl(headers: IncomingHttpHeaders, tokens: TokenStore, allowV1: boolean): number | null | undefined {
  const token = headers['x-aws-ec2-metadata-token'];
  if (token === undefined) return allowV1 ? null : undefined;
  return tokens.check(String(token));
}
