/**
 * Starts a test server on 127.0.0.1 with a free port and tracks its sockets, so close()
 * also ends connections a fault left hanging. Shared by the local STS and SSO portal.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface LoopbackServer {
  readonly url: string;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

export async function listenLoopback(server: Server, name: string): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`${name}: no TCP address`);
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
