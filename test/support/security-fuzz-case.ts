/**
 * One connection's worth of fuzz: a single request, several pipelined ones, or garbage
 * bytes, split into random chunks so the parser also sees requests arrive in pieces.
 */
import { type Expectation, expectationOf } from './security-fuzz-model.js';
import { type FuzzContext, type FuzzRequest, fuzzRequest } from './security-fuzz-request.js';
import type { Rng } from './security-rng.js';

export interface CaseRequest {
  readonly label: string;
  readonly method: string;
  readonly expectation: Expectation;
  /** Undefined for garbage. */
  readonly request: FuzzRequest | undefined;
}

export interface FuzzCase {
  readonly requests: CaseRequest[];
  readonly chunks: Buffer[];
  readonly heads: boolean[];
  /** Answers to wait for before hanging up. */
  readonly expected: number;
  /**
   * A request Node rejects while parsing follows others: their answers may be lost or
   * reordered (see Expectation.disruptive), so only the status set and leaks are judged.
   */
  readonly unordered: boolean;
}

const GARBAGE_PREFIXES = ['', 'GET / HTTP/1.1\r\n', 'PUT /latest/api/token HTTP/1.1\r\nHost: localhost\r\n', '\u0016\u0003\u0001', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'];

function split(rng: Rng, bytes: Buffer): Buffer[] {
  if (bytes.length < 2 || rng.chance(0.6)) return [bytes];
  const cuts = [...new Set(Array.from({ length: rng.int(1, 4) }, () => rng.int(1, bytes.length - 1)))].sort((a, b) => a - b);
  return [0, ...cuts].map((from, i) => bytes.subarray(from, cuts[i] ?? bytes.length));
}

function garbage(rng: Rng): FuzzCase {
  const bytes = Buffer.concat([Buffer.from(rng.pick(GARBAGE_PREFIXES), 'latin1'), rng.bytes(rng.int(1, 3000)), Buffer.from('\r\n\r\n')]);
  const expectation: Expectation = { statuses: undefined, noAnswer: false, closes: true, mayServeSecret: false, lastOnly: true, disruptive: true };
  return {
    requests: [{ label: 'garbage', method: '', expectation, request: undefined }], chunks: split(rng, bytes), heads: [false], expected: 1,
    unordered: false,
  };
}

export function fuzzCase(rng: Rng, ctx: FuzzContext): FuzzCase {
  if (rng.chance(0.06)) return garbage(rng);
  const size = rng.weighted([[65, 1], [15, 2], [12, 3], [8, 4]]);
  const requests: CaseRequest[] = [];
  while (requests.length < size) {
    const request = fuzzRequest(rng, ctx);
    const expectation = expectationOf(request, ctx);
    const { facts } = request;
    requests.push({ label: `${facts.methodKind}:${facts.path.meaning ?? '?'}:${facts.path.mutation}:${facts.framing}`, method: facts.method, expectation, request });
    if (expectation.lastOnly || expectation.closes) break;
  }
  const bytes = Buffer.concat(requests.map((r) => (r.request as FuzzRequest).bytes));
  const unordered = requests.some((r, i) => i > 0 && r.expectation.disruptive);
  return { requests, chunks: split(rng, bytes), heads: requests.map((r) => r.method === 'HEAD'), expected: requests.length, unordered };
}
