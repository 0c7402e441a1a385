/**
 * Who is connecting to an IMDS port. On a shared build host any local user can reach
 * 127.0.0.1, so on Linux each local connection's peer uid is asked of the kernel (the
 * client's own socket: its local end is our peer's address and port), and users other
 * than the daemon's owner are refused unless --allow-uid lists them. The kernel is asked
 * by the exact 4-tuple over netlink sock_diag (src/system/sock-diag.ts) in microseconds;
 * where that part is missing or netlink is refused, /proc/net/tcp{,6} is read instead,
 * whose cost grows with every socket on the host (issue 15).
 * Local means loopback or any address of this host (host-addresses.ts): in link-local
 * mode every local client arrives from 169.254.169.254 (issue 14).
 * macOS offers no such table: there, local peers are admitted (README: security model).
 * Other peers (containers, with --host and --allow-cidr) are admitted by address.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { BlockList, isIPv6, type Socket } from 'node:net';
import { isLoopback, peerAddress } from '../loopback.js';
import { TCP_STATE, hexPort, parseTcpRow, readTcpTables } from '../system/proc-net.js';
import type { AdmitPeer, PeerInfo, PeerVerdict } from '../imds/peer-gate.js';
import { isHostAddress } from './host-addresses.js';
import { loadSocketLookup, type SocketLookup, TCP_ESTABLISHED } from '../system/sock-diag.js';

export interface PeerPolicy {
  readonly ownerUid: number | undefined;
  readonly allowUids: readonly number[];
  /** CIDRs admitted when the listener is not on loopback. */
  readonly allowCidrs: readonly string[];
  readonly platform: NodeJS.Platform;
  /** Where the kernel's socket tables are (tests point this at fixtures). */
  readonly procRoot?: string;
  /** Whether an address belongs to this host (tests replace the interface table). */
  readonly isHostAddress?: (address: string | undefined) => boolean;
  /**
   * The kernel's exact lookup; default: the native one where it is built and loads.
   * `false` reads /proc/net/tcp only.
   */
  readonly lookupSocket?: SocketLookup | false;
  /** The hand-out log's budget of /proc/<pid>/fd links a second (default PID_LOOKUP_LINKS_PER_SEC). */
  readonly pidLookupLinksPerSec?: number;
}

interface SocketRow {
  readonly uid: number;
  readonly inode: string;
}

/** /proc/<pid>/fd links read per second at most to name a client's process in the log. */
export const PID_LOOKUP_LINKS_PER_SEC = 2_000;


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

/** Finds the row by searching for the port, not by splitting every line of a large table. */
function findInTable(text: string, local: string, remote: string): SocketRow | undefined {
  const needle = `${local} `;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const lineEnd = text.indexOf('\n', at);
    const row = parseTcpRow(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd));
    if (row !== undefined && row.local.endsWith(local) && row.remote.endsWith(remote) && row.state === TCP_STATE.ESTABLISHED) {
      return { uid: row.uid, inode: row.inode };
    }
  }
  return undefined;
}

/** The row of the peer's own socket: its local port is `peerPort`, its remote port ours. */
async function findPeerRow(tables: () => Promise<string[]>, peerPort: number, ourPort: number): Promise<SocketRow | undefined> {
  const local = hexPort(peerPort);
  const remote = hexPort(ourPort);
  for (const text of await tables()) {
    const row = findInTable(text, local, remote);
    if (row !== undefined) return row;
  }
  return undefined;
}

/**
 * Finds the process holding a socket inode, for the hand-out log, by reading
 * /proc/<pid>/fd links newest process first (a client that just connected is usually one
 * of the newest: the AWS CLI starts per call) and stopping at the match. Reading every
 * link on the host once a second cost CPU in proportion to the host's open files, 10,000
 * sockets held elsewhere nearly doubled imdsd's CPU per new connection (issue 15), so at
 * most `linksPerSec` links are read per second; past that the log names no pid. Links
 * read on the way are remembered for the rest of that second.
 */
