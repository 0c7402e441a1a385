/**
 * Issue 7, evidence 3: no log line carries a secret. A daemon at --log-level trace goes
 * through a busy life (forced refreshes with `imdsd refresh`, STS failures of every kind,
 * IMDS, ECS and credential-process fetches, the real SDK, malformed and hostile requests
 * carrying live tokens, a SIGHUP reload, shutdown) and every line it wrote is searched for
 * every secret key, session token and full access key id the STS issued, every IMDS
 * token, the ECS token and the source keys. Then the same in process: the IMDS app with a
 * trace-level logger writing to memory.
 */
import { Writable } from 'node:stream';
import { fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { pino, type Logger } from 'pino';
import t from 'tap';
import { request } from 'undici';
import { createLogger } from '../../src/daemon/logger.js';
import { ImdsdError } from '../../src/errors.js';
import { buildImdsApp } from '../../src/imds/app.js';
import { runImdsd } from '../support/daemon-process.js';
import { IDENTITY, SECRET, SESSION_TOKEN, createFakeClock, createFakeSource, fakeCredential, listenOnLoopback } from '../support/imds-fakes.js';
import { startAuditedDaemon } from '../support/security-daemon.js';
import { describeLeaks, findLeaks } from '../support/security-leaks.js';
import { rawExchange } from '../support/security-raw-http.js';

/** An AssumeRole answer that breaks off mid-document, with secrets the SDK's parser has seen. */
const MALFORMED_SECRET = 'MalformedSecretKeyThatMustNotBeLogged0000';
const MALFORMED_TOKEN = 'IQoJMalformedSessionTokenThatMustNotBeLogged';
const MALFORMED_BODY = '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
  `<AccessKeyId>ASIAMALFORMED0000001</AccessKeyId><SecretAccessKey>${MALFORMED_SECRET}</SecretAccessKey>` +
  `<SessionToken>${MALFORMED_TOKEN}</SessionToken><Expiration>not a date`;

/** Raw requests that Node or imdsd refuse, each carrying something secret. */
function hostileRequests(token: string, containerToken: string): string[] {
  const cred = '/latest/meta-data/iam/security-credentials/dev';
  return [
    `GET ${cred} HTTP/1.1\r\nHost: localhost\r\nX-aws-ec2-metadata-token: ${token}\r\nBad Header: x\r\n\r\n`,
    `GET /v1/credentials/dev HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${containerToken}\r\nX-Nul: a\u0000b\r\n\r\n`,
    `GET ${cred} HTTP/1.1\r\nHost: localhost\r\nX-aws-ec2-metadata-token: ${token}\r\nX-Big: ${'b'.repeat(12_000)}\r\n\r\n`,
    `GET ${cred} HTTP/1.1\r\nHost: attacker.example:1338\r\nX-aws-ec2-metadata-token: ${token}\r\n\r\n`,
    `GET ${cred} HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\nX-aws-ec2-metadata-token: ${token}\r\n\r\n`,
    `PUT /latest/api/token HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 1.2.3.4\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n`,
    `GET ${cred} HTTP/1.1\r\nHost: localhost\r\nX-aws-ec2-metadata-token: ${token}x\r\n\r\n`,
    `GET /v1/credentials/dev HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${containerToken}x\r\n\r\n`,
    `GET /latest/%zz HTTP/1.1\r\nHost: localhost\r\nX-aws-ec2-metadata-token: ${token}\r\n\r\n`,
    `CONNECT ${cred} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${containerToken}\r\n\r\n`,
    `PUT /latest/api/token HTTP/1.1\r\nHost: localhost\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n${token}`,
  ];
}

async function sendAll(port: number, requests: readonly string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const text of requests) {
    const exchange = await rawExchange({ port, chunks: [Buffer.from(text, 'latin1')], heads: [false], expected: 1, timeoutMs: 1_000 });
    statuses.push(exchange.responses[0]?.status ?? 0);
  }
  return statuses;
}

