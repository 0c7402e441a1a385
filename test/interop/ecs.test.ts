/**
 * Issue 3: the ECS container-credentials endpoint, configured exactly as
 * `imdsd env --ecs` prints it (AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1 and
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), through JS v3, JS v2, botocore and the AWS CLI,
 * and with AWS_CONTAINER_AUTHORIZATION_TOKEN set to the file's contents, the older form.
 *
 * What each client reads (checked in their sources and by running them):
 * - JS v3 (@aws-sdk/credential-provider-http): the token file, which wins over the variable.
 * - JS v2 2.1693 (lib/credentials/remote_credentials.js, getECSAuthToken): the variable,
 *   else the token file. Older v2 releases read only the variable.
 * - Debian's botocore 1.29 and AWS CLI 2.9: only the variable. botocore added the token
 *   file in 1.32.0 ("Added Support for EKS container credentials"); with the file alone
 *   these clients send no Authorization and get the daemon's 401, which is why
 *   `imdsd env --ecs` prints the variable as well (a finding of this suite).
 */
import t from 'tap';
import { callerIdentity, type CallerName } from '../support/interop-caller.js';
import { requireClient } from '../support/interop-clients.js';
import { assertStsAccepted, ecsVariables, startInteropFixture } from '../support/interop-fixture.js';

const fx = await startInteropFixture(t, { sessionName: 'interop-ecs' });
const ecs = await ecsVariables(fx);

/** What each client reports as the provider that found the credential. */
const PROVIDER: Partial<Record<CallerName, { field: string; value: string }>> = {
  'js-v2': { field: 'provider', value: 'RemoteCredentials' },
  boto3: { field: 'method', value: 'container-role' },
};
/** The CLI has no IMDS region in container mode, and the SDKs' helpers set their own. */
const REGION = { AWS_DEFAULT_REGION: 'us-east-1' };
/** The daemon's answer to a request without the token: what a client that ignores the file gets. */
const NO_TOKEN_SENT = /401.*IMDSD_ERR_CONTAINER_AUTH|IMDSD_ERR_CONTAINER_AUTH.*401/s;

t.test('imdsd env --ecs names a loopback URI and a token file', async (t) => {
  t.equal(ecs.uri, `http://127.0.0.1:${fx.port}/v1/credentials/dev`, 'the URI every SDK accepts over http');
  t.match(ecs.token, /^[A-Za-z0-9_-]{40,}$/, 'the file holds a long token without a newline');
});

for (const client of ['js-v3', 'js-v2', 'boto3', 'aws-cli'] as const satisfies readonly CallerName[]) {
  t.test(`${client} gets the role from the container endpoint`, async (t) => {
    if (await requireClient(t, client) === undefined) return;
    const served = await fx.servedCredential();
    const base = { AWS_CONTAINER_CREDENTIALS_FULL_URI: ecs.uri, ...REGION };
    const mark = fx.sts.calls.length;
    const [fileOnly, variable] = await Promise.all([
      callerIdentity(client, fx, { ...base, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ecs.tokenFile }),
      callerIdentity(client, fx, { ...base, AWS_CONTAINER_AUTHORIZATION_TOKEN: ecs.token }),
    ]);

    t.ok(variable.ok, `with AWS_CONTAINER_AUTHORIZATION_TOKEN: ${variable.said}`);
    assertStsAccepted(t, fx, mark, variable, `${client}, token variable`);
    const provider = PROVIDER[client];
    if (provider !== undefined) t.equal(variable.report[provider.field], provider.value, `found by the container provider (${provider.value})`);
    if (variable.accessKeyId !== undefined) t.equal(variable.accessKeyId, served.AccessKeyId, 'the credential the daemon serves');

    if (fileOnly.ok || client === 'js-v3' || client === 'js-v2') {
      t.ok(fileOnly.ok, `with only imdsd env --ecs's token file: ${fileOnly.said}`);
      assertStsAccepted(t, fx, mark, fileOnly, `${client}, token file`);
      if (provider !== undefined) t.equal(fileOnly.report[provider.field], provider.value, `there too by ${provider.value}`);
    } else {
      t.match(`${fileOnly.run.stdout}${fileOnly.run.stderr}`, NO_TOKEN_SENT,
        `it failed only because it sent no token: it does not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ${fileOnly.said}`);
      t.equal(ecs.tokenVariable, ecs.token, `so imdsd env --ecs also prints AWS_CONTAINER_AUTHORIZATION_TOKEN, which ${client} reads`);
    }
  });
}
