/**
 * The fake STS in test/support/sts-server.ts, checked against the real AWS SDK v3
 * (and botocore when Python has it): its answers must parse, its checks must bite.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';
import {
  DEFAULT_ROLE_ARN,
  DEFAULT_USER,
  REQUEST_TIME_ERROR,
  startStsServer,
  type StsServer,
  type StsServerOptions,
} from './support/sts-server.js';
import { waitUntil } from './support/wait-until.js';

const userCreds: AwsCredentialIdentity = { accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey };

/** A server on a clock the test can move; torn down with the test. */
async function start(t: Test, options: StsServerOptions = {}) {
  let offsetMs = 0;
  const server = await startStsServer({ now: () => Date.now() + offsetMs, ...options });
  t.teardown(() => server.close());
  return { server, advance: (ms: number) => void (offsetMs += ms) };
}

function client(server: StsServer, credentials: AwsCredentialIdentity, extra: Partial<STSClientConfig> = {}): STSClient {
  return new STSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });
}

async function assumeRole(sts: STSClient, input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: DEFAULT_ROLE_ARN, RoleSessionName: 'test-session', ...input }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('AssumeRole returned no credentials');
  const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  return { out, creds, expiration: c.Expiration };
}

t.test('AssumeRole issues credentials that GetCallerIdentity accepts as the assumed role', async (t) => {
  const { server } = await start(t);
  const before = Date.now();
  const { out, creds, expiration } = await assumeRole(client(server, userCreds), { ExternalId: 'ext-123' });
  t.match(creds.accessKeyId, /^ASIA[A-Z0-9]{16}$/, 'access key id looks like an STS session key');
  t.equal(creds.secretAccessKey.length, 40, 'secret is 40 chars');
  t.ok(creds.sessionToken.length > 200, 'session token is long');
  t.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/dev/test-session', 'assumed-role ARN');
  t.match(out.AssumedRoleUser?.AssumedRoleId, /^AROA[A-Z0-9]{17}:test-session$/, 'assumed role id');
  const ms = expiration.getTime();
  t.ok(ms >= Math.floor(before / 1000) * 1000 + 3600_000 && ms <= Date.now() + 3600_000, 'default lifetime is one hour');
  t.equal(ms % 1000, 0, 'expiration has whole seconds like real STS');

  const id = await client(server, creds, { region: 'eu-west-1' }).send(new GetCallerIdentityCommand({}));
  t.equal(id.Arn, 'arn:aws:sts::123456789012:assumed-role/dev/test-session', 'caller is the assumed role');
  t.equal(id.Account, '123456789012', 'account of the role');
  t.equal(id.UserId, out.AssumedRoleUser?.AssumedRoleId, 'user id is the assumed role id');
  t.match(server.calls[0], { action: 'AssumeRole', accessKeyId: DEFAULT_USER.accessKeyId, region: 'us-east-1', roleArn: DEFAULT_ROLE_ARN, roleSessionName: 'test-session', externalId: 'ext-123', status: 200, issuedAccessKeyId: creds.accessKeyId }, 'AssumeRole recorded');
  t.match(server.calls[1], { action: 'GetCallerIdentity', accessKeyId: creds.accessKeyId, region: 'eu-west-1', status: 200 }, 'GetCallerIdentity recorded');
  const recorded = JSON.stringify(server.calls);
  t.notOk(recorded.includes(creds.secretAccessKey) || recorded.includes(creds.sessionToken) || recorded.includes(DEFAULT_USER.secretAccessKey), 'no secrets in calls');
});

t.test('GetCallerIdentity with a long-term key answers the user ARN', async (t) => {
  const { server } = await start(t);
  const id = await client(server, userCreds).send(new GetCallerIdentityCommand({}));
  t.equal(id.Arn, DEFAULT_USER.arn, 'user ARN');
  t.equal(id.Account, '111111111111', 'user account');
  t.match(id.UserId, /^AIDA/, 'IAM user id');
});

t.test('a wrong secret is refused with SignatureDoesNotMatch', async (t) => {
  const { server } = await start(t);
  const sts = client(server, { ...userCreds, secretAccessKey: 'not-the-secret' });
  await t.rejects(sts.send(new GetCallerIdentityCommand({})), { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }, 'SDK sees SignatureDoesNotMatch');
  t.match(server.calls, [{ status: 403, code: 'SignatureDoesNotMatch' }], 'recorded');
});

