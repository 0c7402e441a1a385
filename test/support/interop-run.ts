/**
 * Runs one real client as a child process with the environment a test gives it, under
 * the interop suite's time limit, and keeps everything it printed for the assertion
 * messages. Clients that report a result print it as their last JSON line on stdout.
 */
import { execFile } from 'node:child_process';

/** Every client gets this long; a client that hangs fails its test instead of the file. */
export const CLIENT_TIMEOUT_MS = 20_000;

export interface ClientRun {
  /** Exit code, or the signal's name (SIGTERM when the timeout killed it). */
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
}

export function runClient(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ClientRun> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: CLIENT_TIMEOUT_MS, maxBuffer: 32 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : (child.exitCode ?? child.signalCode ?? String(error.code));
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last line of stdout that parses as a JSON object, or undefined. */
export function lastJson(run: ClientRun): Record<string, unknown> | undefined {
  const lines = run.stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not the result line: keep looking.
    }
  }
  return undefined;
}

/** The whole stdout parsed as one JSON object (the AWS CLI pretty-prints over many lines). */
export function wholeJson(run: ClientRun): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(run.stdout);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** For assertion messages: what the client said, cut to a readable length. */
export function describeRun(run: ClientRun): string {
  const cut = (text: string) => (text.length > 1500 ? `${text.slice(0, 700)} … ${text.slice(-700)}` : text);
  return `exit ${run.code}; stdout: ${cut(run.stdout.trim())}; stderr: ${cut(run.stderr.trim())}`;
}

/**
 * Runs `work` over `items`, at most `limit` at a time, results in order. Clients spend
 * most of their wall time starting up (Python imports, the CLI's data files), so a few
 * at once keep the suite fast; more would starve the 1 s IMDS timeouts on two cores.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}
