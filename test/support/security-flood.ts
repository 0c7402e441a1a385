/**
 * Connection-flood helpers: many idle sockets and slow senders (slowloris: one header
 * byte a second) held open against a port, each remembering when and how the server
 * ended it. Sized to the process's open-file limit.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

export interface FloodSocket {
  readonly socket: Socket;
  readonly host: string;
  /** When the connection was established (ms epoch). */
  readonly openedAtMs: number;
  /** When the server ended it; undefined while open. */
  closedAtMs: number | undefined;
  /** Bytes sent so far (slow senders). */
  sent: number;
  /** What the server wrote before closing (e.g. a 408). */
  received: string;
}

/** The soft limit on open files ("Max open files" in /proc/self/limits), or undefined off Linux. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.trim().split(/\s+/)[3];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes (VmRSS), or undefined. */
export function residentBytes(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function open(port: number, host: string): Promise<FloodSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      const entry: FloodSocket = { socket, host, openedAtMs: Date.now(), closedAtMs: undefined, sent: 0, received: '' };
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        entry.received += chunk.toString('latin1');
      });
      socket.on('close', () => {
        entry.closedAtMs ??= Date.now();
      });
      resolve(entry);
    });
  });
}

/** Opens `count` connections, alternating between `hosts`, `batch` at a time (the listen backlog is finite). */
export async function openMany(port: number, hosts: readonly string[], count: number, batch = 200): Promise<FloodSocket[]> {
  const sockets: FloodSocket[] = [];
  while (sockets.length < count) {
    const size = Math.min(batch, count - sockets.length);
    const opened = await Promise.all(Array.from({ length: size }, (_, i) => open(port, hosts[(sockets.length + i) % hosts.length] ?? '127.0.0.1')));
    sockets.push(...opened);
  }
  return sockets;
}

/** A request head that takes far longer than any timeout to arrive at one byte a second. */
export const SLOW_HEAD = `GET /latest/meta-data/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`;

/** Sends the next byte of SLOW_HEAD on every open slow socket once a second; returns the stop function. */
export function dripFeed(sockets: readonly FloodSocket[], intervalMs = 1_000): () => void {
  const drip = (): void => {
    for (const entry of sockets) {
      if (entry.closedAtMs !== undefined || entry.socket.destroyed || entry.sent >= SLOW_HEAD.length) continue;
      entry.socket.write(SLOW_HEAD.charAt(entry.sent));
      entry.sent += 1;
    }
  };
  drip();
  const timer = setInterval(drip, intervalMs);
  return () => clearInterval(timer);
}

export function destroyAll(sockets: readonly FloodSocket[]): void {
  for (const entry of sockets) entry.socket.destroy();
}

/**
 * Resolves true at the last socket's 'close', or false if some are still open after
 * `timeoutMs` (the bound on the wait).
 */
export async function allClosed(sockets: readonly FloodSocket[], timeoutMs: number): Promise<boolean> {
  const closes = sockets.map((entry) => (entry.closedAtMs !== undefined ? Promise.resolve()
    : new Promise<void>((resolve) => entry.socket.once('close', () => resolve()))));
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs)); });
  try {
    return await Promise.race([Promise.all(closes).then(() => true), bound]);
  } finally {
    clearTimeout(timer);
  }
}
