/**
 * Install refuses what cannot run (issue 19): every path a systemd unit runs or reads must
 * be there for the service. A unit with `PrivateTmp=yes` sees an empty /tmp and /var/tmp of
 * its own, so node, the CLI or a file flag under either is missing inside it (status
 * 203/EXEC, or a loop of exit 78); a unit with `User=` runs as that account, which must be
 * able to reach each path through every directory above it. What the unit sets is read
 * from its rendered text, so the check follows the templates. launchd has neither setting:
 * a plist passes unchecked.
 */
import { dirname } from 'node:path';
import { ImdsdError } from '../../errors.js';
import { pathChains } from './install-safety.js';
import { PATH_FLAGS } from './service-args.js';
import type { PathInfo, ServiceIo, UserIds } from './service-io.js';

/** A path the unit needs, what it is for people, and whether it is run (needs x) or read. */
export interface NeededPath {
  readonly path: string;
  readonly what: string;
  readonly fix: string;
  readonly run: boolean;
}

export interface SandboxProblem {
  readonly message: string;
  readonly hint: string;
}

const TMP_DIRS = ['/tmp', '/var/tmp'];

function underTmp(path: string): boolean {
  return TMP_DIRS.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/** The node binary, the CLI, and each file flag of the service command line. */
export function neededPaths(program: readonly string[]): NeededPath[] {
  const [node = '', cli = ''] = program;
  const needed: NeededPath[] = [
    { path: node, what: 'the node binary', fix: 'install node outside /tmp and /var/tmp (e.g. Debian\'s nodejs, or nvm under your home)', run: true },
    { path: cli, what: 'the imdsd CLI', fix: 'install imdsd with npm install -g, or clone outside /tmp', run: false },
  ];
  for (let i = 2; i < program.length - 1; i++) {
    const flag = program[i] ?? '';
    const value = program[i + 1] ?? '';
    if (!flag.startsWith('--') || !PATH_FLAGS.has(flag.slice(2))) continue;
    const socket = flag === '--control-socket';
    needed.push({
      path: socket ? dirname(value) : value,
      what: socket ? 'the --control-socket directory' : `the ${flag} file`,
      fix: `give ${flag} a path outside /tmp and /var/tmp`,
      run: false,
    });
  }
  return needed;
}

function setting(unit: string, name: string): string | undefined {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1]?.trim();
}

/** Whether account `uid` (in groups `gids`) has permission `bit` (4 read, 1 search/run) on a path. */
export function allows(info: PathInfo, uid: number, gids: readonly number[], bit: number): boolean {
  if (uid === 0) return true;
  if (info.uid === uid) return ((info.mode >> 6) & bit) !== 0;
  if (gids.includes(info.gid)) return ((info.mode >> 3) & bit) !== 0;
  return (info.mode & bit) !== 0;
}

/** The first directory in the way of `needed`, or the path itself, that `user` cannot use. */
async function unreadable(io: ServiceIo, needed: NeededPath, who: UserIds): Promise<string | undefined> {
  const target = await io.realpath(needed.path);
  for (const candidate of await pathChains(io, [needed.path])) {
    const info = await io.pathInfo(candidate);
    if (info === undefined || info.symlink) continue;
    const last = candidate === needed.path || candidate === target;
    const bit = last && (info.mode & 0o170000) !== 0o040000 ? (needed.run ? 1 : 4) : 1;
    if (!allows(info, who.uid, who.gids, bit)) return candidate;
  }
  return undefined;
}

async function tmpProblem(io: ServiceIo, needed: NeededPath): Promise<SandboxProblem | undefined> {
  const resolved = await io.realpath(needed.path);
  const hidden = [needed.path, resolved].find(underTmp);
  if (hidden === undefined) return undefined;
  const via = hidden === needed.path ? '' : ` (${needed.path} resolves to it)`;
  return { message: `imdsd install: ${hidden}${via}, ${needed.what}, is under /tmp or /var/tmp, which the unit's PrivateTmp=yes hides from the service, so it could not start`, hint: needed.fix };
}

/**
 * The one problem that would keep the unit from starting, as a message and its fix, or
 * undefined when every path the unit needs is there for it.
 */
export async function sandboxProblem(io: ServiceIo, unit: string, program: readonly string[]): Promise<SandboxProblem | undefined> {
  const needed = neededPaths(program);
  if (/^(yes|true|on|1)$/i.test(setting(unit, 'PrivateTmp') ?? '')) {
    for (const path of needed) {
      const problem = await tmpProblem(io, path);
      if (problem !== undefined) return problem;
    }
  }
  const user = setting(unit, 'User');
  const who = user === undefined || user === '' ? undefined : await io.userIds?.(user);
  if (who === undefined) return undefined;
  for (const path of needed) {
    const blocked = await unreadable(io, path, who);
    if (blocked === undefined) continue;
    const verb = path.run ? 'run' : 'read';
    return {
      message: `imdsd install: User=${String(user)} cannot ${verb} ${path.what} ${path.path}: ${blocked === path.path ? 'its' : `the directory ${blocked} has`} permissions shut that account out`,
      hint: `install node and imdsd where ${String(user)} can read them (e.g. sudo npm install -g imdsd), or let ${String(user)} read ${blocked}`,
    };
  }
  return undefined;
}

/** `--print`: the problem as a comment above the definition; the definition alone without one. */
export function withProblemComment(problem: SandboxProblem | undefined, text: string): string {
  return problem === undefined ? text : `# imdsd: ${problem.message} (fix: ${problem.hint})\n${text}`;
}

/** Install and --dry-run: exit 78 (IMDSD_ERR_UNREACHABLE_PATH) with the one line, before anything is written. */
export function refuseProblem(problem: SandboxProblem | undefined): void {
  if (problem !== undefined) throw new ImdsdError('IMDSD_ERR_UNREACHABLE_PATH', problem.message, { hint: problem.hint });
}
