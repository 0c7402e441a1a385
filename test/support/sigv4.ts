/**
 * Server-side AWS Signature Version 4 verification, as STS does it for the Query API.
 * Supports the Authorization header form and the presigned query-string form.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** What the signature check needs from the HTTP request, exactly as it came off the wire. */
export interface WireRequest {
  method: string;
  /** Path part of the request target, still percent-encoded. */
  rawPath: string;
  /** Query part of the request target without '?', still percent-encoded ('' if none). */
  rawQuery: string;
  /** Node's IncomingMessage.rawHeaders: [name, value, name, value, ...]. */
  rawHeaders: string[];
  body: Buffer;
}

export interface SigV4Auth {
  accessKeyId: string;
  /** Credential scope parts. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The request time as sent (YYYYMMDDTHHMMSSZ), from X-Amz-Date or the Date header. */
  amzDate: string;
  /** Request time in ms since the epoch, undefined if amzDate could not be parsed. */
  requestTimeMs: number | undefined;
  /** X-Amz-Security-Token, from header or query. */
  securityToken: string | undefined;
  presigned: boolean;
  /** X-Amz-Expires of a presigned request, in seconds. */
  expiresSec: number | undefined;
}

/** A SigV4 problem that makes the request unauthenticatable before any key lookup. */
export class SigV4FormatError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

/** Lower-cased header name -> all its values, in order of appearance. */
export function headerMap(rawHeaders: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const list = map.get(name) ?? [];
    list.push(rawHeaders[i + 1] ?? '');
    map.set(name, list);
  }
  return map;
}

/** RFC 3986 escaping as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Raw query string -> decoded [key, value] pairs (no '+' to space: SigV4 clients send %20). */
export function parseRawQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([safeDecode(key), safeDecode(value)]);
  }
  return pairs;
}

/** Parses YYYYMMDDTHHMMSSZ to ms since the epoch. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Formats ms since the epoch as YYYYMMDDTHHMMSSZ. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function parseCredential(credential: string): Pick<SigV4Auth, 'accessKeyId' | 'scopeDate' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw new SigV4FormatError(
      'IncompleteSignature',
      `Credential should be scoped to a valid region, not '${parts[2] ?? ''}'. Credential should be scoped with a valid terminator: 'aws4_request', not '${parts[4] ?? ''}'.`,
    );
  }
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string];
  return { accessKeyId, scopeDate, region, service };
}

/**
 * Extracts SigV4 parameters from the Authorization header or a presigned query string.
 * Returns undefined when the request carries no authentication at all.
 */
export function parseSigV4(req: WireRequest): SigV4Auth | undefined {
  const headers = headerMap(req.rawHeaders);
  const authorization = headers.get('authorization')?.[0];
  const query = new Map(parseRawQuery(req.rawQuery));
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    const algorithm = space === -1 ? authorization : authorization.slice(0, space);
    if (algorithm !== SIGV4_ALGORITHM) {
      throw new SigV4FormatError('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'`);
    }
    const fields = new Map<string, string>();
    for (const item of authorization.slice(space + 1).split(',')) {
      const eq = item.indexOf('=');
      if (eq !== -1) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
    const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.get(k));
    const amzDate = headers.get('x-amz-date')?.[0] ?? dateHeaderAsAmz(headers.get('date')?.[0]);
    if (amzDate === undefined) missing.push("'X-Amz-Date' or 'Date'");
    if (missing.length > 0) {
      throw new SigV4FormatError(
        'IncompleteSignature',
        `Authorization header requires ${missing.map((m) => `'${m}'`).join(', ')} parameter(s). Authorization=${algorithm}`,
      );
    }
    return {
      ...parseCredential(fields.get('Credential') ?? ''),
      signedHeaders: (fields.get('SignedHeaders') ?? '').split(';'),
      signature: fields.get('Signature') ?? '',
      amzDate: amzDate ?? '',
      requestTimeMs: parseAmzDate(amzDate ?? ''),
      securityToken: headers.get('x-amz-security-token')?.[0],
      presigned: false,
      expiresSec: undefined,
    };
  }
  if (query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature')) {
    if (query.get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
      throw new SigV4FormatError('IncompleteSignature', `Unsupported AWS 'algorithm': '${query.get('X-Amz-Algorithm') ?? ''}'`);
    }
    const required = ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
    const missing = required.filter((k) => !query.get(k));
    if (missing.length > 0) {
      throw new SigV4FormatError('IncompleteSignature', `AWS query-string parameters missing: ${missing.join(', ')}`);
    }
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expires = query.get('X-Amz-Expires');
    return {
      ...parseCredential(query.get('X-Amz-Credential') ?? ''),
      signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: query.get('X-Amz-Signature') ?? '',
      amzDate,
      requestTimeMs: parseAmzDate(amzDate),
      securityToken: query.get('X-Amz-Security-Token'),
      presigned: true,
      expiresSec: expires === undefined ? undefined : Number(expires),
    };
  }
  return undefined;
}

function dateHeaderAsAmz(date: string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}

/** Canonical URI for every service but S3: normalised path, each segment escaped again. */
function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEscape).join('/')}${trailing}`;
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  return parseRawQuery(rawQuery)
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEscape(k), uriEscape(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The canonical request the client must have signed. */
export function canonicalRequest(req: WireRequest, auth: SigV4Auth): string {
  const headers = headerMap(req.rawHeaders);
  const canonicalHeaders = auth.signedHeaders
    .map((name) => {
      const values = (headers.get(name) ?? []).map((v) => v.trim().replace(/\s+/g, ' '));
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
  const payloadHash = headers.get('x-amz-content-sha256')?.[0] ?? sha256Hex(req.body);
  return [
    req.method.toUpperCase(),
    canonicalUri(req.rawPath),
    canonicalQuery(req.rawQuery, auth.presigned),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function stringToSign(req: WireRequest, auth: SigV4Auth): string {
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;
  return [SIGV4_ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest(req, auth))].join('\n');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function signingKey(secretAccessKey: string, scopeDate: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scopeDate), region), service), 'aws4_request');
}

/** True when the signature matches what `secretAccessKey` produces for this request. */
export function verifySigV4(req: WireRequest, auth: SigV4Auth, secretAccessKey: string): boolean {
  const key = signingKey(secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const expected = createHmac('sha256', key).update(stringToSign(req, auth), 'utf8').digest();
  if (!/^[0-9a-f]{64}$/.test(auth.signature)) return false;
  return timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'));
}
