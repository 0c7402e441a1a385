/**
 * Issue 3: the AWS SDK for JavaScript v2 (`aws-sdk`, end of support but still widely
 * deployed) through its default chain's EC2MetadataCredentials, against the real daemon
 * in a clean environment. v2 appends the path to the endpoint verbatim, so the endpoint
 * `imdsd env` prints (with its trailing slash) makes it send `//latest/...`: a recording
 * proxy shows that this is what arrives and that the daemon serves it.
 */
import t from 'tap';
import { requireClient, SDK_V2_CLIENT } from '../support/interop-clients.js';
import { assertStsAccepted, startInteropFixture } from '../support/interop-fixture.js';
import { startRecorder } from '../support/interop-recorder.js';
import { describeRun, lastJson, runClient } from '../support/interop-run.js';

const fx = await startInteropFixture(t, { sessionName: 'interop-js-v2' });

for (const v1Disabled of [false, true]) {
  t.test(`EC2MetadataCredentials gets the role over IMDSv2 (AWS_EC2_METADATA_V1_DISABLED=${v1Disabled})`, async (t) => {
    if (await requireClient(t, 'js-v2') === undefined) return;
    const recorder = await startRecorder(fx.port);
    t.teardown(() => recorder.close());
    const mark = fx.sts.calls.length;
    const run = await runClient(process.execPath, [SDK_V2_CLIENT], fx.clientEnv({
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${recorder.port}/`,
      AWS_ENDPOINT_URL_STS: fx.sts.url,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_V1_DISABLED: v1Disabled ? 'true' : undefined,
    }));
    const outcome = lastJson(run) ?? {};
    t.equal(outcome.ok, true, `the client succeeded: ${describeRun(run)}`);
    t.equal(outcome.provider, 'EC2MetadataCredentials', 'through the IMDS provider of the default chain');
    assertStsAccepted(t, fx, mark, outcome, 'JS v2');

    const served = await fx.servedCredential();
    t.equal(outcome.accessKeyId, served.AccessKeyId, 'the SDK holds the credential the daemon serves');
    t.equal(outcome.expiration, new Date(served.Expiration).toISOString(), 'with the served Expiration');
    t.same(recorder.requests.map((r) => `${r.method} ${r.path} ${r.status}`), [
      'PUT //latest/api/token 200',
      'GET //latest/meta-data/iam/security-credentials/ 200',
      'GET //latest/meta-data/iam/security-credentials/dev 200',
    ], 'v2 sent //latest/... after the trailing slash, and the daemon answered each');
    t.equal(recorder.requests[0]?.ttlHeader, '21600', 'asking for a six-hour token');
    t.ok(recorder.requests.slice(1).every((r) => r.hadToken), 'and sent the token with every GET');
  });
}
