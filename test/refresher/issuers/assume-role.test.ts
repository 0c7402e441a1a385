import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import type { ErrorCode } from '../../../src/errors.js';
import { classifyStsFailure, type FailureContext, type RetryClass } from '../../../src/refresher/classify.js';
import { createRefresher } from '../../../src/refresher/refresher.js';
import { sourceLabel, sourceProvider } from '../../../src/refresher/source-credentials.js';
import { createAssumeRoleIssue, type StsCallOptions } from '../../../src/refresher/issuers/assume-role.js';
import type { Issuer } from '../../../src/refresher/issuers/issuer.js';
import { FakeClock } from '../../support/fake-clock.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsServer, type StsServerOptions } from '../../support/sts-server.js';

const REGION = 'us-east-1';
const STATIC_SOURCE = { kind: 'static', accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey } as const;
const CONTEXT: FailureContext = {
  roleArn: DEFAULT_ROLE_ARN,
  sourceLabel: sourceLabel(STATIC_SOURCE),
  region: REGION,
};

/** Variables that could point the SDK somewhere else than the local STS. */
const ENDPOINT_VARS = ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_STS_REGIONAL_ENDPOINTS', 'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT'];

/** Starts a local STS and points the SDK at it through AWS_ENDPOINT_URL_STS until teardown. */
async function localSts(t: Test, options: StsServerOptions = {}): Promise<StsServer> {
  const server = await startStsServer(options);
  const saved = new Map(ENDPOINT_VARS.map((k) => [k, process.env[k]]));
  for (const k of ENDPOINT_VARS) delete process.env[k];
  process.env.AWS_CONFIG_FILE = '/nonexistent/imdsd-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/imdsd-test/credentials';
  process.env.AWS_ENDPOINT_URL_STS = server.url;
  t.teardown(async () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await server.close();
  });
  return server;
}

function assumeRoleFor(overrides: Partial<StsCallOptions> = {}): Issuer {
  return createAssumeRoleIssue({
    roleArn: DEFAULT_ROLE_ARN,
    sessionName: 'imdsd-tester',
    region: REGION,
    credentials: sourceProvider(STATIC_SOURCE),
    deadlineMs: 2_000,
    ...overrides,
  });
}

/** What `call` threw, classified as the refresher would. */
async function failure(call: Promise<unknown>, ctx: FailureContext = CONTEXT): Promise<{ code: ErrorCode; retry: RetryClass; thrown: unknown; hint: string }> {
  const thrown = await call.then(() => undefined, (err: unknown) => err);
  if (thrown === undefined) throw new Error('the call was expected to fail');
  const { error, retry } = classifyStsFailure(thrown, ctx);
  return { code: error.code, retry, thrown, hint: error.hint ?? '' };
}

t.test('a successful AssumeRole is mapped into an IssuedCredential', async (t) => {
  // The local STS runs two minutes ahead, to tell its Date header from the local clock.
  const aheadMs = 2 * 60_000;
  const server = await localSts(t, { now: () => Date.now() + aheadMs });
  const issued = await assumeRoleFor({ externalId: 'ext-123' })(7200);
  const call = server.calls.at(-1);
  t.equal(call?.action, 'AssumeRole', 'the SDK called AssumeRole');
  t.equal(call?.status, 200, 'and STS answered 200');
  t.equal(call?.roleArn, DEFAULT_ROLE_ARN, 'for the configured role');
  t.equal(call?.roleSessionName, 'imdsd-tester', 'with the session name');
  t.equal(call?.externalId, 'ext-123', 'with the external id');
  t.equal(call?.durationSeconds, 7200, 'with DurationSeconds');
  t.equal(call?.accessKeyId, DEFAULT_USER.accessKeyId, 'signed with the source keys');
  t.equal(call?.region, REGION, 'for the configured region');
  t.equal(issued.accessKeyId, call?.issuedAccessKeyId, 'accessKeyId is the one STS issued');
  t.match(issued.secretAccessKey, /^[A-Za-z0-9+/]{40}$/, 'secretAccessKey is mapped');
  t.match(issued.sessionToken, /^IQoJb3JpZ2luX2Vj/, 'sessionToken is mapped');
  t.ok(issued.stsDateMs !== undefined, 'stsDateMs is read from the Date header');
  const skewMs = (issued.stsDateMs ?? 0) - Date.now();
  t.ok(skewMs > aheadMs - 5_000 && skewMs < aheadMs + 2_000, `stsDateMs is STS time, ${Math.round(skewMs / 1000)} s ahead of the local clock`);
  t.equal(issued.expiresAtMs - Math.floor((issued.stsDateMs ?? 0) / 1000) * 1000, 7200_000, 'expiresAtMs is the Expiration STS sent: 2 h after its time');
});

