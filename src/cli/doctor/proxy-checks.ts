/**
 * botocore (and so the AWS CLI) sends IMDS requests through the proxy of the endpoint's
 * scheme unless NO_PROXY covers the endpoint's host; a corporate proxy cannot reach
 * localhost. The rules are Python's urllib ones, which botocore uses: lower-case
 * variables win over upper-case ones and an empty lower-case one unsets, HTTP_PROXY is
 * ignored under CGI (REQUEST_METHOD set), NO_PROXY `*` bypasses everything, and other
 * entries match the host (or host:port) exactly or as a domain suffix, leading dots
 * ignored; no CIDR ranges. The JS and Java SDKs ignore these variables, and Go never
 * proxies loopback addresses.
 */
import { localEndpoint } from './endpoint.js';
import { endpointFixOf } from './endpoint-checks.js';
import { ok, problem, runGuarded, type Finding } from './finding.js';
import type { Situation } from './situation.js';

/** urllib's getproxies_environment(): scheme (or `no`) → value. */
export function proxiesFromEnv(env: NodeJS.ProcessEnv): Map<string, string> {
  const proxies = new Map<string, string>();
  const entries = Object.entries(env).filter(([name]) => name.toLowerCase().endsWith('_proxy'));
  for (const [name, value] of entries) if (value) proxies.set(name.toLowerCase().slice(0, -6), value);
  if (env.REQUEST_METHOD !== undefined) proxies.delete('http');
  for (const [name, value] of entries) {
    if (!name.endsWith('_proxy')) continue;
    const scheme = name.slice(0, -6).toLowerCase();
    if (value) proxies.set(scheme, value);
    else proxies.delete(scheme);
  }
  return proxies;
}

/** urllib's proxy_bypass_environment() for a `host[:port]`. */
export function bypassesProxy(hostPort: string, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  if (noProxy === '*') return true;
  const host = hostPort.toLowerCase();
  const hostOnly = /^(.*):(\d*)$/.exec(host)?.[1] ?? host;
  return noProxy.split(',').some((entry) => {
    const name = entry.trim().replace(/^\.+/, '').toLowerCase();
    if (name === '') return false;
    return hostOnly === name || host === name || hostOnly.endsWith(`.${name}`) || host.endsWith(`.${name}`);
  });
}

/** The variable that set the scheme's proxy, for the message (never its value: it may hold a password). */
function variableName(env: NodeJS.ProcessEnv, scheme: string): string {
  const lower = `${scheme}_proxy`;
  const names = Object.keys(env).filter((name) => name.toLowerCase() === lower && env[name]);
  return names.includes(lower) ? lower : names.join('/');
}

function proxyCheck(s: Situation): Finding[] {
  const target = s.target ?? localEndpoint(s.port);
  const proxies = proxiesFromEnv(s.deps.env);
  const scheme = target.protocol.replace(/:$/, '');
  if (!proxies.has(scheme)) {
    const other = [...proxies.keys()].filter((key) => key !== 'no');
    return [ok('proxy-no-proxy', `no ${scheme} proxy is set for the IMDS endpoint`, {
      detail: other.length === 0 ? undefined : `${other.join(', ')} proxies do not apply to an ${scheme}:// endpoint`,
    })];
  }
  const variable = variableName(s.deps.env, scheme);
  if (bypassesProxy(target.host, proxies.get('no'))) {
    return [ok('proxy-no-proxy', `${variable} is set and NO_PROXY covers ${target.hostname}: IMDS calls go direct`)];
  }
  return [problem('proxy-no-proxy', `${variable} is set and NO_PROXY does not cover ${target.hostname}: botocore and the AWS CLI send IMDS calls to the proxy`, {
    fix: endpointFixOf(s),
    detail: 'imdsd env adds localhost, 127.0.0.1 and ::1 to NO_PROXY and no_proxy',
  })];
}

export async function proxyChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([['proxy-no-proxy', 'the proxy variables', () => proxyCheck(s)]]);
}
