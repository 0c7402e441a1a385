/**
 * Fakes shared by the src/imds tests: a manual clock, a credential source whose answer
 * each test sets, and a helper that starts the real app on 127.0.0.1 port 0.
 */
import type { AddressInfo } from 'node:net';
import { Client } from 'undici';
import { FakeClock } from './fake-clock.js';
import type { Credential, CredentialResult, CredentialSource, RoleIdentity } from '../../src/credentials.js';
import { buildImdsApp, type ImdsApp, type ImdsAppOptions } from '../../src/imds/app.js';

/** 2026-11-21T20:00:00Z */
export const T0_MS = Date.UTC(2026, 10, 21, 20, 0, 0);

/** The one FakeClock of the suite, started at T0; its timers run as `await clock.advance(ms)` moves time. */
export function createFakeClock(startMs = T0_MS): FakeClock {
  return new FakeClock(startMs, 1);
}

export const IDENTITY: RoleIdentity = {
  roleName: 'dev-admin',
  roleArn: 'arn:aws:iam::123456789012:role/team/dev-admin',
  accountId: '123456789012',
  region: 'eu-west-1',
};

export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
export const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=';

/** A credential issued at T0 that lives one hour. */
export function fakeCredential(overrides: Partial<Credential> = {}): Credential {
  return {
    accessKeyId: 'ASIAEXAMPLEKEY000001',
    secretAccessKey: SECRET,
    sessionToken: SESSION_TOKEN,
    issuedAtMs: T0_MS,
    expiresAtMs: T0_MS + 3_600_000,
    ...overrides,
  };
}

export interface FakeSource extends CredentialSource {
  /** What the next get() resolves to; a function may also throw or reject. */
  result: CredentialResult | (() => Promise<CredentialResult>);
  calls: number;
}

export function createFakeSource(result: CredentialResult = { ok: true, credential: fakeCredential() }): FakeSource {
  const source: FakeSource = {
    identity: IDENTITY,
    result,
    calls: 0,
    get() {
      source.calls += 1;
      const current = source.result;
      return typeof current === 'function' ? current() : Promise.resolve(current);
    },
  };
  return source;
}

export interface RunningImds {
  readonly app: ImdsApp;
  readonly client: Client;
  readonly origin: string;
  readonly port: number;
  readonly clock: FakeClock;
  readonly source: FakeSource;
  /** A request with the raw path as given (undici's URL parsing would resolve `..`). */
  call(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<Reply>;
  /** A fresh token from PUT /latest/api/token. */
  token(ttlSec?: number): Promise<string>;
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export type StartOptions = Omit<ImdsAppOptions, 'source' | 'clock'> & {
  source?: FakeSource;
  /** Where the fake clock starts; T0_MS by default. */
  clockStartMs?: number;
};

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Listens with `app` on 127.0.0.1 on a free port; returns the port. */
export async function listenOnLoopback(app: ImdsApp): Promise<number> {
  await new Promise<void>((resolve) => app.server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return (app.server.address() as AddressInfo).port; // listening on TCP, so an AddressInfo
}

/** Starts the real app on 127.0.0.1:0 and closes it (and its client) in teardown. */
export async function startImds(t: Teardown, options: StartOptions = {}): Promise<RunningImds> {
  const { clockStartMs, source: given, ...appOptions } = options;
  const clock = createFakeClock(clockStartMs);
  const source = given ?? createFakeSource();
  const app = buildImdsApp({ ...appOptions, source, clock });
  t.teardown(() => app.close());
  const port = await listenOnLoopback(app);
  const origin = `http://127.0.0.1:${port}`;
  const client = new Client(origin);
  t.teardown(() => (client.closed ? undefined : client.close()));

  async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
    const response = await client.request({ method, path, headers, body });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  }

  async function token(ttlSec = 21_600): Promise<string> {
    const reply = await call('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttlSec) });
    if (reply.status !== 200) throw new Error(`token PUT answered ${reply.status}`);
    return reply.body;
  }

  return {
    app,
    client,
    origin,
    port,
    clock,
    source,
    call,
    token,
  };
}
