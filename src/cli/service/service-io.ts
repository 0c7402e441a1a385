/**
 * Everything `imdsd install` and `imdsd uninstall` do to the machine goes through this
 * object, so tests record the files and commands instead of touching launchd or systemd,
 * and a definition for another platform can be rendered on this one.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, lstat, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { basename, dirname, join } from 'node:path';

export interface RunResult {
  /** The exit status; 127 when the command could not be started or was killed by a signal. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Who can change a path: its owner, group and mode as lstat(2) reports them. */
export interface PathInfo {
  readonly uid: number;
  readonly gid: number;
  /** st_mode: permission bits and file type. */
  readonly mode: number;
  readonly symlink: boolean;
}

export interface UserIds {
  readonly uid: number;
  readonly gids: readonly number[];
}

export interface ServiceIo {
  /** `process.platform` of this machine. */
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly homedir: string;
  /** The effective uid; -1 where there is none (Windows). */
  readonly uid: number;
  /** Where relative paths given on the command line are resolved from. */
  readonly cwd: string;
  /** How this CLI was started (`process.argv[1]`), to find npm's bin link; absent in tests' io. */
  readonly script?: string | undefined;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Replaces `path` with exactly `content` and permission bits `mode`. */
  writeFile(path: string, content: string, mode: number): Promise<void>;
  /** Creates a directory and its parents; fine when it exists. */
  mkdir(path: string): Promise<void>;
  /** Removes a file; fine when it is already gone. */
  removeFile(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** lstat(2) of `path` (a symlink itself, not its target); undefined when it does not exist. */
  pathInfo(path: string): Promise<PathInfo | undefined>;
  /** The path with every symlink resolved; `path` itself when it does not exist. */
  realpath(path: string): Promise<string>;
  /** Runs a command without a shell and never rejects: a failure is a non-zero code. */
  run(cmd: string, args: readonly string[]): Promise<RunResult>;
  /**
   * The uid and groups of an account, or undefined when there is no such account; absent
   * (a test's io) means nobody's access is checked. Looked up, not run: no event.
   */
  userIds?(name: string): Promise<UserIds | undefined>;
  /** Waits between retries of a command (launchd needs seconds to release a label). */
  sleep(ms: number): Promise<void>;
}

/** Never rejects: the caller decides which failures matter (a `bootout` of nothing is fine). */
export function runCommand(cmd: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const code = typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr: stderr !== '' ? stderr : `${cmd}: ${error.message}` });
    });
  });
}

async function pathInfo(path: string): Promise<PathInfo | undefined> {
  try {
    const info = await lstat(path);
    return { uid: info.uid, gid: info.gid, mode: info.mode, symlink: info.isSymbolicLink() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes beside the target and renames over it, so a service manager never reads half a
 * definition, and the mode applies even when the file already existed.
 */
export async function replaceFile(path: string, content: string, mode: number): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, content, { mode });
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `id -u NAME` and `id -G NAME`: every source of accounts (NSS), as the service manager sees them. */
export async function userIds(name: string): Promise<UserIds | undefined> {
  const [uid, groups] = await Promise.all([runCommand('id', ['-u', name]), runCommand('id', ['-G', name])]);
  const parsed = Number.parseInt(uid.stdout.trim(), 10);
  if (uid.code !== 0 || groups.code !== 0 || Number.isNaN(parsed)) return undefined;
  return { uid: parsed, gids: groups.stdout.trim().split(/\s+/).map(Number).filter((gid) => !Number.isNaN(gid)) };
}

export function defaultServiceIo(): ServiceIo {
  return {
    platform: process.platform,
    env: process.env,
    homedir: homedir(),
    /* c8 ignore next - process.getuid exists on every POSIX platform these tests run on */
    uid: process.getuid?.() ?? -1,
    cwd: process.cwd(),
    script: process.argv[1],
    stdout: (text) => { process.stdout.write(text); },
    stderr: (text) => { process.stderr.write(text); },
    writeFile: replaceFile,
    mkdir: async (path) => { await mkdir(path, { recursive: true }); },
    removeFile: (path) => rm(path, { force: true }),
    exists: (path) => access(path, constants.F_OK).then(() => true, () => false),
    pathInfo,
    realpath: (path) => realpath(path).catch(() => path),
    run: runCommand,
    userIds,
    sleep: (ms) => delay(ms),
  };
}
