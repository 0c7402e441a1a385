/**
 * Who is connecting to an IMDS port. On a shared host any local user can reach 127.0.0.1,
 * so on Linux each local connection's peer is identified by the kernel: the peer is the
 * one socket whose four fields (local address and port, remote address and port) equal
 * the accepted connection's, reversed, in the right family (IPv4, IPv6, v4-mapped),
 * wherever it is bound (a device, a zone, any 127.0.0.0/8 or ::1 source). Its uid must be
 * the daemon's owner's or one that --allow-uid lists.
 *
 * Fails closed: no socket, more than one, or a lookup that failed for this connection is
 * "not identified", answered 403 IMDSD_ERR_PEER_UNKNOWN. Candidates come from netlink
 * sock_diag (src/system/sock-diag.ts); only where that cannot exist on this machine (no
 * native part, or socket() refused) from /proc/net/tcp{,6}, compared by the same rule.
 * Which one is in use is logged once at start-up (choosePeerSockets).
 *
 * Local means loopback or any address of this host (host-addresses.ts): in link-local
 * mode every local client arrives from 169.254.169.254 (issue 14). macOS offers no such
 * table: there, local peers are admitted (docs/security-model.md). Other peers
 * (containers, with --host and --allow-cidr) are admitted by address.
 */
import { BlockList, isIPv6, type Socket } from 'node:net';
import type { ErrorCode } from '../errors.js';
import { isLoopback, peerAddress } from '../loopback.js';
import { addressKey } from '../system/ip-address.js';
import { socketProcessFinder } from '../system/proc-fd.js';
import { PEER_STATES, readTcpTables, socketsWithPorts, type TcpSocket } from '../system/proc-net.js';
import { loadKernelSockets, nativeAbsence, type KernelSockets } from '../system/sock-diag.js';
import type { AdmitPeer, PeerInfo, PeerVerdict } from '../imds/peer-gate.js';
import { isHostAddress } from './host-addresses.js';

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
  /** The sockets that have `peer` as local end and `ours` as remote end; rejects when the lookup failed. */
  find(peer: Endpoint, ours: Endpoint): Promise<TcpSocket[]>;
}

export interface PeerPolicy {
  readonly ownerUid: number | undefined;
  readonly allowUids: readonly number[];
  /** CIDRs admitted when the listener is not on loopback. */
  readonly allowCidrs: readonly string[];
  readonly platform: NodeJS.Platform;
  /** Where /proc is (tests point this at fixtures). */
  readonly procRoot?: string;
  /** Whether an address belongs to this host (tests replace the interface table). */
  readonly isHostAddress?: (address: string | undefined) => boolean;
  /** Where candidates come from; default: choosePeerSockets(procRoot). */
  readonly sockets?: PeerSockets;
  /** The hand-out log's budget of /proc/<pid>/fd links a second (default PID_LOOKUP_LINKS_PER_SEC). */
  readonly pidLookupLinksPerSec?: number;
}

/** /proc/<pid>/fd links read per second at most to name a client's process in the log. */
export const PID_LOOKUP_LINKS_PER_SEC = 2_000;

export const PEER_UNKNOWN: ErrorCode = 'IMDSD_ERR_PEER_UNKNOWN';

/**
 * One read serves every caller that arrives while the previous read runs: they all wait
 * for the next read, which starts after they connected, so each finds its own row. Under
 * a burst of connections the tables are read a few times, not once per connection.
 */
function batched<T>(load: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    running = load().finally(() => {
      running = undefined;
    });
    return running;
  };
  return () => {
    if (running === undefined) return start();
    next ??= running.catch(() => undefined).then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}

/** An address as the kernel takes it: no zone, IPv4 without its `::ffff:`. */
function plain(address: string): string {
  return peerAddress(address.split('%', 1)[0] ?? '');
}

/** Candidates from /proc/net/tcp{,6}, for a machine without the netlink lookup. */
export function procPeerSockets(procRoot: string, fallbackReason?: string): PeerSockets {
  const tables = batched(() => readTcpTables(procRoot));
  return {
    method: 'proc',
    fallbackReason,
    find: async (peer, ours) => socketsWithPorts(await tables(), peer.port, ours.port),
  };
}

/** Candidates from the kernel over netlink. */
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

/** The process's one choice, made at first use (run.ts logs it at start-up). */
export function processPeerSockets(): PeerSockets {
  defaultSockets ??= choosePeerSockets('/proc', loadKernelSockets());
  return defaultSockets;
}

