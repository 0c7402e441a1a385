import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createPeerAdmission } from '../../src/daemon/peer-identity.js';
import { loadSocketLookup, type SocketLookup } from '../../src/system/sock-diag.js';

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

const uid = process.getuid?.() ?? 0;

t.test('on Linux the peer\'s uid comes from /proc/net/tcp and only the owner is admitted', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, async (t) => {
  const socket = await loopbackPair(t);
  // No budget limit: on a busy test host many processes may be newer than this one.
  const owner = await createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', pidLookupLinksPerSec: Infinity })(socket);
  t.ok(owner.admitted, 'the daemon\'s own user is admitted');
  t.equal(owner.peer.uid, uid, 'its uid was found');
  const described = await owner.describe();
  t.equal(described.pid, process.pid, 'the peer process is found for the log');
  t.ok(described.command, 'with its command name');
  t.equal(owner.describe(), owner.describe(), 'described once per connection');

  const other = await createPeerAdmission({ ownerUid: uid + 1000, allowUids: [], allowCidrs: [], platform: 'linux' })(socket);
  t.notOk(other.admitted, 'another owner refuses this peer');
  t.match(other.reason, new RegExp(`uid ${uid} is not the daemon's owner`), 'and says why');

  const listed = await createPeerAdmission({ ownerUid: uid + 1000, allowUids: [uid], allowCidrs: [], platform: 'linux' })(socket);
  t.ok(listed.admitted, '--allow-uid admits a listed user');
});

t.test('a peer missing from the socket tables is refused (fail closed)', async (t) => {
  const procRoot = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(procRoot, 'net'));
  writeFileSync(join(procRoot, 'net', 'tcp'), '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n');
  const fake = { remoteAddress: '127.0.0.1', remotePort: 40000, localPort: 1338 } as unknown as Socket;
  const verdict = await createPeerAdmission({ ownerUid: 0, allowUids: [], allowCidrs: [], platform: 'linux', procRoot, lookupSocket: false })(fake);
  t.notOk(verdict.admitted, 'refused');
  t.match(verdict.reason, /could not be found/, 'because the uid is unknown');
});

t.test('a fixture row is read like the kernel writes it', async (t) => {
  const procRoot = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(procRoot, 'net'));
  // Client 127.0.0.1:40000 -> server 127.0.0.1:1338 (0x053A), uid 1001, established (01).
  writeFileSync(join(procRoot, 'net', 'tcp'), [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:053A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0',
    '   1: 0100007F:9C40 0100007F:053A 01 00000000:00000000 00:00000000 00000000  1001        0 222 1 0 20 4 30 10 -1',
  ].join('\n'));
  writeFileSync(join(procRoot, 'net', 'tcp6'), '');
  const fake = { remoteAddress: '127.0.0.1', remotePort: 40000, localPort: 1338 } as unknown as Socket;
  const refused = await createPeerAdmission({ ownerUid: 0, allowUids: [], allowCidrs: [], platform: 'linux', procRoot, lookupSocket: false })(fake);
  t.equal(refused.peer.uid, 1001, 'the peer row, not the listening row, gives the uid');
  t.notOk(refused.admitted, 'uid 1001 is not the owner');
  t.same(await refused.describe(), { address: '127.0.0.1', uid: 1001 }, 'no process found in the fixture: only what is known');
  const admitted = await createPeerAdmission({ ownerUid: 0, allowUids: [1001], allowCidrs: [], platform: 'linux', procRoot, lookupSocket: false })(fake);
  t.ok(admitted.admitted, 'admitted when listed');
});

t.test('other platforms admit loopback peers (documented limit)', async (t) => {
  const fake = { remoteAddress: '::1', remotePort: 1, localPort: 2 } as unknown as Socket;
  const verdict = await createPeerAdmission({ ownerUid: 0, allowUids: [], allowCidrs: [], platform: 'darwin' })(fake);
  t.ok(verdict.admitted, 'admitted');
  t.same(await verdict.describe(), { address: '::1' }, 'described by address only');
});

t.test('non-loopback peers are admitted only from --allow-cidr networks', async (t) => {
  const admit = createPeerAdmission({ ownerUid: 0, allowUids: [], allowCidrs: ['172.17.0.0/16', 'fd00::/8'], platform: 'linux' });
  const peer = (remoteAddress: string) => ({ remoteAddress, remotePort: 1, localPort: 2 }) as unknown as Socket;
  t.ok((await admit(peer('172.17.0.5'))).admitted, 'inside the IPv4 range');
  t.ok((await admit(peer('::ffff:172.17.3.4'))).admitted, 'an IPv4-mapped address inside it');
  t.ok((await admit(peer('fd12::1'))).admitted, 'inside the IPv6 range');
  const outside = await admit(peer('10.0.0.1'));
  t.notOk(outside.admitted, 'outside is refused');
  t.match(outside.reason, /outside --allow-cidr/, 'and says why');
  t.notOk((await admit(peer(undefined as unknown as string))).admitted, 'an unknown address is refused');
});

