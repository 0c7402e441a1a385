/**
 * The IMDS emulator for one role, on plain node:http (server.ts). Each request is routed
 * by its canonical path (normalise-path.ts) with one Map lookup to the answers of
 * routes.ts, after the guards of guards.ts: the peer once per connection, then the
 * headers. fastify served these ports until issue 20 measured it: under load its
 * routing and hooks cost 32-41 % more CPU per credential GET than bare node:http against
 * a target of 18 % (docs/performance.md); fastify stays for the control API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { CredentialSource, RoleIdentity } from '../credentials.js';
import { type Answer, INTERNAL_ERROR, NOT_FOUND } from './answers.js';
import { type AdmitPeer, createPeerGate, type PeerGate, type PeerVerdict } from './peer-gate.js';
import { createCredentialAnswer } from './credential-answer.js';
import { createCredentialDocuments } from './credential-document.js';
import { headerRefusal, peerRefusal } from './guards.js';
import { createInstanceDescriber } from './instance-identity.js';
import { type ImdsLog, SILENT_LOG } from './log.js';
import { ROUTE_KEYS, routeKeyOf } from './normalise-path.js';
import { createSendAnswer, type SendAnswer } from './reply.js';
import { buildRouteTable } from './route-table.js';
import { createRouter, type Router } from './routes.js';
import type { RequestPolicy } from './security-checks.js';
import { type Answered, createImdsServer, type ImdsHandler, type ImdsServer } from './server.js';
import { createTokenStore, type TokenStore } from './tokens.js';

export { IMDS_LIMITS } from './server.js';

export interface ImdsAppOptions {
  /** The role's credential source; `get()` never rejects. */
  source: CredentialSource;
  /** Token expiry is measured on `clock.now()`; the token sweep runs on `clock.setTimer`. */
  clock: Clock;
  /** Serve GETs without a token (IMDSv1). Default false: IMDSv2 is required. */
  allowV1?: boolean;
  /** The daemon's pino logger. Requests are logged at debug level only; secrets never. */
  logger?: ImdsLog | false;
  /**
   * The token store to share with the role's other listeners (createRoleImds); its owner
   * closes it. Default: the app's own, closed with the app.
   */
  tokens?: TokenStore | undefined;
  /** Live IMDSv2 tokens kept at most; the oldest is forgotten first. Default 10000. */
  maxTokens?: number;
  /** Signs IMDSv2 tokens so that the restarted daemon accepts them (see signed-token.ts). */
  tokenSecret?: string | undefined;
  /** The "instance launch" in epoch ms, served as `pendingTime`. Default: `clock.now()`. */
  startedAtMs?: number;
  /**
   * Enables the ECS container-credentials endpoint at /v1/credentials/<role>, which
   * requires this value in `Authorization`.
   */
  containerToken?: string | undefined;
  /** Extra `Host` names to serve besides loopback (DNS-rebinding defence). */
  allowedHosts?: readonly string[];
  /** Serve GETs that carry X-Forwarded-For. Default false. Token PUTs never. */
  allowForwarded?: boolean;
  /** Decides once per connection whether its peer may be served (see peer-gate.ts). */
  admitPeer?: AdmitPeer | undefined;
  /** Told of every answer sent, with the request target and status (request metrics). */
  onAnswer?: ((url: string, status: number) => void) | undefined;
}

/** One IMDS app: the server for one listening socket, not listening yet; whoever listens with it closes it. */
export interface ImdsApp extends ImdsServer {
  /** Live IMDSv2 tokens in the app's store (for metrics). */
  tokenCount(): number;
}

/** Every path the app answers for its one role, credential documents included. */
function routesOf(opts: ImdsAppOptions, log: ImdsLog): ReturnType<typeof buildRouteTable> {
  const { source, clock } = opts;
  // Read on every request: a source may learn its account after start-up.
  const identity = (): RoleIdentity => source.identity;
  const documents = createCredentialDocuments(identity);
  const credentialDeps = { source, clock, documents, log };
  return buildRouteTable({
    identity: source.identity,
    instance: createInstanceDescriber(identity, opts.startedAtMs ?? clock.now(), process.arch),
    legacyCredential: createCredentialAnswer(credentialDeps, 'legacy'),
    extendedCredential: createCredentialAnswer(credentialDeps, 'extended'),
    containerCredential: opts.containerToken === undefined ? undefined : createCredentialAnswer(credentialDeps, 'container'),
  });
}

