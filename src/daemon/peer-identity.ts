/**
 * Who may take a credential from an IMDS port: the policy. On a shared host any local user
 * can reach 127.0.0.1, so on Linux each local connection's peer is identified by the
 * kernel: the peer is the one socket whose four fields equal the accepted connection's,
 * reversed (src/system/peer-sockets.ts finds them). Its uid must be the daemon's owner's
 * or one that --allow-uid lists.
 *
 * Fails closed: no socket, more than one, or a lookup that failed for this connection is
 * "not identified", answered 403 IMDSD_ERR_PEER_UNKNOWN. Which lookup is in use (netlink
 * sock_diag, or /proc/net/tcp{,6} where that cannot exist) is logged once at start-up.
 *
 * Local means loopback or any address of this host (host-addresses.ts): in link-local
 * mode every local client arrives from 169.254.169.254 (issue 14). macOS offers no such
 * table: there, local peers are admitted (docs/security-model.md). Other peers
 * (containers, with --host and --allow-cidr) are admitted by address.
 */
import { BlockList, isIPv6, type Socket } from 'node:net';
import type { ErrorCode } from '../errors.js';
import { isLoopback, peerAddress } from '../loopback.js';
import {
  connectionPeers, procPeerSockets, processPeerSockets, type Endpoint, type PeerSockets,
} from '../system/peer-sockets.js';
import { socketProcessFinder } from '../system/proc-fd.js';
import type { TcpSocket } from '../system/proc-net.js';
import type { AdmitPeer, PeerInfo, PeerVerdict } from '../imds/peer-gate.js';
import { isHostAddress } from './host-addresses.js';

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
  /** Where candidates come from; default: the process's choice (processPeerSockets), or /proc/net under procRoot. */
  readonly sockets?: PeerSockets;
  /** The hand-out log's budget of /proc/<pid>/fd links a second (default PID_LOOKUP_LINKS_PER_SEC). */
  readonly pidLookupLinksPerSec?: number;
}

/** /proc/<pid>/fd links read per second at most to name a client's process in the log. */
export const PID_LOOKUP_LINKS_PER_SEC = 2_000;

export const PEER_UNKNOWN: ErrorCode = 'IMDSD_ERR_PEER_UNKNOWN';

/**
 * The one socket that is the peer of a connection from `peer` to `ours`, among
 * `candidates` (connectionPeers: all four fields equal, connected, each socket once).
 * Anything but exactly one is a reason why the peer is not identified.
 */
export function exactPeer(candidates: readonly TcpSocket[], peer: Endpoint, ours: Endpoint): TcpSocket | string {
  const distinct = connectionPeers(candidates, peer, ours);
  if (distinct === undefined) return 'the connection has no address to look up';
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
