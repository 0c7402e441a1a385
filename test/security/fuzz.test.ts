/**
 * Issue 7, evidence 1: a seeded fuzz of the real IMDS app over raw TCP. At least 10,000
 * random requests (invalid and lowercase methods, dot segments, encoded NULs, unicode,
 * 100 KiB targets, duplicated and oversized headers, CR/LF in values, no Host, HTTP/1.0,
 * every TTL spelling, live/expired/forged tokens, browser and proxy headers, pipelining,
 * split writes, bodies that try to smuggle a request, garbage bytes). After every 1,000
 * a normal client must still get a token and the credential.
 *
 * Asserted: every status is in ALLOWED_STATUSES (security-fuzz-check.ts, which explains
 * each; no 500 ever); no answer carries the secret key or session token unless the
 * request was a well-formed authorised read of the credential; no answer carries a live
 * token or the ECS token or echoes a request header; predicted statuses match the model
 * (security-fuzz-model.ts); the token store stays within its cap; the heap returns to
 * near its baseline. Replay a run with IMDSD_FUZZ_SEED=<seed from the log>.
 *
 * The status set found (ALLOWED_STATUSES): 200, 400, 401, 403, 404, 405, 417, 431, 503;
 * never 500, 408, 413 or 414. A request Node rejects while parsing may also be hung up on
 * without an answer (a TCP reset can overtake the 400/431), as is CONNECT.
 */
import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { DEFAULT_MAX_TOKENS } from '../../src/imds/tokens.js';
import { IDENTITY, SECRET, SESSION_TOKEN, fakeCredential, startImds, type RunningImds } from '../support/imds-fakes.js';
import { type FuzzCase, fuzzCase } from '../support/security-fuzz-case.js';
import { type Forbidden, type FuzzTally, judge, newTally } from '../support/security-fuzz-check.js';
import type { FuzzContext } from '../support/security-fuzz-request.js';
import { gcExposed, mib, settledHeapUsed } from '../support/security-memory.js';
import { rawExchange } from '../support/security-raw-http.js';
import { createRng, fuzzSeed, type Rng } from '../support/security-rng.js';

const TOTAL_REQUESTS = 10_000;
const BATCH_REQUESTS = 1_000;
/** Connections in flight at once. */
const CONCURRENCY = 24;
/** Small enough that the fuzz's own token PUTs run it over, so eviction is exercised. */
const TOKEN_CAP = 64;
const CREDENTIAL_PATH = `/latest/meta-data/iam/security-credentials/${IDENTITY.roleName}`;
const CONTAINER_TOKEN = 'fuzz-container-authorization-token-0123456789';
/** The heap may grow this much over the run (fastify and V8 caches warm up). */
const HEAP_SLACK_BYTES = 24 * 1024 * 1024;

function casesFor(rng: Rng, ctx: FuzzContext, requests: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (let sent = 0; sent < requests;) {
    const next = fuzzCase(rng, ctx);
    cases.push(next);
    sent += next.requests.length;
  }
  return cases;
}

