import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import t from 'tap';
import { loadKernelSockets, nativeAbsence } from '../../src/system/sock-diag.js';

const kernel = loadKernelSockets();
const skip = process.platform !== 'linux' ? 'needs Linux' : kernel === undefined && 'the native sock_diag part is not built (npm run build)';
const PYTHON = '/usr/bin/python3';

interface Pair {
  readonly client: Socket;
  readonly served: Socket;
}

async function clientAndServer(t: { teardown(fn: () => void): void }, listenHost: string, connectHost = listenHost): Promise<Pair> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: listenHost, port: 0 }, resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const address = server.address();
  const client = connect({ host: connectHost, port: typeof address === 'object' && address !== null ? address.port : 0 });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const served = await accepted;
  t.teardown(() => {
    client.destroy();
    served.destroy();
    server.close();
  });
  return { client, served };
}

/** The client's socket as the kernel lists it: local end = the served socket's remote end. */
function askFor(served: Socket) {
  return kernel!.candidates(served.remoteAddress!.replace(/^::ffff:/, ''), served.remotePort!, served.localAddress!.replace(/^::ffff:/, ''), served.localPort!);
}

t.test('other platforms, a missing binary and IMDSD_NO_NATIVE=1 have no lookup', async (t) => {
  t.equal(loadKernelSockets('darwin', process.arch), undefined, 'none on macOS');
  t.equal(loadKernelSockets('linux', 'no-such-arch'), undefined, 'none for an architecture that was not built');
  t.equal(loadKernelSockets('linux', process.arch, { IMDSD_NO_NATIVE: '1' }), undefined, 'none when switched off');
  t.equal(nativeAbsence('linux', { IMDSD_NO_NATIVE: '1' }), 'IMDSD_NO_NATIVE=1', 'and says why');
  t.match(nativeAbsence('darwin', {}), /Linux only/, 'macOS: Linux only');
  t.equal(nativeAbsence('linux', {}), undefined, 'Linux: no reason');
});

t.test('the kernel describes a client socket by its 4-tuple, IPv4 and IPv6', { skip }, async (t) => {
  t.equal(kernel!.probe(), null, 'a sock_diag socket can be opened here');
  for (const host of ['127.0.0.1', '::1']) {
    const { client, served } = await clientAndServer(t, host);
    const found = askFor(served);
    t.equal(found.length, 1, `${host}: one socket`);
    t.match(found[0], { uid: process.getuid!(), state: 1, localPort: client.localPort, remotePort: served.localPort }, `${host}: the client's, established`);
    t.ok(Number(found[0]?.inode) > 0, `${host}: with its inode`);
  }
});

t.test('an IPv6 socket talking IPv4 is found by the IPv4 tuple, with v4-mapped addresses', { skip }, async (t) => {
  const { served } = await clientAndServer(t, '::', '::ffff:127.0.0.1');
  const found = askFor(served);
  t.equal(found.length, 1, 'one socket');
  t.match(found[0]?.local, /^(::ffff:)?127\.0\.0\.1$/, 'its address as the kernel keeps it');
});

t.test('a socket bound to the loopback device is found (SO_BINDTODEVICE)', { skip: skip || (!existsSync(PYTHON) && 'needs /usr/bin/python3 for SO_BINDTODEVICE') }, async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const script = `import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'lo')
s.bind(('127.0.0.9', 0))
s.connect(('127.0.0.1', ${port}))
sys.stdin.read()`;
  const child = spawn(PYTHON, ['-c', script], { stdio: ['pipe', 'ignore', 'inherit'] });
  t.teardown(() => child.stdin.end());
  const served = await accepted;
  t.teardown(() => served.destroy());
  const found = askFor(served);
  t.equal(found.length, 1, 'found, though bound to a device');
  t.match(found[0], { local: '127.0.0.9', uid: process.getuid!() }, 'with its own address and uid');
});

