/**
 * Checks that the request path does no work it need not, in this process with the real
 * app (buildImdsApp) and token store:
 * - the credential document is serialised once per credential (rotation), not per
 *   request: JSON.stringify is wrapped and its calls with a credential counted;
 * - the cached answer is the same object for every request of one credential;
 * - a token check is one Map lookup: its cost does not grow with the number of live tokens.
 * (Log lines per request are counted on the real daemon in the throughput rounds.)
 */
import { systemClock } from '../src/clock.js';
import type { Credential, CredentialResult, CredentialSource } from '../src/credentials.js';
import { buildImdsApp } from '../src/imds/app.js';
import { createCredentialDocuments } from '../src/imds/credential-document.js';
import { createTokenStore } from '../src/imds/tokens.js';
import { CREDENTIAL_PATH, ROLE_NAME, TOKEN_HEADER, TOKEN_PATH, TTL_HEADER } from './daemon.js';
import { median, round } from './stats.js';

export interface HotPath {
  readonly requests: number;
  readonly rotations: number;
  /** JSON.stringify calls that serialised a credential document during `requests`. */
  readonly credentialSerialisations: number;
  /** Every JSON.stringify call during `requests`. */
  readonly stringifyCalls: number;
  /** documents.legacy(c) returns the very same Answer object each time. */
  readonly cachedAnswerIdentical: boolean;
  /** ns per token check with 1 and with 10,000 live tokens, and their ratio. */
  readonly tokenCheckNs: { readonly oneToken: number; readonly tenThousandTokens: number; readonly ratio: number };
}

const IDENTITY = { roleName: ROLE_NAME, roleArn: 'arn:aws:iam::123456789012:role/dev', accountId: '123456789012', region: 'us-east-1' };
const REQUESTS_PER_CREDENTIAL = 1_000;
const TOKEN_CHECKS = 200_000;

function credential(n: number): Credential {
  const now = Date.now();
  return {
    accessKeyId: `ASIABENCH${String(n).padStart(11, '0')}`,
    secretAccessKey: 'bench-secret-key-0000000000000000000000',
    sessionToken: `IQoJb3JpZ2luX2VjE${'x'.repeat(400)}`,
    issuedAtMs: now,
    expiresAtMs: now + 3_600_000,
  };
}

async function countSerialisations(): Promise<Pick<HotPath, 'requests' | 'rotations' | 'credentialSerialisations' | 'stringifyCalls'>> {
  let current = credential(1);
  const source: CredentialSource = { identity: IDENTITY, get: (): Promise<CredentialResult> => Promise.resolve({ ok: true, credential: current }) };
  const app = buildImdsApp({ source, clock: systemClock, logger: false });
  const original = JSON.stringify;
  let credentialSerialisations = 0;
  let stringifyCalls = 0;
  const counting = function (this: unknown, ...args: Parameters<typeof JSON.stringify>): string {
    stringifyCalls += 1;
    const value: unknown = args[0];
    if (typeof value === 'object' && value !== null && 'SecretAccessKey' in value) credentialSerialisations += 1;
    return original.apply(JSON, args);
  };
  let requests = 0;
  const rotations = 2;
  try {
    const token = (await app.inject({ method: 'PUT', url: TOKEN_PATH, headers: { [TTL_HEADER]: '21600' } })).body;
    JSON.stringify = counting as typeof JSON.stringify;
    for (let rotation = 0; rotation <= rotations; rotation += 1) {
      if (rotation > 0) current = credential(rotation + 1);
      for (let i = 0; i < REQUESTS_PER_CREDENTIAL; i += 1) {
        const reply = await app.inject({ method: 'GET', url: CREDENTIAL_PATH, headers: { [TOKEN_HEADER]: token } });
        if (reply.statusCode !== 200) throw new Error(`hot path check: GET answered ${reply.statusCode}`);
        requests += 1;
      }
    }
  } finally {
    JSON.stringify = original;
    await app.close();
  }
  return { requests, rotations, credentialSerialisations, stringifyCalls };
}

function tokenCheckNs(liveTokens: number): number {
  const store = createTokenStore({ clock: systemClock, maxTokens: 20_000 });
  try {
    let token = '';
    for (let i = 0; i < liveTokens; i += 1) token = store.issue(21_600);
    let sink = 0;
    for (let i = 0; i < 10_000; i += 1) sink += store.check(token) ?? 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < TOKEN_CHECKS; i += 1) sink += store.check(token) ?? 0;
    const ns = Number(process.hrtime.bigint() - t0) / TOKEN_CHECKS;
    if (sink === 0) throw new Error('hot path check: the token was never valid');
    return round(ns, 1);
  } finally {
    store.close();
  }
}

export async function checkHotPath(): Promise<HotPath> {
  const counted = await countSerialisations();
  const documents = createCredentialDocuments(() => IDENTITY);
  const held = credential(9);
  // Alternated and the median taken: the first runs include JIT warm-up.
  const one: number[] = [];
  const many: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    one.push(tokenCheckNs(1));
    many.push(tokenCheckNs(10_000));
  }
  const oneToken = round(median(one), 1);
  const tenThousandTokens = round(median(many), 1);
  return {
    ...counted,
    cachedAnswerIdentical: documents.legacy(held) === documents.legacy(held) && documents.extended(held) === documents.extended(held),
    tokenCheckNs: { oneToken, tenThousandTokens, ratio: round(tenThousandTokens / oneToken, 2) },
  };
}
