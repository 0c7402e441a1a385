/**
 * Tells an offline laptop apart from a wrong region or endpoint (issue 13). A name that
 * does not resolve means either; so imdsd asks whether a name that always exists
 * (`sts.amazonaws.com`) resolves: if not, the machine is offline and is retried quietly
 * until the network returns; if it does, the configured region or endpoint is wrong,
 * which only a person can fix. No route to any host is offline as well.
 */
import { lookup } from 'node:dns/promises';
import { ImdsdError } from '../errors.js';
import type { Issuer } from './issuers/issuer.js';

/** True when `host` resolves now. */
export type ResolveProbe = (host: string) => Promise<boolean>;

/** A public name that resolves whenever DNS works at all. */
export const CONTROL_HOST = 'sts.amazonaws.com';

const PROBE_TIMEOUT_MS = 2_000;

export const dnsProbe: ResolveProbe = async (host) => {
  try {
    await Promise.race([
      lookup(host),
      new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
};

const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const NO_ROUTE = new Set(['ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

export interface NetworkContext {
  /** "STS" or "IAM Identity Center", for messages. */
  readonly service: string;
  readonly region: string;
  /** An endpoint set by the user (endpoint_url, AWS_ENDPOINT_URL_…): a wrong one is theirs to fix. */
  readonly endpointConfigured: boolean;
  readonly probe: ResolveProbe;
}

/** The system error code anywhere in the cause chain (the SDK nests them). */
export function systemCodeOf(thrown: unknown): string | undefined {
  for (let err = thrown, depth = 0; typeof err === 'object' && err !== null && depth < 5; depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (UNRESOLVED.has(code) || NO_ROUTE.has(code))) return code;
    err = (err as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The coded error for a network failure, or undefined when it is not one of these. */
export async function diagnoseNetwork(thrown: unknown, ctx: NetworkContext): Promise<ImdsdError | undefined> {
  const code = systemCodeOf(thrown);
  if (code === undefined) return undefined;
  const offline = new ImdsdError('IMDSD_ERR_OFFLINE', `${ctx.service} cannot be reached: this machine seems to be offline (${code})`,
    { hint: 'nothing to do: imdsd retries quietly and refreshes as soon as the network returns', cause: thrown });
  if (NO_ROUTE.has(code) || !(await ctx.probe(CONTROL_HOST))) return offline;
  const host = (thrown as { hostname?: unknown }).hostname;
  const named = typeof host === 'string' ? ` ${host}` : '';
  return ctx.endpointConfigured
    ? new ImdsdError('IMDSD_ERR_ENDPOINT', `the configured ${ctx.service} endpoint${named} does not resolve, though the network works`,
      { hint: 'fix endpoint_url in the profile or AWS_ENDPOINT_URL_* in the environment', cause: thrown })
    : new ImdsdError('IMDSD_ERR_REGION', `the ${ctx.service} endpoint${named} for region ${ctx.region} does not resolve, though the network works`,
      { hint: 'check --region (or the profile\'s region / sso_region)', cause: thrown });
}

/** The same issuer, with network failures diagnosed. */
export function withNetworkDiagnosis(issue: Issuer, ctx: NetworkContext): Issuer {
  return async (durationSec) => {
    try {
      return await issue(durationSec);
    } catch (thrown) {
      throw (await diagnoseNetwork(thrown, ctx)) ?? thrown;
    }
  };
}
