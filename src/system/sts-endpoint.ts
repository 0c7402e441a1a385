/**
 * The STS endpoint configured in an environment, by the SDK's precedence
 * (docs/imds-protocol.md, "STS"): AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "true". The SDK compares that value exactly
 * (its booleanSelector accepts only "true" and "false"), so "TRUE" does not count.
 */

export function ignoresConfiguredEndpoints(env: NodeJS.ProcessEnv): boolean {
  return env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true';
}

/** The endpoint the environment configures, or undefined for the SDK's regional one (or the profile's). */
export function configuredStsEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (ignoresConfiguredEndpoints(env)) return undefined;
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The profile's endpoint_url when it is the one the SDK would use: the environment's win
 * over it, and none counts when configured endpoints are ignored.
 */
export function profileStsEndpoint(env: NodeJS.ProcessEnv, fromProfile: string | undefined): string | undefined {
  if (ignoresConfiguredEndpoints(env) || configuredStsEndpoint(env) !== undefined) return undefined;
  return fromProfile;
}
