/**
 * The IMDS emulator for one role, as a fastify app that is built but not listening
 * (src/daemon listens). Requests are routed by their canonical path (normalise-path.ts,
 * fastify's `rewriteUrl`) to the routes of routes.ts; the guards of guards.ts are hooks
 * of the same encapsulated context, so they run for every route and for 404s.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { METHODS, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import type { CredentialSource, RoleIdentity } from '../credentials.js';
import { INTERNAL_ERROR, NOT_FOUND } from './answers.js';
import { type AdmitPeer, createPeerGate } from './peer-gate.js';
import { createCredentialAnswer } from './credential-answer.js';
import { createCredentialDocuments } from './credential-document.js';
import { headerCheck, peerCheck } from './guards.js';
import { createInstanceDescriber } from './instance-identity.js';
import { ROUTE_KEYS, routeKeyOf } from './normalise-path.js';
import { createSendAnswer } from './reply.js';
import { buildRouteTable } from './route-table.js';
import { declareImdsRoutes } from './routes.js';
import { NO_SCHEMA_COMPILERS } from './no-schemas.js';
import { createTokenStore, type TokenStore } from './tokens.js';

export interface ImdsAppOptions {
  /** The role's credential source; `get()` never rejects. */
  source: CredentialSource;
  /** Token expiry is measured on `clock.now()`; the token sweep runs on `clock.setTimer`. */
  clock: Clock;
  /** Serve GETs without a token (IMDSv1). Default false: IMDSv2 is required. */
  allowV1?: boolean;
  /** The daemon's pino logger. Requests are logged at debug level only; secrets never. */
  logger?: FastifyBaseLogger | false;
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

/**
 * Connection limits against slow and idle clients (slowloris). SDK requests are a few
 * hundred bytes sent at once and answered in milliseconds, so these bounds are far
 * from anything a real client comes near.
 */
export const IMDS_LIMITS = {
  /** Headers larger than this get 431: real IMDS requests carry well under 1 KiB. */
  maxHeaderBytes: 8 * 1024,
  /** The whole header block must arrive within this. */
  headersTimeoutMs: 5_000,
  /** The whole request must arrive within this. */
  requestTimeoutMs: 10_000,
  /** An idle socket is closed after this. */
  idleTimeoutMs: 30_000,
  /** A kept-alive connection waits this long for its next request. */
  keepAliveTimeoutMs: 5_000,
  /** How often Node enforces the two timeouts above. */
  timeoutCheckMs: 1_000,
} as const;

/** Node's parse errors and the status Node itself would answer them with. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** The framework options of an IMDS port: limits, no request logging, no request ids. */
const fastifyOptions = (routeKeys: ReadonlySet<string>) => ({
  schemaController: NO_SCHEMA_COMPILERS,
  rewriteUrl: (request: { url?: string }) => routeKeyOf(request.url ?? '', routeKeys),
  // Clients poll often; reply.ts logs each request at debug level instead.
  logController: new LogController({ disableRequestLogging: true }),
  // No child logger per request: with redaction, building one cost ~7 % of CPU under load.
  childLoggerFactory: (logger: FastifyBaseLogger) => logger,
  // HEAD is routed explicitly, like every other method.
  exposeHeadRoutes: false,
  // No IMDS request carries an id worth trusting; do not read one from headers.
  requestIdHeader: false as const,
  connectionTimeout: IMDS_LIMITS.idleTimeoutMs,
  keepAliveTimeout: IMDS_LIMITS.keepAliveTimeoutMs,
  requestTimeout: IMDS_LIMITS.requestTimeoutMs,
  http: {
    maxHeaderSize: IMDS_LIMITS.maxHeaderBytes,
    headersTimeout: IMDS_LIMITS.headersTimeoutMs,
    // Node checks the header and request timeouts only this often (30 s by default).
    connectionsCheckingInterval: IMDS_LIMITS.timeoutCheckMs,
  },
  // A request already arriving when shutdown starts is answered, not refused with 503:
  // shutdown loses nothing in flight (new connections are refused by then).
  return503OnClosing: false,
  // Node attaches the raw request bytes (which may hold a token) to parse errors; log the
  // code only, and answer as Node would.
  clientErrorHandler: (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  },
});