t.test('without a duration STS chooses one hour', async (t) => {
  const server = await localSts(t);
  const issued = await assumeRoleFor()(undefined);
  t.equal(server.calls.at(-1)?.durationSeconds, undefined, 'no DurationSeconds is sent');
  const leftMs = issued.expiresAtMs - Date.now();
  t.ok(leftMs > 3590_000 && leftMs <= 3600_000, 'the credential lives one hour');
});

t.test('an unknown role is AccessDenied, retried slowly', async (t) => {
  await localSts(t);
  const f = await failure(assumeRoleFor({ roleArn: 'arn:aws:iam::123456789012:role/nope' })(3600));
  t.match(f.thrown, { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, 'the SDK threw AccessDenied with 403');
  t.equal(f.code, 'IMDSD_ERR_ACCESS_DENIED', 'classified as access denied');
  t.equal(f.retry, 'slow', 'retried slowly');
});

t.test('an STS that hangs times out within deadlineMs', async (t) => {
  const server = await localSts(t);
  server.injectFaults({ kind: 'hang' });
  const startedMs = Date.now();
  const f = await failure(assumeRoleFor({ deadlineMs: 300 })(3600));
  const elapsedMs = Date.now() - startedMs;
  t.equal(f.code, 'IMDSD_ERR_STS_TIMEOUT', 'classified as an STS timeout');
  t.equal(f.retry, 'fast', 'retried fast');
  // The STS never answers: that the call ended at all is the deadline at work. How soon
  // is a figure of the machine's load; only "not before the deadline" is asserted.
  t.ok(elapsedMs >= 250, `it did not give up before the deadline (${elapsedMs} ms)`);
  t.comment(`gave up after ${elapsedMs} ms (deadline 300 ms)`);
});

t.test('source credentials that never resolve also time out within deadlineMs', async (t) => {
  const server = await localSts(t);
  const startedMs = Date.now();
  const f = await failure(assumeRoleFor({ deadlineMs: 300, credentials: () => new Promise(() => undefined) })(3600));
  const elapsedMs = Date.now() - startedMs;
  t.equal(f.code, 'IMDSD_ERR_STS_TIMEOUT', 'a hung credential_process or SSO refresh is an STS timeout');
  t.ok(elapsedMs >= 250, `not before the deadline (${elapsedMs} ms): the deadline, not a failure, ended it`);
  t.comment(`gave up after ${elapsedMs} ms (deadline 300 ms), not never`);
  t.equal(server.calls.length, 0, 'STS was never reached');
});

t.test('a 200 answer that is not XML is IMDSD_ERR_STS_MALFORMED', async (t) => {
  const server = await localSts(t);
  server.injectFaults({ kind: 'malformed' });
  const f = await failure(assumeRoleFor()(3600));
  t.match(f.thrown, { $metadata: { httpStatusCode: 200 } }, 'the SDK failed to deserialize a 200');
  t.equal(f.code, 'IMDSD_ERR_STS_MALFORMED', 'classified as a malformed answer');
  t.equal(f.retry, 'fast', 'retried fast');
});

t.test('an AssumeRole answer without credentials is IMDSD_ERR_STS_MALFORMED', async (t) => {
  const server = await localSts(t);
  server.injectFaults({
    kind: 'malformed',
    body: '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>',
  });
  const f = await failure(assumeRoleFor()(3600));
  t.match(f.thrown, { name: 'ImdsdError', code: 'IMDSD_ERR_STS_MALFORMED' }, 'the guard on the answer refused it');
  t.equal(f.code, 'IMDSD_ERR_STS_MALFORMED', 'and it stays malformed');

  for (const [what, credentials] of [
    ['an empty secret', '<AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey></SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>'],
    ['no session token', '<AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration>'],
    ['no expiration', '<AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>'],
    ['no key id', '<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>'],
  ] as const) {
    server.injectFaults({
      kind: 'malformed',
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>${credentials}</Credentials></AssumeRoleResult></AssumeRoleResponse>`,
    });
    t.equal((await failure(assumeRoleFor()(3600))).code, 'IMDSD_ERR_STS_MALFORMED', `a credential with ${what} is refused`);
  }
});

t.test('STS error answers come through classifyStsFailure', async (t) => {
  const server = await localSts(t);
  const cases: Array<[Parameters<StsServer['injectFaults']>[0], ErrorCode, RetryClass]> = [
    [{ kind: 'http', status: 400, code: 'Throttling', message: 'Rate exceeded' }, 'IMDSD_ERR_STS_THROTTLED', 'fast'],
    [{ kind: 'http', status: 503, code: 'ServiceUnavailable' }, 'IMDSD_ERR_STS_UNAVAILABLE', 'fast'],
    [{ kind: 'http', status: 500, code: 'InternalFailure' }, 'IMDSD_ERR_STS_UNAVAILABLE', 'fast'],
    [{ kind: 'http', status: 400, code: 'ExpiredTokenException', message: 'The security token included in the request is expired' }, 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', 'slow'],
    [{ kind: 'http', status: 403, code: 'RegionDisabledException', message: 'STS is not activated in this region' }, 'IMDSD_ERR_REGION', 'slow'],
    [{ kind: 'http', status: 400, code: 'MalformedPolicyDocument' }, 'IMDSD_ERR_STS_VALIDATION', 'slow'],
    [{ kind: 'reset' }, 'IMDSD_ERR_STS_UNAVAILABLE', 'fast'],
  ];
  for (const [fault, code, retry] of cases) {
    server.injectFaults(fault);
    const f = await failure(assumeRoleFor()(3600));
    const what = fault.kind === 'http' ? `${fault.status} ${fault.code}` : fault.kind;
    t.equal(f.code, code, `${what} is ${code}`);
    t.equal(f.retry, retry, `${what} is retried ${retry}`);
  }
});

t.test('a local clock off by more than five minutes is IMDSD_ERR_CLOCK_SKEW', async (t) => {
  await localSts(t, { now: () => Date.now() + 10 * 60_000 });
  const f = await failure(assumeRoleFor()(3600));
  t.match(f.thrown, { name: 'RequestExpired' }, 'STS refused the request time');
  t.equal(f.code, 'IMDSD_ERR_CLOCK_SKEW', 'classified as clock skew');
  t.match(f.hint, /timedatectl set-ntp true/, 'with the time-sync remedy');
});

t.test('wrong or revoked source keys are IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', async (t) => {
  const server = await localSts(t);
  const wrongSecret = await failure(assumeRoleFor({ credentials: sourceProvider({ ...STATIC_SOURCE, secretAccessKey: 'wrong' }) })(3600));
  t.match(wrongSecret.thrown, { name: 'SignatureDoesNotMatch' }, 'a wrong secret is SignatureDoesNotMatch');
  t.equal(wrongSecret.code, 'IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', 'classified as invalid source credentials');
  server.revoke(DEFAULT_USER.accessKeyId);
  const revoked = await failure(assumeRoleFor()(3600));
  t.match(revoked.thrown, { name: 'InvalidClientTokenId' }, 'a revoked key is InvalidClientTokenId');
  t.equal(revoked.code, 'IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', 'classified as invalid source credentials');
  t.equal(revoked.retry, 'slow', 'retried slowly');
});

t.test('asking for more than the role allows is IMDSD_ERR_STS_VALIDATION', async (t) => {
  const server = await localSts(t);
  server.addRole('arn:aws:iam::123456789012:role/short', { maxSessionDurationSec: 3600 });
  const f = await failure(assumeRoleFor({ roleArn: 'arn:aws:iam::123456789012:role/short' })(7200));
  t.match(f.thrown, { name: 'ValidationError' }, 'STS said ValidationError');
  t.equal(f.code, 'IMDSD_ERR_STS_VALIDATION', 'classified as a validation error');
  t.match(f.hint, /MaxSessionDuration/, 'the hint names MaxSessionDuration');
});

t.test('an STS that cannot be reached is IMDSD_ERR_STS_UNAVAILABLE', async (t) => {
  const server = await localSts(t);
  await server.close();
  const f = await failure(assumeRoleFor()(3600));
  t.match(f.thrown, { code: 'ECONNREFUSED' }, 'the connection was refused');
  t.equal(f.code, 'IMDSD_ERR_STS_UNAVAILABLE', 'classified as unavailable');
});

/** An STS stand-in that answers every request with one fixed AssumeRole response and `headers`. */
async function fixedAnswerSts(t: Test, headers: Record<string, string>): Promise<void> {
  const expiration = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
    `<AccessKeyId>ASIAFIXEDANSWER00001</AccessKeyId><SecretAccessKey>fixed-secret</SecretAccessKey><SessionToken>fixed-token</SessionToken><Expiration>${expiration}</Expiration>` +
    '</Credentials></AssumeRoleResult><ResponseMetadata><RequestId>fixed</RequestId></ResponseMetadata></AssumeRoleResponse>';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'text/xml', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const saved = process.env.AWS_ENDPOINT_URL_STS;
  process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = saved;
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

t.test('an answer without a Date header has no stsDateMs', async (t) => {
  await fixedAnswerSts(t, {});
  const issued = await assumeRoleFor()(3600);
  t.equal(issued.accessKeyId, 'ASIAFIXEDANSWER00001', 'the credential is still mapped');
  t.equal(issued.stsDateMs, undefined, 'stsDateMs is undefined');
});

t.test('an answer with an unparseable Date header has no stsDateMs', async (t) => {
  await fixedAnswerSts(t, { date: 'yesterday-ish' });
  const issued = await assumeRoleFor()(3600);
  t.equal(issued.stsDateMs, undefined, 'stsDateMs is undefined, not NaN');
});

t.test('an explicit endpoint (a role profile\'s endpoint_url) is where AssumeRole goes', async (t) => {
  const server = await localSts(t);
  delete process.env.AWS_ENDPOINT_URL_STS;
  // A region with no real STS, so a wrong turn ends in DNS rather than at AWS.
  const outcome = await assumeRoleFor({ endpoint: server.url, region: 'imdsd-test-1', deadlineMs: 1_000 })(900).then(
    () => 'answered',
    (err: unknown) => `failed: ${String((err as { message?: unknown }).message)}`,
  );
  t.equal(outcome, 'answered', 'the local STS named by the endpoint answered');
  t.equal(server.calls.length, 1, 'one call reached it');
});

t.test('role chaining against the real protocol: the refresher falls back to 3600 s', async (t) => {
  const server = await localSts(t);
  const first = await assumeRoleFor()(3600);
  const chained = assumeRoleFor({
    credentials: sourceProvider({ kind: 'static', accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey, sessionToken: first.sessionToken }),
  });
  const f = await failure(chained(43200));
  t.equal(f.code, 'IMDSD_ERR_ROLE_CHAINING_LIMIT', 'asking a chained session for 12 h is the role-chaining limit');

  const clock = new FakeClock(Date.now());
  const lines: string[] = [];
  const refresher = createRefresher({
    identity: { roleName: 'dev', roleArn: DEFAULT_ROLE_ARN, accountId: '123456789012', region: REGION },
    issue: chained,
    clock,
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
    failureContext: CONTEXT,
    ticker: () => () => undefined,
    durationSec: 43200,
  });
  t.teardown(() => refresher.stop());
  const before = server.calls.length;
  const result = await refresher.start();
  t.ok(result.ok, 'the refresher got a credential');
  t.same(server.calls.slice(before).map((c) => c.durationSeconds), [43200, 3600], 'STS saw 43200 refused, then 3600');
  t.equal(refresher.status().durationSec, 3600, 'and the refresher keeps 3600');
  t.ok(lines.some((l) => l.includes('"event":"duration-capped"')), 'logging duration-capped');
  t.notOk(lines.some((l) => result.ok && (l.includes(result.credential.secretAccessKey) || l.includes(result.credential.sessionToken))),
    'no log line holds the secret or token');
});
