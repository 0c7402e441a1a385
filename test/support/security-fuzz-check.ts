/**
 * Judges one fuzz connection: matches the answers with the requests in order and
 * records every status, every answer the model did not expect, and every answer that
 * carries something it must not (a secret, a token, a reflected request header).
 */
import type { CaseRequest, FuzzCase } from './security-fuzz-case.js';
import { MARKER } from './security-fuzz-request.js';
import type { RawExchange, RawResponse } from './security-raw-http.js';

/**
 * Every status the IMDS port can answer, found by this fuzz and explained:
 * 200, 401, 403, 404, 405 and 400 (bad TTL) are imdsd's own; 503 when the source has
 * no credential; 400 (unparsable request, missing Host) and 431 (head over 8 KiB)
 * come from Node/fastify; 417 from Node for an Expect other than 100-continue.
 * Never: 500 (a bug), 413 (no body is ever parsed), 414 (a long target is a header
 * overflow, 431), 408 (only after headersTimeout, longer than any fuzz request takes).
 */
export const ALLOWED_STATUSES: ReadonlySet<number> = new Set([200, 400, 401, 403, 404, 405, 417, 431, 503]);

export interface FuzzTally {
  requests: number;
  connections: number;
  readonly statuses: Map<string, number>;
  /** Answers whose status the model predicted. */
  predicted: number;
  /** Requests that got no answer although the model expected one. */
  timeouts: number;
  readonly problems: string[];
  readonly mismatches: string[];
}

export function newTally(): FuzzTally {
  return { requests: 0, connections: 0, statuses: new Map(), predicted: 0, timeouts: 0, problems: [], mismatches: [] };
}

export interface Forbidden {
  /** The credential's secret parts: only a well-formed authorised read may carry them. */
  readonly credential: readonly string[];
  /** Never in any answer: live IMDS tokens other than a PUT's own, the ECS token. */
  readonly never: readonly string[];
}

function bump(tally: FuzzTally, key: string): void {
  tally.statuses.set(key, (tally.statuses.get(key) ?? 0) + 1);
}

function describe(fuzz: FuzzCase, index: number, exchange?: RawExchange): string {
  const entry = fuzz.requests[index];
  const answers = exchange === undefined ? '' : ` [${fuzz.requests.map((r, i) =>
    `${i}: want ${r.expectation.statuses?.join('|') ?? '?'} got ${exchange.responses[i]?.status ?? '-'}`).join('; ')}]`;
  // Every request of the connection: an earlier one's body may explain a later answer.
  const sent = fuzz.requests.map((r, i) =>
    `${i}: ${JSON.stringify((r.request?.bytes ?? Buffer.concat(fuzz.chunks)).toString('latin1').slice(0, 400))}`).join(' ');
  return `#${index} ${entry?.label ?? 'extra'}${answers} ${sent}`;
}

function inspect(text: string, forbidden: Forbidden, mayServeSecret: boolean): string | undefined {
  if (!mayServeSecret && forbidden.credential.some((secret) => text.includes(secret))) return 'carries the credential';
  if (forbidden.never.some((secret) => text.includes(secret))) return 'carries a token it must not';
  if (text.includes(MARKER)) return 'reflects a request header';
  return undefined;
}

function judgeAnswer(tally: FuzzTally, fuzz: FuzzCase, index: number, exchange: RawExchange, forbidden: Forbidden): void {
  const response = exchange.responses[index] as RawResponse;
  const entry = fuzz.requests[index];
  const lastIsUnsure = fuzz.requests[fuzz.requests.length - 1]?.expectation.lastOnly === true;
  bump(tally, String(response.status));
  if (!ALLOWED_STATUSES.has(response.status)) tally.problems.push(`status ${response.status} for ${describe(fuzz, index, exchange)}`);
  if (entry === undefined && !lastIsUnsure && !fuzz.unordered) {
    tally.problems.push(`more answers than requests (smuggling?): ${describe(fuzz, index, exchange)}`);
  }
  // In an unordered exchange an answer cannot be tied to its request: any authorised one may explain it.
  const authorised = fuzz.unordered ? fuzz.requests.some((r) => r.expectation.mayServeSecret) : entry?.expectation.mayServeSecret === true;
  const bad = inspect(response.head + response.body.toString('latin1'), forbidden, authorised && response.status === 200);
  if (bad !== undefined) tally.problems.push(`answer ${response.status} ${bad}: ${describe(fuzz, index, exchange)}`);
  const statuses = entry?.expectation.statuses;
  if (statuses === undefined || fuzz.unordered) return;
  tally.predicted += 1;
  if (!statuses.includes(response.status)) {
    tally.mismatches.push(`got ${response.status}, expected ${statuses.join('|')}: ${describe(fuzz, index, exchange)}`);
  }
}

function judgeSilence(tally: FuzzTally, fuzz: FuzzCase, index: number, exchange: RawExchange): void {
  const entry = fuzz.requests[index] as CaseRequest;
  const predicted = entry.expectation.statuses !== undefined && !fuzz.unordered;
  if (entry.expectation.noAnswer && exchange.closedByServer) {
    bump(tally, 'hung up without an answer (CONNECT, or a reset overtook the 400/431)');
  } else if (entry.expectation.noAnswer && fuzz.unordered) {
    // Node leaves a CONNECT that follows other requests unanswered and open (until its timeouts).
    bump(tally, 'pipelined CONNECT or parse error: left open');
  } else if (entry.expectation.noAnswer) {
    tally.mismatches.push(`expected the server to hang up: ${describe(fuzz, index, exchange)}`);
  } else if (fuzz.unordered) {
    bump(tally, 'not answered: pipelined with a rejected request');
  } else if (exchange.timedOut) {
    tally.timeouts += 1;
    bump(tally, 'no answer (timeout)');
    if (predicted) tally.mismatches.push(`no answer in time: ${describe(fuzz, index, exchange)}`);
  } else {
    bump(tally, 'no answer (closed)');
    if (predicted) tally.mismatches.push(`closed without an answer: ${describe(fuzz, index, exchange)}`);
  }
}

export function judge(tally: FuzzTally, fuzz: FuzzCase, exchange: RawExchange, forbidden: Forbidden): void {
  tally.connections += 1;
  tally.requests += fuzz.requests.length;
  exchange.responses.forEach((_response, index) => judgeAnswer(tally, fuzz, index, exchange, forbidden));
  const badLeftover = inspect(exchange.leftover.toString('latin1'), forbidden, false);
  if (badLeftover !== undefined) tally.problems.push(`bytes after the last answer ${badLeftover}: ${describe(fuzz, 0, exchange)}`);
  for (let index = exchange.responses.length; index < fuzz.requests.length; index++) judgeSilence(tally, fuzz, index, exchange);
}