t.test('unknown, revoked or token-less keys are refused with InvalidClientTokenId', async (t) => {
  const { server } = await start(t);
  const invalid = { name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  await t.rejects(client(server, { accessKeyId: 'AKIANOBODYKNOWSTHIS', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})), invalid, 'unknown key');

  const { creds } = await assumeRole(client(server, userCreds));
  await t.rejects(client(server, { ...creds, sessionToken: undefined }).send(new GetCallerIdentityCommand({})), invalid, 'session key without its token');
  await t.rejects(client(server, { ...creds, sessionToken: `${creds.sessionToken}x` }).send(new GetCallerIdentityCommand({})), invalid, 'session key with a wrong token');
  await t.rejects(client(server, { ...userCreds, sessionToken: creds.sessionToken }).send(new GetCallerIdentityCommand({})), invalid, 'long-term key with a token');

  server.revoke(creds.accessKeyId);
  await t.rejects(client(server, creds).send(new GetCallerIdentityCommand({})), invalid, 'revoked session key');
  server.revoke(DEFAULT_USER.accessKeyId);
  await t.rejects(client(server, userCreds).send(new GetCallerIdentityCommand({})), invalid, 'revoked user key');
  server.addUser('AKIANEWUSER000000001', 'new-secret', 'arn:aws:iam::222222222222:user/new');
  const id = await client(server, { accessKeyId: 'AKIANEWUSER000000001', secretAccessKey: 'new-secret' }).send(new GetCallerIdentityCommand({}));
  t.equal(id.Arn, 'arn:aws:iam::222222222222:user/new', 'a user added later works');
});

t.test('session credentials past their expiration are refused with ExpiredToken', async (t) => {
  const { server, advance } = await start(t);
  const { creds } = await assumeRole(client(server, userCreds), { DurationSeconds: 900 });
  advance(899_000);
  const id = await client(server, creds, { systemClockOffset: 899_000 }).send(new GetCallerIdentityCommand({}));
  t.ok(id.Arn, 'still valid one second before expiry (client clock moved with the server)');
  advance(1_000);
  await t.rejects(client(server, creds).send(new GetCallerIdentityCommand({})), { name: 'ExpiredToken', message: 'The security token included in the request is expired', $metadata: { httpStatusCode: 400 } }, 'expired');
});

t.test('a client clock more than five minutes off is refused with RequestExpired', async (t) => {
  const { server, advance } = await start(t);
  advance(10 * 60_000);
  await t.rejects(client(server, userCreds).send(new GetCallerIdentityCommand({})), { name: REQUEST_TIME_ERROR.code, message: REQUEST_TIME_ERROR.message, $metadata: { httpStatusCode: 400 } }, 'client 10 minutes behind');
  advance(-20 * 60_000);
  await t.rejects(client(server, userCreds).send(new GetCallerIdentityCommand({})), { name: 'RequestExpired' }, 'client 10 minutes ahead');
  advance(14 * 60_000);
  await client(server, userCreds).send(new GetCallerIdentityCommand({}));
  t.pass('four minutes of skew is accepted');
});

t.test('the SDK corrects its clock from the Date header and succeeds on its retry', async (t) => {
  const { server, advance } = await start(t);
  advance(10 * 60_000);
  const out = await client(server, userCreds, { maxAttempts: 2 }).send(new GetCallerIdentityCommand({}));
  t.equal(out.$metadata.attempts, 2, 'first attempt refused, second signed with the server time');
  t.match(server.calls, [{ code: 'RequestExpired' }, { status: 200 }], 'both attempts recorded');
});

t.test('AssumeRole of an unknown or untrusting role is refused with AccessDenied', async (t) => {
  const { server } = await start(t);
  const sts = client(server, userCreds);
  const unknown = 'arn:aws:iam::123456789012:role/nope';
  await t.rejects(assumeRole(sts, { RoleArn: unknown }), { name: 'AccessDenied', message: `User: ${DEFAULT_USER.arn} is not authorized to perform: sts:AssumeRole on resource: ${unknown}`, $metadata: { httpStatusCode: 403 } }, 'unknown role');
  const picky = 'arn:aws:iam::123456789012:role/picky';
  server.addRole(picky, { trusted: ['arn:aws:iam::111111111111:user/someone-else'] });
  await t.rejects(assumeRole(sts, { RoleArn: picky }), { name: 'AccessDenied' }, 'principal not trusted');
  server.addRole(picky, { trusted: [DEFAULT_USER.arn] });
  await assumeRole(sts, { RoleArn: picky });
  t.pass('trusted principal may assume it');
});

