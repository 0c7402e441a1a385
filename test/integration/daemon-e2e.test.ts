/**
 * The whole path as a user runs it: the built CLI as a child process, assuming a role at
 * the local SigV4-verifying STS, and the real AWS SDK v3 default chain in a clean
 * environment fetching the credential through the IMDS port and calling
 * GetCallerIdentity with it, which the STS must accept.
 */
import t from 'tap';
import { request } from 'undici';
import { cleanEnv, startDaemonProcess, type DaemonProcess } from '../support/daemon-process.js';
import { runSdkClient } from '../support/sdk-client-run.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsServer } from '../support/sts-server.js';

function daemonEnv(sts: StsServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.url,
    ...extra,
  });
}

function clientEnv(sts: StsServer, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}/`,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_REGION: 'us-east-1',
    ...extra,
  });
}

async function imdsToken(port: number): Promise<string> {
  const res = await request(`http://127.0.0.1:${port}/latest/api/token`, {
    method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '300' },
  });
  return res.body.text();
}

t.test('the SDK v3 default chain gets the role credential through the daemon and STS accepts it', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--region', 'us-east-1'], daemonEnv(sts));
  t.teardown(() => daemon.stop());

  for (const v1Disabled of [false, true]) {
    const outcome = await runSdkClient(clientEnv(sts, daemon.port, v1Disabled ? { AWS_EC2_METADATA_V1_DISABLED: 'true' } : {}));
    t.ok(outcome.ok, `the client succeeded (AWS_EC2_METADATA_V1_DISABLED=${v1Disabled}): ${outcome.error ?? ''}`);
    t.equal(outcome.arn, `arn:aws:sts::123456789012:assumed-role/dev/${sessionNameOf(sts)}`, 'STS saw the assumed role');
    t.match(outcome.accessKeyId, /^ASIA/, 'the client used session credentials');
  }
  const assumeCalls = sts.calls.filter((call) => call.action === 'AssumeRole');
  t.equal(assumeCalls.length, 1, 'one AssumeRole served every client: no STS call inside client requests');
  t.match(assumeCalls[0]?.roleSessionName, /^imdsd-/, 'the default session name is imdsd-<user>');
  t.equal(assumeCalls[0]?.region, 'us-east-1', 'signed for the configured region');
});

function sessionNameOf(sts: StsServer): string {
  return sts.calls.find((call) => call.action === 'AssumeRole')?.roleSessionName ?? '';
}

t.test('the IMDS document has the EC2 shape and echoes the token TTL', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--role-name', 'served'], daemonEnv(sts));
  t.teardown(() => daemon.stop());
  const token = await imdsToken(daemon.port);
  const list = await request(`http://[::1]:${daemon.port}/latest/meta-data/iam/security-credentials/`, {
    headers: { 'x-aws-ec2-metadata-token': token },
  });
  t.equal(await list.body.text(), 'served', 'the role name is listed over ::1 with a token issued over 127.0.0.1');
  const doc = await request(`http://127.0.0.1:${daemon.port}/latest/meta-data/iam/security-credentials/served`, {
    headers: { 'x-aws-ec2-metadata-token': token },
  });
  t.equal(doc.statusCode, 200, 'the credential is served');
  t.ok(Number(doc.headers['x-aws-ec2-metadata-token-ttl-seconds']) > 0, 'the remaining token TTL is echoed');
  const body = (await doc.body.json()) as Record<string, unknown>;
  t.same(Object.keys(body), ['Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'], 'fields in EC2 order');
  t.equal(body.Code, 'Success', 'Code');
  t.equal(body.Type, 'AWS-HMAC', 'Type');
  t.match(body.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'Expiration to the second, in Z');
  t.match(body.LastUpdated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'LastUpdated to the second, in Z');
  const logs = JSON.stringify(daemon.lines);
  t.notOk(logs.includes(String(body.SecretAccessKey)), 'the secret key never appears in the logs');
  t.notOk(logs.includes(String(body.Token)), 'the session token never appears in the logs');
  t.notOk(logs.includes(String(body.AccessKeyId)), 'the whole access key id never appears in the logs');
  t.ok(logs.includes(String(body.AccessKeyId).slice(-4)), 'its last four characters do');
});

t.test('a daemon that starts while STS fails answers a clear error, then serves once STS heals', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  sts.injectFaults({ kind: 'http', status: 503, code: 'ServiceUnavailable' });
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], daemonEnv(sts));
  t.teardown(() => daemon.stop());
  const failed = daemon.lines.find((line) => line.event === 'first-fetch-failed');
  t.equal(failed?.code, 'IMDSD_ERR_STS_UNAVAILABLE', 'the failed first fetch is logged with its code');
  // The daemon retries on its own backoff (about a second after the first failure).
  const token = await imdsToken(daemon.port);
  let status = 0;
  for (let i = 0; i < 50 && status !== 200; i++) {
    const doc = await request(`http://127.0.0.1:${daemon.port}/latest/meta-data/iam/security-credentials/dev`, {
      headers: { 'x-aws-ec2-metadata-token': token },
    });
    status = doc.statusCode;
    const body = await doc.body.text();
    if (status !== 200) {
      t.equal(status, 503, 'until then, an error status');
      t.match(body, /IMDSD_ERR_STS_UNAVAILABLE/, 'whose code names the cause');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  t.equal(status, 200, 'served after STS healed');
  t.equal(sts.calls.filter((call) => call.action === 'AssumeRole').length, 2, 'one failed and one good AssumeRole, no storm');
});

t.test('when STS keeps failing, clients get a non-200 JSON error with a code', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  sts.setFaultMode(() => ({ kind: 'http', status: 403, code: 'AccessDenied', message: 'not authorized' }));
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], daemonEnv(sts));
  t.teardown(() => daemon.stop());
  const token = await imdsToken(daemon.port);
  const doc = await request(`http://127.0.0.1:${daemon.port}/latest/meta-data/iam/security-credentials/dev`, {
    headers: { 'x-aws-ec2-metadata-token': token },
  });
  t.equal(doc.statusCode, 503, 'an error status, never a 200 with an unusable credential');
  const body = (await doc.body.json()) as { Code?: string; Message?: string };
  t.equal(body.Code, 'IMDSD_ERR_ACCESS_DENIED', 'the code names the cause');
  t.match(body.Message, /trust policy/, 'the message carries the remediation');
  const outcome = await runSdkClient(clientEnv(sts, daemon.port));
  t.notOk(outcome.ok, 'the SDK fails rather than using anything expired');
});

t.test('SIGTERM and SIGINT shut down cleanly with exit 0', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const daemon: DaemonProcess = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], daemonEnv(sts));
    t.equal(await daemon.stop(signal), 0, `${signal} exits 0`);
    t.ok(daemon.lines.some((line) => line.event === 'shutdown'), `${signal} is logged`);
  }
});
