/**
 * Issue 3: Debian's AWS CLI v2 (/usr/bin/aws, awscli 2.9.19) against the real daemon in a
 * clean environment: get-caller-identity, `configure export-credentials`, and the
 * region, which the CLI takes from IMDS when nothing else configures one: it reads
 * placement/availability-zone and drops the zone letter. The daemon runs with
 * --region eu-west-2 and the client environment names no region at all, so a request
 * signed for eu-west-2 can only have learned it from IMDS.
 * The CLI 2.9 predates AWS_ENDPOINT_URL_STS (2.13), so --endpoint-url names the local STS.
 */
import t from 'tap';
import { callerIdentity } from '../support/interop-caller.js';
import { AWS_CLI, requireClient } from '../support/interop-clients.js';
import { assertStsAccepted, startInteropFixture } from '../support/interop-fixture.js';
import { startRecorder } from '../support/interop-recorder.js';
import { describeRun, runClient, wholeJson } from '../support/interop-run.js';

const REGION = 'eu-west-2';
const fx = await startInteropFixture(t, { sessionName: 'interop-aws-cli', region: REGION });

t.test('aws sts get-caller-identity uses the role, and the region it learned from IMDS', async (t) => {
  if (await requireClient(t, 'aws-cli') === undefined) return;
  const recorder = await startRecorder(fx.port);
  t.teardown(() => recorder.close());
  const endpoint = { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${recorder.port}/` };
  const mark = fx.sts.calls.length;
  const [outcome, list] = await Promise.all([
    callerIdentity('aws-cli', fx, endpoint),
    runClient(AWS_CLI, ['configure', 'list'], fx.clientEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${fx.port}/` })),
  ]);
  t.ok(outcome.ok, `the CLI succeeded: ${outcome.said}`);
  const call = assertStsAccepted(t, fx, mark, outcome, 'aws-cli');
  t.equal(call?.region, REGION, 'the CLI signed for the daemon\'s region, which only IMDS told it');
  t.match(list.stdout, new RegExp(`^\\s*region\\s+${REGION}\\s+imds\\s*$`, 'm'), `configure list names IMDS as the region's source: ${describeRun(list)}`);
  t.match(list.stdout, /^\s*access_key\s+\*+\w{4}\s+iam-role\s*$/m, 'and the instance role as the credential\'s');

  const paths = recorder.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
  t.ok(paths.includes('GET /latest/meta-data/placement/availability-zone/ 200'), `the CLI read the zone, with a trailing slash: ${paths.join(', ')}`);
  t.ok(paths.includes('GET /latest/meta-data/iam/security-credentials/dev 200'), 'and the legacy credential path');
  t.ok(recorder.requests.filter((r) => r.method === 'GET').every((r) => r.hadToken), 'every GET carried a token');
  t.ok(recorder.requests.filter((r) => r.method === 'PUT').every((r) => r.ttlHeader === '21600'), 'from six-hour token requests');
});

t.test('aws configure export-credentials prints the served credential, behind a dead proxy with imdsd env', async (t) => {
  if (await requireClient(t, 'aws-cli') === undefined) return;
  const vars = await fx.imdsdEnv();
  const run = await runClient(AWS_CLI, ['configure', 'export-credentials'], fx.clientEnv({
    HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', ...vars,
  }));
  t.equal(run.code, 0, `exit 0: ${describeRun(run)}`);
  const exported = wholeJson(run) ?? {};
  const served = await fx.servedCredential();
  t.equal(exported.Version, 1, 'credential_process format, Version 1');
  t.equal(exported.AccessKeyId, served.AccessKeyId, 'the served AccessKeyId');
  t.equal(exported.SecretAccessKey, served.SecretAccessKey, 'the served SecretAccessKey');
  t.equal(exported.SessionToken, served.Token, 'the served Token as SessionToken');
  t.equal(typeof exported.Expiration === 'string' && Date.parse(exported.Expiration), Date.parse(served.Expiration),
    `the served Expiration (${served.Expiration}; the CLI writes ${String(exported.Expiration)})`);
  t.ok(Date.parse(served.Expiration) - Date.now() > 25 * 60_000, 'with more than 25 minutes left, so the CLI keeps it as is');
});
