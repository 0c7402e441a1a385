/**
 * Decides every request's answer from its method, target and headers, in the order
 * real IMDS and its clients need: security checks, then the token path, then 405 for
 * writes, then the token check, and only then the path. A GET without a valid token
 * learns nothing, not even whether the path exists.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Answer,
  FORBIDDEN,
  NOT_FOUND,
  PUT_ONLY,
  READ_ONLY,
  UNAUTHORIZED,
  withTokenTtl,
  CONTAINER_UNAUTHORIZED,
} from './answers.js';
import { normalisePath, pathOf } from './normalise-path.js';
import type { Route, RouteTable } from './route-table.js';
import { DEFAULT_POLICY, isAuthorized, isRefused, type RequestPolicy } from './security-checks.js';
import { answerTokenRequest } from './token-request.js';
import type { TokenStore } from './tokens.js';

export interface DispatcherDeps {
  readonly routes: RouteTable;
  readonly tokens: TokenStore;
  /** Serve GETs without a token (IMDSv1). An unknown or expired token is refused even so. */
  readonly allowV1: boolean;
  /** The `Authorization` value the ECS endpoint requires. */
  readonly containerToken?: string | undefined;
  readonly policy?: RequestPolicy | undefined;
}

export type Dispatch = (method: string, target: string, headers: IncomingHttpHeaders) => Answer | Promise<Answer>;

/** A token PUT under a version (`/2021-03-23/api/token`): real IMDS only issues under latest. */
const VERSIONED_TOKEN_PATH = /^\/[^/]+\/api\/token$/;
const VERSIONED_TOKEN = { kind: 'versioned-token' } as const;

export function createDispatcher({ routes, tokens, allowV1, containerToken, policy = DEFAULT_POLICY }: DispatcherDeps): Dispatch {
  const expectedAuthorization = containerToken === undefined ? undefined : Buffer.from(containerToken);
  function resolve(target: string): Route | typeof VERSIONED_TOKEN | undefined {
    const path = pathOf(target);
    // Fast path: clients almost always send the canonical spelling.
    const exact = routes.get(path);
    if (exact !== undefined) return exact;
    const canonical = normalisePath(path);
    if (canonical === undefined) return undefined;
    return routes.get(canonical) ?? (VERSIONED_TOKEN_PATH.test(canonical) ? VERSIONED_TOKEN : undefined);
  }

  /** The remaining TTL of a valid token, null for no token (v1 allowed), or the 401. */
  function authorise(headers: IncomingHttpHeaders): number | null | Answer {
    const token = headers['x-aws-ec2-metadata-token'];
    if (token === undefined) return allowV1 ? null : UNAUTHORIZED;
    // A repeated header arrives joined with ", " and so never matches a token.
    return tokens.check(String(token)) ?? UNAUTHORIZED;
  }

  return (method, target, headers) => {
    if (isRefused(headers, policy)) return FORBIDDEN;
    const route = resolve(target);
    if (route?.kind === 'versioned-token') return method === 'PUT' ? FORBIDDEN : PUT_ONLY;
    if (route?.kind === 'token') return method === 'PUT' ? answerTokenRequest(headers, tokens) : PUT_ONLY;
    if (method !== 'GET' && method !== 'HEAD') return route === undefined ? NOT_FOUND : READ_ONLY;
    if (route?.kind === 'container') {
      return isAuthorized(headers.authorization, expectedAuthorization) ? route.answer() : CONTAINER_UNAUTHORIZED;
    }

    const ttlSec = authorise(headers);
    if (typeof ttlSec === 'object' && ttlSec !== null) return ttlSec;
    if (route === undefined) return NOT_FOUND;
    const { answer } = route;
    if (typeof answer !== 'function') return ttlSec === null ? answer : withTokenTtl(answer, ttlSec);
    return ttlSec === null ? answer() : answer().then((computed) => withTokenTtl(computed, ttlSec));
  };
}
