/**
 * What identifying one connection's peer costs (issue 18), with 100 and with 15,000 other
 * TCP sockets on the host: the netlink lookup (the exact 4-tuple asked once per
 * interface, then four fields compared) beside the /proc/net/tcp{,6} fallback, in the
 * same run, the fallback being the baseline. Each figure is the median of 2,000 lookups of
 * a real loopback connection, µs. The sockets are held by this process (N/2 loopback
 * pairs), so run it with `ulimit -n` above N + 1,024 (`npm run bench` does not run it:
 * `node dist/bench/peer-lookup.js`).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { exactPeer } from '../src/daemon/peer-identity.js';
import { netlinkPeerSockets, procPeerSockets, type PeerSockets } from '../src/system/peer-sockets.js';
import { loadKernelSockets } from '../src/system/sock-diag.js';

const LOOKUPS = 2_000;

async function pairs(server: Server, count: number, held: Socket[]): Promise<void> {
  const port = (server.address() as { port: number }).port;
  for (let opened = 0; opened < count; opened += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - opened) }, () => new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve());
      socket.once('error', reject);
      held.push(socket);
    })));
  }
}

/** Median µs of one identification of `served`'s peer. */
async function median(sockets: PeerSockets, served: Socket): Promise<number> {
  const peer = { address: served.remoteAddress ?? '', port: served.remotePort ?? 0 };
  const ours = { address: served.localAddress ?? '', port: served.localPort ?? 0 };
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i += 1) {
    const start = process.hrtime.bigint();
    const found = exactPeer(await sockets.find(peer, ours), peer, ours);
    times.push(Number(process.hrtime.bigint() - start) / 1_000);
    if (typeof found === 'string') throw new Error(`not identified: ${found}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const kernel = loadKernelSockets();
  if (kernel === undefined) throw new Error('the native part is not built: npm run build');
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  held.push(connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port }));
  const served = await accepted;
  const rows: string[] = ['| other sockets held | netlink, µs | /proc (baseline), µs | netlink / baseline |', '| --- | --- | --- | --- |'];
  let heldPairs = 0;
  for (const target of [100, 15_000]) {
    await pairs(server, target / 2 - heldPairs, held);
    heldPairs = target / 2;
    const fast = await median(netlinkPeerSockets(kernel), served);
    const slow = await median(procPeerSockets('/proc'), served);
    rows.push(`| ${target.toLocaleString('en')} | ${fast.toFixed(0)} | ${slow.toFixed(0)} | ${(fast / slow).toFixed(3)} |`);
  }
  process.stdout.write(`${rows.join('\n')}\n`);
  for (const socket of held) socket.destroy();
  server.close();
}

await main();
