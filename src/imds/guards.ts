/**
 * The IMDS routes' request guards, as fastify hooks, in the order they run. The two
 * onRequest hooks run for every request of the IMDS routes and of the not-found handler,
 * before any route handler can issue a token or read a credential, so a refused request
 * never reaches one (fail closed: a peer lookup that fails is a 500, never a pass).
 */
import type { onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import { FORBIDDEN, PEER_UNKNOWN, UNAUTHORIZED } from './answers.js';
import type { PeerGate, PeerVerdict } from './peer-gate.js';
import type { SendAnswer } from './reply.js';
import { isRefused, type RequestPolicy } from './security-checks.js';
import type { TokenStore } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The remaining TTL in seconds of the IMDSv2 token that authorised a read; null for an IMDSv1 read. */
    imdsTokenTtlSec: number | null;
  }
}

/**
 * Another local user must not read the owner's credential: each connection's peer is
 * identified once (peer-gate.ts, issue 18) and a refused peer gets 403 for everything on
 * that connection. Callback style: every request after a connection's first finds its
 * verdict settled and goes on without a promise (issue 15's per-request budget).
 */
export function peerCheck(gate: PeerGate, send: SendAnswer): onRequestHookHandler {
  return (request, reply, done) => {
    const socket = request.raw.socket;
    const judge = (verdict: PeerVerdict): void => {
      if (verdict.admitted) done();
      else send(request, reply, verdict.code === undefined ? FORBIDDEN : PEER_UNKNOWN);
    };
    const settled = gate.settled(socket);
    if (settled !== undefined) return judge(settled);
    const pending = gate.verdict(socket);
    if (pending === undefined) return done();
    pending.then(judge, done);
  };
}

/**
 * DNS rebinding, browsers and proxies (security-checks.ts names each attack): a request
 * with a foreign Host, any browser header, or X-Forwarded-For gets 403 whatever it asks.
 */
export function headerCheck(policy: RequestPolicy, send: SendAnswer): onRequestHookHandler {
  return (request, reply, done) => {
    if (isRefused(request.headers, policy)) send(request, reply, FORBIDDEN);
    else done();
  };
}

/**
 * IMDSv2: a read needs a live token in X-aws-ec2-metadata-token, unless IMDSv1 is
 * allowed and none is sent (an unknown or expired token is refused even then). Runs
 * before the route's handler, so a read without a token learns nothing, not even
 * whether the path exists. A repeated header arrives joined with ", " and never matches.
 */
export function tokenCheck(tokens: TokenStore, allowV1: boolean, send: SendAnswer): preHandlerHookHandler {
  return (request, reply, done) => {
    const token = request.headers['x-aws-ec2-metadata-token'];
    const ttlSec = token === undefined ? (allowV1 ? null : undefined) : tokens.check(String(token));
    if (ttlSec === undefined) {
      send(request, reply, UNAUTHORIZED);
      return;
    }
    request.imdsTokenTtlSec = ttlSec;
    done();
  };
}
