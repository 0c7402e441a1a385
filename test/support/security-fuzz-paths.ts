/**
 * Request targets for the security fuzz. Each target is built from a real IMDS path
 * and then mutated; the generator records what the mutation does to its meaning
 * (docs/imds-protocol.md: repeated and trailing slashes collapse, the query is not
 * part of the path, `.`/`..` segments and encoded separators name nothing), so the
 * fuzz can predict the answer independently of src/imds/normalise-path.ts.
 */
import type { Rng } from './security-rng.js';

export type PathMeaning = 'credential' | 'token' | 'versioned-token' | 'metadata' | 'container' | 'unknown';

export interface FuzzPath {
  /** The raw request-target bytes. */
  readonly target: Buffer;
  /** What the target names; undefined when the fuzz does not predict it. */
  readonly meaning: PathMeaning | undefined;
  /** Malformed percent-encoding in the path: fastify answers 404 before any check. */
  readonly badEscape: boolean;
  /** Bytes that break the request line (raw non-ASCII, spaces): Node answers 400. */
  readonly breaksLine: boolean;
  readonly mutation: string;
}

export function basePaths(roleName: string): ReadonlyArray<readonly [string, PathMeaning]> {
  const meta = '/latest/meta-data';
  return [
    [`${meta}/iam/security-credentials/${roleName}`, 'credential'],
    [`${meta}/iam/security-credentials-extended/${roleName}`, 'credential'],
    [`/v1/credentials/${roleName}`, 'container'],
    ['/latest/api/token', 'token'],
    ['/2021-03-23/api/token', 'versioned-token'],
    ['/1.0/api/token', 'versioned-token'],
    ['/', 'metadata'],
    ['/latest', 'metadata'],
    [meta, 'metadata'],
    [`${meta}/iam/security-credentials`, 'metadata'],
    [`${meta}/iam/info`, 'metadata'],
    [`${meta}/placement/region`, 'metadata'],
    [`${meta}/placement/availability-zone`, 'metadata'],
    ['/latest/dynamic/instance-identity/document', 'metadata'],
    [`${meta}/iam/security-credentials/other-role`, 'unknown'],
    ['/latest/user-data', 'unknown'],
    ['/v1/credentials/other-role', 'unknown'],
    ['/latest/api', 'unknown'],
    ['/latest/api/token/extra', 'unknown'],
    ['/admin', 'unknown'],
  ];
}

const QUERY_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=:@/?%';
const SEGMENT_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-_';

/** A `/`-separated position in the path where a segment may be inserted. */
function splitAt(rng: Rng, path: string): [string, string] {
  const slashes = [...path].flatMap((ch, i) => (ch === '/' ? [i] : []));
  const at = rng.pick(slashes.length > 0 ? slashes : [0]);
  return [path.slice(0, at), path.slice(at)];
}

function encodeOneChar(rng: Rng, path: string): string {
  // Never a character of an existing escape (`%62` must not become `%%362`).
  const positions = [...path].flatMap((ch, i) => (/[A-Za-z0-9-]/.test(ch) && !path.slice(Math.max(0, i - 2), i).includes('%') ? [i] : []));
  if (positions.length === 0) return path;
  const at = rng.pick(positions);
  const hex = path.charCodeAt(at).toString(16).padStart(2, '0');
  return `${path.slice(0, at)}%${rng.chance(0.5) ? hex.toUpperCase() : hex}${path.slice(at + 1)}`;
}

function withQuery(rng: Rng): string {
  const fixed = ['?', '?x=1', '?../../etc/passwd', '?%00', '?%zz', '?a=%2e%2e%2f', '?/latest/api/token'];
  return rng.chance(0.5) ? rng.pick(fixed) : `?${rng.string(QUERY_CHARS, rng.int(1, 200))}`;
}

