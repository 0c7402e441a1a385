import { connect } from 'node:net';
import t from 'tap';
import { startImds } from '../support/imds-fakes.js';

const TOKEN = 'x-aws-ec2-metadata-token';
const TTL = 'x-aws-ec2-metadata-token-ttl-seconds';
const REGION = '/latest/meta-data/placement/region';

t.test('IMDSv2 is required by default', async (t) => {
  const imds = await startImds(t);
  const missing = await imds.call('GET', REGION);
  t.equal(missing.status, 401, 'a GET without a token is a 401');
  t.equal((await imds.call('GET', '/no/such/path')).status, 401, 'an unknown path without a token is a 401 too');
  t.equal((await imds.call('HEAD', REGION)).status, 401, 'HEAD needs a token too');
  const token = await imds.token(60);
  const ok = await imds.call('GET', REGION, { [TOKEN]: token });
  t.equal(ok.status, 200, 'the same GET with a token is served');
  t.equal(ok.body, 'eu-west-1', 'with the region');
  t.equal(ok.headers[TTL], '60', 'and the remaining TTL echoed');
});

t.test('an unknown or expired token is a 401 even with IMDSv1 allowed', async (t) => {
  const imds = await startImds(t, { allowV1: true });
  t.equal((await imds.call('GET', REGION)).status, 200, 'no token at all is served (v1)');
  t.equal((await imds.call('GET', REGION)).headers[TTL], undefined, 'a v1 answer echoes no TTL');
  t.equal((await imds.call('GET', REGION, { [TOKEN]: 'forged' })).status, 401, 'an unknown token is a 401');
  t.equal((await imds.call('GET', REGION, { [TOKEN]: '' })).status, 401, 'an empty token is a 401');
  const token = await imds.token(10);
  await imds.clock.advance(9_001);
  const late = await imds.call('GET', REGION, { [TOKEN]: token });
  t.equal(late.status, 200, 'a token is good until its TTL ends');
  t.equal(late.headers[TTL], '1', 'with the remaining second echoed');
  await imds.clock.advance(999);
  t.equal((await imds.call('GET', REGION, { [TOKEN]: token })).status, 401, 'an expired token is a 401');
});

t.test('with IMDSv2 required an expired token is a 401', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token(1);
  await imds.clock.advance(1_000);
  t.equal((await imds.call('GET', REGION, { [TOKEN]: token })).status, 401, 'the token ran out on the fake clock');
});

t.test('the token cap applies to the app', async (t) => {
  const imds = await startImds(t, { maxTokens: 2 });
  const first = await imds.token();
  await imds.token();
  await imds.token();
  t.equal((await imds.call('GET', REGION, { [TOKEN]: first })).status, 401, 'the oldest token was evicted');
});

t.test('metadata paths answer only GET and HEAD', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  for (const method of ['PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
    const reply = await imds.call(method, REGION, { [TOKEN]: token });
    t.equal(reply.status, 405, `${method} on a metadata path is a 405`);
    t.equal(reply.headers['allow'], 'GET, HEAD', `${method} is told which methods work`);
  }
  t.equal((await imds.call('POST', '/no/such/path')).status, 404, 'a write to an unknown path is a 404');
  t.equal((await imds.call('PROPFIND', '/no/such/path')).status, 404, 'an unknown method on an unknown path is a 404');
});

t.test('HEAD answers like GET without a body', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  const reply = await imds.call('HEAD', REGION, { [TOKEN]: token });
  t.equal(reply.status, 200, 'HEAD is served');
  t.equal(reply.body, '', 'with no body');
  t.equal(reply.headers['content-length'], String('eu-west-1'.length), 'but the length of the GET body');
  const credential = await imds.call('HEAD', '/latest/meta-data/iam/security-credentials/dev-admin', { [TOKEN]: token });
  t.equal(credential.status, 200, 'HEAD on the credential is served');
  t.equal(credential.body, '', 'without the credential');
});

t.test('odd spellings of a path reach the same answer', async (t) => {
  const imds = await startImds(t);
  const headers = { [TOKEN]: await imds.token() };
  const spellings = [
    '//latest/meta-data/placement/region',
    '/latest/meta-data/placement/region/',
    '/latest//meta-data///placement/region',
    '/latest/meta-data/placement/region?x=1&y',
    '/latest/meta-data/placement/%72egion',
  ];
  for (const path of spellings) {
    const reply = await imds.call('GET', path, headers);
    t.equal(reply.status, 200, `${path} is served`);
    t.equal(reply.body, 'eu-west-1', `${path} is the region`);
  }
});

t.test('hostile or broken paths are a 404 and nothing breaks', async (t) => {
  const imds = await startImds(t);
  const headers = { [TOKEN]: await imds.token() };
  const paths = [
    '/latest/%2e%2e/latest/meta-data/placement/region',
    '/latest/meta-data/../meta-data/placement/region',
    '/latest/meta-data/placement/region%00',
    '/latest/%E0%A4%A',
    '/latest/%zz',
    '/latest/meta-data/iam/security-credentials/other-role',
    '/latest/meta-data/iam/security-credentials/dev-admin/extra',
    '/LATEST/meta-data/placement/region',
  ];
  for (const path of paths) {
    t.equal((await imds.call('GET', path, headers)).status, 404, `${path.slice(0, 60)} is a 404`);
  }
  t.equal((await imds.call('GET', `/latest/${'a'.repeat(10_240)}`, headers)).status, 431,
    'a 10 KiB path overflows the 8 KiB header limit: 431, as Node answers it');
  t.equal((await imds.call('GET', REGION, headers)).status, 200, 'the server still answers afterwards');
});

/** Sends one raw HTTP/1.x request and resolves to the status line. */
function rawStatus(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
  });
}

t.test('request targets that are not paths, and HTTP/1.0, are answered', async (t) => {
  const imds = await startImds(t, { allowV1: true });
  t.equal(await rawStatus(imds.port, 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), 'HTTP/1.1 404 Not Found', 'asterisk-form is a 404');
  t.equal(
    await rawStatus(imds.port, 'GET http://169.254.169.254/latest/meta-data/placement/region HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    'HTTP/1.1 404 Not Found',
    'absolute-form (a proxy request) is a 404',
  );
  t.equal(await rawStatus(imds.port, 'GET /latest/meta-data/placement/region HTTP/1.0\r\n\r\n'), 'HTTP/1.1 200 OK', 'HTTP/1.0 without Host is served');
  t.equal((await imds.call('GET', REGION)).status, 200, 'the server still answers afterwards');
});
