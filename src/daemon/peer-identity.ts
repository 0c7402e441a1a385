/**
 * Who is connecting to an IMDS port. On a shared build host any local user can reach
 * 127.0.0.1, so on Linux each local connection's peer uid is read from
 * /proc/net/tcp{,6} (the client's own socket row: its local port is our peer's port)
 * and users other than the daemon's owner are refused unless --allow-uid lists them.
 * Local means loopback or any address of this host (host-addresses.ts): in link-local
 * mode every local client arrives from 169.254.169.254 (issue 14).
 * macOS offers no such table: there, local peers are admitted (README: security model).
 * Other peers (containers, with --host and --allow-cidr) are admitted by address.
 */
import { readFile } from 'node:fs/promises';
import { BlockList, isIPv6, type Socket } from 'node:net';
import { isLoopback, peerAddress } from '../loopback.js';
import { TCP_STATE, hexPort, parseTcpRow, readTcpTables, socketOwners } from '../system/proc-net.js';
import type { AdmitPeer, PeerInfo, PeerVerdict } from '../imds/peer-gate.js';
import { isHostAddress } from './host-addresses.js';

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
}

interface SocketRow {
  readonly uid: number;
  readonly inode: string;
}

/** At most one /proc/<pid>/fd scan a second for hand-out logs. */
const OWNER_SCAN_REUSE_MS = 1_000;


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
 * A scan no older than `maxAgeMs` is reused: the /proc/<pid>/fd scan costs tens of ms on a
 * busy host, and clients that open a connection per fetch (the AWS CLI) would otherwise
 * scan continuously. A connection newer than the scan is logged without its pid.
 */
function reusedFor<T>(maxAgeMs: number, load: () => Promise<T>): () => Promise<T> {
  let last: { atMs: number; value: Promise<T> } | undefined;
  return () => {
    const nowMs = performance.now();
    if (last === undefined || nowMs - last.atMs > maxAgeMs) last = { atMs: nowMs, value: load() };
    return last.value;
  };
}

/** The process holding socket `inode`, for the hand-out log. */
async function processOf(owners: () => Promise<Map<string, number>>, procRoot: string, inode: string): Promise<{ pid: number; command: string } | undefined> {
  if (inode === '' || inode === '0') return undefined;
  const pid = (await owners()).get(inode);
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

export function createPeerAdmission(policy: PeerPolicy): AdmitPeer {
  const procRoot = policy.procRoot ?? '/proc';
  const tables = batched(() => readTcpTables(procRoot));
  const owners = reusedFor(OWNER_SCAN_REUSE_MS, () => socketOwners(procRoot));
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
    const row = await findPeerRow(tables, socket.remotePort ?? 0, socket.localPort ?? 0);
    if (row === undefined) return verdict(false, { address }, 'the peer\'s uid could not be found');
    const peer = { address, uid: row.uid };
    const describe = async (): Promise<PeerInfo> => ({ ...peer, ...(await processOf(owners, procRoot, row.inode)) });
    return allowed.has(row.uid)
      ? verdict(true, peer, undefined, describe)
      : verdict(false, peer, `uid ${row.uid} is not the daemon's owner${allowed.size > 1 ? ' nor in --allow-uid' : ''}`, describe);
  };
}
