/**
 * One random HTTP/1.x request for the security fuzz, as bytes plus the facts that decide
 * its answer (which Host, token, TTL, Authorization and browser headers it carries, in
 * wire order). The facts are recorded as the request is built, so the model in
 * security-fuzz-model.ts never has to parse what the server parses.
 */
import { type FuzzPath, fuzzPath } from './security-fuzz-paths.js';
import type { Rng } from './security-rng.js';

/** Put into random header values: the server must never echo a request header. */
export const MARKER = 'imdsd-fuzz-marker';

export interface FuzzContext {
  readonly port: number;
  readonly roleName: string;
  /** Live tokens obtained through a proper PUT. */
  readonly validTokens: readonly string[];
  /** Tokens that were valid once and have expired. */
  readonly expiredTokens: readonly string[];
  /** The ECS endpoint's Authorization value. */
  readonly containerToken: string;
  /** Whether the credential source currently has a credential. */
  readonly sourceOk: boolean;
}

export type Framing = 'none' | 'content-length' | 'chunked' | 'smuggle' | 'short-body' | 'conflicting' | 'unframed';

export interface RequestFacts {
  readonly method: string;
  readonly methodKind: 'known' | 'invalid' | 'connect';
  readonly path: FuzzPath;
  readonly versionKind: '1.1' | '1.0' | 'invalid' | 'odd';
  /** Per Host header in wire order: is it a loopback or IMDS name? */
  readonly hosts: boolean[];
  /** Per token header: one of the live tokens (after optional whitespace)? */
  readonly tokens: boolean[];
  /** Raw values of the TTL headers. */
  readonly ttls: string[];
  /** Per Authorization header: the container token? */
  readonly auths: boolean[];
  browser: boolean;
  forwarded: boolean;
  readonly expects: string[];
  connection: 'close' | 'keep-alive' | 'upgrade' | undefined;
  /** A header line Node must reject (obs-fold, bad name, control character...). */
  headerBreak: string | undefined;
  framing: Framing;
}

export interface FuzzRequest {
  readonly bytes: Buffer;
  readonly facts: RequestFacts;
  /** Bytes before the body: what the header size limit applies to. */
  readonly headBytes: number;
}

const KNOWN_METHODS: ReadonlyArray<readonly [number, string]> = [
  [40, 'GET'], [25, 'PUT'], [8, 'HEAD'], [4, 'POST'], [2, 'DELETE'], [3, 'OPTIONS'], [1, 'PATCH'], [1, 'TRACE'], [1, 'PROPFIND'],
];
const INVALID_METHODS = ['GE T', 'get', 'Get', 'put', 'FOO', 'G\tET', 'GET\u0000', 'GËT', '', '(GET)'];
const TTL_VALUES = ['-1', '1e9', '21601', 'abc', '', '0', '21600', ' 5', '5.0', '+5', '0x10', '0005', '1', '300', '0000005'];
const HOSTS_ALLOWED = ['127.0.0.1:{port}', 'localhost:{port}', 'localhost', '[::1]:{port}',
  'LOCALHOST:{port}', '127.9.9.9', '127.0.0.1'];
// The IMDS addresses are served in link-local mode only (issue 14); the fuzzed daemon is not in it.
const HOSTS_REFUSED = ['attacker.example:1338', 'attacker.example', '127.0.0.1.nip.io', 'localhost.', '', 'evil.localhost',
  '169.254.169.254', '169.254.169.254:80', '[fd00:ec2::254]',
  '169.254.169.254.evil.example', '0.0.0.0', '[::ffff:127.0.0.1]', '2130706433', '127.1', 'localhost.attacker.example:{port}'];
const NOISE_NAMES = ['User-Agent', 'Accept', 'Accept-Encoding', 'Cookie', 'X-Request-Id', 'Cache-Control', 'Content-Type',
  'X-Amz-Date', 'If-None-Match', 'Pragma', 'X-Noise'];
