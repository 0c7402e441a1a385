/**
 * A root install runs only root-owned code (issue 18). `sudo imdsd install` runs the node
 * binary and the CLI the person pointed it at, and the units it writes name them by
 * absolute path: if a user other than root can change either file, or any directory above
 * them (replace `node`, rename a directory in the chain), that user's code runs with root's
 * install and with every start of the service. Typical: nvm's node under ~/.nvm, an npm
 * prefix under ~/.npm-global. Such an install is refused unless `--force` is given.
 *
 * A path is unsafe when it is owned by a uid other than 0, group-writable with a group
 * other than 0, or writable by everyone (the sticky bit is not taken as enough: a safe
 * install needs no world-writable directory). A symlink's own bits mean nothing; the
 * directory holding it and the chain of its target are checked instead. ACLs and
 * capabilities are not looked at.
 */
import { dirname } from 'node:path';
import { ImdsdError } from '../../errors.js';
import type { PathInfo, ServiceIo } from './service-io.js';

/** Why a user other than root could change the path, or undefined when only root can. */
export function unsafeReason(info: PathInfo): string | undefined {
  if (info.uid !== 0) return `is owned by uid ${info.uid}`;
  if (info.symlink) return undefined;
  if ((info.mode & 0o002) !== 0) return 'is writable by every user';
  if ((info.mode & 0o020) !== 0 && info.gid !== 0) return `is writable by group ${info.gid}`;
  return undefined;
}

/** The path and every directory above it, up to /. */
export function pathChain(path: string): string[] {
  const chain = [path];
  for (let at = path; dirname(at) !== at; at = dirname(at)) chain.push(dirname(at));
  return chain;
}

export interface UnsafePath {
  readonly path: string;
  readonly reason: string;
}

/**
 * Each path as given, then as resolved through symlinks, with every directory above it,
 * each once: the places a service that runs or reads `paths` depends on.
 */
export async function pathChains(io: ServiceIo, paths: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  for (const path of paths) {
    for (const candidate of [...pathChain(path), ...pathChain(await io.realpath(path))]) seen.add(candidate);
  }
  return [...seen];
}

/**
 * The first path (as given, then as resolved through symlinks) that a user other than root
 * could change, with each directory above it. Paths that do not exist are skipped: the
 * missing CLI has its own message.
 */
export async function firstUnsafe(io: ServiceIo, paths: readonly string[]): Promise<UnsafePath | undefined> {
  for (const candidate of await pathChains(io, paths)) {
    const info = await io.pathInfo(candidate);
    const reason = info === undefined ? undefined : unsafeReason(info);
    if (reason !== undefined) return { path: candidate, reason };
  }
  return undefined;
}

export const UNSAFE_FIX = 'install node and imdsd where only root can write (e.g. Debian\'s nodejs and `sudo npm install -g imdsd`), '
  + 'then run that imdsd with sudo; or add --force to install anyway';

/**
 * For an install as root: throws IMDSD_ERR_UNSAFE_INSTALL (exit 78, nothing written) naming
 * the first unsafe path; with `force` it only returns the note to print.
 */
export async function checkRootInstall(io: ServiceIo, node: string, cli: string, force: boolean): Promise<string | undefined> {
  const unsafe = await firstUnsafe(io, [node, cli]);
  if (unsafe === undefined) return undefined;
  const what = `${unsafe.path} ${unsafe.reason}, so a user other than root can change the code this install and its units run`;
  if (force) return `--force: installing although ${what}`;
  throw new ImdsdError('IMDSD_ERR_UNSAFE_INSTALL', `imdsd install as root: ${what}`, { hint: UNSAFE_FIX });
}