t.test('no such socket is an empty list; bad arguments throw a type error', { skip }, async (t) => {
  t.same(kernel!.candidates('127.0.0.1', 1, '127.0.0.1', 2), [], 'nobody holds that tuple');
  t.throws(() => kernel!.candidates('127.0.0.1', 1, '::1', 2), { code: 'ERR_INVALID_ARG_VALUE' }, 'mixed families');
  t.throws(() => kernel!.candidates('fe80::1%lo', 1, '::1', 2), { code: 'ERR_INVALID_ARG_VALUE' }, 'a zone is for the caller to drop');
  t.throws(() => kernel!.candidates('127.0.0.1', 70000, '127.0.0.1', 2), { code: 'ERR_INVALID_ARG_TYPE' }, 'a port out of range');
  t.throws(() => (kernel!.candidates as unknown as (a: number) => unknown)(1), { code: 'ERR_INVALID_ARG_TYPE' }, 'wrong types');
});

/** A netlink message: header (len, type, flags, seq, pid) and payload. */
function message(type: number, seq: number, payload: Buffer, length = 16 + payload.length): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(length, 0);
  header.writeUInt16LE(type, 4);
  header.writeUInt32LE(seq, 8);
  const padded = Buffer.alloc((payload.length + 3) & ~3);
  payload.copy(padded);
  return Buffer.concat([header, padded]);
}

/** An inet_diag_msg for 127.0.0.1:40000 -> 127.0.0.1:1338, established, uid 1001, inode 77. */
function diagEntry(): Buffer {
  const entry = Buffer.alloc(72);
  entry.writeUInt8(2, 0);
  entry.writeUInt8(1, 1);
  entry.writeUInt16BE(40000, 4);
  entry.writeUInt16BE(1338, 6);
  Buffer.from([127, 0, 0, 1]).copy(entry, 8);
  Buffer.from([127, 0, 0, 1]).copy(entry, 24);
  entry.writeUInt32LE(1001, 64);
  entry.writeUInt32LE(77, 68);
  return entry;
}

const SOCK_DIAG_BY_FAMILY = 20;
const NLMSG_ERROR = 2;

t.test('a reply is read only when whole, of our sequence number and of the right kind', { skip }, async (t) => {
  const good = message(SOCK_DIAG_BY_FAMILY, 7, diagEntry());
  t.match(kernel!.parseReply(good, 7), [{ local: '127.0.0.1', localPort: 40000, remote: '127.0.0.1', remotePort: 1338, uid: 1001, inode: '77', state: 1 }], 'an entry is read');
  t.throws(() => kernel!.parseReply(good, 8), { code: 'EPROTO' }, 'another sequence number');
  t.throws(() => kernel!.parseReply(good.subarray(0, 40), 7), { code: 'EPROTO' }, 'a message cut short');
  t.throws(() => kernel!.parseReply(good.subarray(0, 10), 7), { code: 'EPROTO' }, 'less than a header');
  t.throws(() => kernel!.parseReply(message(SOCK_DIAG_BY_FAMILY, 7, diagEntry().subarray(0, 40)), 7), { code: 'EPROTO' }, 'an entry too short');
  t.throws(() => kernel!.parseReply(message(SOCK_DIAG_BY_FAMILY, 7, diagEntry(), 500), 7), { code: 'EPROTO' }, 'a length past the buffer');
  t.throws(() => kernel!.parseReply(Buffer.concat([good, Buffer.alloc(6)]), 7), { code: 'EPROTO' }, 'bytes left over');
  t.throws(() => kernel!.parseReply(message(99, 7, diagEntry()), 7), { code: 'EPROTO' }, 'a message of another type');
  const entry = diagEntry();
  entry.writeUInt8(1, 0);
  t.throws(() => kernel!.parseReply(message(SOCK_DIAG_BY_FAMILY, 7, entry), 7), { code: 'EPROTO' }, 'a family that is neither IPv4 nor IPv6');
  const error = Buffer.alloc(20);
  error.writeInt32LE(-13, 0);
  t.throws(() => kernel!.parseReply(message(NLMSG_ERROR, 7, error), 7), { code: 'EACCES' }, 'an error answer carries its errno');
  const missing = Buffer.alloc(20);
  missing.writeInt32LE(-2, 0);
  t.throws(() => kernel!.parseReply(message(NLMSG_ERROR, 7, missing), 7), { code: 'ENOENT' }, 'no such socket');
  t.throws(() => kernel!.parseReply(message(NLMSG_ERROR, 7, Buffer.alloc(2)), 7), { code: 'EPROTO' }, 'an error answer too short');
  t.throws(() => (kernel!.parseReply as unknown as (a: string) => unknown)('x'), { code: 'ERR_INVALID_ARG_TYPE' }, 'not a buffer');
});
