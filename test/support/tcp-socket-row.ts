/** TCP sockets as the kernel lists them, for the peer-identity tests of both layers. */
import type { TcpSocket } from '../../src/system/proc-net.js';

/** A connected socket of uid 1001 with inode 500, unless `extra` says otherwise. */
export function row(local: string, localPort: number, remote: string, remotePort: number, extra: Partial<TcpSocket> = {}): TcpSocket {
  return { local, localPort, remote, remotePort, uid: 1001, inode: '500', state: 1, ...extra };
}

/** A client 127.0.0.1:40000 connected to the daemon on 127.0.0.1:1338. */
export const PEER = { address: '127.0.0.1', port: 40000 };
export const OURS = { address: '127.0.0.1', port: 1338 };
