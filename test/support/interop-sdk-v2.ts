/**
 * A real AWS SDK for JavaScript v2 client (`aws-sdk`), run in its own process with the
 * environment the test gives it: credentials come from v2's default provider chain
 * (EC2MetadataCredentials, or RemoteCredentials for the container endpoint), then
 * GetCallerIdentity goes to the local STS. v2 does not read AWS_ENDPOINT_URL_STS, so the
 * endpoint is passed to the client constructor, as a user would for a private endpoint.
 * Prints one JSON line: { ok, provider?, arn?, accessKeyId?, expiration?, error? }.
 */
import AWS from 'aws-sdk';
import type { CredentialsOptions } from 'aws-sdk/lib/credentials.js';

const endpoint = process.env.AWS_ENDPOINT_URL_STS;
// The region as v2 finds it by itself (AWS_REGION, or the profile with AWS_SDK_LOAD_CONFIG).
const sts = new AWS.STS({ endpoint, maxRetries: 0 });

/** What the chain resolved: a provider (a Credentials subclass) or, in theory, a plain options object. */
type Resolved = AWS.Credentials | CredentialsOptions;

function credentialsOf(client: AWS.STS): Promise<Resolved> {
  return new Promise((resolve, reject) => {
    client.config.getCredentials((error, credentials) => {
      if (error !== null && error !== undefined) reject(error);
      else if (credentials === null || credentials === undefined) reject(new Error('the chain returned no credentials'));
      else resolve(credentials);
    });
  });
}

try {
  const credentials = await credentialsOf(sts);
  const identity = await sts.getCallerIdentity().promise();
  process.stdout.write(`${JSON.stringify({
    ok: true,
    provider: credentials.constructor.name,
    arn: identity.Arn,
    account: identity.Account,
    accessKeyId: credentials.accessKeyId,
    expiration: credentials instanceof AWS.Credentials ? credentials.expireTime.toISOString() : undefined,
  })}\n`);
} catch (error) {
  const err = error as { code?: string; name?: string; message?: string };
  process.stdout.write(`${JSON.stringify({ ok: false, error: `${err.code ?? err.name ?? 'Error'}: ${err.message ?? String(error)}` })}\n`);
  process.exitCode = 1;
}