t.test('AssumeRole validates its parameters like STS', async (t) => {
  const { server } = await start(t, { roles: { [DEFAULT_ROLE_ARN]: { maxSessionDurationSec: 7200 } } });
  const sts = client(server, userCreds);
  await t.rejects(assumeRole(sts, { DurationSeconds: 899 }), { name: 'ValidationError', message: /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/ }, 'too short');
  await t.rejects(assumeRole(sts, { DurationSeconds: 43201 }), { name: 'ValidationError', message: /less than or equal to 43200/ }, 'too long');
  await t.rejects(assumeRole(sts, { DurationSeconds: 7201 }), { name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' }, 'over the role maximum');
  await t.rejects(assumeRole(sts, { RoleSessionName: 'has space' }), { name: 'ValidationError', message: /roleSessionName.*regular expression/ }, 'bad session name');
  const { expiration } = await assumeRole(sts, { DurationSeconds: 7200 });
  t.ok(Math.abs(expiration.getTime() - Date.now() - 7200_000) < 2000, 'DurationSeconds sets the lifetime');
});

t.test('role chaining is limited to one hour', async (t) => {
  const { server } = await start(t);
  const { creds } = await assumeRole(client(server, userCreds));
  const chained = client(server, creds);
  await t.rejects(assumeRole(chained, { DurationSeconds: 3601 }), { name: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', $metadata: { httpStatusCode: 400 } }, 'chaining over an hour');
  const { out } = await assumeRole(chained, { DurationSeconds: 3600, RoleSessionName: 'chained' });
  t.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/dev/chained', 'chaining for an hour works');
});

t.test('lifetimeSec makes STS issue shorter credentials than asked', async (t) => {
  const { server } = await start(t, { lifetimeSec: 120 });
  const { expiration } = await assumeRole(client(server, userCreds), { DurationSeconds: 3600 });
  t.ok(Math.abs(expiration.getTime() - Date.now() - 120_000) < 2000, 'expires in 120 s');
});

t.test('GetSessionToken issues user-scoped session credentials, with MFA when asked', async (t) => {
  const { server, advance } = await start(t, { mfaCode: '654321' });
  const sts = client(server, userCreds);
  const plain = await sts.send(new GetSessionTokenCommand({}));
  t.ok(Math.abs((plain.Credentials?.Expiration?.getTime() ?? 0) - Date.now() - 43200_000) < 2000, 'default 12 hours');
  const serial = 'arn:aws:iam::111111111111:mfa/tester';
  await t.rejects(sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '123456' })), { name: 'AccessDenied', message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.' }, 'wrong MFA code');
  await t.rejects(sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '12ab56' })), { name: 'ValidationError' }, 'malformed MFA code');
  const out = await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: '654321', DurationSeconds: 3600 }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
  const session = client(server, { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
  t.match(server.calls.at(-1), { action: 'GetSessionToken', serialNumber: serial, durationSeconds: 3600, status: 200 }, 'recorded without the code');
  t.notOk(JSON.stringify(server.calls).includes('654321'), 'MFA code not recorded');

  t.equal((await session.send(new GetCallerIdentityCommand({}))).Arn, DEFAULT_USER.arn, 'session acts as the user');
  const { creds } = await assumeRole(session, { DurationSeconds: 7200 });
  t.ok(creds.accessKeyId, 'AssumeRole with GetSessionToken credentials is not role chaining');
  await t.rejects(session.send(new GetSessionTokenCommand({})), { name: 'AccessDenied' }, 'session credentials may not call GetSessionToken');
  advance(3600_000);
  await t.rejects(session.send(new GetCallerIdentityCommand({})), { name: 'ExpiredToken' }, 'GetSessionToken credentials expire too');
});

t.test('responses carry Date, x-amzn-RequestId and STS-shaped XML errors', async (t) => {
  const fixed = Date.parse('2026-03-04T05:06:07Z');
  const server = await startStsServer({ now: () => fixed });
  t.teardown(() => server.close());
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  t.equal(res.status, 403, 'unsigned request is forbidden');
  t.equal(res.headers.get('date'), 'Wed, 04 Mar 2026 05:06:07 GMT', 'Date header from now()');
  t.equal(res.headers.get('content-type'), 'text/xml', 'text/xml');
  const requestId = res.headers.get('x-amzn-requestid') ?? '';
  t.match(requestId, /^[0-9a-f-]{36}$/, 'request id header');
  const body = await res.text();
  t.match(body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>MissingAuthenticationToken<\/Code>\s*<Message>[^<]+<\/Message>\s*<\/Error>\s*<RequestId>([^<]+)<\/RequestId>\s*<\/ErrorResponse>/, 'ErrorResponse shape');
  t.ok(body.includes(`<RequestId>${requestId}</RequestId>`), 'same request id in body');

  const bogus = await fetch(`${server.url}/?Action=Bogus&Version=2011-06-15`);
  t.equal(bogus.status, 400, 'unknown action is a 400');
  t.match(await bogus.text(), /<Code>InvalidAction<\/Code>/, 'InvalidAction');
  t.match(server.calls, [{ action: 'GetCallerIdentity', status: 403, code: 'MissingAuthenticationToken' }, { action: 'Bogus', status: 400, code: 'InvalidAction' }], 'recorded');
});

/** Node-crypto SHA-256 in the shape @smithy/signature-v4 wants. */
class Sha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}
function toBytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

