/**
 * The ECS container-credentials endpoint on the IMDS listener: its own Authorization
 * token instead of IMDSv2's, the ECS JSON shape, and the real JS v3 `fromHttp` provider
 * (what AWS_CONTAINER_CREDENTIALS_FULL_URI selects) as the judge.
 */
import { fromHttp } from '@aws-sdk/credential-providers';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { createFakeSource, fakeCredential, IDENTITY, startImds } from '../support/imds-fakes.js';

const TOKEN = 'container-token-0123456789abcdef';
const PATH = `/v1/credentials/${IDENTITY.roleName}`;

t.test('with the token, the ECS document; without it, a JSON 401', async (t) => {
  const imds = await startImds(t, { containerToken: TOKEN });
  const ok = await imds.call('GET', PATH, { authorization: TOKEN });
  t.equal(ok.status, 200, '200 with the token');
  t.match(ok.headers['content-type'], /application\/json/, 'JSON');
  const doc = JSON.parse(ok.body) as Record<string, unknown>;
  t.same(Object.keys(doc), ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'RoleArn', 'AccountId'], 'the ECS fields');
  t.match(doc.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'Expiration in Z');
  t.equal(doc.RoleArn, IDENTITY.roleArn, 'RoleArn');
  t.equal(doc.AccountId, IDENTITY.accountId, 'AccountId');

  for (const [name, headers] of [
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'nope' }],
    ['a token one byte longer', { authorization: `${TOKEN}x` }],
    ['an IMDSv2 token instead', { 'x-aws-ec2-metadata-token': await imds.token() }],
  ] as const) {
    const denied = await imds.call('GET', PATH, headers);
    t.equal(denied.status, 401, `${name}: 401`);
    t.equal((JSON.parse(denied.body) as { Code: string }).Code, 'IMDSD_ERR_CONTAINER_AUTH', `${name}: a coded JSON error`);
    t.notMatch(denied.body, /SecretAccessKey/, `${name}: no credential`);
  }
  t.equal((await imds.call('PUT', PATH, { authorization: TOKEN })).status, 405, 'only reads');
  t.equal((await imds.call('GET', '/v1/credentials/other', { authorization: TOKEN })).status, 401,
    'another role is an unknown path, which says nothing without an IMDSv2 token');
  t.equal((await imds.call('GET', '/v1/credentials/other', { 'x-aws-ec2-metadata-token': await imds.token() })).status, 404,
    'and 404 with one');
});

t.test('without a configured token the endpoint does not exist', async (t) => {
  const imds = await startImds(t);
  const reply = await imds.call('GET', PATH, { authorization: TOKEN, 'x-aws-ec2-metadata-token': await imds.token() });
  t.equal(reply.status, 404, '404');
});

t.test('a failing source reaches ECS clients as a JSON 5xx', async (t) => {
  const imds = await startImds(t, {
    containerToken: TOKEN,
    source: createFakeSource({ ok: false, error: new ImdsdError('IMDSD_ERR_ACCESS_DENIED', 'denied', { hint: 'fix the trust policy' }) }),
  });
  const reply = await imds.call('GET', PATH, { authorization: TOKEN });
  t.equal(reply.status, 503, '503');
  t.same(JSON.parse(reply.body), { Code: 'IMDSD_ERR_ACCESS_DENIED', Message: 'denied fix the trust policy' }, 'Code and Message');
});

t.test('the real fromHttp provider reads the token file and gets the credential', async (t) => {
  const nowMs = Math.floor(Date.now() / 1000) * 1000;
  const credential = fakeCredential({ issuedAtMs: nowMs, expiresAtMs: nowMs + 3_600_000 });
  const imds = await startImds(t, { containerToken: TOKEN, clockStartMs: nowMs, source: createFakeSource({ ok: true, credential }) });
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'imdsd-ecs-')), 'token');
  writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
  const saved = { uri: process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, file: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE };
  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${imds.port}${PATH}`;
  process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = tokenFile;
  t.teardown(() => {
    for (const [key, value] of [['AWS_CONTAINER_CREDENTIALS_FULL_URI', saved.uri], ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', saved.file]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  const got = await fromHttp({ maxRetries: 0, timeout: 1000 })();
  t.equal(got.accessKeyId, credential.accessKeyId, 'access key id');
  t.equal(got.secretAccessKey, credential.secretAccessKey, 'secret');
  t.equal(got.sessionToken, credential.sessionToken, 'token');
  t.equal(got.expiration?.getTime(), credential.expiresAtMs, 'expiration');
});
