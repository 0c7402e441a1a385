import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { choosePeerSockets, connectionPeers, netlinkPeerSockets, procPeerSockets, processPeerSockets } from '../../src/system/peer-sockets.js';
import type { KernelSockets } from '../../src/system/sock-diag.js';
import { OURS, PEER, row } from '../support/tcp-socket-row.js';

t.test('the peer\'s sockets are those whose four fields all equal the connection\'s (issue 18)', async (t) => {
  const client = row('127.0.0.1', 40000, '127.0.0.1', 1338);
  t.same(connectionPeers([client], PEER, OURS), [client], 'found');
  t.same(connectionPeers([client], { address: '::ffff:127.0.0.1', port: 40000 }, { address: '::ffff:127.0.0.1', port: 1338 }), [client], 'a dual-stack listener sees it v4-mapped');
  const mapped = row('0:0:0:0:0:ffff:7f00:1', 40000, '::ffff:127.0.0.1', 1338);
  t.same(connectionPeers([mapped], PEER, OURS), [mapped], 'an IPv6 socket talking IPv4 is the same address');
  const zoned = row('fe80::2', 40000, 'fe80::1', 1338);
  t.same(connectionPeers([zoned], { address: 'fe80::2%dummy0', port: 40000 }, { address: 'fe80::1%dummy0', port: 1338 }), [zoned], 'zoned addresses compare without their zone');
});

t.test('attacks on the old ports-only match: none of these sockets is the peer\'s (issue 18)', async (t) => {
  // The attacker connects from 127.0.0.2 with the daemon's own port as its source port.
  const attacker = { address: '127.0.0.2', port: 1338 };
  const ownersAccepted = row('127.0.0.1', 1338, '127.0.0.2', 1338, { uid: 1000 });
  t.same(connectionPeers([ownersAccepted], attacker, OURS), [], 'the daemon\'s own accepted socket, reversed, is not the peer');
  // The attacker reuses the source port of a connection the owner holds open.
  const ownersClient = row('127.0.0.1', 40000, '127.0.0.1', 1338, { uid: 1000 });
  t.same(connectionPeers([ownersClient], { address: '127.0.0.3', port: 40000 }, OURS), [], 'the owner\'s client on another address is not the peer');
  t.same(connectionPeers([row('127.0.0.1', 40000, '127.0.0.5', 1338)], PEER, OURS), [], 'another remote address');
  t.same(connectionPeers([row('127.0.0.1', 40001, '127.0.0.1', 1338)], PEER, OURS), [], 'another local port');
  t.same(connectionPeers([row('127.0.0.1', 40000, '127.0.0.1', 1339)], PEER, OURS), [], 'another remote port');
  t.same(connectionPeers([row('::1', 40000, '::1', 1338)], PEER, OURS), [], 'the same ports in the other family');
});

t.test('only connected sockets count, each once', async (t) => {
  const [one, two] = [row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '1' }), row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '2', uid: 0 })];
  t.same(connectionPeers([one!, two!], PEER, OURS), [one, two], 'two sockets (bound to two devices) with one tuple are both kept');
  t.same(connectionPeers([one!, one!], PEER, OURS), [one], 'one socket answered for two interfaces is kept once');
  const orphan = row('127.0.0.1', 40000, '127.0.0.1', 1338, { inode: '0', state: 4 });
  t.same(connectionPeers([orphan, orphan], PEER, OURS), [orphan, orphan], 'sockets without an inode are never merged');
  const states = [1, 4, 5, 6, 7, 8, 10].map((state) => row('127.0.0.1', 40000, '127.0.0.1', 1338, { state, inode: String(state) }));
  t.same(connectionPeers(states, PEER, OURS)?.map((socket) => socket.state), [1, 4, 5], 'ESTABLISHED, FIN_WAIT1 and FIN_WAIT2 only (TIME_WAIT, CLOSE, CLOSE_WAIT, LISTEN are not)');
  t.equal(connectionPeers([one!], { address: '', port: 40000 }, OURS), undefined, 'a peer without an address cannot be compared');
  t.equal(connectionPeers([one!], PEER, { address: 'nowhere', port: 1338 }), undefined, 'nor can our end without one');
});

t.test('netlink where it exists; /proc only where it cannot, with the reason', async (t) => {
  const stub = (refused: string | null): KernelSockets => ({ candidates: () => [], probe: () => refused, parseReply: () => [] });
  t.match(choosePeerSockets('/proc', stub(null)), { method: 'netlink' }, 'a working kernel');
  t.match(choosePeerSockets('/proc', stub('EAFNOSUPPORT')), { method: 'proc', fallbackReason: /refused: EAFNOSUPPORT/ }, 'socket() refused');
  t.match(choosePeerSockets('/proc', undefined, 'linux'), { method: 'proc', fallbackReason: /not built|IMDSD_NO_NATIVE/ }, 'no native part');
  t.match(choosePeerSockets('/proc', undefined, 'darwin'), { method: 'proc', fallbackReason: /Linux only, this is darwin/ }, 'another platform says so');
  const asked: unknown[][] = [];
  const recording: KernelSockets = { ...stub(null), candidates: (...tuple) => (asked.push(tuple), []) };
  await netlinkPeerSockets(recording).find({ address: 'fe80::2%dummy0', port: 1 }, { address: '::ffff:127.0.0.1', port: 2 });
  t.same(asked, [['fe80::2', 1, '127.0.0.1', 2]], 'the kernel is asked without zone or v4-mapping');
  t.equal(processPeerSockets(), processPeerSockets(), 'the process chooses once');
});

t.test('/proc candidates: every row with both ports, from tables shared by callers that overlap', async (t) => {
  const procRoot = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(procRoot, 'net'));
  // 127.0.0.1:40000 (0x9C40) -> 127.0.0.1:1338 (0x053A), its reverse, and one with another local port.
  writeFileSync(join(procRoot, 'net', 'tcp'), [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:9C40 0100007F:053A 01 00000000:00000000 00:00000000 00000000  1001        0 222 1 0 20 4 30 10 -1',
    '   1: 0100007F:053A 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 20 4 30 10 -1',
    '   2: 0100007F:9C41 0100007F:053A 01 00000000:00000000 00:00000000 00000000  1001        0 444 1 0 20 4 30 10 -1',
  ].join('\n'));
  const sockets = procPeerSockets(procRoot, 'a reason');
  t.match(sockets, { method: 'proc', fallbackReason: 'a reason' }, 'says why it is used');
  const [first, second] = await Promise.all([sockets.find(PEER, OURS), sockets.find(PEER, OURS)]);
  t.same(first?.map((socket) => socket.inode), ['222'], 'the row with local port 40000 and remote port 1338');
  t.same(second, first, 'a caller that arrived during the read gets the same rows');
  t.same(await procPeerSockets(join(procRoot, 'absent')).find(PEER, OURS), [], 'no tables: no candidates');
});
