/**
 * The IMDS routes, declared on fastify. A request reaches them by its canonical path
 * (routeKeyOf, the app's rewriteUrl), and the order of answers is the one real IMDS and
 * its clients need: the guards' 403s (guards.ts), then the token path, then 405 for
 * writes, then the token check, and only then the path's answer or 404. A read without
 * a valid token learns nothing, not even whether the path exists.
 */
import { METHODS } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type Answer,
  CONTAINER_UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  PUT_ONLY,
  READ_ONLY,
  withTokenTtl,
} from './answers.js';
import { tokenCheck } from './guards.js';
import { ROUTE_KEYS } from './normalise-path.js';
import type { PeerGate } from './peer-gate.js';
import type { SendAnswer } from './reply.js';
import type { MetadataAnswer, Route, RouteTable } from './route-table.js';
import { isAuthorized } from './security-checks.js';
import { answerTokenRequest } from './token-request.js';
import type { TokenStore } from './tokens.js';

export interface ImdsRoutesDeps {
  readonly routes: RouteTable;
  readonly tokens: TokenStore;
  /** Serve GETs without a token (IMDSv1). An unknown or expired token is refused even so. */
  readonly allowV1: boolean;
  /** The `Authorization` value the ECS endpoint requires. */
  readonly containerToken?: string | undefined;
  /** Logs each credential hand-out with its peer. */
  readonly gate: PeerGate;
  readonly send: SendAnswer;
}

/** Reads; every other method Node parses gets 405 on a path that exists, 404 elsewhere. */
const READS = ['GET', 'HEAD'];
const WRITES = METHODS.filter((method) => method !== 'GET' && method !== 'HEAD' && method !== 'CONNECT');
const NOT_PUT = [...READS, ...WRITES.filter((method) => method !== 'PUT')];

type Handler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

const fixed = (send: SendAnswer, answer: Answer): Handler => (request, reply) => send(request, reply, answer);

/** A metadata read: a fixed answer, or a computed one (the credential documents). */
function metadataHandler(answer: MetadataAnswer, { gate, send }: ImdsRoutesDeps): Handler {
  const reply = (request: FastifyRequest, computed: Answer): Answer => {
    const ttlSec = request.imdsTokenTtlSec;
    return ttlSec === null ? computed : withTokenTtl(computed, ttlSec);
  };
  if (typeof answer !== 'function') return (request, response) => send(request, response, reply(request, answer));
  return async (request, response) => {
    const computed = await answer();
    gate.handedOut(computed, request.raw.socket, gate.settled(request.raw.socket));
    return send(request, response, reply(request, computed));
  };
}

/** The ECS endpoint: authorised by its own token, not IMDSv2's, compared in constant time. */
function containerHandler(answer: () => Promise<Answer>, expected: Buffer | undefined, { gate, send }: ImdsRoutesDeps): Handler {
  return async (request, reply) => {
    if (!isAuthorized(request.headers.authorization, expected)) return send(request, reply, CONTAINER_UNAUTHORIZED);
    const computed = await answer();
    gate.handedOut(computed, request.raw.socket, gate.settled(request.raw.socket));
    return send(request, reply, computed);
  };
}

function declareRoute(app: FastifyInstance, url: string, route: Route, deps: ImdsRoutesDeps, readGuard: ReturnType<typeof tokenCheck>): void {
  const { send, tokens } = deps;
  if (route.kind === 'token') {
    app.route({ method: 'PUT', url, handler: (request, reply) => send(request, reply, answerTokenRequest(request.headers, tokens)) });
    app.route({ method: NOT_PUT, url, handler: fixed(send, PUT_ONLY) });
    return;
  }
  app.route({ method: WRITES, url, handler: fixed(send, READ_ONLY) });
  if (route.kind === 'container') {
    const expected = deps.containerToken === undefined ? undefined : Buffer.from(deps.containerToken);
    app.route({ method: READS, url, handler: containerHandler(route.answer, expected, deps) });
    return;
  }
  app.route({ method: READS, url, preHandler: readGuard, handler: metadataHandler(route.answer, deps) });
}

/** Declares every route of the table, the versioned token path, and the not-found handler. */
export function declareImdsRoutes(app: FastifyInstance, deps: ImdsRoutesDeps): void {
  const { send } = deps;
  const readGuard = tokenCheck(deps.tokens, deps.allowV1, send);
  for (const [url, route] of deps.routes) declareRoute(app, url, route, deps, readGuard);
  app.route({ method: 'PUT', url: ROUTE_KEYS.versionedToken, handler: fixed(send, FORBIDDEN) });
  app.route({ method: NOT_PUT, url: ROUTE_KEYS.versionedToken, handler: fixed(send, PUT_ONLY) });
  // A read of a path that does not exist needs a token too; a write is simply 404.
  app.setNotFoundHandler({ preHandler: (request, reply, done) => (READS.includes(request.method) ? readGuard.call(app, request, reply, done) : done()) },
    fixed(send, NOT_FOUND));
}
