/**
 * The parts of a resolved role every kind fills in alike: the listener's settings from
 * the spec, the one region precedence, the default session name and the reload key; and
 * the shape shared by the profiles served directly, without AssumeRole (issue 13).
 */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { RoleSpec } from '../config/config.js';
import { DEFAULTS } from '../config/config.js';
import { LINK_LOCAL_HOSTS } from '../contract/link-local.js';
import { defaultSessionName } from '../refresher/session-name.js';
import type { SourceSpec } from '../refresher/source-credentials.js';
import { profileStsEndpoint } from '../system/sts-endpoint.js';
import type { IssuerSpec, ResolvedRole } from './resolved-role.js';

/** One MFA code's session, unless configured: 12 hours (STS allows up to 36). */
export const DEFAULT_MFA_SESSION_SEC = 43_200;

/** Used when neither flags, environment nor profile name a region. */
export const FALLBACK_REGION = 'us-east-1';

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/** `--session-name`, else the profile's, else imdsd-USER. */
export function sessionNameOf(spec: RoleSpec, fromProfile?: string): string {
  return spec.sessionName ?? fromProfile ?? defaultSessionName(currentUser());
}

/**
 * The region, as the SDKs pick it: `--region`, AWS_REGION, AWS_DEFAULT_REGION, then the
 * profile's own (for SSO: `region`, then `sso_region`), else us-east-1.
 */
export function regionOf(spec: RoleSpec, env: NodeJS.ProcessEnv, ...fromProfile: ReadonlyArray<string | undefined>): string {
  return spec.region ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined)
    ?? fromProfile.find((region) => region !== undefined) ?? FALLBACK_REGION;
}

/** Fields every kind shares, from the role's spec. */
export function commonFields(spec: RoleSpec, index: number) {
  return {
    port: spec.port ?? (index === 0 ? DEFAULTS.port : 0),
    host: spec.host,
    imdsV1: spec.imdsV1 ?? false,
    allowUids: spec.allowUids ?? [],
    allowCidrs: spec.allowCidrs ?? [],
    // The address a non-loopback listener is reached by is a Host it must accept; in
    // link-local mode, so are the real IMDS addresses (and only then: issue 14).
    allowHosts: [...(spec.allowHosts ?? []), ...(spec.host === undefined ? [] : [spec.host]), ...(spec.linkLocal === true ? LINK_LOCAL_HOSTS : [])],
    allowForwarded: spec.allowForwarded ?? false,
    linkLocal: spec.linkLocal ?? false,
    refreshBeforeSec: spec.refreshBeforeSec,
  };
}

/** A digest, so the key never holds a profile's own secret key in readable form. */
export function withKey<T extends object>(resolved: T): T & { readonly key: string } {
  return { ...resolved, key: createHash('sha256').update(JSON.stringify(resolved)).digest('hex') };
}

/** What a profile served directly decides; the rest comes from the spec. */
export interface DirectParts {
  readonly profile: string;
  /** Served under iam/security-credentials/. */
  readonly roleName: string;
  /** Where known; else the first credential tells it (account-fill.ts). */
  readonly accountId: string | undefined;
  readonly region: string;
  readonly issuer: IssuerSpec;
  readonly source: SourceSpec;
  readonly mfa?: ResolvedRole['mfa'];
  readonly endpointUrl?: string | undefined;
}

export function servedDirectly(parts: DirectParts, spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): ResolvedRole {
  return withKey({
    // No role ARN is known locally: an SSO role's name carries a suffix only IAM knows.
    identity: { roleName: parts.roleName, roleArn: '', accountId: parts.accountId ?? '', region: parts.region },
    ...commonFields(spec, index),
    issuer: parts.issuer,
    durationSec: spec.durationSec,
    sessionName: sessionNameOf(spec),
    externalId: undefined,
    source: parts.source,
    mfa: parts.mfa,
    sourceProfile: parts.profile,
    endpoint: profileStsEndpoint(env, parts.endpointUrl),
  });
}