t.test('presigned GET requests are verified too', async (t) => {
  const { server } = await start(t);
  const url = new URL(server.url);
  const signer = new SignatureV4({ credentials: userCreds, region: 'us-east-1', service: 'sts', sha256: Sha256 });
  const presign = (service?: string) =>
    signer.presign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: url.host } },
      { expiresIn: 60, ...(service === undefined ? {} : { signingService: service }) },
    );
  const toUrl = (q: Record<string, unknown>) => `${server.url}/?${Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
  const ok = await fetch(toUrl((await presign()).query ?? {}));
  t.equal(ok.status, 200, 'presigned GetCallerIdentity works');
  t.match(await ok.text(), new RegExp(`<Arn>${DEFAULT_USER.arn}</Arn>`), 'as the user');
  const tampered = { ...((await presign()).query ?? {}), Version: '2011-06-16' };
  t.equal((await fetch(toUrl(tampered))).status, 403, 'tampered query fails the signature');
  t.equal((await fetch(toUrl((await presign('s3')).query ?? {}))).status, 403, 'scoped to another service');
});

const hangingClient = (server: StsServer) => client(server, userCreds, { requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true }) });

t.test('injected HTTP faults reach the SDK as named exceptions', async (t) => {
  const { server } = await start(t);
  const sts = client(server, userCreds);
  server.injectFaults(
    { kind: 'http', status: 500, code: 'InternalFailure' },
    { kind: 'http', status: 400, code: 'Throttling', message: 'Rate exceeded' },
    { kind: 'http', status: 503, code: 'ServiceUnavailable' },
  );
  await t.rejects(assumeRole(sts), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } }, '500 InternalFailure');
  await t.rejects(assumeRole(sts), { name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }, '400 Throttling');
  await t.rejects(assumeRole(sts), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }, '503 ServiceUnavailable');
  await assumeRole(sts);
  t.pass('queue used up: next call works');
  t.match(server.calls.map((c) => [c.fault, c.status, c.code]), [['http', 500, 'InternalFailure'], ['http', 400, 'Throttling'], ['http', 503, 'ServiceUnavailable'], [undefined, 200, undefined]], 'recorded');
});

t.test('a queued fault with an action waits for that action; fault modes apply until cleared', async (t) => {
  const { server } = await start(t);
  const sts = client(server, userCreds);
  server.injectFaults({ kind: 'http', status: 400, code: 'RequestLimitExceeded', action: 'AssumeRole' });
  await sts.send(new GetCallerIdentityCommand({}));
  await t.rejects(assumeRole(sts), { name: 'RequestLimitExceeded' }, 'AssumeRole consumed the fault');
  await assumeRole(sts);
  let failing = true;
  server.setFaultMode((call) => (failing && call.action === 'AssumeRole' ? { kind: 'http', status: 503, code: 'ServiceUnavailable' } : undefined));
  await t.rejects(assumeRole(sts), { name: 'ServiceUnavailable' }, 'mode applies');
  await t.rejects(assumeRole(sts), { name: 'ServiceUnavailable' }, 'mode applies again');
  await sts.send(new GetCallerIdentityCommand({}));
  failing = false;
  await assumeRole(sts);
  server.setFaultMode(undefined);
  t.equal(server.calls.filter((c) => c.fault !== undefined).length, 3, 'three faulted calls');
});

t.test('a hanging STS is given up by the SDK request timeout', async (t) => {
  const { server } = await start(t);
  server.injectFaults({ kind: 'hang' }, { kind: 'hang' });
  const started = Date.now();
  await t.rejects(hangingClient(server).send(new GetCallerIdentityCommand({})), { name: 'TimeoutError' }, 'requestTimeout + throwOnRequestTimeout');
  t.comment(`gave up after ${Date.now() - started} ms (the STS never answers: the SDK's request timeout ended it)`);
  await t.rejects(client(server, userCreds).send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(200) }), { name: 'AbortError' }, 'abortSignal');
  t.match(server.calls, [{ fault: 'hang', status: 0 }, { fault: 'hang', status: 0 }], 'never answered');
});

