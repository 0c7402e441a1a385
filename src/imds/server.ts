/**
 * The node:http server under one IMDS listening socket, with the connection limits of
 * IMDS_LIMITS enforced by imdsd itself rather than by Node's connection checker.
 *
 * Node enforces `headersTimeout` and `requestTimeout` with one interval timer per server
 * (`connectionsCheckingInterval`) that wakes the process for as long as the server
 * listens, connections or not: two listeners woke an idle daemon twice a second (issue 21).
 * Here the same check runs only while connections are open: one timer per server, started
 * by the first connection and stopped with the last. A connection must complete each
 * request's headers within `headersTimeoutMs` of connecting, and the next request's
 * within `keepAliveTimeoutMs + headersTimeoutMs` of its last answer (Node itself closes a
 * kept-alive connection that sends nothing for `keepAliveTimeoutMs`); one that does not
 * gets 408 and is closed, as Node would answer it. A request body is never read (IMDS
 * requests have none) and is held to the same deadline: a body still dripping in when the
 * deadline passes ends the connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ImdsLimits {
  readonly maxHeaderBytes: number;
  readonly headersTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly timeoutCheckMs: number;
}

/**
 * Connection limits against slow and idle clients (slowloris). SDK requests are a few
 * hundred bytes sent at once and answered in milliseconds, so these bounds are far
 * from anything a real client comes near.
 */
export const IMDS_LIMITS: ImdsLimits = Object.freeze({
  /** Headers larger than this get 431: real IMDS requests carry well under 1 KiB. */
  maxHeaderBytes: 8 * 1024,
  /** The whole header block must arrive within this. */
  headersTimeoutMs: 5_000,
  /** An idle socket is closed after this. */
  idleTimeoutMs: 30_000,
  /** A kept-alive connection waits this long for its next request. */
  keepAliveTimeoutMs: 5_000,
  /** How often, while connections are open, their deadlines are checked. */
  timeoutCheckMs: 1_000,
});

/** Node keeps timer delays in 32 bits: its own checker then runs every 24.8 days, harmlessly. */
const NODE_CHECKER_OFF_MS = 2_147_483_647;

/** Node's parse errors and the status Node itself would answer them with. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

function refuse(socket: Duplex, status: number): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

/**
 * Called by the handler once it has written a request's answer, so the connection's next
 * deadline starts; the handler must call it exactly once per request.
 */
export type Answered = (request: IncomingMessage, response: ServerResponse) => void;
export type ImdsHandler = (request: IncomingMessage, response: ServerResponse, answered: Answered) => void;

export interface ImdsServer {
  readonly server: Server;
  /** Stops accepting, lets requests in flight finish, closes every connection; resolves when all are gone. */
  close(): Promise<void>;
}

/** A connection's requests in flight, and the check at which it is cut if none is. */
interface Connection {
  inFlight: number;
  cutAfterCheck: number;
}

/** The interval timer the deadline check runs on (injected in tests). */
export interface IntervalTimer {
  start(fn: () => void, everyMs: number): () => void;
}

const REAL_INTERVAL: IntervalTimer = {
  start(fn, everyMs) {
    const handle = setInterval(fn, everyMs).unref();
    return () => clearInterval(handle);
  },
};

/** The connections of one server and their deadlines, checked only while there are any. */
function trackConnections(limits: ImdsLimits, interval: IntervalTimer) {
  const headerChecks = Math.ceil(limits.headersTimeoutMs / limits.timeoutCheckMs);
  const keptAliveChecks = Math.ceil((limits.keepAliveTimeoutMs + limits.headersTimeoutMs) / limits.timeoutCheckMs);
  const connections = new Map<Socket, Connection>();
  let checked = 0;
  let stopChecks: (() => void) | undefined;

  function check(): void {
    checked += 1;
    for (const [socket, connection] of connections) {
      if (connection.inFlight > 0 || checked <= connection.cutAfterCheck) continue;
      // Answered once; a client that will not close is destroyed at the next check.
      if (socket.writableEnded) socket.destroy();
      else refuse(socket, 408);
    }
  }

  return {
    connections: connections as ReadonlyMap<Socket, Connection>,
    opened(socket: Socket): void {
      connections.set(socket, { inFlight: 0, cutAfterCheck: checked + headerChecks });
      stopChecks ??= interval.start(check, limits.timeoutCheckMs);
      socket.once('close', () => {
        connections.delete(socket);
        if (connections.size > 0 || stopChecks === undefined) return;
        stopChecks();
        stopChecks = undefined;
      });
    },
    started(socket: Socket): void {
      const connection = connections.get(socket);
      if (connection !== undefined) connection.inFlight += 1;
    },
    answered(socket: Socket): void {
      const connection = connections.get(socket);
      if (connection === undefined) return;
      connection.inFlight -= 1;
      if (connection.inFlight === 0) connection.cutAfterCheck = checked + keptAliveChecks;
    },
  };
}

export function createImdsServer(handle: ImdsHandler, limits: ImdsLimits = IMDS_LIMITS, interval = REAL_INTERVAL): ImdsServer {
  const server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Enforced by trackConnections; Node's own checks are off.
    headersTimeout: 0,
    requestTimeout: 0,
    connectionsCheckingInterval: NODE_CHECKER_OFF_MS,
  });
  server.setTimeout(limits.idleTimeoutMs);
  const tracked = trackConnections(limits, interval);
  let closing = false;
  const answered: Answered = (request, response) => {
    tracked.answered(request.socket);
    if (closing) response.once('finish', () => request.socket.end());
  };
  server.on('connection', tracked.opened);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    tracked.started(request.socket);
    handle(request, response, answered);
  });
  // Node attaches the raw request bytes (which may hold a token) to parse errors: answer
  // as Node would, log nothing.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => refuse(socket, CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400));

  return {
    server,
    close() {
      closing = true;
      return new Promise((resolve) => {
        if (!server.listening && tracked.connections.size === 0) return resolve();
        server.close(() => resolve());
        // A connection between requests closes now (Node knows which have begun one, but
        // not one that has sent nothing yet); one with a request arriving or in flight
        // after its answer, or at its deadline.
        server.closeIdleConnections();
        for (const socket of tracked.connections.keys()) if (socket.bytesRead === 0) socket.destroy();
      });
    },
  };
}