/**
 * The one socket that is the peer of a connection from `peer` to `ours`: its local end
 * is `peer`, its remote end `ours`, all four fields equal, in a connected state. A
 * socket seen twice (asked once per interface) counts once. Anything but exactly one is
 * a reason why the peer is not identified.
 */
export function exactPeer(sockets: readonly TcpSocket[], peer: Endpoint, ours: Endpoint): TcpSocket | string {
  const peerKey = addressKey(peer.address);
  const ourKey = addressKey(ours.address);
  if (peerKey === undefined || ourKey === undefined) return 'the connection has no address to look up';
  const matches = sockets.filter((socket) => PEER_STATES.has(socket.state)
    && socket.localPort === peer.port && socket.remotePort === ours.port
    && addressKey(socket.local) === peerKey && addressKey(socket.remote) === ourKey);
  const distinct = matches.filter((socket, index) => socket.inode === '0' || matches.findIndex((other) => other.inode === socket.inode) === index);
  const [only] = distinct;
  if (only !== undefined && distinct.length === 1) return only;
  return distinct.length === 0
    ? 'no socket on this host has the connection\'s addresses and ports'
    : `${distinct.length} sockets have the connection's addresses and ports`;
}

function verdict(admitted: boolean, peer: PeerInfo, reason?: string, describe?: () => Promise<PeerInfo>, code?: ErrorCode): PeerVerdict {
  let described: Promise<PeerInfo> | undefined;
  return {
    admitted,
    reason,
    code,
    peer,
    describe: () => (described ??= describe === undefined ? Promise.resolve(peer) : describe()),
  };
}

/** Why a lookup threw, for the log: its errno name, never a stack. */
function failure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return `the socket lookup failed (${typeof code === 'string' ? code : 'unknown error'})`;
}

/** A CIDR check for peers that are not on this host. */
function cidrCheck(allowCidrs: readonly string[]): (address: string) => boolean {
  const cidrs = new BlockList();
  for (const cidr of allowCidrs) {
    const [network = '', prefix = ''] = cidr.split('/');
    cidrs.addSubnet(network, Number(prefix), isIPv6(network) ? 'ipv6' : 'ipv4');
  }
  return (address) => address !== '' && cidrs.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

export function createPeerAdmission(policy: PeerPolicy): AdmitPeer {
  const procRoot = policy.procRoot ?? '/proc';
  const sockets = policy.sockets ?? (policy.procRoot === undefined ? processPeerSockets() : procPeerSockets(procRoot));
  const processOf = socketProcessFinder(procRoot, policy.pidLookupLinksPerSec ?? PID_LOOKUP_LINKS_PER_SEC);
  const allowed = new Set(policy.allowUids);
  if (policy.ownerUid !== undefined) allowed.add(policy.ownerUid);
  const onThisHost = policy.isHostAddress ?? isHostAddress;
  const inAllowedRange = cidrCheck(policy.allowCidrs);

  const identify = async (socket: Socket): Promise<PeerVerdict> => {
    const { remoteAddress: address, remotePort, localAddress, localPort } = socket;
    const peerEnd = { address: address ?? '', port: remotePort ?? 0 };
    const found = await sockets.find(peerEnd, { address: localAddress ?? '', port: localPort ?? 0 })
      .then((candidates) => exactPeer(candidates, peerEnd, { address: localAddress ?? '', port: localPort ?? 0 }), failure);
    if (typeof found === 'string') return verdict(false, { address }, `the peer could not be identified: ${found}`, undefined, PEER_UNKNOWN);
    const peer = { address, uid: found.uid };
    const describe = async (): Promise<PeerInfo> => ({ ...peer, ...(await processOf(found.inode)) });
    return allowed.has(found.uid)
      ? verdict(true, peer, undefined, describe)
      : verdict(false, peer, `uid ${found.uid} is not the daemon's owner${allowed.size > 1 ? ' nor in --allow-uid' : ''}`, describe);
  };

  return async (socket: Socket) => {
    const address = socket.remoteAddress;
    const unwrapped = address === undefined ? '' : peerAddress(address);
    if (address === undefined) return verdict(false, { address }, 'the connection closed before its peer was known', undefined, PEER_UNKNOWN);
    if (!isLoopback(unwrapped) && !onThisHost(address)) {
      const inRange = inAllowedRange(unwrapped);
      return verdict(inRange, { address }, inRange ? undefined : 'address outside --allow-cidr');
    }
    if (policy.platform !== 'linux') return verdict(true, { address });
    return identify(socket);
  };
}
