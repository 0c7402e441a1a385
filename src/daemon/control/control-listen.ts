/**
 * Opens the control socket: a private directory, no second daemon on the same socket
 * (a live one is detected by connecting; a stale file left by a crash is removed), and
 * the socket created 0600 — the umask is narrowed while it is bound so it is never
 * reachable by others, not even for an instant.
 */
import type { FastifyInstance } from 'fastify';
import { chmod, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { ImdsdError } from '../../errors.js';
import { preparePrivateDir } from './private-dir.js';

function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ControlListener {
  readonly path: string;
  close(): Promise<void>;
}

export async function listenControl(app: FastifyInstance, path: string, uid: number | undefined): Promise<ControlListener> {
  await preparePrivateDir(path, uid);
  if (await isLive(path)) {
    throw new ImdsdError('IMDSD_ERR_CONTROL_IN_USE', `another imdsd is already running with control socket ${path}`,
      { hint: 'stop it (`imdsd status` shows it), or give this one its own --control-socket' });
  }
  await unlink(path).catch(() => undefined);
  const previous = process.umask(0o177);
  try {
    await app.listen({ path });
  } finally {
    process.umask(previous);
  }
  await chmod(path, 0o600);
  return {
    path,
    async close() {
      await app.close();
      await unlink(path).catch(() => undefined);
    },
  };
}
