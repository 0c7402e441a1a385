/**
 * The IMDS emulator for one role, as a fastify app that is built but not listening
 * (src/daemon listens, one port per role). fastify owns listening and closing; each
 * request goes from node:http straight to serve-request.ts, and routing is a Map lookup
 * (dispatch.ts), which keeps the per-request cost close to bare node:http and leaves
 * 404 versus 405 entirely to us.
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { createServer, STATUS_CODES, type Server, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import type { CredentialSource, RoleIdentity } from '../credentials.js';
import { type AdmitPeer, createPeerGate } from './peer-gate.js';
import { createCredentialAnswer } from './credential-answer.js';
import { createCredentialDocuments } from './credential-document.js';
import { createDispatcher } from './dispatch.js';
import { createInstanceDescriber } from './instance-identity.js';
import { buildRouteTable } from './route-table.js';
import { NO_SCHEMA_COMPILERS } from './no-schemas.js';
import { createRequestHandler, type RequestHandler } from './serve-request.js';
import { createTokenStore } from './tokens.js';

export interface ImdsAppOptions {
  /** The role's credential source; `get()` never rejects. */
  source: CredentialSource;
  /** Token expiry is measured on `clock.now()`; the token sweep runs on `clock.setTimer`. */
  clock: Clock;
  /** Serve GETs without a token (IMDSv1). Default false: IMDSv2 is required. */
  allowV1?: boolean;
  /** The daemon's pino logger. Requests are logged at debug level only; secrets never. */
  logger?: FastifyBaseLogger | false;
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

/** What Node itself would answer to these parse and timeout errors. */
/** Node's parse errors and the status Node itself would answer them with. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * The IMDS port's node:http server, built for fastify (its `serverFactory`) so that every
 * request goes straight to `handle` and never through fastify's router, request and
 * reply objects: fastify keeps the listening, closing and hooks. With a factory fastify
 * sets no timeouts itself, so they are set here.
 */
function imdsServer(handle: RequestHandler): (_fastifyHandler: unknown, options: { http?: ServerOptions }) => Server {
  return (_fastifyHandler, options) => {
    const server = createServer(options.http ?? {}, handle);
    server.keepAliveTimeout = IMDS_LIMITS.keepAliveTimeoutMs;
    server.requestTimeout = IMDS_LIMITS.requestTimeoutMs;
    server.setTimeout(IMDS_LIMITS.idleTimeoutMs);
    return server;
  };
}

/** Framework options that keep fastify out of the way of the IMDS protocol. */
const fastifyOptions = (handle: RequestHandler) => ({
  serverFactory: imdsServer(handle),
  schemaController: NO_SCHEMA_COMPILERS,
  // A malformed percent-escape is a path that does not exist: dispatch answers 404.
  frameworkErrors: (_error: Error, request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    handle(request.raw, reply.raw);
  },
  // Clients poll often; serve-request.ts logs each request at debug level instead.
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

/** Builds the app; its token store's sweep timer is cancelled when the app closes. */
export function buildImdsApp(opts: ImdsAppOptions): FastifyInstance {
  const { clock } = opts;
  // Assigned below, before the server can listen: the factory runs inside Fastify().
  let handle: RequestHandler = (_request, response) => {
    response.destroy();
  };
  const forward: RequestHandler = (request, response) => handle(request, response);
  const app: FastifyInstance = opts.logger
    ? Fastify({ ...fastifyOptions(forward), loggerInstance: opts.logger })
    : Fastify({ ...fastifyOptions(forward), logger: false });

  // IMDS never reads a request body. Declaring every method bodyless means fastify runs
  // no content-type parser, so no body or content-type can cause a 415 or a JSON 400;
  // Node discards whatever body arrives once the reply is sent.
  for (const method of app.supportedMethods) app.addHttpMethod(method, { hasBody: false, overrideExisting: true });

  const tokens = createTokenStore({ clock, maxTokens: opts.maxTokens, secret: opts.tokenSecret });
  app.addHook('onClose', async () => tokens.close());
  tokenCounts.set(app, () => tokens.size());

  const routes = routesOf(opts, app.log);
  const policy = {
    allowedHosts: new Set((opts.allowedHosts ?? []).map((name) => name.toLowerCase())),
    allowForwarded: opts.allowForwarded ?? false,
  };
  const dispatch = createDispatcher({ routes, tokens, allowV1: opts.allowV1 ?? false, containerToken: opts.containerToken, policy });
  const gate = createPeerGate(opts.admitPeer, app.log);
  handle = createRequestHandler({ dispatch, gate, log: app.log, onAnswer: opts.onAnswer });

  // A listener that routes through fastify (`app.routing`, as the ::1 listener does) is
  // answered by the same handler.
  const viaFastify = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.hijack();
    handle(request.raw, reply.raw);
  };
  app.route({ method: app.supportedMethods, url: '*', handler: viaFastify });
  // Methods fastify does not know (PROPFIND, ...) reach no route and land here.
  app.setNotFoundHandler(viaFastify);

  return app;
}
