/**
 * The real inputs of link-local-checks.ts (issue 18): the nftables table as `nft` lists it
 * (the first nft in root's directories, never one on PATH), and the listeners of a port
 * with their uids as macOS's lsof reports them.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { DoctorFiles, FirewallFacts, NftListing, PortListener } from './deps.js';

const NFT_CANDIDATES = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft', '/bin/nft'];
const ADDRESS_UNIT = '/etc/systemd/system/imdsd-link-local-address.service';

export interface ExecResult {
  /** 0, the exit status, or 'ENOENT' when the program could not be started. */
  readonly code: number | 'ENOENT';
  readonly stdout: string;
  readonly stderr: string;
}

export type Exec = (cmd: string, args: readonly string[]) => Promise<ExecResult>;

export const exec: Exec = (cmd, args) => new Promise((resolve) => {
  execFile(cmd, [...args], { encoding: 'utf8', timeout: 5000 }, (error, stdout, stderr) => {
    const code = error === null ? 0 : (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ENOENT' : (typeof error.code === 'number' ? error.code : 1);
    resolve({ code, stdout, stderr });
  });
});

/** What nft's answer means: the table's text, no such table, not allowed (not root). */
export function classifyNft(result: ExecResult): NftListing {
  if (result.code === 'ENOENT') return { kind: 'no-nft' };
  if (result.code === 0) return { kind: 'listed', text: result.stdout };
  if (/Operation not permitted|must be root/i.test(result.stderr)) return { kind: 'denied' };
  if (/No such file or directory/.test(result.stderr)) return { kind: 'absent' };
  throw new Error(`nft failed: ${result.stderr.trim().split('\n')[0] ?? `exit ${String(result.code)}`}`);
}

async function firstNft(): Promise<string | undefined> {
  for (const path of NFT_CANDIDATES) {
    if (await access(path).then(() => true, () => false)) return path;
  }
  return undefined;
}

export async function firewallFacts(files: DoctorFiles, run: Exec = exec, nft: Promise<string | undefined> = firstNft()): Promise<FirewallFacts> {
  const binary = await nft;
  const listing = binary === undefined ? { kind: 'no-nft' as const } : classifyNft(await run(binary, ['list', 'table', 'inet', 'imdsd_link_local']));
  return { listing, unit: await files.readText(ADDRESS_UNIT) };
}

/** lsof's `-F pcu` output: a `p` line starts each process, `c` and `u` follow. */
export function parseLsof(text: string): PortListener[] {
  const listeners: PortListener[] = [];
  let current: { pid: number; uid: number; command: string } | undefined;
  for (const line of text.split('\n')) {
    const value = line.slice(1);
    if (line.startsWith('p')) {
      current = { pid: Number(value), uid: -1, command: 'unknown' };
      listeners.push(current);
    } else if (current !== undefined && line.startsWith('c')) current.command = value;
    else if (current !== undefined && line.startsWith('u')) current.uid = Number(value);
  }
  return listeners;
}

/** macOS: every process listening on the port, with its uid (lsof exits 1 when there is none). */
export async function lsofListeners(port: number, run: Exec = exec): Promise<PortListener[]> {
  const result = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpcu']);
  if (result.code === 'ENOENT') throw new Error('lsof is not installed');
  if (result.code !== 0 && result.stdout === '') return [];
  return parseLsof(result.stdout);
}