function ownerFinder(procRoot: string, linksPerSec: number): (inode: string) => Promise<number | undefined> {
  let windowStartMs = -Infinity;
  let spent = 0;
  let seen = new Map<string, number>();
  const budgetLeft = (): boolean => {
    const nowMs = performance.now();
    if (nowMs - windowStartMs >= 1_000) {
      windowStartMs = nowMs;
      spent = 0;
      seen = new Map();
    }
    return spent < linksPerSec;
  };
  return async (inode) => {
    if (!budgetLeft()) return seen.get(inode);
    const known = seen.get(inode);
    if (known !== undefined) return known;
    const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number).sort((x, y) => y - x);
    for (const pid of pids) {
      for (const fd of await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[])) {
        if (!budgetLeft()) return undefined;
        spent += 1;
        const link = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
        if (!link.startsWith('socket:[')) continue;
        const found = link.slice(8, -1);
        seen.set(found, pid);
        if (found === inode) return pid;
      }
    }
    return undefined;
  };
}

/** The process holding socket `inode`, for the hand-out log. */
async function processOf(ownerOf: (inode: string) => Promise<number | undefined>, procRoot: string, inode: string): Promise<{ pid: number; command: string } | undefined> {
  if (inode === '' || inode === '0') return undefined;
  const pid = await ownerOf(inode);
  if (pid === undefined) return undefined;
  const command = (await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '')).trim();
  return { pid, command: command || 'unknown' };
}

function verdict(admitted: boolean, peer: PeerInfo, reason?: string, describe?: () => Promise<PeerInfo>): PeerVerdict {
  let described: Promise<PeerInfo> | undefined;
  return {
    admitted,
    reason,
    peer,
    describe: () => (described ??= describe === undefined ? Promise.resolve(peer) : describe()),
  };
}

/**
 * The peer's row from the kernel's exact lookup, or undefined to read the tables: no
 * native part, netlink refused (then never asked again), or no established socket found
 * (the tables decide that case too, so both paths refuse and admit alike).
 */
function kernelLookup(lookup: SocketLookup | undefined): (socket: Socket) => SocketRow | undefined {
  let working = lookup;
  return (socket) => {
    const { remoteAddress, remotePort, localAddress, localPort } = socket;
    if (working === undefined || remoteAddress === undefined || localAddress === undefined) return undefined;
    try {
      const found = working(remoteAddress, remotePort ?? 0, localAddress, localPort ?? 0);
      return found !== null && found.state === TCP_ESTABLISHED ? { uid: found.uid, inode: String(found.inode) } : undefined;
    } catch (error) {
      // An address the lookup cannot take is this socket's problem; a netlink failure is the host's.
      if (!String((error as { code?: unknown }).code).startsWith('ERR_')) working = undefined;
      return undefined;
    }
  };
}

export function createPeerAdmission(policy: PeerPolicy): AdmitPeer {
  const procRoot = policy.procRoot ?? '/proc';
  const fromKernel = kernelLookup(policy.lookupSocket === false || policy.platform !== 'linux'
    ? undefined
    : policy.lookupSocket ?? loadSocketLookup());
  const tables = batched(() => readTcpTables(procRoot));
  const owners = ownerFinder(procRoot, policy.pidLookupLinksPerSec ?? PID_LOOKUP_LINKS_PER_SEC);
  const allowed = new Set(policy.allowUids);
  if (policy.ownerUid !== undefined) allowed.add(policy.ownerUid);
  const onThisHost = policy.isHostAddress ?? isHostAddress;
  const cidrs = new BlockList();
  for (const cidr of policy.allowCidrs) {
    const [network = '', prefix = ''] = cidr.split('/');
    cidrs.addSubnet(network, Number(prefix), isIPv6(network) ? 'ipv6' : 'ipv4');
  }

  return async (socket: Socket) => {
    const address = socket.remoteAddress;
    const plain = address === undefined ? '' : peerAddress(address);
    if (!isLoopback(plain) && !onThisHost(address)) {
      const inRange = plain !== '' && cidrs.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
      return verdict(inRange, { address }, inRange ? undefined : 'address outside --allow-cidr');
    }
    if (policy.platform !== 'linux') return verdict(true, { address });
    const row = fromKernel(socket) ?? await findPeerRow(tables, socket.remotePort ?? 0, socket.localPort ?? 0);
    if (row === undefined) return verdict(false, { address }, 'the peer\'s uid could not be found');
    const peer = { address, uid: row.uid };
    const describe = async (): Promise<PeerInfo> => ({ ...peer, ...(await processOf(owners, procRoot, row.inode)) });
    return allowed.has(row.uid)
      ? verdict(true, peer, undefined, describe)
      : verdict(false, peer, `uid ${row.uid} is not the daemon's owner${allowed.size > 1 ? ' nor in --allow-uid' : ''}`, describe);
  };
}
