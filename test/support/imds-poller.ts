/**
 * A client that asks the IMDS port for the credential every `intervalMs` (token PUT, then
 * GET), each on a new connection as the AWS SDKs' IMDS providers do, and keeps every
 * outcome with its time: what a restart or a crash costs clients, measured.
 */
import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';

export interface Attempt {
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly ok: boolean;
  /** `ECONNREFUSED`, `status 503`, `timeout`… for a failed attempt. */
  readonly error?: string;
}

export interface Poller {
  readonly attempts: readonly Attempt[];
  /**
   * Resolves with the first served attempt that started at or after `sinceMs`, once it has
   * ended; undefined if none comes within `timeoutMs` (the wait's bound, not a pause).
   */
  servedSince(sinceMs: number, timeoutMs?: number): Promise<Attempt | undefined>;
  /** Stops polling and waits for the attempt in flight. */
  stop(): Promise<readonly Attempt[]>;
}

/** The SDKs give IMDS one second. */
const TIMEOUT_MS = 1_000;

export interface FetchOptions {
  /** 127.0.0.1 unless given (`::1`). */
  readonly host?: string;
  readonly timeoutMs?: number;
}

function call(port: number, method: string, path: string, headers: Record<string, string>, options: FetchOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { host = '127.0.0.1', timeoutMs = TIMEOUT_MS } = options;
    const req = httpRequest({ host, port, method, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', reject);
    req.end();
  });
}

/** One credential fetch as an SDK does it; resolves with the reason it failed, if it did. */
export async function fetchCredential(port: number, role: string, options: FetchOptions = {}): Promise<string | undefined> {
  try {
    const token = await call(port, 'PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' }, options);
    if (token.status !== 200) return `token status ${token.status}`;
    const doc = await call(port, 'GET', `/latest/meta-data/iam/security-credentials/${role}`, { 'x-aws-ec2-metadata-token': token.body }, options);
    if (doc.status !== 200) return `status ${doc.status}`;
    return /"AccessKeyId":"ASIA/.test(doc.body) ? undefined : 'no credential in the document';
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    return err.code ?? err.message;
  }
}

export function startPoller(port: number, role: string, intervalMs = 50): Poller {
  const attempts: Attempt[] = [];
  const added = new EventEmitter();
  let running = true;
  const loop = (async () => {
    while (running) {
      const startedAtMs = Date.now();
      const error = await fetchCredential(port, role);
      const endedAtMs = Date.now();
      attempts.push(error === undefined ? { startedAtMs, endedAtMs, ok: true } : { startedAtMs, endedAtMs, ok: false, error });
      added.emit('attempt');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAtMs + intervalMs - Date.now())));
    }
  })();
  const servedSince = (sinceMs: number, timeoutMs = 10_000): Promise<Attempt | undefined> => new Promise((resolve) => {
    const find = (): Attempt | undefined => attempts.find((attempt) => attempt.ok && attempt.startedAtMs >= sinceMs);
    const check = (): void => {
      const found = find();
      if (found === undefined && running) return;
      clearTimeout(timer);
      added.off('attempt', check);
      resolve(found);
    };
    const timer = setTimeout(() => { added.off('attempt', check); resolve(find()); }, timeoutMs);
    added.on('attempt', check);
    check();
  });
  return {
    attempts,
    servedSince,
    async stop() {
      running = false;
      await loop;
      return attempts;
    },
  };
}

/** Polls until a credential is served; resolves with the time it took, or undefined after `timeoutMs`. */
export async function waitServed(port: number, role: string, timeoutMs = 10_000): Promise<number | undefined> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await fetchCredential(port, role) === undefined) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/**
 * Failed attempts and their reasons, for a test comment. `turnedAway` counts the failures a
 * held socket must prevent (refused, reset, a 401 for a token of the previous daemon);
 * timeouts are the rest: a client that gave up after 1 s waiting in the queue, which
 * depends on how fast the new daemon starts on a loaded machine.
 */
export function summarize(attempts: readonly Attempt[]): { total: number; failed: number; turnedAway: number; reasons: string } {
  const failed = attempts.filter((attempt) => !attempt.ok);
  const counts = new Map<string, number>();
  for (const attempt of failed) counts.set(attempt.error ?? '?', (counts.get(attempt.error ?? '?') ?? 0) + 1);
  const turnedAway = failed.filter((attempt) => attempt.error !== 'timeout').length;
  return { total: attempts.length, failed: failed.length, turnedAway, reasons: [...counts].map(([why, n]) => `${n}× ${why}`).join(', ') };
}
