/**
 * Linux's view of TCP sockets, read by both the port-owner message and the peer check:
 * the tables /proc/net/tcp and /proc/net/tcp6 (one row per socket: local and remote
 * address as hex `ADDR:PORT`, state, uid, inode), and the /proc/<pid>/fd links that say
 * which process holds a socket inode (see proc(5)).
 */
import { readFile, readdir, readlink } from 'node:fs/promises';

/** The `st` column: a listening socket, and a connected one. */
export const TCP_STATE = { LISTEN: '0A', ESTABLISHED: '01' } as const;

export interface TcpRow {
  /** `ADDR:PORT` in the kernel's hex. */
  readonly local: string;
  readonly remote: string;
  readonly state: string;
  readonly uid: number;
  readonly inode: string;
}

/** A port as the tables spell it after the address: `:04D2` for 1234. */
export function hexPort(port: number): string {
  return `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One row of a table; undefined for the header or a short line. */
export function parseTcpRow(line: string): TcpRow | undefined {
  const cols = line.trim().split(/\s+/);
  const [, local, remote, state] = cols;
  const uid = Number(cols[7]);
  if (local === undefined || remote === undefined || state === undefined || cols[9] === undefined || !Number.isInteger(uid)) return undefined;
  return { local, remote, state, uid, inode: cols[9] };
}

/** The text of /proc/net/tcp and /proc/net/tcp6 under `procRoot`; a missing table reads as empty. */
export function readTcpTables(procRoot = '/proc'): Promise<string[]> {
  return Promise.all(['tcp', 'tcp6'].map((table) => readFile(`${procRoot}/net/${table}`, 'utf8').catch(() => '')));
}

/** Calls `visit` for every socket fd of every process this user may read, from one scan of /proc/<pid>/fd. */
async function scanSocketFds(procRoot: string, visit: (pid: number, inode: string) => void): Promise<void> {
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode !== undefined) visit(Number(pid), inode);
    }
  }
}

/**
 * Every process that holds one of `inodes`, in /proc order: a socket systemd passed to the
 * daemon is held by both, and the caller may prefer one of them.
 */
export async function socketHolders(inodes: ReadonlySet<string>, procRoot = '/proc'): Promise<number[]> {
  const holders = new Set<number>();
  await scanSocketFds(procRoot, (pid, inode) => {
    if (inodes.has(inode)) holders.add(pid);
  });
  return [...holders];
}
