/**
 * The real daemon for the security tests: the built CLI against the local STS, with
 * every line it writes audited for secrets when the test ends (auditLogs), plus curl
 * as an outside client and a helper that gets a token and the credential properly.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { containerTokenPath } from '../../src/contract/paths.js';
import { auditLogs, cleanEnv, startDaemonProcess, type DaemonProcess } from './daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type AuditedStsServer } from './sts-server.js';

export const CURL = '/usr/bin/curl';

interface TestLike {
  teardown(fn: () => unknown): void;
}

export interface AuditedDaemon {
  readonly sts: AuditedStsServer;
  readonly daemon: DaemonProcess & { port: number };
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  /** Every IMDS token the test obtained: the audit looks for them too. */
  readonly tokens: string[];
  /** The ECS endpoint's Authorization value (from the daemon's token file). */
  readonly containerToken: string;
  /** A token through a proper PUT (remembered for the audit). */
  token(ttlSec?: number): Promise<string>;
  /** The credential document through a proper token PUT and GET. */
  credential(): Promise<{ status: number; body: string }>;
}

export async function startAuditedDaemon(t: TestLike, args: string[] = []): Promise<AuditedDaemon> {
  const sts = await startStsServer();
  const env = cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
  });
  let daemon: DaemonProcess & { port: number };
  try {
    daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', ...args], env);
  } catch (error) {
    await sts.close();
    throw error;
  }
  const tokens: string[] = [];
  let containerToken = '';
  // Teardowns run last-registered first, and a throwing one cancels the rest: the audit
  // is registered first so that it runs last, after the STS is closed.
  auditLogs(t, daemon, () => sts.issuedSecrets(), () => [...tokens, containerToken, DEFAULT_USER.secretAccessKey]);
  t.teardown(() => sts.close());
  t.teardown(() => daemon.stop());
  const control = await daemon.waitFor((line) => line.event === 'control');
  containerToken = await readFile(containerTokenPath(String(control.path)), 'utf8');
  const origin = `http://127.0.0.1:${daemon.port}`;

  async function token(ttlSec = 21_600): Promise<string> {
    const res = await request(`${origin}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttlSec) } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`token PUT answered ${res.statusCode}: ${text}`);
    tokens.push(text);
    return text;
  }

  async function credential(): Promise<{ status: number; body: string }> {
    const res = await request(`${origin}/latest/meta-data/iam/security-credentials/dev`, { headers: { 'x-aws-ec2-metadata-token': await token() } });
    return { status: res.statusCode, body: await res.body.text() };
  }

  return { sts, daemon, env, port: daemon.port, tokens, containerToken, token, credential };
}

export interface CurlReply {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  readonly stderr: string;
}

/** Runs /usr/bin/curl with no proxy and no config file; parses the (last) reply head. */
export function curl(args: readonly string[]): Promise<CurlReply> {
  return new Promise((resolve) => {
    execFile(CURL, ['-q', '-s', '-S', '--noproxy', '*', '--max-time', '5', '-D', '-', ...args],
      { env: cleanEnv(), encoding: 'latin1', timeout: 10_000 }, (_error, stdout, stderr) => {
        const blocks = stdout.split('\r\n\r\n');
        // Skip interim 1xx heads; the body is whatever follows the final head.
        let at = 0;
        while (/^HTTP\/[\d.]+ 1\d\d/.test(blocks[at] ?? '') && at < blocks.length - 1) at += 1;
        const [statusLine = '', ...lines] = (blocks[at] ?? '').split('\r\n');
        const headers = new Map<string, string>();
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        resolve({ status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: blocks.slice(at + 1).join('\r\n\r\n'), stderr });
      });
  });
}
