/**
 * Serving on the sockets systemd passed (see socket-activation.ts). Each socket's own
 * address is read first (its /proc/self/fd link names its inode, the TCP tables its
 * address), then it is matched to the role whose port it carries: a socket unit lists
 * every role's port, on 127.0.0.1 and ::1, so two sockets usually serve one role. A socket
 * on no role's port, or a role without a socket, is an error, never a silent bind of the
 * port by the daemon. Only then does each socket's app listen on it, as every listener
 * does (listen.ts), so a client that connects meanwhile waits in the kernel's queue.
 * LISTEN_FDNAMES only names sockets in messages.
 */
import { readlink } from 'node:fs/promises';
import { isIPv6, SocketAddress } from 'node:net';
import type { ImdsApp, RoleImds } from '../imds/app.js';
import { parseTcpRow, readTcpTables, TCP_STATE, tcpSocketOf } from '../system/proc-net.js';
import { type Listener, listenerOf, listenOn } from './listen.js';
import { activationError, type PassedSocket } from './socket-activation.js';

export interface OpenedSocket {
  readonly socket: PassedSocket;
  readonly address: string;
  readonly port: number;
}

/** What a role is matched by. */
export interface RolePort {
  readonly name: string;
  readonly port: number;
}

/** The listening TCP socket of `inode` in the tables, if there is one. */
function listeningSocket(tables: readonly string[], inode: string): { address: string; port: number } | undefined {
  for (const line of tables.flatMap((table) => table.split('\n'))) {
    const row = parseTcpRow(line);
    if (row?.inode !== inode || row.state !== TCP_STATE.LISTEN) continue;
    const socket = tcpSocketOf(row);
    // The tables spell IPv6 in eight full groups: as Node reports it (`::1`) instead.
    if (socket !== undefined) return { address: new SocketAddress({ address: socket.local, family: isIPv6(socket.local) ? 'ipv6' : 'ipv4' }).address, port: socket.localPort };
  }
  return undefined;
}

async function identify(socket: PassedSocket, tables: readonly string[], procRoot: string): Promise<OpenedSocket> {
  const { fd, name } = socket;
  let link: string;
  try {
    link = await readlink(`${procRoot}/self/fd/${fd}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw activationError(`fd ${fd} (${name}) cannot be listened on (${code})`, undefined, error);
  }
  const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
  const found = inode === undefined ? undefined : listeningSocket(tables, inode);
  if (found === undefined) throw activationError(`fd ${fd} (${name}) is not a TCP socket (${link}: no listening TCP socket)`);
  return { socket, ...found };
}

/** Finds every passed socket's address and port; nothing listens yet. */
export async function openPassedSockets(sockets: readonly PassedSocket[], procRoot = '/proc'): Promise<OpenedSocket[]> {
  const tables = await readTcpTables(procRoot);
  return Promise.all(sockets.map((socket) => identify(socket, tables, procRoot)));
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

/** Matches the sockets to the roles. */
export async function socketsForRoles(sockets: readonly PassedSocket[], roles: readonly RolePort[]): Promise<OpenedSocket[][]> {
  return assignToRoles(await openPassedSockets(sockets), roles);
}

async function listenOnSocket(imds: RoleImds, { socket, address }: OpenedSocket): Promise<ImdsApp> {
  try {
    return await listenOn(imds, { fd: socket.fd });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw activationError(`fd ${socket.fd} (${socket.name}) cannot be listened on (${code})`, undefined, error);
  }
}

/** A role's listener on its passed sockets; on any failure closes those already listening. */
export async function serveOnSockets(imds: RoleImds, sockets: readonly OpenedSocket[]): Promise<Listener> {
  const outcomes = await Promise.allSettled(sockets.map((one) => listenOnSocket(imds, one)));
  const apps = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(apps.map((app) => app.close()));
    throw failed.reason;
  }
  return listenerOf(apps, sockets[0]?.port ?? 0, sockets.map((one) => one.address));
}
