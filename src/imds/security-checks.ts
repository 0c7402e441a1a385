/**
 * Request checks that protect the credentials from callers other than local programs.
 * Each one names the attack it answers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isLoopback } from '../loopback.js';

/**
 * DNS rebinding: a web page whose name the attacker re-points at 127.0.0.1 becomes
 * same-origin with this server, so the browser would let it PUT for a token and read the
 * credential. Such a browser still sends the attacker's name in `Host`, so only loopback
 * names (and `extraNames`: --allow-host, and the two real IMDS addresses in link-local
 * mode only) are served. aws-vault added the same check for its metadata server after
 * https://github.com/99designs/aws-vault/issues/578.
 * A request without `Host` (HTTP/1.0) comes from no browser and is allowed.
 */
export function isLoopbackHost(host: string | undefined, extraNames: ReadonlySet<string> = NO_NAMES): boolean {
  if (host === undefined) return true;
  const name = hostName(host).toLowerCase();
  return (
    extraNames.has(name) ||
    isLoopback(name)
  );
}

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Browsers: no AWS SDK or CLI sends `Origin`, `Referer` or the `Sec-Fetch-*` metadata
 * headers, and every browser sends at least one of them on a cross-site request, so a
 * request carrying any of them comes from a web page and is refused whatever it asks.
 */
export function isFromBrowser(headers: IncomingHttpHeaders): boolean {
  if (headers.origin !== undefined || headers.referer !== undefined) return true;
  for (const name in headers) if (name.startsWith('sec-fetch-')) return true;
  return false;
}

/** The host without its port; IPv6 literals come bracketed (`[::1]:1338`). */
function hostName(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * SSRF through a proxy: real IMDS refuses a token PUT that carries `X-Forwarded-For`,
 * since only a proxy adds it, and a proxy must not be able to mint session tokens
 * (EC2 user guide, "Use IMDSv2").
 */
export function isForwarded(headers: IncomingHttpHeaders): boolean {
  // RFC 7239's `Forwarded` says the same as X-Forwarded-For, and some proxies send only it.
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
}

/**
 * The ECS endpoint's token check. Anything local that can reach the port could otherwise
 * read the credential without the IMDSv2 dance, so it needs the secret only the user's
 * own files hold; compared in constant time so its bytes cannot be probed one by one.
 */
export function isAuthorized(header: string | undefined, expected: Buffer | undefined): boolean {
  if (header === undefined || expected === undefined) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the guard lets through: names beyond loopback, and proxied reads. */
export interface RequestPolicy {
  /** Extra `Host` names served (e.g. a name in /etc/hosts, or the --host address). */
  readonly allowedHosts: ReadonlySet<string>;
  /** Serve GETs carrying X-Forwarded-For (token PUTs never). */
  readonly allowForwarded: boolean;
}

export const DEFAULT_POLICY: RequestPolicy = { allowedHosts: NO_NAMES, allowForwarded: false };

/**
 * All header checks in the order of the threats they answer; true means refuse (403).
 * A GET through a proxy is refused too unless configured: an SSRF in a local web app
 * that forwards requests would otherwise read the credential with a token minted by
 * an unproxied call.
 */
export function isRefused(headers: IncomingHttpHeaders, policy: RequestPolicy): boolean {
  return !isLoopbackHost(headers.host, policy.allowedHosts)
    || isFromBrowser(headers)
    || (!policy.allowForwarded && isForwarded(headers));
}