/** Mutations of the path part that keep the meaning (documented spellings of the same path). */
function preserve(rng: Rng, path: string): [string, string] {
  switch (rng.int(0, 3)) {
    case 0: {
      const [head, tail] = splitAt(rng, path);
      return [`${head}/${'/'.repeat(rng.int(0, 2))}${tail}`, 'double-slash'];
    }
    case 1:
      return [`${path}/`, 'trailing-slash'];
    case 2:
      return [encodeOneChar(rng, path), 'percent-encoded-letter'];
    default:
      return [`/${path}`, 'leading-double-slash'];
  }
}

function insertSegment(rng: Rng, path: string, segment: string): string {
  const [head, tail] = splitAt(rng, path);
  return `${head}/${segment}${tail}`;
}

/** A mutation that changes the meaning, or breaks the request outright. */
function corrupt(rng: Rng, path: string): Omit<FuzzPath, 'target'> & { text: string | Buffer } {
  const plain = (text: string, mutation: string): Omit<FuzzPath, 'target'> & { text: string } =>
    ({ text, meaning: 'unknown', badEscape: false, breaksLine: false, mutation });
  switch (rng.int(0, 9)) {
    case 0:
      return plain(insertSegment(rng, path, rng.pick(['..', '.', '%2e%2e', '%2E%2e', '%2e', '.%2e'])), 'dot-segment');
    case 1:
      return plain(insertSegment(rng, path, `x${rng.pick(['%00', '%0a', '%0d%0a', '%2f', '%2F', '%5c', '%7f', '%1b'])}y`), 'encoded-control');
    case 2:
      return { ...plain(insertSegment(rng, path, rng.pick(['%zz', '%', '%g0', '%e0%80', '%c3', '%ed%a0%80'])), 'bad-escape'), meaning: undefined, badEscape: true };
    case 3: {
      const raw = Buffer.from(insertSegment(rng, path, rng.pick(['ü', '☃', '\u{1F600}', 'é'])), 'utf8');
      return { text: raw, meaning: undefined, badEscape: false, breaksLine: true, mutation: 'raw-unicode' };
    }
    case 4:
      return plain(`${path}/${rng.string(SEGMENT_CHARS, rng.int(2100, 5000))}`, 'long-path');
    case 5:
      // 100 KiB: far beyond the header limit, answered 431 before routing.
      return { text: `${path}/${'a'.repeat(100 * 1024)}`, meaning: undefined, badEscape: false, breaksLine: false, mutation: 'huge-path' };
    case 6:
      return plain(`http://169.254.169.254${path}`, 'absolute-form');
    case 7:
      return rng.chance(0.5)
        ? plain('*', 'asterisk-form')
        : { text: rng.pick(['latest/api/token', 'meta-data']), meaning: undefined, badEscape: false, breaksLine: true, mutation: 'relative-target' };
    case 8:
      return { text: rng.pick([`${path} x`, '', `${path}\t`]), meaning: undefined, badEscape: false, breaksLine: true, mutation: 'broken-request-line' };
    default:
      return plain(`${path}/${rng.string(SEGMENT_CHARS, rng.int(1, 12))}`, 'unknown-child');
  }
}

export function fuzzPath(rng: Rng, roleName: string): FuzzPath {
  const [base, meaning] = rng.pick(basePaths(roleName));
  let path = base;
  const mutations: string[] = [];
  for (let i = rng.weighted([[5, 0], [4, 1], [2, 2], [1, 3]]); i > 0; i--) {
    const [next, name] = preserve(rng, path);
    path = next;
    mutations.push(name);
  }
  // The query is not part of the path: whatever it holds, the meaning stays.
  const query = rng.chance(0.15) ? withQuery(rng) : '';
  if (query !== '') mutations.push('query');
  if (rng.chance(0.25)) {
    const corrupted = corrupt(rng, path);
    const text = typeof corrupted.text === 'string' ? Buffer.from(corrupted.text, 'latin1') : corrupted.text;
    return { ...corrupted, target: Buffer.concat([text, Buffer.from(query, 'latin1')]), mutation: [...mutations, corrupted.mutation].join('+') };
  }
  return { target: Buffer.from(path + query, 'latin1'), meaning, badEscape: false, breaksLine: false, mutation: mutations.join('+') || 'none' };
}
