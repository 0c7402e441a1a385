/**
 * The one way tests and benches run the imdsd CLI as a child process, as a user or a
 * service manager would: `runImdsd` to its exit (code, stdout, stderr), `runCli` while it
 * runs (the daemon's JSON log lines as they come). Both run the built CLI
 * (dist/src/cli/main.js) unless told another command, under an optional launcher.
 */
import { execFile, spawn, type ChildProcess, type ExecFileException } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeLeaks, findLeaks } from './security-leaks.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
export const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
/** The CLI the service tests judge: this checkout's build, or an installed package's named by IMDSD_CLI. */
export const CLI_UNDER_TEST = process.env.IMDSD_CLI ?? CLI;

export interface CliOptions {
  /** What runs the CLI: by default this node with the checkout's build; an installed package's bin, say. */
  readonly command?: readonly string[];
  /** A program the command runs under: `systemd-socket-activate -l …`, `timeout -s INT 3`, `taskset`. */
  readonly launcher?: readonly string[];
  /** runImdsd only: the CLI is killed after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** runImdsd only: run it on a terminal (util-linux `script`), as a user's shell would. */
  readonly terminal?: boolean;
}

/** How the service tests run it: the CLI under test, with time for a slow service manager. */
export const UNDER_TEST: CliOptions = { command: [process.execPath, CLI_UNDER_TEST], timeoutMs: 60_000 };

/** A finished run: its exit code (128+n for signal n, 127 when it could not start), stdout, stderr. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cliArgv(args: readonly string[], options: CliOptions): [string, string[]] {
  const { launcher = [], command = [process.execPath, CLI] } = options;
  const argv = [...launcher, ...command, ...args];
  if (options.terminal === true) return ['/usr/bin/script', ['-qec', argv.map((word) => `'${word}'`).join(' '), '/dev/null']];
  const [file = process.execPath, ...rest] = argv;
  return [file, rest];
}

function exitCode(error: ExecFileException | null): number {
  if (error === null) return 0;
  if (typeof error.code === 'number') return error.code;
  if (typeof error.signal === 'string') return 128 + (constants.signals[error.signal] ?? 0);
  return 127;
}

/** Runs the CLI to its exit and collects what it wrote; never rejects. */
export function runImdsd(args: readonly string[], env: NodeJS.ProcessEnv, options: CliOptions = {}): Promise<CliRun> {
  const [file, rest] = cliArgv(args, options);
  return new Promise((resolve) => {
    execFile(file, rest, { env, encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: exitCode(error), stdout, stderr });
    });
  });
}

export type LogLine = Record<string, unknown> & { event?: string; msg?: string; level?: string };

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  /** Everything written to stdout/stderr that was not a JSON log line. */
  readonly stderr: () => string;
  /** Every line the daemon wrote, stdout and stderr, JSON or not, as written. */
  readonly output: string[];
  /** Resolves once the process has exited and its stdout and stderr are drained. */
  readonly drained: Promise<void>;
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** An environment with nothing of the developer's AWS setup: empty HOME, no AWS_* vars. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'imdsd-home-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, LANG: 'C' };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Starts the CLI and follows its output while it runs (a daemon, mostly). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: CliOptions = {}): DaemonProcess {
  const [file, rest] = cliArgv(args, options);
  const child = spawn(file, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  const output: string[] = [];
  let errText = '';
  let errBuffered = '';
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      output.push(text);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        errText += `${text}\n`;
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stdout?.on('end', () => {
    if (buffered !== '') output.push(buffered);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errText += chunk;
    const parts = (errBuffered + chunk).split('\n');
    errBuffered = parts.pop() ?? '';
    output.push(...parts);
  });
  child.stderr?.on('end', () => {
    if (errBuffered !== '') output.push(errBuffered);
  });
  const drained = new Promise<void>((resolveDrained) => {
    child.on('close', () => resolveDrained());
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => resolveExit(code ?? signal ?? -1));
  });
  return {
    child,
    lines,
    stderr: () => errText,
    output,
    drained,
    exited,
    waitFor(match, timeoutMs = 10_000) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line in ${timeoutMs} ms; stderr: ${errText}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`daemon exited (${code}) before a matching log line; stderr: ${errText}`));
        });
        waiters.push({ match, resolve: (line) => { clearTimeout(timer); resolveLine(line); } });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts the daemon and waits until its IMDS port listens; returns the port. */
export async function startDaemonProcess(args: string[], env: NodeJS.ProcessEnv): Promise<DaemonProcess & { port: number }> {
  const proc = runCli(['run', ...args], env);
  const line = await proc.waitFor((l) => l.event === 'listening');
  return Object.assign(proc, { port: Number(line.port) });
}

interface AuditTest {
  teardown(fn: () => unknown): void;
}

/**
 * Audits a daemon's whole output when the test ends (stopping the daemon first, so its
 * shutdown lines count): no stdout or stderr line may contain any of `secrets()` (the
 * fake STS's issuedSecrets(): secret keys, session tokens, full access key ids) nor any
 * of `extra()` (IMDS tokens the test obtained, the ECS token, source keys). A leak fails
 * the test from its teardown, naming the line but not the secret. tap runs teardowns
 * last-registered first and skips the rest after one throws: call this before
 * registering the other teardowns (closing servers), so that it runs last.
 */
export function auditLogs(t: AuditTest, proc: DaemonProcess, secrets: () => string[], extra: () => string[] = () => []): void {
  t.teardown(async () => {
    await proc.stop();
    await proc.drained;
    const leaks = findLeaks(proc.output, [...secrets(), ...extra()]);
    if (leaks.length > 0) {
      throw new Error(`log audit: ${leaks.length} secret(s) in the daemon's ${proc.output.length} output lines\n${describeLeaks(leaks)}`);
    }
  });
}
