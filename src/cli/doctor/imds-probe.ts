/**
 * The IMDSv2 sequence every SDK runs (PUT a token, GET the role list, GET the role's
 * credential), timed step by step. Checks that each answer is one an SDK can use and
 * keeps nothing of the credential but its expiry.
 */
import type { HttpReply, HttpRequest } from './deps.js';

/** How long the probe waits for one answer: well past the SDKs' 1 s, so slowness can be measured. */
export const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeStep {
  readonly name: string;
  readonly ms: number;
}

export type ProbeResult =
  | { readonly ok: true; readonly steps: readonly ProbeStep[]; readonly roleName: string; readonly expiration: string }
  | {
    readonly ok: false;
    readonly steps: readonly ProbeStep[];
    /** The step that failed, as `PUT /latest/api/token`. */
    readonly step: string;
    readonly reason: string;
    readonly kind: 'refused' | 'timeout' | 'network' | 'status' | 'answer';
  };

class StepFailure extends Error {
  constructor(readonly step: string, message: string, readonly kind: Exclude<ProbeResult, { ok: true }>['kind']) {
    super(message);
  }
}

function errorDocument(body: string): string {
  try {
    const doc = JSON.parse(body) as { Code?: unknown; Message?: unknown };
    if (typeof doc.Code === 'string') return `: ${doc.Code}${typeof doc.Message === 'string' ? `: ${doc.Message}` : ''}`;
  } catch {
    // Not an error document: the status says enough.
  }
  return '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isCredentialDocument(value: unknown): value is { Code: string; Expiration: string } {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Record<string, unknown>;
  return doc.Code === 'Success' &&
    ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'].every((key) => typeof doc[key] === 'string' && doc[key] !== '');
}

export async function probeImds(base: URL, request: HttpRequest, monotonic: () => number): Promise<ProbeResult> {
  const steps: ProbeStep[] = [];
  const call = async (method: 'GET' | 'PUT', path: string, headers: Record<string, string>): Promise<string> => {
    const step = `${method} ${path}`;
    const started = monotonic();
    let reply: HttpReply;
    try {
      reply = await request(new URL(path, base).href, { method, headers, timeoutMs: PROBE_TIMEOUT_MS });
    } catch (error) {
      const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
      if (code === 'ECONNREFUSED') throw new StepFailure(step, 'connection refused', 'refused');
      if (name === 'TimeoutError' || name === 'AbortError') throw new StepFailure(step, `no answer within ${PROBE_TIMEOUT_MS / 1000} s`, 'timeout');
      throw new StepFailure(step, String(message ?? error), 'network');
    } finally {
      steps.push({ name: step, ms: monotonic() - started });
    }
    if (reply.status !== 200) throw new StepFailure(step, `answered ${reply.status}${errorDocument(reply.body)}`, 'status');
    return reply.body;
  };
  try {
    const token = await call('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' });
    if (token === '') throw new StepFailure('PUT /latest/api/token', 'answered an empty token', 'answer');
    const listPath = '/latest/meta-data/iam/security-credentials/';
    // botocore takes the whole body as the role name; the other SDKs the first line.
    const roleName = (await call('GET', listPath, { 'x-aws-ec2-metadata-token': token })).replace(/\n[\s\S]*$/, '');
    if (roleName === '') throw new StepFailure(`GET ${listPath}`, 'lists no role', 'answer');
    const documentPath = `${listPath}${encodeURIComponent(roleName)}`;
    const document = parseJson(await call('GET', documentPath, { 'x-aws-ec2-metadata-token': token }));
    if (!isCredentialDocument(document)) {
      throw new StepFailure(`GET ${documentPath}`, 'answered a document the SDKs cannot use (Code Success and all of AccessKeyId, SecretAccessKey, Token, Expiration are required)', 'answer');
    }
    return { ok: true, steps, roleName, expiration: document.Expiration };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    return { ok: false, steps, step: error.step, reason: error.message, kind: error.kind };
  }
}
