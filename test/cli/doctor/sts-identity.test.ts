/**
 * `--check-env-credentials` against the local STS: a fresh AssumeRole's credentials are
 * valid (with their ARN), and the same credentials once expired get ExpiredToken.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createServer } from 'node:http';
import t, { type Test } from 'tap';
import { stsCallerIdentity, stsClientConfig } from '../../../src/cli/doctor/sts-identity.js';
import { configuredStsEndpoint } from '../../../src/system/sts-endpoint.js';
import { doctorCommand } from '../../../src/cli/commands/doctor.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsServer } from '../../support/sts-server.js';
import { notRunning, tempHome } from '../../support/doctor-fakes.js';

async function assumeRole(sts: StsServer): Promise<{ AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_SESSION_TOKEN: string }> {
  const client = new STSClient({ region: 'us-east-1', endpoint: sts.url, credentials: { accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey } });
  try {
    const out = await client.send(new AssumeRoleCommand({ RoleArn: DEFAULT_ROLE_ARN, RoleSessionName: 'doctor-test' }));
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) throw new Error('no credentials');
    return { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };
  } finally {
    client.destroy();
  }
}

async function doctor(t: Test, env: NodeJS.ProcessEnv): Promise<{ code: number; report: { findings: Array<{ id: string; level: string; title: string; fix?: string }> } }> {
  let out = '';
  const code = await doctorCommand(['--check-env-credentials', '--json'], {
    env, home: tempHome(), now: () => Date.now(), out: (text) => { out += text; }, err: (text) => t.comment(text), interrupted: new Promise(() => {}),
  }, { status: notRunning, findPortOwner: async () => undefined });
  return { code, report: JSON.parse(out) as { findings: Array<{ id: string; level: string; title: string; fix?: string }> } };
}

t.test('the configured STS endpoint, as the SDK reads it from the environment', async (t) => {
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL_STS: 'http://sts', AWS_ENDPOINT_URL: 'http://all' }), 'http://sts', 'the service-specific one first');
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL: 'http://all' }), 'http://all', 'then the global one');
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL_STS: 'http://sts', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), undefined, 'unless ignored (exactly "true", as the SDK reads it: issue 12)');
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL_STS: '' }), undefined, 'none: the SDK\'s regional endpoint');
  const creds = { accessKeyId: 'AKIA1', secretAccessKey: 's' };
  t.same(stsClientConfig(creds, {}), { region: 'us-east-1', credentials: creds, maxAttempts: 1 }, 'no endpoint key at all: the SDK resolves the regional one');
  t.same(stsClientConfig(creds, { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: 'http://sts' }), { region: 'eu-west-1', credentials: creds, maxAttempts: 1, endpoint: 'http://sts' },
    'the env\'s region and endpoint, one attempt');
});

t.test('valid credentials: STS names the caller', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const creds = await assumeRole(sts);
  const arn = await stsCallerIdentity({ accessKeyId: creds.AWS_ACCESS_KEY_ID, secretAccessKey: creds.AWS_SECRET_ACCESS_KEY, sessionToken: creds.AWS_SESSION_TOKEN },
    { AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'eu-west-1' });
  t.match(arn, /^arn:aws:sts::123456789012:assumed-role\/dev\/doctor-test$/, 'the assumed-role ARN');
  const call = sts.calls.at(-1);
  t.match(call, { action: 'GetCallerIdentity', region: 'eu-west-1', accessKeyId: creds.AWS_ACCESS_KEY_ID }, 'one GetCallerIdentity, signed for the env\'s region');

  const run = await doctor(t, { ...creds, AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'us-east-1' });
  t.equal(run.code, 1, 'exit 1: valid or not, exported keys still hide imdsd');
  t.match(run.report.findings.find((f) => f.id === 'env-credentials-sts'), { level: 'ok', title: /STS accepts the exported credentials: arn:aws:sts::123456789012:assumed-role\/dev\/doctor-test/ },
    'doctor reports them valid with the ARN');
  t.match(run.report.findings.find((f) => f.id === 'env-static-keys'), { level: 'problem' }, 'and still hiding imdsd');
  t.equal(sts.calls.filter((c) => c.action === 'GetCallerIdentity').length, 2, 'nothing else was called');
});

t.test('expired session credentials: ExpiredToken', async (t) => {
  let now = Date.now();
  const sts = await startStsServer({ now: () => now, lifetimeSec: 900 });
  t.teardown(() => sts.close());
  const creds = await assumeRole(sts);
  now += 901_000;
  await t.rejects(stsCallerIdentity({ accessKeyId: creds.AWS_ACCESS_KEY_ID, secretAccessKey: creds.AWS_SECRET_ACCESS_KEY, sessionToken: creds.AWS_SESSION_TOKEN },
    { AWS_ENDPOINT_URL: sts.url, AWS_DEFAULT_REGION: 'ap-south-1' }), { name: 'ExpiredToken' }, 'the SDK error names ExpiredToken');
  t.match(sts.calls.at(-1), { action: 'GetCallerIdentity', region: 'ap-south-1' }, 'AWS_DEFAULT_REGION when AWS_REGION is not set');
  const run = await doctor(t, { ...creds, AWS_ENDPOINT_URL_STS: sts.url });
  t.equal(run.code, 1, 'exit 1');
  t.match(run.report.findings.find((f) => f.id === 'env-credentials-sts'), {
    level: 'problem', title: 'STS says the exported credentials have expired (ExpiredToken)', fix: 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN',
  }, 'doctor says so, with the fix');
  t.equal(sts.calls.every((c) => c.action !== 'AssumeRole' || c.accessKeyId === DEFAULT_USER.accessKeyId), true, 'the exported keys were only used for GetCallerIdentity');
});

t.test('an answer without an Arn is refused', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await t.rejects(stsCallerIdentity({ accessKeyId: 'AKIA1', secretAccessKey: 's' }, { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` }),
    { message: 'STS answered GetCallerIdentity without an Arn' }, 'guarded');
});
