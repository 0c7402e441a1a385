/**
 * Holds `count` other TCP sockets open on the host (count / 2 loopback connections to a
 * server of its own), as a build machine or a busy browser does, so that a per-connection
 * cost that grows with the host's sockets shows. Prints {"event":"filled","sockets":N};
 * SIGTERM ends it. Run with a raised `ulimit -n` (bench/socket-load.ts does).
 *
 * Usage: node socket-filler.js COUNT
 */
import { connect, createServer, type Socket } from 'node:net';

const count = Number(process.argv[2] ?? '10000');
const held: Socket[] = [];
const server = createServer((socket) => {
  held.push(socket);
});
server.listen(0, '127.0.0.1', async () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const BATCH = 200;
  for (let opened = 0; opened < count / 2; opened += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count / 2 - opened) }, () => new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve());
      socket.once('error', reject);
      held.push(socket);
    })));
  }
  process.stdout.write(`${JSON.stringify({ event: 'filled', sockets: held.length })}\n`);
});
process.on('SIGTERM', () => {
  for (const socket of held) socket.destroy();
  server.close(() => process.exit(0));
});
