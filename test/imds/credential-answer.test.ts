import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { SERVE_MIN_REMAINING_MS } from '../../src/credentials.js';
import { fakeCredential, SECRET, SESSION_TOKEN, startImds, T0_MS } from '../support/imds-fakes.js';

const TOKEN = 'x-aws-ec2-metadata-token';
const CREDENTIALS = '/latest/meta-data/iam/security-credentials';
const EXTENDED = '/latest/meta-data/iam/security-credentials-extended';

t.test('serves the credential document for the role', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  const name = await imds.call('GET', `${CREDENTIALS}/`, { [TOKEN]: token });
  t.equal(name.body, 'dev-admin', 'the listing is the role name exactly, no newline');
  t.equal((await imds.call('GET', CREDENTIALS, { [TOKEN]: token })).body, 'dev-admin', 'also without the slash');
  const reply = await imds.call('GET', `${CREDENTIALS}/dev-admin`, { [TOKEN]: token });
  t.equal(reply.status, 200, 'the credential is served');
  t.equal(reply.headers['content-type'], 'text/plain', 'as text/plain, like real IMDS');
  t.equal(reply.headers['x-aws-ec2-metadata-token-ttl-seconds'], '21600', 'with the token TTL echoed');
  t.equal(
    reply.body,
    '{"Code":"Success","LastUpdated":"2026-11-21T20:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLEKEY000001",' +
      `"SecretAccessKey":${JSON.stringify(SECRET)},"Token":${JSON.stringify(SESSION_TOKEN)},"Expiration":"2026-11-21T21:00:00Z"}`,
    'the exact document',
  );
  t.equal(imds.source.calls, 1, 'the source was asked once');
});

t.test('serves the extended document with AccountId', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  t.equal((await imds.call('GET', `${EXTENDED}/`, { [TOKEN]: token })).body, 'dev-admin', 'the extended listing is the role name');
  const reply = await imds.call('GET', `${EXTENDED}/dev-admin/`, { [TOKEN]: token });
  t.equal(reply.status, 200, 'the extended document is served');
  t.match(JSON.parse(reply.body), { Code: 'Success', AccountId: '123456789012', SecretAccessKey: SECRET }, 'with the account');
  t.equal((await imds.call('GET', `${EXTENDED}/someone-else`, { [TOKEN]: token })).status, 404, 'an unknown role is a 404');
});

t.test('a failing source becomes its coded error document', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  const error = new ImdsdError('IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', 'the source session has expired', {
    hint: 'run `aws sso login --profile dev`',
  });
  imds.source.result = { ok: false, error };
  const reply = await imds.call('GET', `${CREDENTIALS}/dev-admin`, { [TOKEN]: token });
  t.equal(reply.status, 503, 'the status of the error');
  t.equal(reply.headers['content-type'], 'application/json; charset=utf-8', 'a JSON error');
  t.strictSame(
    JSON.parse(reply.body),
    { Code: 'IMDSD_ERR_SOURCE_CREDENTIALS_EXPIRED', Message: 'the source session has expired run `aws sso login --profile dev`' },
    'Code is the error code, Message the message and hint',
  );
  imds.source.result = { ok: false, error: new ImdsdError('IMDSD_ERR_STS_MALFORMED') };
  const plain = await imds.call('GET', `${EXTENDED}/dev-admin`, { [TOKEN]: token });
  t.equal(plain.status, 502, 'another status for another error');
  t.strictSame(JSON.parse(plain.body), { Code: 'IMDSD_ERR_STS_MALFORMED', Message: 'STS answered with a response that could not be used' }, 'no hint, no trailing space');
});

t.test('a credential too close to expiry is never served', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  imds.source.result = { ok: true, credential: fakeCredential({ expiresAtMs: T0_MS + SERVE_MIN_REMAINING_MS - 1 }) };
  const reply = await imds.call('GET', `${CREDENTIALS}/dev-admin`, { [TOKEN]: token });
  t.equal(reply.status, 503, 'a 503 instead of the credential');
  t.match(JSON.parse(reply.body), { Code: 'IMDSD_ERR_CREDENTIAL_EXPIRED' }, 'coded as expired');
  t.notMatch(reply.body, SECRET, 'the secret is not in the answer');
  t.notMatch(reply.body, SESSION_TOKEN, 'the session token is not in the answer');
  imds.source.result = { ok: true, credential: fakeCredential({ expiresAtMs: T0_MS + SERVE_MIN_REMAINING_MS }) };
  t.equal((await imds.call('GET', `${CREDENTIALS}/dev-admin`, { [TOKEN]: token })).status, 200, 'exactly the minimum is served');
});

t.test('an expired credential is refused on the fake clock', async (t) => {
  const imds = await startImds(t, { allowV1: true });
  await imds.clock.advance(3_600_000);
  const reply = await imds.call('GET', `${CREDENTIALS}/dev-admin`);
  t.equal(reply.status, 503, 'the hour-old credential is not served');
  t.notMatch(reply.body, SECRET, 'and no secret leaks');
});

t.test('a source that holds a servable credential is answered without get(), and checked alike', async (t) => {
  const imds = await startImds(t, { allowV1: true });
  let held = fakeCredential();
  Object.assign(imds.source, { servableNow: () => held });
  const reply = await imds.call('GET', `${CREDENTIALS}/dev-admin`);
  t.equal(reply.status, 200, 'served');
  t.match(JSON.parse(reply.body), { AccessKeyId: 'ASIAEXAMPLEKEY000001' }, 'the held credential');
  t.equal(imds.source.calls, 0, 'get() was not asked');
  held = fakeCredential({ expiresAtMs: T0_MS + SERVE_MIN_REMAINING_MS - 1 });
  const late = await imds.call('GET', `${CREDENTIALS}/dev-admin`);
  t.equal(late.status, 503, 'one too close to expiry is refused on this path too');
  t.notMatch(late.body, SECRET, 'without its secret');
});
