/**
 * The IMDS emulator for one role, as a fastify app that is built but not listening
 * (src/daemon listens, one port per role). Routing is one catch-all route and a Map
 * lookup (dispatch.ts), which keeps the per-request cost close to bare node:http and
 * leaves 404 versus 405 entirely to us.
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import type { CredentialSource } from '../credentials.js';
import { type Answer, FORBIDDEN, INTERNAL_ERROR, NOT_FOUND } from './answers.js';
import { type AdmitPeer, createPeerGate, type PeerVerdict } from './peer-gate.js';
import { createCredentialAnswer } from './credential-answer.js';
import { createCredentialDocuments } from './credential-document.js';
import { createDispatcher } from './dispatch.js';
import { describeInstance } from './instance-identity.js';
import { buildRouteTable } from './route-table.js';
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
}

const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

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

/** Framework options that keep fastify out of the way of the IMDS protocol. */
const fastifyOptions = () => ({
  // Clients poll often; send() logs each request at debug level instead.
  logController: new LogController({ disableRequestLogging: true }),
  // No child logger per request: with redaction, building one cost ~7 % of CPU under load.
  childLoggerFactory: (logger: FastifyBaseLogger) => logger,
  // HEAD is routed explicitly, like every other method.
  exposeHeadRoutes: false,
  // No IMDS request carries an id worth trusting; do not read one from headers.
  requestIdHeader: false as const,
  // A malformed percent-escape is a path that does not exist, not a framework error.
  frameworkErrors: (_error: Error, _request: FastifyRequest, reply: FastifyReply) => send(reply, NOT_FOUND),
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

function send(reply: FastifyReply, answer: Answer): void {
  reply.code(answer.status).header('content-type', answer.contentType);
  if (answer.allow !== undefined) reply.header('allow', answer.allow);
  if (answer.tokenTtlSec !== undefined) reply.header(TTL_HEADER, String(answer.tokenTtlSec));
  reply.log.debug({ method: reply.request.method, status: answer.status }, 'imds request');
  reply.send(answer.body);
}

const tokenCounts = new WeakMap<FastifyInstance, () => number>();

/** Live tokens of an app built here (for metrics); 0 for any other app. */
export function imdsTokenCount(app: FastifyInstance): number {
  return tokenCounts.get(app)?.() ?? 0;
}

/** Every path the app answers for its one role, credential documents included. */
function routesOf(opts: ImdsAppOptions, log: FastifyBaseLogger): ReturnType<typeof buildRouteTable> {
  const { source, clock } = opts;
  const documents = createCredentialDocuments(source.identity);
  const credentialDeps = { source, clock, documents, log };
  return buildRouteTable({
    identity: source.identity,
    instance: describeInstance(source.identity, opts.startedAtMs ?? clock.now(), process.arch),
    legacyCredential: createCredentialAnswer(credentialDeps, 'legacy'),
    extendedCredential: createCredentialAnswer(credentialDeps, 'extended'),
    containerCredential: opts.containerToken === undefined ? undefined : createCredentialAnswer(credentialDeps, 'container'),
  });
}

/** Builds the app; its token store's sweep timer is cancelled when the app closes. */
export function buildImdsApp(opts: ImdsAppOptions): FastifyInstance {
  const { clock } = opts;
  const app: FastifyInstance = opts.logger
    ? Fastify({ ...fastifyOptions(), loggerInstance: opts.logger })
    : Fastify({ ...fastifyOptions(), logger: false });

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

  function respond(request: FastifyRequest, reply: FastifyReply, verdict: PeerVerdict | undefined): Promise<void> | undefined {
    const answer = dispatch(request.method, request.url, request.headers);
    if (answer instanceof Promise) {
      return answer.then((computed) => {
        gate.handedOut(computed, request.raw.socket, verdict);
        send(reply, computed);
      });
    }
    send(reply, answer);
    return undefined;
  }

  function handle(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const verdict = gate.verdict(request.raw.socket);
    if (verdict === undefined) return respond(request, reply, undefined);
    return verdict.then((outcome) => (outcome.admitted ? respond(request, reply, outcome) : send(reply, FORBIDDEN)));
  }

  app.route({ method: app.supportedMethods, url: '*', handler: handle });
  // Methods fastify does not know (PROPFIND, ...) reach no route and land here.
  app.setNotFoundHandler(handle);

  // A bug, or a source that breaks its promise never to reject, must still get an answer
  // and must not crash the daemon. The answer names no detail, so it can leak nothing.
  app.setErrorHandler((error, _request, reply) => {
    reply.log.error({ err: error }, 'IMDS request failed unexpectedly');
    send(reply, INTERNAL_ERROR);
  });

  return app;
}
