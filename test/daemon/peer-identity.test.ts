import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createPeerAdmission, exactPeer, PEER_UNKNOWN } from '../../src/daemon/peer-identity.js';
import { netlinkPeerSockets, procPeerSockets, type PeerSockets } from '../../src/system/peer-sockets.js';
import type { TcpSocket } from '../../src/system/proc-net.js';
import { loadKernelSockets } from '../../src/system/sock-diag.js';
import { OURS, PEER, row } from '../support/tcp-socket-row.js';

const linux = process.platform !== 'linux' && 'needs Linux';
const kernel = loadKernelSockets();
const noNative = linux || (kernel === undefined && 'the native sock_diag part is not built (npm run build)');
const uid = process.getuid?.() ?? 0;

/** A real loopback connection; resolves with the server's side of it. */
async function loopbackPair(t: { teardown(fn: () => void): void }, host = '127.0.0.1'): Promise<Socket> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const address = server.address();
  const client = connect({ host, port: typeof address === 'object' && address !== null ? address.port : 0 });
  const serverSide = await accepted;
  t.teardown(() => {
    client.destroy();
    serverSide.destroy();
    server.close();
  });
  return serverSide;
}

t.test('anything but exactly one connected socket is not identified', async (t) => {
  const client = row('127.0.0.1', 40000, '127.0.0.1', 1338);
  t.equal(exactPeer([client], PEER, OURS), client, 'exactly one: that socket is the peer');
  t.type(exactPeer([row('127.0.0.1', 40000, '127.0.0.5', 1338)], PEER, OURS), 'string', 'a socket whose four fields differ is none');
  t.match(exactPeer([], PEER, OURS), /no socket on this host/, 'none');
  const twice = [row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '1' }), row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '2', uid: 0 })];
  t.match(exactPeer(twice, PEER, OURS), /2 sockets/, 'two sockets (bound to two devices) with one tuple');
  const seenTwice = [row('127.0.0.1', 40000, '127.0.0.1', 1338), row('127.0.0.1', 40000, '127.0.0.1', 1338)];
  t.equal(typeof exactPeer(seenTwice, PEER, OURS), 'object', 'one socket answered for two interfaces counts once');
  const orphans = [row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '0', state: 4 }), row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '0', state: 4 })];
  t.match(exactPeer(orphans, PEER, OURS), /2 sockets/, 'sockets without an inode are never merged');
  t.match(exactPeer([row('127.0.0.1', 40000, '127.0.0.1', 1338, { state: 6, uid: 0 })], PEER, OURS), /no socket/, 'TIME_WAIT (uid 0, no owner) is not a peer');
  t.equal(typeof exactPeer([row('127.0.0.1', 40000, '127.0.0.1', 1338, { state: 5 })], PEER, OURS), 'object', 'FIN_WAIT2: a client that half-closed still is');
  t.match(exactPeer([], { address: '', port: 1 }, OURS), /no address/, 'a connection without an address');
});

/** Candidates from a fixed list, counting the asks. */
function fixed(list: TcpSocket[] | Error): PeerSockets & { asked: number } {
  const sockets = {
    method: 'netlink' as const,
    asked: 0,
    find: async () => {
      sockets.asked += 1;
      if (list instanceof Error) throw list;
      return list;
    },
  };
  return sockets;
}

const fake = (remoteAddress: string, remotePort: number, localAddress = '127.0.0.1', localPort = 1338) => ({ remoteAddress, remotePort, localAddress, localPort }) as unknown as Socket;