const PRINTABLE = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BROKEN_LINES = ['Host : localhost', 'X-Folded: a\r\n b', 'X(Bad): v', 'X Bad: v', 'X-Nul: a\u0000b', 'X-Cr: a\rb',
  'X-Lf: a\nb', 'X-Del: a\u007fb', 'JustAName', 'Ü: v'];

interface Line { readonly text: string }

function randomCase(rng: Rng, name: string): string {
  if (!rng.chance(0.3)) return name;
  return [...name].map((ch) => (rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

function header(rng: Rng, name: string, value: string): Line {
  const separator = rng.weighted([[16, ': '], [2, ':'], [1, ':\t'], [1, ':   ']]);
  const trailing = rng.chance(0.05) ? rng.pick([' ', '\t', ' \t ']) : '';
  return { text: `${randomCase(rng, name)}${separator}${value}${trailing}` };
}

/** Framing headers are spelled plainly: their own parsing is not what this fuzz is about. */
function plainHeader(name: string, value: string): Line {
  return { text: `${name}: ${value}` };
}

function noiseValue(rng: Rng): string {
  const base = rng.string(PRINTABLE, rng.int(0, 60));
  const withMarker = rng.chance(0.3) ? `${base}${MARKER}` : base;
  // obs-text (bytes 0x80-0xff) and tabs are allowed in values.
  return rng.chance(0.05) ? `${withMarker}\tÿé` : withMarker;
}

function tokenValue(rng: Rng, ctx: FuzzContext): [string, boolean] {
  const valid = ctx.validTokens.length > 0 ? rng.pick(ctx.validTokens) : undefined;
  const kind = rng.weighted([[70, 'valid'], [5, 'padded'], [5, 'expired'], [10, 'random'], [5, 'empty'], [5, 'suffixed']] as const);
  if (valid !== undefined && kind === 'valid') return [valid, true];
  if (valid !== undefined && kind === 'padded') return [`${rng.pick([' ', '\t'])}${valid}`, true];
  if (valid !== undefined && kind === 'suffixed') return [`${valid}x`, false];
  if (kind === 'expired' && ctx.expiredTokens.length > 0) return [rng.pick(ctx.expiredTokens), false];
  if (kind === 'empty') return ['', false];
  return [rng.string(TOKEN_CHARS, rng.pick([8, 43, 44, 200])), false];
}

function authValue(rng: Rng, ctx: FuzzContext): [string, boolean] {
  return rng.weighted([
    [60, [ctx.containerToken, true]],
    [5, [` ${ctx.containerToken}`, true]],
    [15, [`Bearer ${ctx.containerToken}`, false]],
    [10, [rng.string(TOKEN_CHARS, 40), false]],
    [10, ['', false]],
  ] as const) as [string, boolean];
}

function pickMethod(rng: Rng, path: FuzzPath): [string, RequestFacts['methodKind']] {
  const kind = rng.weighted([[90, 'known'], [9, 'invalid'], [1, 'connect']] as const);
  if (kind === 'connect') return ['CONNECT', 'connect'];
  if (kind === 'invalid') return rng.chance(0.1) ? ['A'.repeat(rng.int(100, 12_000)), 'invalid'] : [rng.pick(INVALID_METHODS), 'invalid'];
  if ((path.meaning === 'token' || path.meaning === 'versioned-token') && rng.chance(0.6)) return ['PUT', 'known'];
  return [rng.weighted(KNOWN_METHODS), 'known'];
}

function pickVersion(rng: Rng): [string, RequestFacts['versionKind']] {
  return rng.weighted([
    [85, ['HTTP/1.1', '1.1']], [12, ['HTTP/1.0', '1.0']], [1, ['HTTP/1.2', 'invalid']], [1, ['http/1.1', 'invalid']],
    [0.5, ['HTTP/2.0', 'odd']], [0.5, ['', 'odd']],
  ] as const) as [string, RequestFacts['versionKind']];
}

function count(rng: Rng, weights: ReadonlyArray<readonly [number, number]>): number {
  return rng.weighted(weights);
}

/** Builds the header lines and records the facts they establish, in wire order. */
function headers(rng: Rng, ctx: FuzzContext, facts: RequestFacts): Line[] {
  const groups: Line[][] = [];
  const isRead = facts.method === 'GET' || facts.method === 'HEAD';
  const hostCount = facts.versionKind === '1.0' ? count(rng, [[50, 0], [45, 1], [5, 2]]) : count(rng, [[4, 0], [92, 1], [4, 2]]);
  const hostLines: Line[] = [];
  for (let i = 0; i < hostCount; i++) {
    const allowed = rng.chance(0.85);
    facts.hosts.push(allowed);
    hostLines.push(header(rng, 'Host', rng.pick(allowed ? HOSTS_ALLOWED : HOSTS_REFUSED).replace('{port}', String(ctx.port))));
  }
  groups.push(hostLines);
  const tokenCount = isRead ? count(rng, [[27, 0], [70, 1], [3, 2]]) : count(rng, [[85, 0], [15, 1]]);
  for (let i = 0; i < tokenCount; i++) {
    const [value, valid] = tokenValue(rng, ctx);
    facts.tokens.push(valid);
    groups.push([header(rng, 'X-aws-ec2-metadata-token', value)]);
  }
  const ttlCount = facts.method === 'PUT' ? count(rng, [[11, 0], [85, 1], [4, 2]]) : count(rng, [[90, 0], [10, 1]]);
  for (let i = 0; i < ttlCount; i++) {
    const value = rng.weighted([[50, rng.pick(TTL_VALUES)], [30, String(rng.int(1, 21_600))], [20, rng.string(PRINTABLE, rng.int(1, 8)).trim()]]);
    facts.ttls.push(value);
    groups.push([header(rng, 'X-aws-ec2-metadata-token-ttl-seconds', value)]);
  }
  const authCount = facts.path.meaning === 'container' ? count(rng, [[25, 0], [70, 1], [5, 2]]) : count(rng, [[97, 0], [3, 1]]);
  const authLines: Line[] = [];
  for (let i = 0; i < authCount; i++) {
    const [value, valid] = authValue(rng, ctx);
    facts.auths.push(valid);
    authLines.push(header(rng, 'Authorization', value));
  }
  groups.push(authLines);
  if (rng.chance(0.08)) {
    facts.browser = true;
    const [name, value] = rng.pick([
      ['Origin', 'https://evil.example'], ['Origin', 'null'], ['Origin', ''], ['Referer', 'https://evil.example/page'],
      ['Sec-Fetch-Site', 'cross-site'], ['Sec-Fetch-Mode', 'cors'], ['Sec-Fetch-Dest', 'empty'],
    ] as const);
    groups.push([header(rng, name, value)]);
  }
  if (rng.chance(0.05)) {
    facts.forwarded = true;
    groups.push([header(rng, 'X-Forwarded-For', rng.pick(['1.2.3.4', '127.0.0.1', '', '10.0.0.1, 127.0.0.1']))]);
  }
  if (rng.chance(0.02)) {
    const value = rng.pick(['100-continue', '100-Continue', 'foo', '200-ok']);
    facts.expects.push(value);
    groups.push([header(rng, 'Expect', value)]);
  }
  const connection = rng.weighted([[93, undefined], [3, 'close'], [3, 'keep-alive'], [1, 'upgrade']] as const);
  if (connection !== undefined) {
    facts.connection = connection;
    // Spelled plainly: llhttp does not see `keep-alive\t` as keep-alive, which is framing, not security.
    groups.push(connection === 'upgrade'
      ? [plainHeader('Connection', 'Upgrade'), plainHeader('Upgrade', 'websocket')]
      : [plainHeader(randomCase(rng, 'Connection'), connection)]);
  }
  for (let i = rng.int(0, 5); i > 0; i--) groups.push([header(rng, rng.pick(NOISE_NAMES), noiseValue(rng))]);
  if (rng.chance(0.04)) groups.push([header(rng, 'X-Huge', `${MARKER}${'h'.repeat(rng.int(4_000, 20_000))}`)]);
  if (rng.chance(0.03)) {
    facts.headerBreak = rng.pick(BROKEN_LINES);
    groups.push([{ text: facts.headerBreak }]);
  }
  // Shuffle whole groups; Host and Authorization lines keep their order ("first wins").
  for (let i = groups.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [groups[i], groups[j]] = [groups[j] as Line[], groups[i] as Line[]];
  }
  return groups.flat();
}

function chunked(rng: Rng, body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const size = Math.min(body.length - at, rng.int(1, 512));
    parts.push(Buffer.from(`${size.toString(16)}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** A credential GET with a live token, hidden in a body: it must never be answered. */
function smuggled(ctx: FuzzContext): Buffer {
  const token = ctx.validTokens[0] ?? 'none';
  return Buffer.from(`GET /latest/meta-data/iam/security-credentials/${ctx.roleName} HTTP/1.1\r\nHost: localhost\r\n` +
    `X-aws-ec2-metadata-token: ${token}\r\n\r\n`, 'latin1');
}

/** Framing headers and the body bytes that follow the head. */
function framing(rng: Rng, ctx: FuzzContext, facts: RequestFacts): [Line[], Buffer] {
  const withBody = ['PUT', 'POST', 'PATCH'].includes(facts.method);
  facts.framing = rng.weighted([
    [withBody ? 70 : 94, 'none'], [withBody ? 18 : 2, 'content-length'], [3, 'chunked'], [2, 'smuggle'], [1, 'short-body'],
    [2, 'conflicting'], [1, 'unframed'],
  ] as const);
  const body = rng.chance(0.5) ? rng.bytes(rng.int(1, 4096)) : Buffer.from(rng.string(PRINTABLE, rng.int(1, 2048)), 'latin1');
  switch (facts.framing) {
    case 'none':
      return [[], Buffer.alloc(0)];
    case 'content-length':
      return [[plainHeader('Content-Length', String(body.length))], body];
    case 'chunked':
      return [[plainHeader('Transfer-Encoding', 'chunked')], chunked(rng, body)];
    case 'smuggle': {
      const inner = smuggled(ctx);
      return [[plainHeader('Content-Length', String(inner.length))], inner];
    }
    case 'short-body':
      return [[plainHeader('Content-Length', String(body.length + 100))], body];
    case 'conflicting':
      return [rng.pick([
        [plainHeader('Content-Length', String(body.length)), plainHeader('Transfer-Encoding', 'chunked')],
        [plainHeader('Content-Length', 'abc')],
        [plainHeader('Content-Length', '-1')],
        [plainHeader('Content-Length', '1'), plainHeader('Content-Length', '2')],
      ]), body];
    case 'unframed':
      return [[plainHeader('Transfer-Encoding', rng.pick(['gzip', 'chunked, gzip', 'identity']))], body];
  }
}

export function fuzzRequest(rng: Rng, ctx: FuzzContext): FuzzRequest {
  const path = fuzzPath(rng, ctx.roleName);
  const [method, methodKind] = pickMethod(rng, path);
  const [version, versionKind] = pickVersion(rng);
  const facts: RequestFacts = {
    method, methodKind, path, versionKind, hosts: [], tokens: [], ttls: [], auths: [], browser: false, forwarded: false,
    expects: [], connection: undefined, headerBreak: undefined, framing: 'none',
  };
  const lines = headers(rng, ctx, facts);
  const [framingLines, body] = framing(rng, ctx, facts);
  const head = Buffer.concat([
    Buffer.from(`${method} `, 'utf8'),
    path.target,
    Buffer.from(version === '' ? '\r\n' : ` ${version}\r\n`, 'latin1'),
    Buffer.from([...lines, ...framingLines].map((line) => `${line.text}\r\n`).join(''), 'latin1'),
    Buffer.from('\r\n'),
  ]);
  return { bytes: Buffer.concat([head, body]), facts, headBytes: head.length };
}
