/**
 * Issue 3: boto3/botocore from Debian's python3-boto3, run as /usr/bin/python3 in a
 * clean environment through test/support/interop-boto3.py, against the real daemon.
 * botocore sends IMDS requests through HTTP(S)_PROXY unless NO_PROXY covers the host,
 * which is why `imdsd env` prints NO_PROXY: the proxy tests point the proxies at a dead
 * port (127.0.0.1:9) and show both sides.
 */
import t from 'tap';
import { callerIdentity } from '../support/interop-caller.js';
import { requireClient } from '../support/interop-clients.js';
import { assertStsAccepted, callerIdentityCallsSince, startInteropFixture } from '../support/interop-fixture.js';
import { startRecorder } from '../support/interop-recorder.js';

const fx = await startInteropFixture(t, { sessionName: 'interop-boto3' });
/** A proxy nobody listens on (the discard port): any request sent through it fails. */
const DEAD_PROXY = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' };

t.test('a Session finds the role as iam-role and STS accepts it', async (t) => {
  if (await requireClient(t, 'boto3') === undefined) return;
  const recorder = await startRecorder(fx.port);
  t.teardown(() => recorder.close());
  const mark = fx.sts.calls.length;
  const outcome = await callerIdentity('boto3', fx, { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${recorder.port}/` });
  t.ok(outcome.ok, `the client succeeded: ${outcome.said}`);
  t.equal(outcome.report.method, 'iam-role', 'botocore says the credential came from the instance role');
  assertStsAccepted(t, fx, mark, outcome, 'boto3');
  const served = await fx.servedCredential();
  t.equal(outcome.accessKeyId, served.AccessKeyId, 'botocore holds the credential the daemon serves');
  t.equal(outcome.report.expiration, served.Expiration, 'with the served Expiration, parsed by botocore\'s strict format');
  t.same(recorder.requests.map((r) => `${r.method} ${r.path} ${r.status}`), [
    'PUT /latest/api/token 200',
    'GET /latest/meta-data/iam/security-credentials/ 200',
    'GET /latest/meta-data/iam/security-credentials/dev 200',
  ], 'botocore took a token, listed the role and read the legacy credential path');
  t.equal(recorder.requests[0]?.ttlHeader, '21600', 'asking for a six-hour token');
  t.ok(recorder.requests.slice(1).every((r) => r.hadToken), 'and sent the token with every GET');
});

t.test('with a dead HTTP(S)_PROXY, the NO_PROXY that `imdsd env` prints keeps IMDS direct', async (t) => {
  if (await requireClient(t, 'boto3') === undefined) return;
  const vars = await fx.imdsdEnv();
  t.equal(vars.AWS_EC2_METADATA_SERVICE_ENDPOINT, `http://localhost:${fx.port}/`, 'imdsd env gives the endpoint');
  t.match(vars.NO_PROXY, /(^|,)localhost(,|$)/, 'and NO_PROXY with localhost');
  const mark = fx.sts.calls.length;
  const outcome = await callerIdentity('boto3', fx, { ...DEAD_PROXY, ...vars });
  t.ok(outcome.ok, `the client succeeded despite the proxy: ${outcome.said}`);
  t.equal(outcome.report.method, 'iam-role', 'through IMDS');
  assertStsAccepted(t, fx, mark, outcome, 'boto3 behind a proxy');
});

t.test('without NO_PROXY, botocore sends IMDS through the proxy and finds nothing (why imdsd env sets it)', async (t) => {
  if (await requireClient(t, 'boto3') === undefined) return;
  const mark = fx.sts.calls.length;
  const outcome = await callerIdentity('boto3', fx, { ...DEAD_PROXY, AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${fx.port}/` });
  t.notOk(outcome.ok, 'the client failed');
  t.match(outcome.report.error, /ProxyConnectionError: Failed to connect to proxy URL: "http:\/\/127\.0\.0\.1:9"/, `because of the proxy: ${outcome.said}`);
  t.equal(callerIdentityCallsSince(fx.sts, mark).length, 0, 'and never reached STS');
});

/*
 * botocore asks urllib's proxy_bypass about the URL's netloc, `[::1]:<port>`, which keeps
 * the brackets, so only a `[::1]` entry in NO_PROXY matches: `imdsd env` adds it (a finding
 * of this suite; without it an http://[::1]:<port>/ endpoint behind a proxy failed).
 */
t.test('with a dead proxy, the [::1] endpoint and imdsd env\'s NO_PROXY, botocore stays direct', async (t) => {
  if (await requireClient(t, 'boto3') === undefined) return;
  const vars = await fx.imdsdEnv();
  const endpoint = `http://[::1]:${fx.port}/`;
  const mark = fx.sts.calls.length;
  const [outcome, withBrackets] = await Promise.all([
    callerIdentity('boto3', fx, { ...DEAD_PROXY, NO_PROXY: vars.NO_PROXY, no_proxy: vars.no_proxy, AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }),
    callerIdentity('boto3', fx, {
      ...DEAD_PROXY, NO_PROXY: `${vars.NO_PROXY ?? ''},[::1]`, no_proxy: `${vars.no_proxy ?? ''},[::1]`, AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
    }),
  ]);
  t.ok(outcome.ok, `imdsd env's NO_PROXY (${vars.NO_PROXY ?? ''}) keeps [::1] direct: ${outcome.said}`);
  t.ok(withBrackets.ok, `with "[::1]" added to NO_PROXY the client succeeds: ${withBrackets.said}`);
  assertStsAccepted(t, fx, mark, withBrackets, 'boto3 via [::1] behind a proxy');
});
