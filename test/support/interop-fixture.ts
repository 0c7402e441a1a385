/**
 * One local STS and one real daemon per interop test file, and the clean environments
 * the real clients run in: an empty HOME each, no AWS_* variables but the endpoint ones,
 * so nothing of the developer's setup can hide a failure of imdsd.
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { cleanEnv, runImdsd, startDaemonProcess, type DaemonProcess } from './daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsCall, type StsServer } from './sts-server.js';

/** The account and role of DEFAULT_ROLE_ARN, as STS names the assumed-role session. */
export const ASSUMED_ROLE_PREFIX = 'arn:aws:sts::123456789012:assumed-role/dev/';

/** The IMDS credential document's fields. */
export interface ServedCredential {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly Token: string;
  readonly Expiration: string;
}

export interface InteropFixture {
  readonly sts: StsServer;
  readonly daemon: DaemonProcess & { port: number };
  /** The daemon's environment: `imdsd env` and `credential-process` need its HOME. */
  readonly daemonEnv: NodeJS.ProcessEnv;
  readonly port: number;
  readonly controlSocket: string;
  /** The daemon's `--region`: what IMDS serves as placement. */
  readonly region: string;
  /** The ARN GetCallerIdentity must return for the served credential. */
  readonly expectedArn: string;
  /** A clean client environment with `extra` added (undefined values are left out). */
  clientEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** The variables `imdsd env [args]` prints for bash, as a map. */
  imdsdEnv(args?: string[]): Promise<Record<string, string>>;
  /** What the daemon serves now, fetched over IMDSv2 (`extended` adds AccountId). */
  servedCredential(extended?: boolean): Promise<ServedCredential & Record<string, unknown>>;
}

export interface FixtureOptions {
  readonly region?: string;
  readonly sessionName: string;
  readonly extraArgs?: readonly string[];
  /**
   * Serve a profile instead of DEFAULT_ROLE_ARN (issue 13): the daemon's arguments and
   * environment, given the local STS, the name it serves and the ARN STS reports.
   */
  readonly profile?: (sts: StsServer) => Promise<{
    readonly args: readonly string[];
    readonly env: NodeJS.ProcessEnv;
    readonly roleName: string;
    readonly expectedArn: string;
  }>;
}

/** Only the client's PATH: /usr/bin first, so no shim of another install can answer. */
const CLIENT_PATH = '/usr/bin:/bin';

export async function startInteropFixture(t: { teardown(fn: () => unknown): void }, options: FixtureOptions): Promise<InteropFixture> {
  const region = options.region ?? 'us-east-1';
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const profile = await options.profile?.(sts);
  const daemonEnv = profile?.env ?? cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.url,
  });
  const daemon = await startDaemonProcess([
    ...(profile?.args ?? ['--role-arn', DEFAULT_ROLE_ARN]), '--port', '0', '--region', region, '--session-name', options.sessionName,
    ...(options.extraArgs ?? []),
  ], daemonEnv);
  const roleName = profile?.roleName ?? 'dev';
  t.teardown(() => daemon.stop());
  const control = await daemon.waitFor((line) => line.event === 'control');
  const port = daemon.port;

  async function imdsdEnv(args: string[] = []): Promise<Record<string, string>> {
    const { code, stdout, stderr } = await runImdsd(['env', '--shell', 'bash', ...args], daemonEnv);
    if (code !== 0) throw new Error(`imdsd env ${args.join(' ')} failed: ${stderr}`);
    const vars: Record<string, string> = {};
    for (const match of stdout.matchAll(/^export ([A-Za-z_][A-Za-z0-9_]*)='([^']*)'$/gm)) {
      if (match[1] !== undefined && match[2] !== undefined) vars[match[1]] = match[2];
    }
    return vars;
  }

  async function servedCredential(extended = false): Promise<ServedCredential & Record<string, unknown>> {
    const token = await (await request(`http://127.0.0.1:${port}/latest/api/token`, {
      method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
    })).body.text();
    const base = extended ? 'security-credentials-extended' : 'security-credentials';
    const res = await request(`http://127.0.0.1:${port}/latest/meta-data/iam/${base}/${roleName}`, {
      headers: { 'x-aws-ec2-metadata-token': token },
    });
    if (res.statusCode !== 200) throw new Error(`the daemon answered ${res.statusCode}: ${await res.body.text()}`);
    return (await res.body.json()) as ServedCredential & Record<string, unknown>;
  }

  return {
    sts,
    daemon,
    daemonEnv,
    port,
    controlSocket: String(control.path),
    region,
    expectedArn: profile?.expectedArn ?? `${ASSUMED_ROLE_PREFIX}${options.sessionName}`,
    clientEnv: (extra = {}) => cleanEnv({ PATH: CLIENT_PATH, ...extra }),
    imdsdEnv,
    servedCredential,
  };
}

/** The ECS pair from `imdsd env --ecs`, and the token the file holds. */
export async function ecsVariables(fx: InteropFixture): Promise<{ uri: string; tokenFile: string; token: string; tokenVariable: string | undefined; noProxy: string }> {
  const vars = await fx.imdsdEnv(['--ecs']);
  const uri = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const tokenFile = vars.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  if (uri === undefined || tokenFile === undefined) throw new Error(`imdsd env --ecs printed no ECS pair: ${JSON.stringify(vars)}`);
  return { uri, tokenFile, token: readFileSync(tokenFile, 'utf8'), tokenVariable: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, noProxy: vars.NO_PROXY ?? '' };
}

/** GetCallerIdentity calls the STS received from index `mark` on. */
export function callerIdentityCallsSince(sts: StsServer, mark: number): StsCall[] {
  return sts.calls.slice(mark).filter((call) => call.action === 'GetCallerIdentity');
}

interface Assert {
  equal(found: unknown, wanted: unknown, message: string): unknown;
  ok(value: unknown, message: string): unknown;
  match(found: unknown, pattern: RegExp, message: string): unknown;
}

/**
 * The judge of every interop test: the client's GetCallerIdentity answered with the
 * assumed role, and the STS saw it, since `mark`, signed with a session key (ASIA…) that
 * its own AssumeRole issued to the daemon — the key the client reported, when it reports
 * one. Clients run side by side all hold the same key, so "a call since mark" is enough.
 */
export function assertStsAccepted(
  t: Assert, fx: InteropFixture, mark: number,
  outcome: { arn?: unknown; accessKeyId?: unknown }, label: string,
): StsCall | undefined {
  t.equal(outcome.arn, fx.expectedArn, `${label}: GetCallerIdentity returned the assumed role`);
  const accepted = callerIdentityCallsSince(fx.sts, mark)
    .filter((call) => call.status === 200 && (outcome.accessKeyId === undefined || call.accessKeyId === outcome.accessKeyId));
  const call = accepted[accepted.length - 1];
  t.ok(call !== undefined, `${label}: the STS accepted a GetCallerIdentity signed with the key the client holds`);
  t.match(call?.accessKeyId, /^ASIA[A-Z0-9]{16}$/, `${label}: signed with a session key`);
  const issued = fx.sts.calls.some((c) => c.action === 'AssumeRole' && c.issuedAccessKeyId === call?.accessKeyId);
  t.ok(issued, `${label}: a key that the daemon's AssumeRole was issued`);
  return call;
}
