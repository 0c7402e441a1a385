/**
 * Issue 3: the AWS SDK for JavaScript v3 (`@aws-sdk/client-sts` and its default chain,
 * which ends in @smithy/credential-provider-imds) against the real daemon, in a clean
 * environment, with and without the IMDSv1 fallback. A recording proxy in front of the
 * daemon shows the exact requests the SDK sends.
 */
import t from 'tap';
import { requireClient, SDK_V3_CLIENT } from '../support/interop-clients.js';
import { assertStsAccepted, startInteropFixture } from '../support/interop-fixture.js';
import { startRecorder } from '../support/interop-recorder.js';
import { describeRun, lastJson, runClient } from '../support/interop-run.js';

const fx = await startInteropFixture(t, { sessionName: 'interop-js-v3' });

for (const v1Disabled of [false, true]) {
  t.test(`the default chain gets the role over IMDSv2 (AWS_EC2_METADATA_V1_DISABLED=${v1Disabled})`, async (t) => {
    if (await requireClient(t, 'js-v3') === undefined) return;
    const recorder = await startRecorder(fx.port);
    t.teardown(() => recorder.close());
    const mark = fx.sts.calls.length;
    const run = await runClient(process.execPath, [SDK_V3_CLIENT], fx.clientEnv({
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${recorder.port}/`,
      AWS_ENDPOINT_URL_STS: fx.sts.url,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_V1_DISABLED: v1Disabled ? 'true' : undefined,
    }));
    const outcome = lastJson(run) ?? {};
    t.equal(outcome.ok, true, `the client succeeded: ${describeRun(run)}`);
    assertStsAccepted(t, fx, mark, outcome, 'JS v3');

    const served = await fx.servedCredential();
    t.equal(outcome.accessKeyId, served.AccessKeyId, 'the SDK holds the credential the daemon serves');
    t.equal(outcome.expiration, new Date(served.Expiration).toISOString(), 'with the served Expiration');
    t.same(recorder.requests.map((r) => `${r.method} ${r.path} ${r.status}`), [
      'PUT /latest/api/token 200',
      'GET /latest/meta-data/iam/security-credentials/ 200',
      'GET /latest/meta-data/iam/security-credentials/dev 200',
    ], 'the SDK took a token, listed the role and read the legacy credential path');
    t.equal(recorder.requests[0]?.ttlHeader, '21600', 'asking for a six-hour token');
    t.ok(recorder.requests.slice(1).every((r) => r.hadToken), 'and sent the token with every GET');
  });
}

t.test('the extended path serves the same credential as the legacy path JS v3 reads, plus AccountId', async (t) => {
  const legacy = await fx.servedCredential(false);
  const extended = await fx.servedCredential(true);
  t.same(Object.keys(extended), ['Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'AccountId'],
    'the extended document is the legacy one plus AccountId');
  t.equal(extended.AccountId, '123456789012', 'AccountId is the role ARN\'s account');
  for (const field of ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'] as const) {
    t.equal(extended[field], legacy[field], `${field} is the same on both paths`);
  }
});
