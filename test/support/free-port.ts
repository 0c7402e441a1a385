/** A TCP port that was free on 127.0.0.1 and ::1 a moment ago (for configs that must name one). */
import { createServer } from 'node:net';

function tryPort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(chosen));
    });
  });
}

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await tryPort('127.0.0.1', 0);
    try {
      await tryPort('::1', port);
      return port;
    } catch {
      // Taken on ::1: pick another.
    }
  }
}
