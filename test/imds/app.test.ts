import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { buildImdsApp, createRoleImds } from '../../src/imds/app.js';
import { request } from 'undici';
import { createFakeClock, createFakeSource, fakeCredential, listenOnLoopback, SECRET, SESSION_TOKEN, startImds, T0_MS } from '../support/imds-fakes.js';

const TOKEN = 'x-aws-ec2-metadata-token';
const TTL = 'x-aws-ec2-metadata-token-ttl-seconds';
const CREDENTIAL = '/latest/meta-data/iam/security-credentials/dev-admin';

/** A pino logger at debug level whose lines are kept for inspection. */
function captureLogger(): { logger: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => chunks.join('') };
}

t.test('buildImdsApp builds without listening and closes its token sweep', async (t) => {
  const clock = createFakeClock();
  const app = buildImdsApp({ source: createFakeSource(), clock });
  t.notOk(app.server.listening, 'the caller decides where to listen');
  t.equal(clock.pending(), 1, 'the token sweep timer is armed');
  await app.close();
  t.equal(clock.pending(), 0, 'closing the app cancels the sweep');
});

t.test('a request body or content type never changes the answer', async (t) => {
  const imds = await startImds(t);
  const put = { [TTL]: '60' };
  const cases: Array<[string, Record<string, string>, string | undefined]> = [
    ['no content type, a body', {}, 'x'],
    ['a malformed content type', { 'content-type': 'foo' }, 'x'],
    ['broken JSON', { 'content-type': 'application/json' }, '{bad'],
    ['an empty JSON body', { 'content-type': 'application/json' }, undefined],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b'],
    ['an unknown type', { 'content-type': 'application/x-whatever; charset=bogus' }, '\u0000\u0001'],
  ];
  for (const [name, headers, body] of cases) {
    const reply = await imds.call('PUT', '/latest/api/token', { ...put, ...headers }, body);
    t.equal(reply.status, 200, `a token PUT with ${name} is served`);
  }
  const big = await imds.call('PUT', '/latest/api/token', put, 'x'.repeat(64 * 1024));
  t.equal(big.status, 200, 'a large body is ignored too');
  const token = await imds.token();
  const get = await imds.call('GET', '/latest/meta-data/placement/region', { [TOKEN]: token, 'content-type': 'application/json' }, '{bad');
  t.equal(get.status, 200, 'a GET with a broken JSON body is served');
  t.equal(get.body, 'eu-west-1', 'with its answer');
});

t.test('a source that breaks its promise and rejects gets a 500 without secrets', async (t) => {
  const { logger, lines } = captureLogger();
  const imds = await startImds(t, { logger, allowV1: true });
  imds.source.result = () => Promise.reject(new Error('boom'));
  const reply = await imds.call('GET', CREDENTIAL);
  t.equal(reply.status, 500, 'a 500');
  t.strictSame(JSON.parse(reply.body), { Code: 'IMDSD_ERR_INTERNAL', Message: 'imdsd failed unexpectedly; see its log' }, 'a coded error');
  t.match(lines(), /IMDS request failed unexpectedly/, 'the failure is logged');
  imds.source.result = () => {
    throw new Error('sync boom');
  };
  t.equal((await imds.call('GET', CREDENTIAL)).status, 500, 'a synchronous throw is a 500 as well');
  const tokenHeaders = { [TOKEN]: await imds.token() };
  const throwing = await imds.call('GET', CREDENTIAL, tokenHeaders);
  t.equal(throwing.status, 500, 'also with a token');
  t.notMatch(throwing.body, tokenHeaders[TOKEN], 'the IMDS token is not echoed');
  imds.source.result = { ok: true, credential: fakeCredential() };
  t.equal((await imds.call('GET', CREDENTIAL)).status, 200, 'the server keeps serving');
});

t.test('requests are logged at debug level without tokens or secrets', async (t) => {
  const { logger, lines } = captureLogger();
  const imds = await startImds(t, { logger });
  const token = await imds.token();
  const reply = await imds.call('GET', CREDENTIAL, { [TOKEN]: token });
  t.equal(reply.status, 200, 'the credential is served');
  await imds.call('GET', '/latest/meta-data/placement/region', { [TOKEN]: 'forged-token' });
  const log = lines();
  t.match(log, /"level":20.*"method":"PUT".*"status":200.*"msg":"imds request"/, 'the token PUT is logged at debug');
  t.match(log, /"method":"GET".*"status":401/, 'the refused GET is logged');
  t.notMatch(log, token, 'the IMDS token is never logged');
  t.notMatch(log, 'forged-token', 'nor a presented token');
  t.notMatch(log, SECRET, 'nor the secret key');
  t.notMatch(log, SESSION_TOKEN, 'nor the session token');
});