t.test('close() ends hanging requests at once', async (t) => {
  const server = await startStsServer();
  server.injectFaults({ kind: 'hang' });
  const pending = client(server, userCreds).send(new GetCallerIdentityCommand({}));
  t.ok(await waitUntil(() => server.calls.length > 0, 10_000), 'the request reached the STS');
  const started = Date.now();
  await server.close();
  await t.rejects(pending, 'the client sees the connection go');
  t.comment(`closed ${Date.now() - started} ms after close() (the STS never answers: close() ended it)`);
});

t.test('reset, malformed and delay faults', async (t) => {
  const { server } = await start(t);
  const sts = client(server, userCreds);
  server.injectFaults({ kind: 'reset' }, { kind: 'malformed' }, { kind: 'malformed', body: '<AssumeRoleResponse><AssumeRoleResult>' }, { kind: 'delay', ms: 150 });
  await t.rejects(assumeRole(sts), { code: 'ECONNRESET' }, 'reset: socket hang up');
  await t.rejects(assumeRole(sts), { message: /XML parse error/ }, 'malformed: default body does not parse');
  await t.rejects(assumeRole(sts), { message: /XML parse error/ }, 'malformed: custom body');
  const started = Date.now();
  await assumeRole(sts);
  t.ok(Date.now() - started >= 140, 'delay: answered late but normally');
  t.match(server.calls.map((c) => [c.fault, c.status]), [['reset', 0], ['malformed', 200], ['malformed', 200], ['delay', 200]], 'recorded');
});

const exec = promisify(execFile);
const hasBotocore = await exec('python3', ['-c', 'import botocore.session'], { timeout: 10_000 }).then(() => true, () => false);

t.test('botocore accepts the answers and is verified', { skip: hasBotocore ? false : 'python3 with botocore not available' }, async (t) => {
  const { server } = await start(t);
  const script = `
import sys, json, botocore.session
from botocore.exceptions import ClientError
url, akid, secret, role = sys.argv[1:5]
s = botocore.session.get_session()
c = s.create_client('sts', endpoint_url=url, region_name='ap-south-1', aws_access_key_id=akid, aws_secret_access_key=secret)
r = c.assume_role(RoleArn=role, RoleSessionName='boto')
k = r['Credentials']
c2 = s.create_client('sts', endpoint_url=url, region_name='ap-south-1', aws_access_key_id=k['AccessKeyId'], aws_secret_access_key=k['SecretAccessKey'], aws_session_token=k['SessionToken'])
out = {'arn': c2.get_caller_identity()['Arn'], 'expiration': k['Expiration'].isoformat()}
try:
    s.create_client('sts', endpoint_url=url, region_name='ap-south-1', aws_access_key_id=akid, aws_secret_access_key='wrong').get_caller_identity()
except ClientError as e:
    out['error'] = e.response['Error']['Code']
print(json.dumps(out))
`;
  const { stdout } = await exec('python3', ['-c', script, server.url, DEFAULT_USER.accessKeyId, DEFAULT_USER.secretAccessKey, DEFAULT_ROLE_ARN], { timeout: 20_000, env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
  const out = JSON.parse(stdout) as { arn: string; expiration: string; error: string };
  t.equal(out.arn, 'arn:aws:sts::123456789012:assumed-role/dev/boto', 'botocore used the issued credentials');
  t.match(out.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/, 'Expiration parsed as a UTC timestamp');
  t.equal(out.error, 'SignatureDoesNotMatch', 'botocore sees the error code');
});
