/**
 * Opens a role's IMDS listener. By default on both loopback addresses, 127.0.0.1 and ::1,
 * sharing the role's tokens (so a token issued over one family works over the other), because
 * Node 17+ and other clients may resolve `localhost` to either. A `localhost` binding (as
 * fastify's) would swallow a failure on the second address, which could leave ::1 to another
 * process: here that is an error, except where the machine has no IPv6 at all. Each
 * address is its own app of the role (createRoleImds).
 */
import type { ListenOptions } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';
import { ImdsdError } from '../errors.js';
import type { ImdsApp, RoleImds } from '../imds/app.js';
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

/**
 * Every IMDS listener is opened here, the same way: a new app of the role, `listen`, and on
 * failure the app closed again. A port, ::1 and a passed fd (systemd's) differ only in
 * the options.
 */
export async function listenOn(imds: RoleImds, options: ListenOptions | { readonly fd: number }): Promise<ImdsApp> {
  const app = imds.app();
  try {
    await new Promise<void>((resolve, reject) => {
      app.server.once('error', reject);
      app.server.listen(options, () => {
        app.server.off('error', reject);
        resolve();
      });
    });
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** A listener made of apps that each listen on one socket. */
export function listenerOf(apps: readonly ImdsApp[], port: number, addresses: readonly string[]): Listener {
  return {
    port,
    addresses,
    // Each app stops accepting, finishes what is in flight and closes idle connections.
    async close() {
      await Promise.all(apps.map((app) => app.close()));
    },
  };
}

function boundPortOf(app: ImdsApp, fallback: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : fallback;
}

/** Listens on `host`, or on both loopback addresses when `host` is undefined. */
export async function listen(imds: RoleImds, port: number, host: string | undefined, logger: Logger): Promise<Listener> {
  const primaryHost = host ?? '127.0.0.1';
  let primary: ImdsApp;
  try {
    primary = await listenOn(imds, { host: primaryHost, port });
  } catch (cause) {
    throw await portError(cause as NodeJS.ErrnoException, primaryHost, port);
  }
  const boundPort = boundPortOf(primary, port);
  if (host !== undefined) return listenerOf([primary], boundPort, [primaryHost]);
  try {
    const secondary = await listenOn(imds, { host: '::1', port: boundPort, ipv6Only: true });
    return listenerOf([primary, secondary], boundPort, [primaryHost, '::1']);
  } catch (cause) {
    const err = cause as NodeJS.ErrnoException;
    if (!NO_IPV6.has(err.code ?? '')) {
      await primary.close();
      throw await portError(err, '::1', boundPort);
    }
    logger.warn({ event: 'no-ipv6', port: boundPort }, 'IPv6 loopback ::1 is not available: listening on 127.0.0.1 only');
    return listenerOf([primary], boundPort, [primaryHost]);
  }
}
