/**
 * Who holds a TCP port, for the "port taken" message. Linux: the listening socket's
 * inode from /proc/net/tcp{,6}, then the process whose fd points at it. macOS: lsof.
 * Best effort: undefined when the platform or permissions do not tell.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { socketHolders } from './proc-fd.js';
import { TCP_STATE, hexPort, parseTcpRow, readTcpTables } from './proc-net.js';

export interface PortOwner {
  readonly pid: number;
  readonly command: string;
}

async function listeningInodes(port: number): Promise<Set<string>> {
  const suffix = hexPort(port);
  const rows = (await readTcpTables()).flatMap((text) => text.split('\n').slice(1).map(parseTcpRow));
  return new Set(rows.filter((row) => row?.local.endsWith(suffix) && row.state === TCP_STATE.LISTEN).map((row) => row?.inode ?? ''));
}

/** A socket passed by systemd is held by it and by the daemon: `preferPid` is reported when it is one. */
async function linuxOwner(port: number, preferPid?: number): Promise<PortOwner | undefined> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const holders = await socketHolders(inodes);
  const pid = preferPid !== undefined && holders.includes(preferPid) ? preferPid : holders[0];
  if (pid === undefined) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const command = cmdline.split('\0').filter(Boolean).join(' ').slice(0, 200);
  return { pid, command: command || 'unknown' };
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
