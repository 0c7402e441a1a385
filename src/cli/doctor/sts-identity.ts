/**
 * STS GetCallerIdentity with the credentials exported in a shell, to tell whether they
 * still work. They go to STS only: the endpoint follows the SDK's own rules
 * (AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, else the regional STS endpoint), no other
 * provider is consulted, and nothing is retried.
 */
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { configuredStsEndpoint } from '../../system/sts-endpoint.js';
import type { StaticCredentials } from './deps.js';

/** One call; STS answers in well under a second when reachable. */
const STS_TIMEOUT_MS = 10_000;

/** The STS client's settings: the env's region, its configured endpoint if any (else the SDK's regional one), one attempt. */
export function stsClientConfig(credentials: StaticCredentials, env: NodeJS.ProcessEnv): STSClientConfig {
  const endpoint = configuredStsEndpoint(env);
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: { ...credentials },
    maxAttempts: 1,
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

export async function stsCallerIdentity(credentials: StaticCredentials, env: NodeJS.ProcessEnv): Promise<string> {
  const client = new STSClient(stsClientConfig(credentials, env));
  try {
    const output = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(STS_TIMEOUT_MS) });
    if (typeof output.Arn !== 'string') throw new Error('STS answered GetCallerIdentity without an Arn');
    return output.Arn;
  } finally {
    client.destroy();
  }
}
