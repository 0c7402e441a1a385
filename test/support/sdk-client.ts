/**
 * A real AWS SDK v3 client, run in its own process with the environment the test gives
 * it: it resolves credentials through the SDK's default chain (so through imdsd's IMDS
 * endpoint when that is all the environment offers) and calls GetCallerIdentity with them.
 * Prints one JSON line: { ok, arn?, accessKeyId?, expiration?, error? }.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({ maxAttempts: 1 });
try {
  const credentials = await client.config.credentials();
  const identity = await client.send(new GetCallerIdentityCommand({}));
  process.stdout.write(`${JSON.stringify({
    ok: true,
    arn: identity.Arn,
    account: identity.Account,
    accessKeyId: credentials.accessKeyId,
    expiration: credentials.expiration?.toISOString(),
  })}\n`);
} catch (error) {
  const err = error as { name?: string; message?: string };
  process.stdout.write(`${JSON.stringify({ ok: false, error: `${err.name ?? 'Error'}: ${err.message ?? String(error)}` })}\n`);
  process.exitCode = 1;
}
