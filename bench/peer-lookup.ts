/**
 * What identifying one connection's peer costs (issue 18), with 100 and with 15,000 other
 * TCP sockets on the host: the netlink lookup (the exact 4-tuple asked once per
 * interface, then four fields compared) beside the /proc/net/tcp{,6} fallback, in the
 * same run, the fallback being the baseline. Each figure is the median of 2,000 (netlink) or 200 (/proc) lookups of
 * a real loopback connection, µs. The sockets are held by this process (N/2 loopback
 * pairs), so run it with `ulimit -n` above N + 1,024 (`node dist/bench/peer-lookup.js`, or
 * `BENCH_ALL=1 npm run bench`).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { exactPeer } from '../src/daemon/peer-identity.js';
import { netlinkPeerSockets, procPeerSockets, type PeerSockets } from '../src/system/peer-sockets.js';
import { loadKernelSockets } from '../src/system/sock-diag.js';
import { n, runAlone, type Row } from './report.js';

/** Lookups per median: the /proc fallback reads whole tables (tens of ms each with many sockets), so fewer. */
const LOOKUPS = { netlink: 2_000, proc: 200 };

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
async function median(sockets: PeerSockets, served: Socket, lookups: number): Promise<number> {
  const peer = { address: served.remoteAddress ?? '', port: served.remotePort ?? 0 };
  const ours = { address: served.localAddress ?? '', port: served.localPort ?? 0 };
  const times: number[] = [];
  for (let i = 0; i < lookups; i += 1) {
    const start = process.hrtime.bigint();
    const found = exactPeer(await sockets.find(peer, ours), peer, ours);
    times.push(Number(process.hrtime.bigint() - start) / 1_000);
    if (typeof found === 'string') throw new Error(`not identified: ${found}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

export async function peerLookup(): Promise<Row[]> {
  const kernel = loadKernelSockets();
  if (kernel === undefined) throw new Error('the native part is not built: npm run build');
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  held.push(connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port }));
  const served = await accepted;
  const rows: Row[] = [];
  let heldPairs = 0;
  for (const target of [100, 15_000]) {
    await pairs(server, target / 2 - heldPairs, held);
    heldPairs = target / 2;
    const fast = await median(netlinkPeerSockets(kernel), served, LOOKUPS.netlink);
    const slow = await median(procPeerSockets('/proc'), served, LOOKUPS.proc);
    rows.push({
      figure: `identifying a connection's peer, ${target.toLocaleString('en-US')} other sockets held (medians of ${n(LOOKUPS.netlink)} and ${n(LOOKUPS.proc)})`,
      imdsd: `${n(fast)} µs (netlink)`, baseline: `${n(slow)} µs (/proc/net/tcp, the fallback)`, ratio: `${(fast / slow).toPrecision(2)} ×`,
    });
  }
  for (const socket of held) socket.destroy();
  server.close();
  return rows;
}

runAlone(import.meta.url, peerLookup);