t.test('issue 14: a peer on an address of this host gets the uid check, not --allow-cidr', async (t) => {
  const procRoot = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(procRoot, 'net'));
  // Client 169.254.169.254:40000 (FEA9FEA9) -> server 169.254.169.254:80 (0x0050), uid 1001.
  writeFileSync(join(procRoot, 'net', 'tcp'), [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: FEA9FEA9:9C40 FEA9FEA9:0050 01 00000000:00000000 00:00000000 00000000  1001        0 222 1 0 20 4 30 10 -1',
  ].join('\n'));
  writeFileSync(join(procRoot, 'net', 'tcp6'), '');
  const fake = { remoteAddress: '169.254.169.254', remotePort: 40000, localPort: 80 } as unknown as Socket;
  const onHost = (address: string | undefined) => address === '169.254.169.254';
  // Even a CIDR that covers the address does not admit a local user: it is for containers.
  const policy = { allowCidrs: ['169.254.0.0/16'], platform: 'linux' as const, procRoot, isHostAddress: onHost };
  const refused = await createPeerAdmission({ ...policy, ownerUid: 0, allowUids: [] })(fake);
  t.notOk(refused.admitted, 'another local user arriving from 169.254.169.254 is refused');
  t.match(refused.reason, /uid 1001 is not the daemon's owner/, 'by its uid');
  t.ok((await createPeerAdmission({ ...policy, ownerUid: 1001, allowUids: [] })(fake)).admitted, 'the owner arriving from it is admitted');
  const remote = await createPeerAdmission({ ...policy, ownerUid: 0, allowUids: [], isHostAddress: () => false })(fake);
  t.ok(remote.admitted, 'an address that is not this host\'s is still judged by --allow-cidr');
  const mac = await createPeerAdmission({ ...policy, platform: 'darwin', allowCidrs: [], ownerUid: 0, allowUids: [] })(fake);
  t.ok(mac.admitted, 'macOS admits local peers, as it does on loopback (documented limit)');
});

const native = loadSocketLookup();
const noNative = process.platform !== 'linux' ? 'needs Linux' : native === undefined && 'the native sock_diag part is not built (npm run build)';

t.test('issue 15: the kernel\'s exact lookup and the /proc tables find the same peer', { skip: noNative }, async (t) => {
  for (const host of ['127.0.0.1', '::1']) {
    const socket = await loopbackPair(t, host);
    const policy = { ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux' as const };
    let asked = 0;
    const counting: SocketLookup = (...args) => {
      asked += 1;
      return native!(...args);
    };
    const fast = await createPeerAdmission({ ...policy, lookupSocket: counting })(socket);
    const slow = await createPeerAdmission({ ...policy, lookupSocket: false })(socket);
    t.equal(asked, 1, `${host}: the kernel was asked`);
    t.equal(fast.peer.uid, uid, `${host}: the kernel names our uid`);
    t.equal(fast.peer.uid, slow.peer.uid, `${host}: the same uid as /proc/net/tcp`);
    t.equal((await fast.describe()).pid, (await slow.describe()).pid, `${host}: the same socket inode, so the same process`);
    t.equal(fast.admitted, slow.admitted, `${host}: the same verdict`);
  }
});

t.test('a failing netlink falls back to /proc for good; a bad address only for that socket', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, async (t) => {
  const socket = await loopbackPair(t);
  let asked = 0;
  const refusing: SocketLookup = () => {
    asked += 1;
    throw Object.assign(new Error('Address family not supported by protocol'), { code: 'EAFNOSUPPORT' });
  };
  const admit = createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', lookupSocket: refusing });
  t.equal((await admit(socket)).peer.uid, uid, 'the tables answered');
  t.ok((await admit(socket)).admitted, 'and again');
  t.equal(asked, 1, 'netlink was not asked a second time');

  let typeErrors = 0;
  const picky: SocketLookup = () => {
    typeErrors += 1;
    throw Object.assign(new TypeError('two IP addresses of one family'), { code: 'ERR_INVALID_ARG_VALUE' });
  };
  const admitPicky = createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', lookupSocket: picky });
  await admitPicky(socket);
  await admitPicky(socket);
  t.equal(typeErrors, 2, 'an argument error does not turn the lookup off');
});

t.test('only an established socket counts: a TIME_WAIT answer (uid 0) goes to the tables', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, async (t) => {
  const socket = await loopbackPair(t);
  const timeWait: SocketLookup = () => ({ uid: 0, inode: 0, state: 6 });
  const verdict = await createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', lookupSocket: timeWait })(socket);
  t.equal(verdict.peer.uid, uid, 'the uid came from the established row in /proc');
  const gone: SocketLookup = () => null;
  const missing = await createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', lookupSocket: gone })(socket);
  t.equal(missing.peer.uid, uid, 'a socket the kernel does not find is looked up in the tables too');
});

t.test('issue 15: the hand-out log reads a bounded number of fd links a second', { skip: process.platform !== 'linux' && 'needs Linux /proc' }, async (t) => {
  const socket = await loopbackPair(t);
  const none = await createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', pidLookupLinksPerSec: 0 })(socket);
  t.ok(none.admitted, 'the verdict does not depend on it');
  t.same(await none.describe(), { address: '127.0.0.1', uid }, 'with no budget left the log names no process');
  const admit = createPeerAdmission({ ownerUid: uid, allowUids: [], allowCidrs: [], platform: 'linux', pidLookupLinksPerSec: Infinity });
  const first = await (await admit(socket)).describe();
  t.equal(first.pid, process.pid, 'found');
  const other = await loopbackPair(t);
  t.equal((await (await admit(other)).describe()).pid, process.pid, 'a second socket of the same process is found too');
});
