/**
 * Serving on the sockets systemd passed (see socket-activation.ts). Each socket is listened
 * on and asked for its address first, then matched to the role whose port it carries:
 * a socket unit lists every role's port, on 127.0.0.1 and ::1, so two sockets usually
 * serve one role. A socket on no role's port, or a role without a socket, is an error,
 * never a silent bind of the port by the daemon. LISTEN_FDNAMES only names sockets in
 * messages.
 */
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { adoptLimits, closeServer, imdsHttpServer, type Listener } from './listen.js';
import { activationError, type PassedSocket } from './socket-activation.js';

export interface OpenedSocket {
  readonly socket: PassedSocket;
  readonly server: Server;
  readonly address: string;
  readonly port: number;
  /** Routes the socket's requests (those that arrived already, too) to the app. */
  attach(app: FastifyInstance): void;
}

/** What a role is matched by. */
export interface RolePort {
  readonly name: string;
  readonly port: number;
}

function listenOnFd(server: Server, { fd, name }: PassedSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(activationError(`fd ${fd} (${name}) cannot be listened on (${error.code ?? error.message})`, undefined, error)));
    server.listen({ fd }, () => resolve());
  });
}

async function openOne(socket: PassedSocket): Promise<OpenedSocket> {
  let app: FastifyInstance | undefined;
  const waiting: Array<[IncomingMessage, ServerResponse]> = [];
  const server = imdsHttpServer((req, res) => {
    if (app === undefined) waiting.push([req, res]);
    else app.routing(req, res);
  });
  try {
    await listenOnFd(server, socket);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    await closeServer(server);
    throw activationError(`fd ${socket.fd} (${socket.name}) is not a TCP socket (${String(address)})`);
  }
  return {
    socket,
    server,
    address: address.address,
    port: address.port,
    attach(target) {
      app = target;
      adoptLimits(server, target);
      for (const [req, res] of waiting.splice(0)) target.routing(req, res);
    },
  };
}

/** Listens on every passed socket; on any failure closes those already open. */
export async function openPassedSockets(sockets: readonly PassedSocket[]): Promise<OpenedSocket[]> {
  const outcomes = await Promise.allSettled(sockets.map(openOne));
  const opened = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed === undefined) return opened;
  await Promise.all(opened.map((one) => closeServer(one.server)));
  throw failed.reason;
}

function describe(roles: readonly RolePort[]): string {
  return roles.map((role) => `${role.name} on ${role.port}`).join(', ');
}

const MISMATCH_HINT = 'the socket unit\'s ListenStream= ports must be the roles\' ports: run imdsd install again to rewrite both';

/** The sockets of each role, in the roles' order; throws when they do not match one to one. */
export function assignToRoles(opened: readonly OpenedSocket[], roles: readonly RolePort[]): OpenedSocket[][] {
  const byRole: OpenedSocket[][] = roles.map(() => []);
  for (const one of opened) {
    const index = roles.findIndex((role) => role.port === one.port);
    if (index < 0) {
      throw activationError(`fd ${one.socket.fd} (${one.socket.name}) listens on ${one.address} port ${one.port}, which no role serves (${describe(roles)})`, MISMATCH_HINT);
    }
    byRole[index]?.push(one);
  }
  const bare = roles.findIndex((_, i) => byRole[i]?.length === 0);
  if (bare >= 0) {
    const role = roles[bare];
    throw activationError(`no passed socket is on port ${role?.port} of role ${role?.name} (sockets on ${opened.map((one) => one.port).join(', ')})`, MISMATCH_HINT);
  }
  return byRole;
}

/** Matches the sockets to the roles, closing them all when they do not match. */
export async function socketsForRoles(sockets: readonly PassedSocket[], roles: readonly RolePort[]): Promise<OpenedSocket[][]> {
  const opened = await openPassedSockets(sockets);
  try {
    return assignToRoles(opened, roles);
  } catch (error) {
    await Promise.all(opened.map((one) => closeServer(one.server)));
    throw error;
  }
}

/** A role's listener on its passed sockets. */
export async function serveOnSockets(app: FastifyInstance, sockets: readonly OpenedSocket[]): Promise<Listener> {
  await app.ready();
  for (const one of sockets) one.attach(app);
  return {
    port: sockets[0]?.port ?? 0,
    addresses: sockets.map((one) => one.address),
    async close() {
      // In-flight requests finish before the app closes, which forgets its IMDSv2 tokens.
      await Promise.all(sockets.map((one) => closeServer(one.server)));
      await app.close();
    },
  };
}