async function runCases(imds: RunningImds, cases: readonly FuzzCase[], tally: FuzzTally, forbidden: Forbidden): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let fuzz = cases[next++]; fuzz !== undefined; fuzz = cases[next++]) {
      const exchange = await rawExchange({ port: imds.port, chunks: fuzz.chunks, heads: fuzz.heads, expected: fuzz.expected, timeoutMs: 2_000 });
      judge(tally, fuzz, exchange, forbidden);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function normalFetchWorks(imds: RunningImds): Promise<boolean> {
  const token = await imds.token();
  const reply = await imds.call('GET', CREDENTIAL_PATH, { 'x-aws-ec2-metadata-token': token });
  return reply.status === 200 && reply.body.includes(SECRET) && reply.body.includes(SESSION_TOKEN);
}

t.test('10,000 random raw requests: the server stays up, answers only documented statuses and leaks nothing', async (t) => {
  const seed = fuzzSeed();
  t.comment(`fuzz seed ${seed} (replay: IMDSD_FUZZ_SEED=${seed})`);
  const rng = createRng(seed);
  const imds = await startImds(t, { maxTokens: TOKEN_CAP, containerToken: CONTAINER_TOKEN });
  const good = { ok: true as const, credential: fakeCredential() };
  const failing = { ok: false as const, error: new ImdsdError('IMDSD_ERR_STS_UNAVAILABLE') };
  const tally = newTally();
  const startedMs = Date.now();
  let baselineHeap = 0;
  let maxTokens = 0;
  let healthy = 0;

  for (let batch = 0; batch * BATCH_REQUESTS < TOTAL_REQUESTS; batch++) {
    // Every fourth batch the source has nothing to serve: errors must not leak either.
    const sourceOk = batch % 4 !== 3;
    imds.source.result = sourceOk ? good : failing;
    const validTokens = await Promise.all([imds.token(), imds.token(300), imds.token(21_600)]);
    const expiredTokens = await Promise.all([imds.token(1), imds.token(1)]);
    await imds.clock.advance(1_500);
    const ctx: FuzzContext = {
      port: imds.port, roleName: IDENTITY.roleName, validTokens, expiredTokens, containerToken: CONTAINER_TOKEN, sourceOk,
    };
    const forbidden: Forbidden = { credential: [SECRET, SESSION_TOKEN], never: [...validTokens, ...expiredTokens, CONTAINER_TOKEN] };
    await runCases(imds, casesFor(rng, ctx, BATCH_REQUESTS), tally, forbidden);

    imds.source.result = good;
    if (await normalFetchWorks(imds)) healthy += 1;
    else t.fail(`a normal token + credential fetch failed after batch ${batch + 1}`);
    maxTokens = Math.max(maxTokens, imds.app.tokenCount());
    if (batch === 0) baselineHeap = await settledHeapUsed();
  }
  const finalHeap = await settledHeapUsed();
  const elapsedMs = Date.now() - startedMs;

  t.ok(tally.requests >= TOTAL_REQUESTS, `at least ${TOTAL_REQUESTS} requests were sent (${tally.requests})`);
  t.equal(healthy, Math.ceil(TOTAL_REQUESTS / BATCH_REQUESTS), 'a normal client was served after every 1,000 requests');
  t.same(tally.problems.slice(0, 10), [], `no forbidden status, leak or smuggled answer (${tally.problems.length} found)`);
  t.notOk(tally.statuses.has('500'), 'no 500 ever');
  t.same(tally.mismatches.slice(0, 10), [], `every predicted status matched (${tally.predicted} predicted, ${tally.mismatches.length} wrong)`);
  t.equal(tally.timeouts, 0, 'every request was answered or hung up on, none left waiting');
  t.ok(maxTokens <= TOKEN_CAP, `the token store never exceeded its cap (${maxTokens} of ${TOKEN_CAP})`);
  t.equal(maxTokens, TOKEN_CAP, 'and the fuzz filled it, so eviction was exercised');
  t.ok(finalHeap - baselineHeap < HEAP_SLACK_BYTES,
    `the heap returned near its baseline: ${mib(baselineHeap)} after the first batch, ${mib(finalHeap)} at the end`);

  const counts = [...tally.statuses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}: ${n}`);
  t.comment(`${tally.requests} requests on ${tally.connections} connections in ${elapsedMs} ms; ${tally.predicted} statuses predicted`);
  t.comment(`answers: ${counts.join(', ')}`);
  t.comment(`heap (gc ${gcExposed ? 'exposed' : 'not exposed'}): ${mib(baselineHeap)} -> ${mib(finalHeap)}; tokens held at most ${maxTokens}`);
});

t.test('with the default cap, more token PUTs than DEFAULT_MAX_TOKENS leave exactly the cap', async (t) => {
  const imds = await startImds(t);
  const extra = 50;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < DEFAULT_MAX_TOKENS + extra) await imds.token(60);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  t.equal(imds.app.tokenCount(), DEFAULT_MAX_TOKENS, `${DEFAULT_MAX_TOKENS + extra} tokens issued, ${DEFAULT_MAX_TOKENS} kept`);
  t.ok(await normalFetchWorks(imds), 'and a fresh token still works');
});
