/**
 * Which process holds a socket, from the /proc/<pid>/fd links (`socket:[INODE]`, see
 * proc(5)): one scanner for the port-owner message and the hand-out log. Reading every
 * link on the host costs CPU in proportion to the host's open files, so the scanner reads
 * each link only when its budget allows.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';

/** Whether one more link may be read; false stops the scan. */
export type LinkBudget = () => boolean;

/** A process that holds a socket, for the log. */
export interface SocketProcess {
  readonly pid: number;
  /** Its `comm`, or `unknown`. */
  readonly command: string;
}

/**
 * Reads the fd links of every process this user may read, pids oldest or newest first,
 * asking `budget` before each link, and hands every socket's pid and inode to `visit`
 * until it returns true, the budget says no, or the links run out.
 */
async function scanSocketFds(
  procRoot: string,
  order: 'oldest-first' | 'newest-first',
  budget: LinkBudget,
  visit: (pid: number, inode: string) => boolean,
): Promise<void> {
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number)
    .sort((x, y) => (order === 'newest-first' ? y - x : x - y));
  for (const pid of pids) {
    for (const fd of await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[])) {
      if (!budget()) return;
      const link = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode !== undefined && visit(pid, inode)) return;
    }
  }
}

/**
 * Every process that holds one of `inodes`, lowest pid first: a socket systemd passed to
 * the daemon is held by both, and the caller may prefer one of them. Not budgeted: it runs
 * once, when a port is taken or doctor asks, and must see every holder.
 */
export async function socketHolders(inodes: ReadonlySet<string>, procRoot = '/proc'): Promise<number[]> {
  const holders = new Set<number>();
  await scanSocketFds(procRoot, 'oldest-first', () => true, (pid, inode) => {
    if (inodes.has(inode)) holders.add(pid);
    return false;
  });
  return [...holders];
}

/**
 * Finds the process holding a socket inode by reading links newest process first (a
 * client that just connected is usually one of the newest: the AWS CLI starts per call)
 * and stopping at the match. Reading every link on the host once a second, 10,000 sockets
 * held elsewhere nearly doubled imdsd's CPU per new connection (issue 15), so at most
 * `linksPerSec` links are read per second; past that it finds nothing. Links read on the
 * way are remembered for the rest of that second.
 */
function socketOwnerFinder(procRoot: string, linksPerSec: number, nowMs: () => number): (inode: string) => Promise<number | undefined> {
  let windowStartMs = -Infinity;
  let spent = 0;
  let seen = new Map<string, number>();
  const budgetLeft = (): boolean => {
    const now = nowMs();
    if (now - windowStartMs >= 1_000) {
      windowStartMs = now;
      spent = 0;
      seen = new Map();
    }
    return spent < linksPerSec;
  };
  const take: LinkBudget = () => {
    if (!budgetLeft()) return false;
    spent += 1;
    return true;
  };
  return async (inode) => {
    if (!budgetLeft()) return seen.get(inode);
    const known = seen.get(inode);
    if (known !== undefined) return known;
    let owner: number | undefined;
    await scanSocketFds(procRoot, 'newest-first', take, (pid, found) => {
      seen.set(found, pid);
      if (found === inode) owner = pid;
      return owner !== undefined;
    });
    return owner;
  };
}

/**
 * The process holding a socket inode and its command, for the hand-out log, found within
 * `linksPerSec` fd links a second (socketOwnerFinder); undefined when not found within it,
 * or for a socket without an inode.
 */
export function socketProcessFinder(
  procRoot: string,
  linksPerSec: number,
  nowMs: () => number = () => performance.now(),
): (inode: string) => Promise<SocketProcess | undefined> {
  const ownerOf = socketOwnerFinder(procRoot, linksPerSec, nowMs);
  return async (inode) => {
    if (inode === '' || inode === '0') return undefined;
    const pid = await ownerOf(inode);
    if (pid === undefined) return undefined;
    const command = (await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '')).trim();
    return { pid, command: command || 'unknown' };
  };
}
