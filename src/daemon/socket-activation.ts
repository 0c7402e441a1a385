/**
 * Listening sockets handed over by the service manager (systemd's sd_listen_fds(3)
 * protocol): LISTEN_FDS sockets from fd 3 on, for the process LISTEN_PID, optionally named
 * by LISTEN_FDNAMES. With them, a restart or a crash refuses no connection: systemd keeps
 * the sockets open and the kernel queues clients until the new daemon accepts.
 *
 * Unlike sd_listen_fds(), which ignores variables meant for another process, anything
 * wrong here is an error (exit 78): a daemon that was meant to take its sockets and binds
 * the ports itself instead would fight its own socket unit for them.
 */
import { fstatSync } from 'node:fs';
import { ImdsdError } from '../errors.js';

/** sd_listen_fds(3): the first passed fd. */
export const SD_LISTEN_FDS_START = 3;
const VARIABLES = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES'] as const;
const HINT = 'start imdsd through its socket unit (imdsd install writes it), or unset LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES';

export interface PassedSocket {
  readonly fd: number;
  /** The socket unit's FileDescriptorName= (default: the unit's name), for messages. */
  readonly name: string;
}

export function activationError(message: string, hint = HINT, cause?: unknown): ImdsdError {
  return new ImdsdError('IMDSD_ERR_SOCKET_ACTIVATION', `socket activation: ${message}`, { hint, cause });
}

/** Why the fd is no socket, or undefined when it is one. */
export function notASocket(fd: number): string | undefined {
  try {
    return fstatSync(fd).isSocket() ? undefined : 'is not a socket';
  } catch (error) {
    return `is not open (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

function positiveCount(text: string): number | undefined {
  return /^[1-9][0-9]{0,3}$/.test(text) ? Number(text) : undefined;
}

/**
 * The sockets passed to process `pid`, or undefined when none were (no LISTEN_FDS). The
 * variables are removed from `env` either way, so that no child inherits them.
 */
export function takePassedSockets(env: NodeJS.ProcessEnv, pid: number, check: (fd: number) => string | undefined = notASocket): PassedSocket[] | undefined {
  const [fds, listenPid, names] = VARIABLES.map((name) => env[name]);
  for (const name of VARIABLES) delete env[name];
  if (fds === undefined) return undefined;
  if (listenPid !== String(pid)) {
    throw activationError(`LISTEN_FDS=${fds} is set but LISTEN_PID=${listenPid ?? '(unset)'} is not this process (${pid})`);
  }
  const count = positiveCount(fds);
  if (count === undefined) throw activationError(`LISTEN_FDS="${fds}" is not a positive number of sockets`);
  const nameList = names === undefined ? [] : names.split(':');
  if (names !== undefined && nameList.length !== count) {
    throw activationError(`LISTEN_FDNAMES names ${nameList.length} sockets but LISTEN_FDS is ${count}`);
  }
  return Array.from({ length: count }, (_, i) => {
    const fd = SD_LISTEN_FDS_START + i;
    const name = nameList[i] ?? 'unknown';
    const problem = check(fd);
    if (problem !== undefined) throw activationError(`fd ${fd} (${name}) ${problem}`);
    return { fd, name };
  });
}
