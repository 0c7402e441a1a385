/**
 * Turns a request target into the one canonical spelling the route table is keyed by,
 * so that a single Map lookup replaces router matching. Clients really send odd
 * spellings: JS v2 appends paths verbatim to an endpoint with a trailing slash
 * (`//latest/...`), Java and `ec2-metadata` may double slashes too, and most write a
 * trailing slash on directories.
 */

/** Longer targets are refused outright: no IMDS path comes close, and decoding costs. */
export const MAX_PATH_LENGTH = 2048;

/** A decoded segment may not smuggle a separator, NUL or any other control character. */
const FORBIDDEN_IN_SEGMENT = /[\u0000-\u001f\u007f/\\]/;

/** The path part of a request target: everything before `?`. */
export function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/**
 * The canonical path (`/a/b`, no empty segments, no trailing slash, `/` for the root),
 * or undefined when the path cannot name a resource: not origin-form, too long,
 * malformed percent-encoding, or a `.`/`..` segment (never resolved, as the real
 * service has nothing outside its tree either).
 */
export function normalisePath(path: string): string | undefined {
  if (path.length > MAX_PATH_LENGTH || !path.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    const segment = decodeSegment(raw);
    if (segment === undefined) return undefined;
    segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

function decodeSegment(raw: string): string | undefined {
  let segment = raw;
  if (raw.includes('%')) {
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  if (segment === '.' || segment === '..' || FORBIDDEN_IN_SEGMENT.test(segment)) return undefined;
  return segment;
}

/**
 * A target whose path (before `?` or `#`) holds a malformed percent-escape or escapes
 * that are not UTF-8. Such a request is answered 404 before anything else, whatever its
 * headers, as fastify's router did when it served these ports: it names no resource, and
 * answering it alike for everyone tells a caller nothing.
 */
export function hasBadEscape(target: string): boolean {
  if (!target.includes('%')) return false;
  const end = target.search(/[?#]/);
  try {
    decodeURI(end === -1 ? target : target.slice(0, end));
    return false;
  } catch {
    return true;
  }
}

/**
 * What fastify routes a request by (its `rewriteUrl`): the route table's key for the
 * target, or one of the three keys below. The route table holds canonical spellings
 * only, so the router matches exactly what normalisePath decides and never decodes a
 * target itself.
 */
export const ROUTE_KEYS = {
  /** A target with a malformed escape: 404 before any check (see hasBadEscape). */
  malformed: '/.malformed',
  /** A token path under a version (`/2021-03-23/api/token`): real IMDS only issues under latest. */
  versionedToken: '/.versioned/api/token',
  /** Anything else that names no route: the not-found handler's. */
  unknown: '/.unknown',
} as const;

const VERSIONED_TOKEN_PATH = /^\/[^/]+\/api\/token$/;

export function routeKeyOf(target: string, routes: ReadonlySet<string>): string {
  if (hasBadEscape(target)) return ROUTE_KEYS.malformed;
  const path = pathOf(target);
  // Fast path: clients almost always send the canonical spelling.
  if (routes.has(path)) return path;
  const canonical = normalisePath(path);
  if (canonical === undefined) return ROUTE_KEYS.unknown;
  if (routes.has(canonical)) return canonical;
  return VERSIONED_TOKEN_PATH.test(canonical) ? ROUTE_KEYS.versionedToken : ROUTE_KEYS.unknown;
}
