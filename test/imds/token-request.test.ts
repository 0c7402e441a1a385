import t from 'tap';
import { MAX_TOKEN_TTL_SEC, parseTokenTtl } from '../../src/imds/token-request.js';
import { startImds } from '../support/imds-fakes.js';

const TTL = 'x-aws-ec2-metadata-token-ttl-seconds';

t.test('parseTokenTtl accepts 1..21600 written in digits only', async (t) => {
  t.equal(parseTokenTtl('1'), 1, 'the shortest TTL');
  t.equal(parseTokenTtl('21600'), MAX_TOKEN_TTL_SEC, 'the longest TTL');
  t.equal(parseTokenTtl('0300'), 300, 'leading zeros are still digits');
  for (const bad of ['0', '21601', '-1', '1e9', '+5', ' 5', '5.0', 'abc', '', '9999999', '300, 300']) {
    t.equal(parseTokenTtl(bad), undefined, `${JSON.stringify(bad)} is refused`);
  }
  t.equal(parseTokenTtl(undefined), undefined, 'a missing header is refused');
  t.equal(parseTokenTtl(['300']), undefined, 'an array is refused');
});

t.test('PUT /latest/api/token issues a token', async (t) => {
  const imds = await startImds(t);
  const reply = await imds.call('PUT', '/latest/api/token', { [TTL]: '21600' });
  t.equal(reply.status, 200, 'the token is issued');
  t.match(reply.body, /^[A-Za-z0-9_-]+$/, 'the body is the token alone, no whitespace or newline');
  t.equal(reply.headers['content-type'], 'text/plain', 'the token is text/plain');
  t.equal(reply.headers[TTL], '21600', 'the granted TTL is echoed for the Go SDK');
  const use = await imds.call('GET', '/latest/meta-data/placement/region', { 'x-aws-ec2-metadata-token': reply.body });
  t.equal(use.status, 200, 'the token authorises a GET');
});

t.test('PUT with a missing or invalid TTL answers 400', async (t) => {
  const imds = await startImds(t);
  for (const value of ['-1', '1e9', '21601', 'abc', '', '0']) {
    const reply = await imds.call('PUT', '/latest/api/token', { [TTL]: value });
    t.equal(reply.status, 400, `TTL ${JSON.stringify(value)} is a 400`);
  }
  t.equal((await imds.call('PUT', '/latest/api/token')).status, 400, 'a missing TTL header is a 400');
  t.equal((await imds.call('PUT', '/latest/api/token', { [TTL]: '1' })).status, 200, 'TTL 1 is the lower edge');
  t.equal((await imds.call('PUT', '/latest/api/token', { [TTL]: '21600' })).status, 200, 'TTL 21600 is the upper edge');
});

t.test('PUT through a proxy (X-Forwarded-For) answers 403', async (t) => {
  const imds = await startImds(t);
  const reply = await imds.call('PUT', '/latest/api/token', { [TTL]: '60', 'x-forwarded-for': '10.0.0.1' });
  t.equal(reply.status, 403, 'a forwarded token request is refused');
  t.equal(reply.headers[TTL], undefined, 'no TTL is echoed with the refusal');
});

t.test('other methods on the token path answer 405 with Allow: PUT', async (t) => {
  const imds = await startImds(t);
  for (const method of ['GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'OPTIONS']) {
    const reply = await imds.call(method, '/latest/api/token', { [TTL]: '60' });
    t.equal(reply.status, 405, `${method} is a 405`);
    t.equal(reply.headers['allow'], 'PUT', `${method} is told to use PUT`);
  }
});

t.test('spellings of the token path work for PUT', async (t) => {
  const imds = await startImds(t);
  for (const path of ['/latest/api/token/', '//latest/api/token', '/latest/api/token?x=1']) {
    t.equal((await imds.call('PUT', path, { [TTL]: '60' })).status, 200, `${path} issues a token`);
  }
});

t.test('a token PUT to a versioned path answers 403', async (t) => {
  const imds = await startImds(t);
  const reply = await imds.call('PUT', '/2021-03-23/api/token', { [TTL]: '60' });
  t.equal(reply.status, 403, 'only /latest issues tokens');
  const get = await imds.call('GET', '/2021-03-23/api/token');
  t.equal(get.status, 405, 'other methods on a versioned token path are a 405');
  t.equal(get.headers['allow'], 'PUT', 'with Allow: PUT');
});
