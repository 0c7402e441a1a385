/**
 * A server child process that logs JSON lines on stdout (the imdsd daemon, the baseline
 * server): counts every line, keeps the parsed ones, and waits for a line with a bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type LogLine = Record<string, unknown> & { event?: string; time?: string; port?: number };

export interface ServerChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every JSON line so far, in order. */
  readonly lines: LogLine[];
  /** Every stdout line so far, JSON or not. */
  lineCount(): number;
  /** Wall time (Date.now) at which each JSON line arrived, parallel to `lines`. */
  readonly arrivedAtMs: number[];
  waitFor(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: Promise<void>;
  stderr(): string;
}

/** Children still running, so that an interrupted bench leaves none behind. */
const live = new Set<ServerChild>();

/** Kills every child this bench started that is still running (by its pid). */
export function killLiveChildren(): void {
  for (const server of live) server.child.kill('SIGKILL');
  live.clear();
}

export function spawnServer(command: string, args: readonly string[], env: NodeJS.ProcessEnv): ServerChild {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const lines: LogLine[] = [];
  const arrivedAtMs: number[] = [];
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let count = 0;
  let partial = '';
  let errText = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const now = Date.now();
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      count += 1;
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      lines.push(line);
      arrivedAtMs.push(now);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (errText.length < 10_000) errText += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => {
    alive = false;
    live.delete(server);
  });

  const server: ServerChild = {
    child,
    pid: child.pid,
    lines,
    arrivedAtMs,
    lineCount: () => count,
    exited,
    stderr: () => errText,
    waitFor(match, timeoutMs) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; stderr: ${errText}`)), timeoutMs);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`child exited before a matching line; stderr: ${errText}`));
        });
        waiters.push({ match, resolve: (line) => { clearTimeout(timer); resolve(line); } });
      });
    },
    async stop(graceMs = 5_000) {
      if (!alive) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(server);
  return server;
}