t.test('fail closed: a peer that is not identified is refused with IMDSD_ERR_PEER_UNKNOWN', async (t) => {
  const policy = { ownerUid: 1000, allowUids: [], allowCidrs: [], platform: 'linux' as const, procRoot: '/nonexistent' };
  const none = await createPeerAdmission({ ...policy, sockets: fixed([]) })(fake('127.0.0.1', 40000));
  t.match(none, { admitted: false, code: PEER_UNKNOWN, reason: /could not be identified: no socket/ }, 'no socket');
  const failing = fixed(Object.assign(new Error('Protocol error'), { code: 'EPROTO' }));
  const admit = createPeerAdmission({ ...policy, sockets: failing });
  t.match(await admit(fake('127.0.0.1', 40000)), { admitted: false, code: PEER_UNKNOWN, reason: /lookup failed \(EPROTO\)/ }, 'a failed lookup refuses that connection');
  await admit(fake('127.0.0.1', 40001));
  t.equal(failing.asked, 2, 'and the next connection is asked again: one failure turns nothing off');
  const closed = await admit(fake(undefined as unknown as string, 0));
  t.match(closed, { admitted: false, code: PEER_UNKNOWN }, 'a connection already closed');
  const owner = await createPeerAdmission({ ...policy, sockets: fixed([row('127.0.0.1', 40000, '127.0.0.1', 1338, { uid: 1000 })]) })(fake('127.0.0.1', 40000));
  t.match(owner, { admitted: true, peer: { uid: 1000 } }, 'the owner, identified, is admitted');
  const other = await createPeerAdmission({ ...policy, sockets: fixed([row('127.0.0.1', 40000, '127.0.0.1', 1338, { uid: 1001 })]) })(fake('127.0.0.1', 40000));
  t.match(other, { admitted: false, code: undefined, reason: /uid 1001 is not the daemon's owner/ }, 'another user, identified, is refused by uid');
  const listed = await createPeerAdmission({ ...policy, allowUids: [1001], sockets: fixed([row('127.0.0.1', 40000, '127.0.0.1', 1338, { uid: 1001 })]) })(fake('127.0.0.1', 40000));
  t.ok(listed.admitted, '--allow-uid admits a listed user');
});

/** A /proc root holding one tcp table. */
function procWith(lines: string[]): string {
  const procRoot = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(procRoot, 'net'));
  writeFileSync(join(procRoot, 'net', 'tcp'), ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', ...lines].join('\n'));
  writeFileSync(join(procRoot, 'net', 'tcp6'), '');
  return procRoot;
}

t.test('the /proc tables are read by the same rule (fixture rows as the kernel writes them)', async (t) => {
  // The daemon 127.0.0.1:1338 (0x053A) and its accepted socket from the attacker 127.0.0.2:1338, owned by
  // the owner (uid 1000); the attacker's own socket (uid 1001) on the next line.
  const procRoot = procWith([
    '   0: 0100007F:053A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0',
    '   1: 0100007F:053A 0200007F:053A 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 20 4 30 10 -1',
    '   2: 0200007F:053A 0100007F:053A 01 00000000:00000000 00:00000000 00000000  1001        0 333 1 0 20 4 30 10 -1',
  ]);
  const admit = createPeerAdmission({ ownerUid: 1000, allowUids: [], allowCidrs: [], platform: 'linux', procRoot });
  const attacker = await admit(fake('127.0.0.2', 1338));
  t.match(attacker, { admitted: false, peer: { uid: 1001 } }, 'the attacker\'s own row, not the owner\'s reversed one');
  const gone = await admit(fake('127.0.0.3', 1338));
  t.match(gone, { admitted: false, code: PEER_UNKNOWN }, 'no row for another source address: not identified');
  t.same(await attacker.describe(), { address: '127.0.0.2', uid: 1001 }, 'no process in the fixture: only what is known');
});

t.test('a real connection: the owner is admitted, with its process, by either lookup', { skip: noNative }, async (t) => {
  for (const host of ['127.0.0.1', '::1']) {
    const socket = await loopbackPair(t, host);
    const policy = { ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux' as const, pidLookupLinksPerSec: Infinity };
    const fast = await createPeerAdmission({ ...policy, sockets: netlinkPeerSockets(kernel!) })(socket);
    const slow = await createPeerAdmission({ ...policy, sockets: procPeerSockets('/proc') })(socket);
    t.match(fast, { admitted: true, peer: { uid } }, `${host}: netlink names our uid`);
    t.match(slow, { admitted: true, peer: { uid } }, `${host}: so does /proc`);
    t.equal((await fast.describe()).pid, process.pid, `${host}: the peer process is found for the log`);
    t.equal((await slow.describe()).pid, process.pid, `${host}: by both`);
    const refused = await createPeerAdmission({ ...policy, ownerUid: uid + 1000, sockets: netlinkPeerSockets(kernel!) })(socket);
    t.match(refused, { admitted: false, reason: new RegExp(`uid ${uid} is not`) }, `${host}: another owner refuses it`);
  }
});

t.test('the hand-out log reads a bounded number of fd links a second', { skip: linux }, async (t) => {
  const socket = await loopbackPair(t);
  const none = await createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', pidLookupLinksPerSec: 0 })(socket);
  t.ok(none.admitted, 'the verdict does not depend on it');
  t.same(await none.describe(), { address: '127.0.0.1', uid }, 'with no budget left the log names no process');
  t.equal(none.describe(), none.describe(), 'described once per connection');
});

t.test('other platforms admit loopback peers (documented limit)', async (t) => {
  const verdict = await createPeerAdmission({ ownerUid: 0, allowUids: [], allowCidrs: [], platform: 'darwin' })(fake('::1', 1));
  t.ok(verdict.admitted, 'admitted');
  t.same(await verdict.describe(), { address: '::1' }, 'described by address only');
});

t.test('non-loopback peers are admitted only from --allow-cidr networks', async (t) => {
  const admit = createPeerAdmission({ ownerUid: 0, allowUids: [], allowCidrs: ['172.17.0.0/16', 'fd00::/8'], platform: 'linux', isHostAddress: () => false });
  t.ok((await admit(fake('172.17.0.5', 1))).admitted, 'inside the IPv4 range');
  t.ok((await admit(fake('::ffff:172.17.3.4', 1))).admitted, 'an IPv4-mapped address inside it');
  t.ok((await admit(fake('fd12::1', 1))).admitted, 'inside the IPv6 range');
  const outside = await admit(fake('10.0.0.1', 1));
  t.notOk(outside.admitted, 'outside is refused');
  t.match(outside.reason, /outside --allow-cidr/, 'and says why');
});

t.test('issue 14: a peer on an address of this host gets the uid check, not --allow-cidr', async (t) => {
  // Client 169.254.169.254:40000 (FEA9FEA9) -> server 169.254.169.254:80 (0x0050), uid 1001.
  const procRoot = procWith(['   0: FEA9FEA9:9C40 FEA9FEA9:0050 01 00000000:00000000 00:00000000 00000000  1001        0 222 1 0 20 4 30 10 -1']);
  const socket = fake('169.254.169.254', 40000, '169.254.169.254', 80);
  const onHost = (address: string | undefined) => address === '169.254.169.254';
  // Even a CIDR that covers the address does not admit a local user: it is for containers.
  const policy = { allowCidrs: ['169.254.0.0/16'], platform: 'linux' as const, procRoot, isHostAddress: onHost };
  const refused = await createPeerAdmission({ ...policy, ownerUid: 0, allowUids: [] })(socket);
  t.match(refused, { admitted: false, reason: /uid 1001 is not the daemon's owner/ }, 'another local user arriving from 169.254.169.254 is refused by uid');
  t.ok((await createPeerAdmission({ ...policy, ownerUid: 1001, allowUids: [] })(socket)).admitted, 'the owner arriving from it is admitted');
  t.ok((await createPeerAdmission({ ...policy, ownerUid: 0, allowUids: [], isHostAddress: () => false })(socket)).admitted, 'an address that is not this host\'s is still judged by --allow-cidr');
  t.ok((await createPeerAdmission({ ...policy, platform: 'darwin', allowCidrs: [], ownerUid: 0, allowUids: [] })(socket)).admitted, 'macOS admits local peers (documented limit)');
});