interface HandlerDeps {
  readonly routeKeys: ReadonlySet<string>;
  readonly route: Router;
  readonly gate: PeerGate;
  readonly policy: RequestPolicy;
  readonly send: SendAnswer;
  readonly log: ImdsLog;
}

/**
 * Every request in one order: a malformed escape 404s before any check (it names no
 * resource, and is answered alike for everyone), then the peer (settled after a
 * connection's first request, so later ones go on without a promise), then the headers,
 * then the route. A bug, or a source that breaks its promise never to reject, still gets
 * an answer that names no detail and does not crash the daemon; a peer lookup that fails
 * is such a 500, never a pass.
 */
function handlerOf({ routeKeys, route, gate, policy, send, log }: HandlerDeps): ImdsHandler {
  function finish(request: IncomingMessage, response: ServerResponse, answered: Answered, answer: Answer): void {
    try {
      send(request, response, answer);
    } catch (error) {
      log.error({ err: error }, 'IMDS request failed unexpectedly');
      response.destroy();
      return;
    }
    answered(request, response);
  }
  function fail(request: IncomingMessage, response: ServerResponse, answered: Answered, error: unknown): void {
    log.error({ err: error }, 'IMDS request failed unexpectedly');
    finish(request, response, answered, INTERNAL_ERROR);
  }
  function serve(request: IncomingMessage, response: ServerResponse, answered: Answered, key: string, verdict: PeerVerdict | undefined): void {
    let answer: Answer | Promise<Answer>;
    try {
      answer = peerRefusal(verdict) ?? headerRefusal(request.headers, policy) ?? route(request, key);
    } catch (error) {
      return fail(request, response, answered, error);
    }
    if (answer instanceof Promise) {
      answer.then((computed) => finish(request, response, answered, computed), (error: unknown) => fail(request, response, answered, error));
    } else {
      finish(request, response, answered, answer);
    }
  }
  return (request, response, answered) => {
    const key = routeKeyOf(request.url ?? '/', routeKeys);
    if (key === ROUTE_KEYS.malformed) return finish(request, response, answered, NOT_FOUND);
    const settled = gate.settled(request.socket);
    if (settled !== undefined) return serve(request, response, answered, key, settled);
    const pending = gate.verdict(request.socket);
    if (pending === undefined) return serve(request, response, answered, key, undefined);
    pending.then((verdict) => serve(request, response, answered, key, verdict), (error: unknown) => fail(request, response, answered, error));
  };
}

/** Builds the app; its own token store's sweep timer (if it has one) is cancelled when it closes. */
export function buildImdsApp(opts: ImdsAppOptions): ImdsApp {
  const log = opts.logger || SILENT_LOG;
  const tokens = opts.tokens ?? createTokenStore({ clock: opts.clock, maxTokens: opts.maxTokens, secret: opts.tokenSecret });
  const routes = routesOf(opts, log);
  const gate = createPeerGate(opts.admitPeer, log);
  const route = createRouter({ routes, tokens, allowV1: opts.allowV1 ?? false, containerToken: opts.containerToken, gate });
  const policy = {
    allowedHosts: new Set((opts.allowedHosts ?? []).map((name) => name.toLowerCase())),
    allowForwarded: opts.allowForwarded ?? false,
  };
  const send = createSendAnswer({ log, onAnswer: opts.onAnswer });
  const served = createImdsServer(handlerOf({ routeKeys: new Set(routes.keys()), route, gate, policy, send, log }));
  return {
    server: served.server,
    tokenCount: () => tokens.size(),
    async close() {
      await served.close();
      if (opts.tokens === undefined) tokens.close();
    },
  };
}

/** A role's IMDS behind any number of listeners. */
export interface RoleImds {
  /** A new app for one more listening socket; whoever listens with it closes it. */
  app(): ImdsApp;
  tokenCount(): number;
  /** Stops the shared token sweep; the apps are closed by their listeners. */
  close(): void;
}

/**
 * One app per listening socket, all sharing one token store and one launch time, so a
 * token issued over 127.0.0.1 is good over ::1 and over every socket systemd passed for
 * the role.
 */
export function createRoleImds(opts: ImdsAppOptions): RoleImds {
  const tokens = opts.tokens ?? createTokenStore({ clock: opts.clock, maxTokens: opts.maxTokens, secret: opts.tokenSecret });
  const shared = { ...opts, tokens, startedAtMs: opts.startedAtMs ?? opts.clock.now() };
  return {
    app: () => buildImdsApp(shared),
    tokenCount: () => tokens.size(),
    close: () => tokens.close(),
  };
}
