/**
 * Opens a role's IMDS listener. By default on both loopback addresses, 127.0.0.1 and ::1,
 * one app behind both (so a token issued over one family works over the other), because
 * Node 17+ and other clients may resolve `localhost` to either. Fastify's own `localhost`
 * binding swallows a failure on the second address, which could leave ::1 to another
 * process: here that is an error, except where the machine has no IPv6 at all.
 */
import type { FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';
import { ImdsdError } from '../errors.js';
import { IMDS_LIMITS } from '../imds/app.js';
import { findPortOwner } from '../system/port-owner.js';

export interface Listener {
  readonly port: number;
  readonly addresses: readonly string[];
  /** Stops accepting, lets in-flight requests finish, closes idle connections. */
  close(): Promise<void>;
}

const NO_IPV6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

async function portError(cause: NodeJS.ErrnoException, host: string, port: number): Promise<ImdsdError> {
  if (cause.code === 'EADDRINUSE') {
    const owner = await findPortOwner(port);
    const who = owner === undefined ? 'another process' : `pid ${owner.pid} (${owner.command})`;
    const mock = port === DEFAULT_IMDS_PORT ? `; ${DEFAULT_IMDS_PORT} is also the default port of amazon-ec2-metadata-mock` : '';
    return new ImdsdError('IMDSD_ERR_PORT_IN_USE', `port ${port} on ${host} is already in use by ${who}${mock}`,
      { hint: 'stop that process or choose another port with --port', cause });
  }
  if (cause.code === 'EADDRNOTAVAIL' || cause.code === 'ENOTFOUND' || cause.code === 'EINVAL') {
    return new ImdsdError('IMDSD_ERR_CONFIG', `--host ${host}: not an address of this machine (${cause.code})`,
      { hint: 'use a local address such as 127.0.0.1', cause });
  }
  return new ImdsdError('IMDSD_ERR_LISTEN', `cannot listen on ${host}:${port} (${cause.code ?? cause.message})`,
    { hint: cause.code === 'EACCES' ? 'ports below 1024 need privileges: use a higher --port' : undefined, cause });
}

/** An http server with the limits fastify gives its own (see IMDS_LIMITS), for a listener fastify did not open. */
export function imdsHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer({ maxHeaderSize: IMDS_LIMITS.maxHeaderBytes, connectionsCheckingInterval: IMDS_LIMITS.timeoutCheckMs }, handler);
}

/** The app's timeouts and client-error handling on another server of the same app. */
export function adoptLimits(server: Server, app: FastifyInstance): void {
  const primary = app.server;
  server.on('clientError', (_error, socket) => app.server.emit('clientError', _error, socket));
  server.requestTimeout = primary.requestTimeout;
  server.headersTimeout = primary.headersTimeout;
  server.keepAliveTimeout = primary.keepAliveTimeout;
  server.timeout = primary.timeout;
}

function listenSecondary(app: FastifyInstance, host: string, port: number): Promise<Server> {
  const server = imdsHttpServer((req, res) => app.routing(req, res));
  adoptLimits(server, app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Listens on `host`, or on both loopback addresses when `host` is undefined. */
export async function listen(app: FastifyInstance, port: number, host: string | undefined, logger: Logger): Promise<Listener> {
  const primaryHost = host ?? '127.0.0.1';
  try {
    await app.listen({ host: primaryHost, port });
  } catch (cause) {
    throw await portError(cause as NodeJS.ErrnoException, primaryHost, port);
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const addresses = [primaryHost];
  let secondary: Server | undefined;
  if (host === undefined) {
    try {
      secondary = await listenSecondary(app, '::1', boundPort);
      addresses.push('::1');
    } catch (cause) {
      const err = cause as NodeJS.ErrnoException;
      if (!NO_IPV6.has(err.code ?? '')) {
        await app.close();
        throw await portError(err, '::1', boundPort);
      }
      logger.warn({ event: 'no-ipv6', port: boundPort }, 'IPv6 loopback ::1 is not available: listening on 127.0.0.1 only');
    }
  }
  return {
    port: boundPort,
    addresses,
    async close() {
      await Promise.all([secondary === undefined ? undefined : closeServer(secondary), app.close()]);
    },
  };
}
