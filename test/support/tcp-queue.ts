/**
 * What the kernel knows of a loopback TCP connection (Linux /proc/net/tcp and tcp6): how
 * many bytes the server side has not read yet. A test that must know the server's process
 * has read what the client sent (a request in flight) waits for that to be 0, instead of
 * sleeping and hoping.
 */
import { readFileSync } from 'node:fs';

function hexPort(address: string): number {
  return Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
}

/**
 * Bytes queued unread on the server's end of the connection from `clientPort` to
 * `serverPort`, or undefined while the kernel lists no such connection.
 */
export function serverUnreadBytes(serverPort: number, clientPort: number): number | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue …
      const [, local, remote, state, queues] = line.trim().split(/\s+/);
      if (local === undefined || remote === undefined || queues === undefined) continue;
      // 01: ESTABLISHED.
      if (state !== '01' || hexPort(local) !== serverPort || hexPort(remote) !== clientPort) continue;
      return Number.parseInt(queues.split(':')[1] ?? '', 16);
    }
  }
  return undefined;
}
