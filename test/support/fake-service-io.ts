/**
 * A ServiceIo that touches nothing: it records every directory, file and command in one
 * ordered list of events, keeps written files in memory and answers commands from a
 * script, so install/uninstall tests compare exactly what would have happened.
 */
import { reportError } from '../../src/cli/report-error.js';
import type { PathInfo, RunResult, ServiceIo, UserIds } from '../../src/cli/service/service-io.js';

export interface FakeFile {
  readonly content: string;
  readonly mode: number;
}

export interface FakeServiceIo extends ServiceIo {
  /** In order: `mkdir P`, `write P 0644`, `remove P`, `run CMD ARGS…`, `sleep MS`. */
  readonly events: string[];
  readonly files: Map<string, FakeFile>;
  out: string;
  err: string;
}

export interface FakeOptions {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  readonly homedir?: string;
  readonly uid?: number;
  readonly cwd?: string;
  /** Files that exist before the command runs. */
  readonly files?: Record<string, string>;
  /**
   * Answers by command line (`systemctl --user enable imdsd.service`); unlisted ones
   * succeed. An array answers successive runs of the same command, its last entry repeating.
   */
  readonly results?: Record<string, Partial<RunResult> | Array<Partial<RunResult>>>;
  /**
   * lstat answers by path; any path not listed is root's, mode 0755 (a safe install).
   * `null` answers "does not exist".
   */
  readonly pathInfo?: Record<string, PathInfo | null>;
  /** realpath answers by path; others resolve to themselves. */
  readonly realpaths?: Record<string, string>;
  /** Accounts `userIds` knows; without this option the fake has no `userIds` (nobody's access is checked). */
  readonly users?: Record<string, UserIds>;
  /** Makes writeFile (and mkdir) throw this. */
  readonly writeError?: Error;
}

export function fakeServiceIo(options: FakeOptions = {}): FakeServiceIo {
  const files = new Map<string, FakeFile>(Object.entries(options.files ?? {}).map(([path, content]) => [path, { content, mode: 0o644 }]));
  const counts = new Map<string, number>();
  const io: FakeServiceIo = {
    platform: options.platform ?? 'linux',
    env: options.env ?? { PATH: '/usr/local/bin:/usr/bin:/bin' },
    homedir: options.homedir ?? '/home/dev',
    uid: options.uid ?? 501,
    cwd: options.cwd ?? '/home/dev/work',
    events: [],
    files,
    out: '',
    err: '',
    stdout(text) { io.out += text; },
    stderr(text) { io.err += text; },
    async writeFile(path, content, mode) {
      if (options.writeError !== undefined) throw options.writeError;
      io.events.push(`write ${path} ${mode.toString(8).padStart(4, '0')}`);
      files.set(path, { content, mode });
    },
    async mkdir(path) {
      io.events.push(`mkdir ${path}`);
    },
    async removeFile(path) {
      io.events.push(`remove ${path}`);
      files.delete(path);
    },
    async exists(path) {
      return files.has(path);
    },
    async pathInfo(path) {
      const info = options.pathInfo?.[path];
      if (info === null) return undefined;
      return info ?? { uid: 0, gid: 0, mode: 0o40755, symlink: false };
    },
    ...(options.users === undefined ? {} : { userIds: async (name: string) => options.users?.[name] }),
    async realpath(path) {
      return options.realpaths?.[path] ?? path;
    },
    async sleep(ms) {
      io.events.push(`sleep ${ms}`);
    },
    async run(cmd, args) {
      const line = [cmd, ...args].join(' ');
      io.events.push(`run ${line}`);
      const answers = options.results?.[line] ?? {};
      const runs = (counts.get(line) ?? 0) + 1;
      counts.set(line, runs);
      const scripted = Array.isArray(answers) ? answers[Math.min(runs, answers.length) - 1] ?? {} : answers;
      return { code: scripted.code ?? 0, stdout: scripted.stdout ?? '', stderr: scripted.stderr ?? '' };
    },
  };
  return io;
}

/**
 * A service command's exit code as the CLI gives it: what the command throws (a bad flag,
 * an unsafe install) is printed to `io` once and exits with the contract's code, as
 * main.ts does.
 */
export function exitOf(io: FakeServiceIo, running: Promise<number>): Promise<number> {
  return running.catch((error: unknown) => reportError((text) => io.stderr(text), error));
}
