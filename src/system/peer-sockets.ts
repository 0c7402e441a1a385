/**
 * The sockets that can be the peer of a local connection (issue 18). Candidates come from
 * the kernel over netlink sock_diag (sock-diag.ts); only where that cannot exist on this
 * machine (no native part, or socket() refused) from /proc/net/tcp{,6} (proc-net.ts).
 * Either way connectionPeers keeps the sockets whose four fields (local address and port,
 * remote address and port) equal the connection's, reversed, in the right family (IPv4,
 * IPv6, v4-mapped), wherever they are bound (a device, a zone, any 127.0.0.0/8 or ::1
 * source). Whom to admit is the daemon's policy (src/daemon/peer-identity.ts).
 */
import { peerAddress } from '../loopback.js';
import { batched } from './batched.js';
import { addressKey } from './ip-address.js';
import { PEER_STATES, readTcpTables, socketsWithPorts, type TcpSocket } from './proc-net.js';
import { loadKernelSockets, nativeAbsence, type KernelSockets } from './sock-diag.js';

/** One end of a connection. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Where the candidate sockets come from, chosen once per process. */
export interface PeerSockets {
  readonly method: 'netlink' | 'proc';
  /** Why /proc is read instead of netlink. */
  readonly fallbackReason?: string | undefined;
  /**
   * Sockets among which are those that have `peer` as local end and `ours` as remote end
   * (connectionPeers picks them out); rejects when the lookup failed.
   */
  find(peer: Endpoint, ours: Endpoint): Promise<TcpSocket[]>;
}

/** An address as the kernel takes it: no zone, IPv4 without its `::ffff:`. */
function plain(address: string): string {
  return peerAddress(address.split('%', 1)[0] ?? '');
}

/** Candidates from /proc/net/tcp{,6}, for a machine without the netlink lookup: every row with both ports. */
export function procPeerSockets(procRoot: string, fallbackReason?: string): PeerSockets {
  const tables = batched(() => readTcpTables(procRoot));
  return {
    method: 'proc',
    fallbackReason,
    find: async (peer, ours) => socketsWithPorts(await tables(), peer.port, ours.port),
  };
}

/** Candidates from the kernel over netlink: its answer for the exact 4-tuple. */
export function netlinkPeerSockets(kernel: KernelSockets): PeerSockets {
  return {
    method: 'netlink',
    find: async (peer, ours) => kernel.candidates(plain(peer.address), peer.port, plain(ours.address), ours.port),
  };
}

/**
 * Netlink where it can exist here; /proc only when it cannot (no native part, or the
 * kernel refuses the socket itself, e.g. RestrictAddressFamilies without AF_NETLINK).
 */
export function choosePeerSockets(procRoot: string, kernel: KernelSockets | undefined, platform: string = process.platform): PeerSockets {
  if (kernel === undefined) {
    return procPeerSockets(procRoot, nativeAbsence(platform) ?? 'the native sock_diag part is not built for this platform or does not load');
  }
  const refused = kernel.probe();
  return refused === null ? netlinkPeerSockets(kernel) : procPeerSockets(procRoot, `netlink sock_diag refused: ${refused}`);
}

let defaultSockets: PeerSockets | undefined;

/** The process's one choice, made at first use (the daemon logs it at start-up). */
export function processPeerSockets(): PeerSockets {
  defaultSockets ??= choosePeerSockets('/proc', loadKernelSockets());
  return defaultSockets;
}

/**
 * The sockets among `candidates` that can be the peer of a connection from `peer` to
 * `ours`: local end `peer`, remote end `ours`, all four fields equal whatever the spelling
 * (v4-mapped, zone), in a state a connected peer's socket can be in. A socket seen twice
 * (asked once per interface) counts once; sockets without an inode are never merged.
 * Undefined when an end of the connection has no address to compare.
 */
export function connectionPeers(candidates: readonly TcpSocket[], peer: Endpoint, ours: Endpoint): TcpSocket[] | undefined {
  const peerKey = addressKey(peer.address);
  const ourKey = addressKey(ours.address);
  if (peerKey === undefined || ourKey === undefined) return undefined;
  const matches = candidates.filter((socket) => PEER_STATES.has(socket.state)
    && socket.localPort === peer.port && socket.remotePort === ours.port
    && addressKey(socket.local) === peerKey && addressKey(socket.remote) === ourKey);
  return matches.filter((socket, index) => socket.inode === '0' || matches.findIndex((other) => other.inode === socket.inode) === index);
}