t.test('the identity document uses the start time, or the clock by default', async (t) => {
  const imds = await startImds(t, { allowV1: true });
  const reply = await imds.call('GET', '/latest/dynamic/instance-identity/document');
  t.match(JSON.parse(reply.body), { pendingTime: '2026-11-21T20:00:00Z' }, 'pendingTime is clock.now() at build time');
  t.equal(T0_MS, imds.clock.now(), 'the fake clock started at T0');
});

t.test('closing the running app stops the sweep timer', async (t) => {
  const imds = await startImds(t);
  await imds.token();
  t.equal(imds.clock.pending(), 1, 'the sweep is armed');
  await imds.client.close();
  await imds.app.close();
  t.equal(imds.clock.pending(), 0, 'the sweep is cancelled');
});

t.test('an account the source learns after start-up is served in all three documents', async (t) => {
  const source = createFakeSource();
  let identity = { roleName: 'dev-admin', roleArn: '', accountId: '', region: 'eu-west-1' };
  Object.defineProperty(source, 'identity', { get: () => identity });
  const imds = await startImds(t, { source, allowV1: true });
  const documents = async (): Promise<{ info: string; identityDocument: Record<string, unknown>; extended: Record<string, unknown> }> => ({
    info: (JSON.parse((await imds.call('GET', '/latest/meta-data/iam/info')).body) as { InstanceProfileArn: string }).InstanceProfileArn,
    identityDocument: JSON.parse((await imds.call('GET', '/latest/dynamic/instance-identity/document')).body) as Record<string, unknown>,
    extended: JSON.parse((await imds.call('GET', '/latest/meta-data/iam/security-credentials-extended/dev-admin')).body) as Record<string, unknown>,
  });
  const before = await documents();
  t.equal(before.info, 'arn:aws:iam:::instance-profile/dev-admin', 'iam/info: no account yet');
  t.equal(before.identityDocument.accountId, '', 'identity document: no account yet');
  t.notOk('AccountId' in before.extended, 'extended document: no AccountId yet');
  identity = { ...identity, accountId: '333344445555' };
  const after = await documents();
  t.equal(after.info, 'arn:aws:iam::333344445555:instance-profile/dev-admin', 'iam/info names the account');
  t.same(after.identityDocument, { ...before.identityDocument, accountId: '333344445555' }, 'identity document: the account, nothing else changed');
  t.same(after.extended, { ...before.extended, AccountId: '333344445555' }, 'extended document: the same credential with AccountId');
});

t.test('the apps of one role share its tokens and its launch time; closing them leaves the store to its owner', async (t) => {
  const clock = createFakeClock();
  const imds = createRoleImds({ source: createFakeSource(), clock, allowV1: true });
  const one = imds.app();
  await clock.advance(1_000);
  const two = imds.app();
  t.teardown(async () => {
    await Promise.all([one.close(), two.close()]);
    imds.close();
  });
  const [first, second] = await Promise.all([one, two].map(async (app) => `http://127.0.0.1:${await listenOnLoopback(app)}`));
  const issued = await request(`${first}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '60' } });
  const token = await issued.body.text();
  t.equal(issued.statusCode, 200, 'a token from the first app');
  const read = await request(`${second}/latest/meta-data/placement/region`, { headers: { [TOKEN]: token } });
  await read.body.dump();
  t.equal(read.statusCode, 200, 'is good on the second');
  t.equal(imds.tokenCount(), 1, 'one token in the shared store');
  const documents = await Promise.all([first, second].map(async (origin) => (await request(`${origin}/latest/dynamic/instance-identity/document`)).body.text()));
  t.equal(documents[0], documents[1], 'the same pendingTime from both, though built a second apart');
  await one.close();
  t.equal(clock.pending(), 1, 'an app closing leaves the shared sweep running');
  imds.close();
  t.equal(clock.pending(), 0, 'the owner stops it');
});
