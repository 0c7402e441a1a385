/**
 * What the fuzz expects for a request, from the documented protocol
 * (docs/imds-protocol.md, docs/clients.md "What the IMDS endpoint answers") and from what
 * Node's HTTP parser does before any imdsd code runs. Written independently of
 * src/imds: where the two disagree, the fuzz reports the request.
 *
 * Node's part, checked by hand against Node 20 and fastify 5:
 * - a request line or header Node cannot parse → 400 and the connection closes;
 *   a head larger than maxHeaderSize (8 KiB) → 431 and close;
 * - CONNECT with no 'connect' listener → the socket is destroyed without an answer;
 * - HTTP/1.1 without Host → 400 (requireHostHeader);
 * - HTTP/1.1 with an Expect other than 100-continue → 417;
 * - a repeated Host or Authorization keeps the first value; repeated custom headers are
 *   joined with ", "; leading and trailing blanks of a value are dropped;
 * - a malformed percent-escape in the path → fastify's frameworkErrors → imdsd's 404.
 */
import { IMDS_LIMITS } from '../../src/imds/app.js';
import type { FuzzContext, FuzzRequest, RequestFacts } from './security-fuzz-request.js';

export interface Expectation {
  /** Acceptable statuses; undefined when the fuzz does not predict this request. */
  readonly statuses: readonly number[] | undefined;
  /**
   * The server may hang up without an answer: CONNECT, and any request it rejects while
   * parsing, whose 400/431 a TCP reset can overtake while the client is still sending.
   */
  readonly noAnswer: boolean;
  /** Nothing pipelined after this request is answered. */
  readonly closes: boolean;
  /**
   * A well-formed, authorised read of the credential: the only kind of request whose
   * answer may carry the secret key or the session token.
   */
  readonly mayServeSecret: boolean;
  /** Its effect on the connection is unsure: nothing may be pipelined after it. */
  readonly lastOnly: boolean;
  /**
   * Node rejects it while parsing (or hangs up on CONNECT). fastify's clientError handler
   * then writes its 400/431 straight to the socket and destroys it, so answers still
   * pending for requests pipelined before it may be lost or come after it.
   */
  readonly disruptive: boolean;
}

/** Margin around the header limit where 400/431/normal cannot be told apart. */
const LIMIT_MARGIN = 64;
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;
const DIGITS = /^[0-9]{1,6}$/;

function ttlValid(ttls: readonly string[]): boolean {
  if (ttls.length !== 1) return false;
  const value = (ttls[0] ?? '').trim();
  return DIGITS.test(value) && Number(value) >= 1 && Number(value) <= 21_600;
}

const unpredicted = (mayServeSecret: boolean): Expectation =>
  ({ statuses: undefined, noAnswer: false, closes: true, mayServeSecret, lastOnly: true, disruptive: true });

function known(status: number, closes: boolean, mayServeSecret: boolean, lastOnly = false): Expectation {
  return { statuses: [status], noAnswer: false, closes, mayServeSecret, lastOnly, disruptive: false };
}

/** The protocol's answer once Node has accepted the request. */
function imdsStatus(facts: RequestFacts, ctx: FuzzContext, tokenValid: boolean, authValid: boolean): number | undefined {
  const { method, path } = facts;
  if (path.badEscape) return 404;
  const hostAllowed = facts.hosts.length === 0 || facts.hosts[0] === true;
  if (!hostAllowed || facts.browser || facts.forwarded) return 403;
  const meaning = path.meaning;
  if (meaning === undefined) return undefined;
  if (meaning === 'token') return method === 'PUT' ? (ttlValid(facts.ttls) ? 200 : 400) : 405;
  if (meaning === 'versioned-token') return method === 'PUT' ? 403 : 405;
  if (method !== 'GET' && method !== 'HEAD') return meaning === 'unknown' ? 404 : 405;
  if (meaning === 'container') return authValid ? (ctx.sourceOk ? 200 : 503) : 401;
  if (!tokenValid) return 401;
  if (meaning === 'unknown') return 404;
  return meaning === 'credential' && !ctx.sourceOk ? 503 : 200;
}

export function expectationOf(request: FuzzRequest, ctx: FuzzContext): Expectation {
  const { facts } = request;
  const tokenValid = facts.tokens.length === 1 && facts.tokens[0] === true;
  const authValid = facts.auths[0] === true;
  const hostAllowed = facts.hosts.length === 0 || facts.hosts[0] === true;
  const isRead = facts.method === 'GET' || facts.method === 'HEAD';
  const mayServeSecret = isRead && hostAllowed && !facts.browser && !facts.forwarded && !facts.path.badEscape &&
    ((facts.path.meaning === 'credential' && tokenValid) || (facts.path.meaning === 'container' && authValid));

  const breaks = facts.methodKind === 'invalid' || facts.path.breaksLine || facts.versionKind === 'invalid' ||
    facts.headerBreak !== undefined || facts.framing === 'conflicting';
  const limit = IMDS_LIMITS.maxHeaderBytes;
  if (request.headBytes > limit + LIMIT_MARGIN) {
    return { statuses: breaks ? [400, 431] : [431], noAnswer: true, closes: true, mayServeSecret: false, lastOnly: false, disruptive: true };
  }
  if (request.headBytes >= limit - LIMIT_MARGIN) return unpredicted(mayServeSecret);
  // CONNECT: hung up on, or 400 when the rest of the request does not parse.
  if (facts.methodKind === 'connect') {
    return { statuses: [400], noAnswer: true, closes: true, mayServeSecret: false, lastOnly: false, disruptive: true };
  }
  if (breaks) return { ...known(400, true, false), noAnswer: true, disruptive: true };
  if (facts.versionKind === 'odd' || facts.connection === 'upgrade' || facts.framing === 'unframed') return unpredicted(mayServeSecret);
  if (facts.versionKind === '1.1' && facts.hosts.length === 0) return known(400, true, false);

  const keepAlive = facts.versionKind === '1.1' ? facts.connection !== 'close' : facts.connection === 'keep-alive';
  const lastOnly = facts.framing === 'short-body';
  if (facts.versionKind === '1.1' && facts.expects.length > 0 && !CONTINUE.test(facts.expects.join(', '))) {
    return known(417, !keepAlive, false, lastOnly || facts.framing !== 'none');
  }
  const status = imdsStatus(facts, ctx, tokenValid, authValid);
  if (status === undefined) return unpredicted(mayServeSecret);
  return known(status, !keepAlive, mayServeSecret, lastOnly);
}
