/**
 * Linux's TCP socket tables, read by both the port-owner message and the peer check:
 * /proc/net/tcp and /proc/net/tcp6 (one row per socket: local and remote address as hex
 * `ADDR:PORT`, state, uid, inode; see proc(5)). Which process holds a socket is
 * proc-fd.ts's; which sockets are a connection's peer, peer-sockets.ts's.
 */
import { readFile } from 'node:fs/promises';
import { procAddressText } from './ip-address.js';

/** The `st` column: a listening socket, and a connected one. */
export const TCP_STATE = { LISTEN: '0A', ESTABLISHED: '01' } as const;

export interface TcpRow {
  /** `ADDR:PORT` in the kernel's hex. */
  readonly local: string;
  readonly remote: string;
  readonly state: string;
  readonly uid: number;
  readonly inode: string;
}

/**
 * One TCP socket as the kernel describes it, whichever table it came from: /proc/net/tcp
 * here, netlink sock_diag in sock-diag.ts. Addresses as text (`127.0.0.1`, `::1`, or
 * IPv6 in full groups); compare them with ip-address.ts's addressKey.
 */
export interface TcpSocket {
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly remotePort: number;
  readonly uid: number;
  readonly inode: string;
  /** As numbered in the kernel's include/net/tcp_states.h (1 = established). */
  readonly state: number;
}

/** The states a connected peer's socket can be in: ESTABLISHED, or half-closed by it (FIN_WAIT1, FIN_WAIT2). */
export const PEER_STATES: ReadonlySet<number> = new Set([1, 4, 5]);

/** A port as the tables spell it after the address: `:04D2` for 1234. */
export function hexPort(port: number): string {
  return `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One row of a table; undefined for the header or a short line. */
export function parseTcpRow(line: string): TcpRow | undefined {
  const cols = line.trim().split(/\s+/);
  const [, local, remote, state] = cols;
  const uid = Number(cols[7]);
  if (local === undefined || remote === undefined || state === undefined || cols[9] === undefined || !Number.isInteger(uid)) return undefined;
  return { local, remote, state, uid, inode: cols[9] };
}

/** A table's `ADDR:PORT` as an address and a port; undefined when malformed. */
function endpointOf(field: string): { address: string; port: number } | undefined {
  const [hex = '', port = ''] = field.split(':');
  const address = procAddressText(hex);
  return address === undefined || !/^[0-9A-F]{4}$/i.test(port) ? undefined : { address, port: parseInt(port, 16) };
}

/** A row as a TcpSocket; undefined for the header or a malformed line. */
export function tcpSocketOf(row: TcpRow): TcpSocket | undefined {
  const local = endpointOf(row.local);
  const remote = endpointOf(row.remote);
  const state = parseInt(row.state, 16);
  if (local === undefined || remote === undefined || !/^[0-9A-F]{2}$/i.test(row.state)) return undefined;
  return { local: local.address, localPort: local.port, remote: remote.address, remotePort: remote.port, uid: row.uid, inode: row.inode, state };
}

/**
 * Every socket of the tables whose local port is `localPort` and remote port
 * `remotePort`, found by searching for the port text rather than splitting every line of
 * a large table. The addresses are the caller's to compare.
 */
export function socketsWithPorts(tables: readonly string[], localPort: number, remotePort: number): TcpSocket[] {
  const needle = `${hexPort(localPort)} `;
  const found: TcpSocket[] = [];
  for (const text of tables) {
    let lastLine = -1;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      const lineStart = text.lastIndexOf('\n', at) + 1;
      // The port text also matches the remote column: read each line once.
      if (lineStart === lastLine) continue;
      lastLine = lineStart;
      const lineEnd = text.indexOf('\n', at);
      const row = parseTcpRow(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd));
      const socket = row === undefined ? undefined : tcpSocketOf(row);
      if (socket !== undefined && socket.localPort === localPort && socket.remotePort === remotePort) found.push(socket);
    }
  }
  return found;
}

/** The text of /proc/net/tcp and /proc/net/tcp6 under `procRoot`; a missing table reads as empty. */
export function readTcpTables(procRoot = '/proc'): Promise<string[]> {
  return Promise.all(['tcp', 'tcp6'].map((table) => readFile(`${procRoot}/net/${table}`, 'utf8').catch(() => '')));
}