t.test('a busy daemon at --log-level trace writes no secret to any log line', async (t) => {
  const running = await startAuditedDaemon(t, ['--log-level', 'trace']);
  const { sts, env, port, daemon } = running;
  const origin = `http://127.0.0.1:${port}`;

  t.equal((await running.credential()).status, 200, 'IMDS serves the credential');
  const ecs = await request(`${origin}/v1/credentials/dev`, { headers: { authorization: running.containerToken } });
  t.equal(ecs.statusCode, 200, 'the ECS endpoint serves the credential');
  await ecs.body.dump();
  const viaProcess = await runImdsd(['credential-process', '--role', 'dev'], env);
  t.equal(viaProcess.code, 0, 'credential-process serves the credential');
  t.equal(findLeaks(viaProcess.stderr.split('\n'), sts.issuedSecrets()).length, 0, 'and its stderr carries no secret');

  for (let i = 0; i < 3; i++) t.equal((await runImdsd(['refresh'], env)).code, 0, `forced refresh ${i + 1} succeeds`);
  for (const fault of [
    { kind: 'http', status: 500, code: 'InternalFailure' },
    { kind: 'http', status: 400, code: 'Throttling', message: 'Rate exceeded' },
    { kind: 'http', status: 403, code: 'AccessDenied', message: 'not authorized to perform sts:AssumeRole' },
    { kind: 'http', status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' },
    { kind: 'reset' },
    { kind: 'malformed', body: MALFORMED_BODY },
    { kind: 'malformed' },
  ] as const) {
    // Every STS call fails while the fault is set, the daemon's own backoff retries included.
    sts.setFaultMode(() => fault);
    const run = await runImdsd(['refresh'], env);
    t.equal(run.code, 1, `a refresh failing with ${fault.kind === 'http' ? fault.code : fault.kind} exits 1`);
  }
  sts.setFaultMode(undefined);
  t.equal((await runImdsd(['refresh'], env)).code, 0, 'and STS heals');

  const token = await running.token();
  const statuses = await sendAll(port, hostileRequests(token, running.containerToken));
  t.ok(statuses.every((status) => status !== 200 && status !== 500), `hostile requests are refused (${statuses.join(', ')})`);

  const saved = { ...process.env };
  t.teardown(() => {
    process.env = saved;
  });
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `${origin}/`;
  process.env.AWS_CONFIG_FILE = '/nonexistent/imdsd-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/imdsd-test/credentials';
  const viaSdk = await fromInstanceMetadata({ timeout: 1_000, maxRetries: 0 })();
  t.match(viaSdk.accessKeyId, /^ASIA/, 'the real SDK gets the credential too');

  daemon.child.kill('SIGHUP');
  await daemon.waitFor((line) => line.event === 'reloaded');
  t.equal((await running.credential()).status, 200, 'the daemon serves after the reload');

  t.equal(await daemon.stop(), 0, 'it shuts down cleanly');
  await daemon.drained;
  const secrets = [...sts.issuedSecrets(), ...running.tokens, running.containerToken, MALFORMED_SECRET, MALFORMED_TOKEN];
  const leaks = findLeaks(daemon.output, secrets);
  t.same(leaks, [], `no secret in any of the ${daemon.output.length} lines\n${describeLeaks(leaks)}`);
  t.ok(sts.issuedSecrets().length >= 15, `the audit searched for every issued secret (${sts.issuedSecrets().length / 3} credentials)`);
  t.ok(daemon.lines.some((line) => line.level === 'trace' || line.level === 'debug'), 'debug/trace lines were written, so the level really was trace');
  t.ok(daemon.lines.some((line) => line.event === 'refresh-failed'), 'failed refreshes were logged');
  t.ok(daemon.lines.some((line) => line.event === 'shutdown'), 'the shutdown was logged');
  const keyIds = sts.calls.flatMap((call) => (call.issuedAccessKeyId === undefined ? [] : [call.issuedAccessKeyId]));
  t.ok(keyIds.some((keyId) => JSON.stringify(daemon.lines).includes(keyId.slice(-4))), 'access key ids appear by their last four characters');
  const levels = new Map<string, number>();
  for (const line of daemon.lines) levels.set(String(line.level), (levels.get(String(line.level)) ?? 0) + 1);
  t.comment(`${daemon.output.length} log lines (${[...levels].map(([level, n]) => `${level} ${n}`).join(', ')}) searched for ${new Set(secrets).size} secrets`);
});

/** An IMDS app whose logger writes to memory; runs requests that reach every logging path. */
async function exerciseApp(loggerFor: (destination: Writable) => Logger): Promise<{ lines: string[]; secrets: string[] }> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  const containerToken = 'in-process-container-token-0123456789abcdef';
  const source = createFakeSource();
  const clock = createFakeClock();
  const app = buildImdsApp({ source, clock, containerToken, logger: loggerFor(destination).child({ component: 'imds' }) });
  const port = await listenOnLoopback(app);
  const origin = `http://127.0.0.1:${port}`;
  try {
    const token = await (await request(`${origin}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).body.text();
    const cred = `${origin}/latest/meta-data/iam/security-credentials/${IDENTITY.roleName}`;
    await (await request(cred, { headers: { 'x-aws-ec2-metadata-token': token } })).body.dump();
    await (await request(`${origin}/v1/credentials/${IDENTITY.roleName}`, { headers: { authorization: containerToken } })).body.dump();
    source.result = { ok: false, error: new ImdsdError('IMDSD_ERR_STS_UNAVAILABLE') };
    await (await request(cred, { headers: { 'x-aws-ec2-metadata-token': token } })).body.dump();
    source.result = { ok: true, credential: fakeCredential({ expiresAtMs: clock.now() + 1_000 }) };
    await (await request(cred, { headers: { 'x-aws-ec2-metadata-token': token } })).body.dump();
    // A source that breaks its promise never to reject: the 500 path logs the error.
    source.result = () => Promise.reject(new Error('broken source'));
    await (await request(cred, { headers: { 'x-aws-ec2-metadata-token': token } })).body.dump();
    source.result = { ok: true, credential: fakeCredential() };
    await sendAll(port, hostileRequests(token, containerToken));
    return { lines, secrets: [SECRET, SESSION_TOKEN, fakeCredential().accessKeyId, token, containerToken] };
  } finally {
    await app.close();
  }
}

t.test('in process, the IMDS app with the daemon\'s trace logger writes no secret', async (t) => {
  const { lines, secrets } = await exerciseApp((destination) => createLogger('trace', destination));
  t.ok(lines.length >= 10, `the app logged (${lines.length} lines)`);
  t.ok(lines.some((line) => line.includes('"level":"trace"') || line.includes('"level":"debug"')), 'at trace level (debug and trace lines)');
  t.ok(lines.some((line) => line.includes('IMDS request failed unexpectedly')), 'the rejecting source reached the error log');
  const leaks = findLeaks(lines, secrets);
  t.same(leaks, [], `no secret in the app's ${lines.length} log lines\n${describeLeaks(leaks)}`);
});

/*
 * fastify's default clientErrorHandler logged Node's parse errors with `rawPacket` (the raw
 * request bytes, tokens included); src/imds/app.ts installs its own, which logs nothing of
 * the request. This test keeps that so even for a logger without redaction.
 */

t.test('in process, with a plain pino logger (no redaction) at trace', async (t) => {
  const { lines, secrets } = await exerciseApp((destination) => pino({ level: 'trace' }, destination));
  const leaks = findLeaks(lines, secrets);
  t.same(leaks, [], `no secret in the app's ${lines.length} log lines`);
  const viaRawPacket = leaks.filter((leak) => (lines[leak.line] ?? '').includes('"rawPacket"'));
  t.equal(viaRawPacket.length, leaks.length, 'every leak found is a parse error\'s rawPacket');
  t.comment(`plain pino: ${leaks.length} secret(s) in ${new Set(leaks.map((leak) => leak.line)).size} 'client error' line(s)\n${describeLeaks(leaks)}`);
});
