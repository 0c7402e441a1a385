/**
 * Builds doctor's inputs for one situation: a temporary HOME (real files, written with
 * chosen modes), an environment, a fake daemon status, a fake IMDS with a fake
 * monotonic clock, and fakes for the port owner and STS.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ImdsdError } from '../../src/errors.js';
import type { DaemonStatus, RoleStatus } from '../../src/contract/control-api.js';
import type { DoctorDeps, HttpInit, HttpReply } from '../../src/cli/doctor/deps.js';
import type { Finding } from '../../src/cli/doctor/finding.js';
import { nodeFiles } from '../../src/cli/doctor/real-deps.js';
import { inspect, type DoctorOptions, type Situation } from '../../src/cli/doctor/situation.js';

/** 2026-11-21T12:00:00Z: every fake time is relative to it. */
export const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
export const MINUTE = 60_000;

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'imdsd-doctor-'));
}

/** Writes `text` at `home/relative` (parents created) with `mode`; returns the path. */
export function writeHomeFile(home: string, relative: string, text: string, mode = 0o600): string {
  const path = join(home, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

export function fakeRole(overrides: Partial<RoleStatus> = {}): RoleStatus {
  const port = overrides.port === undefined && 'port' in overrides ? undefined : (overrides.port ?? 1338);
  return {
    roleName: 'dev',
    roleArn: 'arn:aws:iam::123456789012:role/dev',
    region: 'us-east-1',
    addresses: ['127.0.0.1', '::1'],
    containerCredentialsUri: port === undefined ? undefined : `http://127.0.0.1:${port}/v1/credentials/${overrides.roleName ?? 'dev'}`,
    state: 'fresh',
    issuedAt: new Date(NOW - 10 * MINUTE).toISOString(),
    expiresAt: new Date(NOW + 50 * MINUTE).toISOString(),
    consecutiveFailures: 0,
    clockOffsetMs: 120,
    ...overrides,
    port,
    usesMfa: overrides.usesMfa ?? false,
  };
}

export function fakeStatus(roles: RoleStatus[] = [fakeRole()], overrides: Partial<DaemonStatus> = {}): DaemonStatus {
  return {
    version: '0.1.0', pid: 4242, startedAt: new Date(NOW - 60 * MINUTE).toISOString(), now: new Date(NOW).toISOString(),
    containerTokenFile: '/run/user/1000/imdsd/container-token', roles, ...overrides,
  };
}

export interface ControlSocket {
  readonly path: string;
  /** Every request, as `METHOD /path?query`. */
  readonly requests: string[];
}

/**
 * A real control socket (HTTP on a unix socket) answering each request with what `answer`
 * returns for its method and URL: a JSON body, with a status code when not 200. Closed by
 * `t`'s teardown.
 */
export async function controlSocket(
  t: { teardown(fn: () => void): void }, answer: (method: string, url: string) => unknown | { status: number; body: unknown },
): Promise<ControlSocket> {
  const path = join(mkdtempSync(join(tmpdir(), 'imdsd-ctl-')), 'control.sock');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const reply = answer(req.method ?? '', req.url ?? '');
    const coded = typeof reply === 'object' && reply !== null && 'status' in reply && 'body' in reply ? reply as { status: number; body: unknown } : undefined;
    res.statusCode = coded?.status ?? 200;
    res.setHeader('content-type', 'application/json').end(JSON.stringify(coded === undefined ? reply : coded.body));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => server.close());
  return { path, requests };
}

/** A control socket answering `status` to every request. */
export async function statusSocket(t: { teardown(fn: () => void): void }, status: DaemonStatus): Promise<string> {
  return (await controlSocket(t, () => status)).path;
}

export const notRunning = (): Promise<DaemonStatus> => Promise.reject(new ImdsdError('IMDSD_ERR_DAEMON_NOT_RUNNING',
  'imdsd is not running (no daemon at /tmp/none/control.sock)', { hint: 'start it with `imdsd run …` or `imdsd install …`, or pass --control-socket' }));

export interface FakeImdsOptions {
  readonly roleName?: string;
  /** Milliseconds each answer takes on the fake monotonic clock, by step index (0 token, 1 list, 2 credential). */
  readonly latencyMs?: readonly number[];
  /** Replaces the answer of a step: a reply, or an error to throw. */
  readonly replies?: Readonly<Record<number, HttpReply | Error>>;
}

export interface FakeImds {
  readonly request: DoctorDeps['request'];
  readonly monotonic: () => number;
  readonly calls: Array<{ url: string; init: HttpInit }>;
}

/** An IMDS that answers the IMDSv2 sequence, on a monotonic clock that moves only as answers take time. */
export function fakeImds(options: FakeImdsOptions = {}): FakeImds {
  let mono = 1000;
  const calls: Array<{ url: string; init: HttpInit }> = [];
  const roleName = options.roleName ?? 'dev';
  const normal: HttpReply[] = [
    { status: 200, body: 'token-123' },
    { status: 200, body: roleName },
    {
      status: 200, body: JSON.stringify({
        Code: 'Success', LastUpdated: '2026-11-21T11:50:00Z', Type: 'AWS-HMAC', AccessKeyId: 'ASIAFAKE', SecretAccessKey: 'secret',
        Token: 'token', Expiration: '2026-11-21T12:50:00Z',
      }),
    },
  ];
  return {
    calls,
    monotonic: () => mono,
    request: async (url, init) => {
      const index = calls.length;
      calls.push({ url, init });
      mono += options.latencyMs?.[index] ?? 3;
      const reply = options.replies?.[index] ?? normal[index] ?? { status: 404, body: 'Not Found' };
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
}

/** An error as undici or Node throws it, with a code. */
export function codedError(code: string, name = 'Error'): Error {
  return Object.assign(new Error(`${name} ${code}`), { code, name });
}

export interface DepsInput extends Partial<Omit<DoctorDeps, 'env'>> {
  readonly env?: Record<string, string | undefined>;
}

/** Doctor's inputs for a situation; by default: empty HOME and environment, no daemon, nothing on the port. */
export function doctorDeps(input: DepsInput = {}): DoctorDeps {
  const home = input.home ?? tempHome();
  const imds = fakeImds();
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(input.env ?? {})) if (value !== undefined) env[key] = value;
  return {
    home,
    platform: 'linux',
    now: () => NOW,
    monotonic: imds.monotonic,
    files: nodeFiles,
    status: notRunning,
    request: imds.request,
    findPortOwner: async () => undefined,
    callerIdentity: async () => { throw new Error('callerIdentity was not expected in this test'); },
    uid: 501,
    firewall: async () => ({ listing: { kind: 'denied' }, unit: undefined }),
    portListeners: async () => [],
    ...input,
    env,
  };
}

export function situation(input: DepsInput = {}, options: Partial<DoctorOptions> = {}): Promise<Situation> {
  return inspect(doctorDeps(input), { checkEnvCredentials: false, ...options });
}

/** The findings with this id. */
export function withId(findings: readonly Finding[], id: string): Finding[] {
  return findings.filter((finding) => finding.id === id);
}

/** The one finding with this id, or a finding that says it is missing (so assertions fail with a message). */
export function only(findings: readonly Finding[], id: string): Finding {
  const found = withId(findings, id);
  return found.length === 1 && found[0] !== undefined
    ? found[0]
    : { id: 'missing', level: 'problem', title: `${found.length} findings with id ${id}: ${JSON.stringify(findings.map((f) => f.id))}` };
}
