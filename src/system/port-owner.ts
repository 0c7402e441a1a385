/**
 * Who holds a TCP port, for the "port taken" message. Linux: the listening socket's
 * inode from /proc/net/tcp{,6}, then the process whose fd points at it. macOS: lsof.
 * Best effort: undefined when the platform or permissions do not tell.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';

export interface PortOwner {
  readonly pid: number;
  readonly command: string;
}

const LISTEN_STATE = '0A';

async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === LISTEN_STATE && cols[9] !== undefined) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** A socket passed by systemd is held by it and by the daemon: `preferPid` is reported when it is one. */
async function linuxOwner(port: number, preferPid?: number): Promise<PortOwner | undefined> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  let first: PortOwner | undefined;
  for (const pid of pids) {
    if (!(await holdsOne(pid, inodes))) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const owner = { pid: Number(pid), command: cmdline.split('\0').filter(Boolean).join(' ').slice(0, 200) || 'unknown' };
    if (preferPid === undefined || owner.pid === preferPid) return owner;
    first ??= owner;
  }
  return first;
}

async function holdsOne(pid: string, inodes: ReadonlySet<string>): Promise<boolean> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    const inode = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''))?.[1];
    if (inode !== undefined && inodes.has(inode)) return true;
  }
  return false;
}

function macOwner(port: number): Promise<PortOwner | undefined> {
  return new Promise((resolve) => {
    execFile('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { timeout: 2000 }, (error, stdout) => {
      if (error !== null) return resolve(undefined);
      const pid = /^p(\d+)$/m.exec(stdout)?.[1];
      const command = /^c(.+)$/m.exec(stdout)?.[1];
      resolve(pid === undefined ? undefined : { pid: Number(pid), command: command ?? 'unknown' });
    });
  });
}

export function findPortOwner(port: number, platform: NodeJS.Platform = process.platform, preferPid?: number): Promise<PortOwner | undefined> {
  if (platform === 'linux') return linuxOwner(port, preferPid);
  if (platform === 'darwin') return macOwner(port);
  return Promise.resolve(undefined);
}
