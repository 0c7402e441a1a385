/**
 * What each request is answered, once the guards let it through. A request is routed by
 * its canonical path (routeKeyOf, normalise-path.ts) with one Map lookup, and the order of
 * answers is the one real IMDS and its clients need: the token path, then 405 for writes,
 * then the token check, and only then the path's answer or 404. A read without a valid
 * token learns nothing, not even whether the path exists.
 */
import type { IncomingMessage } from 'node:http';
import {
  type Answer,
  CONTAINER_UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  PUT_ONLY,
  READ_ONLY,
  UNAUTHORIZED,
  withTokenTtl,
} from './answers.js';
import { readTokenTtl } from './guards.js';
import { ROUTE_KEYS } from './normalise-path.js';
import type { PeerGate } from './peer-gate.js';
import type { ComputedAnswer, MetadataAnswer, RouteTable } from './route-table.js';
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
}

/** Answers a guarded request by its route key; a computed answer comes as a promise. */
export type Router = (request: IncomingMessage, key: string) => Answer | Promise<Answer>;

const isRead = (method: string | undefined): boolean => method === 'GET' || method === 'HEAD';

/**
 * A computed answer, logged as handed out with its peer when it carries a credential (once
 * per connection), then `finish`ed; without a promise when it is ready at once.
 */
function computed(request: IncomingMessage, answer: ComputedAnswer, gate: PeerGate, finish: (answer: Answer) => Answer): Answer | Promise<Answer> {
  const handOut = (ready: Answer): Answer => {
    gate.handedOut(ready, request.socket, gate.settled(request.socket));
    return finish(ready);
  };
  const ready = answer();
  return ready instanceof Promise ? ready.then(handOut) : handOut(ready);
}

const asIs = (answer: Answer): Answer => answer;

function metadataRead(request: IncomingMessage, answer: MetadataAnswer, deps: ImdsRoutesDeps): Answer | Promise<Answer> {
  const ttlSec = readTokenTtl(request.headers, deps.tokens, deps.allowV1);
  if (ttlSec === undefined) return UNAUTHORIZED;
  const withTtl = ttlSec === null ? asIs : (ready: Answer): Answer => withTokenTtl(ready, ttlSec);
  return typeof answer === 'function' ? computed(request, answer, deps.gate, withTtl) : withTtl(answer);
}

export function createRouter(deps: ImdsRoutesDeps): Router {
  const { routes, tokens, gate } = deps;
  // The ECS endpoint is authorised by its own token, not IMDSv2's, compared in constant time.
  const containerToken = deps.containerToken === undefined ? undefined : Buffer.from(deps.containerToken);
  return (request, key) => {
    const { method } = request;
    const route = routes.get(key);
    if (route === undefined) {
      // Real IMDS issues tokens only under latest.
      if (key === ROUTE_KEYS.versionedToken) return method === 'PUT' ? FORBIDDEN : PUT_ONLY;
      // A read of a path that does not exist needs a token too; a write is simply 404.
      if (!isRead(method)) return NOT_FOUND;
      return readTokenTtl(request.headers, tokens, deps.allowV1) === undefined ? UNAUTHORIZED : NOT_FOUND;
    }
    if (route.kind === 'token') return method === 'PUT' ? answerTokenRequest(request.headers, tokens) : PUT_ONLY;
    if (!isRead(method)) return READ_ONLY;
    if (route.kind === 'metadata') return metadataRead(request, route.answer, deps);
    if (!isAuthorized(request.headers.authorization, containerToken)) return CONTAINER_UNAUTHORIZED;
    return computed(request, route.answer, gate, asIs);
  };
}