const tokenCounts = new WeakMap<FastifyInstance, () => number>();

/** Live tokens of an app built here (for metrics); 0 for any other app. */
export function imdsTokenCount(app: FastifyInstance): number {
  return tokenCounts.get(app)?.() ?? 0;
}

/** Every path the app answers for its one role, credential documents included. */
function routesOf(opts: ImdsAppOptions, log: FastifyBaseLogger): ReturnType<typeof buildRouteTable> {
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

/**
 * IMDS requests have no body, whatever their method: every method Node parses is declared
 * to fastify as one without a body, so fastify runs no content-type parser and no body or
 * content-type can cause a 415 or a JSON 400 (Node discards a body once the reply is
 * sent); and every method is routed, so a write to a metadata path is a 405 whatever its
 * method.
 */
function declareMethods(app: FastifyInstance): void {
  for (const method of METHODS) {
    if (method !== 'CONNECT') app.addHttpMethod(method, { hasBody: false, overrideExisting: app.supportedMethods.includes(method) });
  }
}

/** Builds the app; its token store's sweep timer is cancelled when the app closes. */
export function buildImdsApp(opts: ImdsAppOptions): FastifyInstance {
  const { clock } = opts;
  // Filled below, once the routes are built with the app's logger; fastify routes no request before ready.
  const routeKeys = new Set<string>();
  const app: FastifyInstance = opts.logger
    ? Fastify({ ...fastifyOptions(routeKeys), loggerInstance: opts.logger })
    : Fastify({ ...fastifyOptions(routeKeys), logger: false });
  declareMethods(app);
  app.decorateRequest('imdsTokenTtlSec', null);

  const tokens = opts.tokens ?? createTokenStore({ clock, maxTokens: opts.maxTokens, secret: opts.tokenSecret });
  if (opts.tokens === undefined) app.addHook('onClose', async () => tokens.close());
  tokenCounts.set(app, () => tokens.size());

  const send = createSendAnswer({ log: app.log, onAnswer: opts.onAnswer });
  // A bug, or a source that breaks its promise never to reject, must still get an answer
  // and must not crash the daemon. The answer names no detail, so it can leak nothing.
  app.setErrorHandler((error, request, reply) => {
    app.log.error({ err: error }, 'IMDS request failed unexpectedly');
    return send(request, reply, INTERNAL_ERROR);
  });
  // A malformed escape names no resource: 404 before any check, alike for everyone.
  app.route({ method: app.supportedMethods, url: ROUTE_KEYS.malformed, handler: (request, reply) => send(request, reply, NOT_FOUND) });

  const routes = routesOf(opts, app.log);
  for (const key of routes.keys()) routeKeys.add(key);
  const gate = createPeerGate(opts.admitPeer, app.log);
  const policy = {
    allowedHosts: new Set((opts.allowedHosts ?? []).map((name) => name.toLowerCase())),
    allowForwarded: opts.allowForwarded ?? false,
  };
  void app.register(async (imds) => {
    imds.addHook('onRequest', peerCheck(gate, send));
    imds.addHook('onRequest', headerCheck(policy, send));
    declareImdsRoutes(imds, { routes, tokens, allowV1: opts.allowV1 ?? false, containerToken: opts.containerToken, gate, send });
  });
  return app;
}

/** A role's IMDS behind any number of listeners. */
export interface RoleImds {
  /** A new app for one more listening socket; whoever listens with it closes it. */
  app(): FastifyInstance;
  tokenCount(): number;
  /** Stops the shared token sweep; the apps are closed by their listeners. */
  close(): void;
}

/**
 * One fastify app per listening socket (a fastify instance serves one server), all sharing
 * one token store and one launch time, so a token issued over 127.0.0.1 is good over ::1
 * and over every socket systemd passed for the role.
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
