import t from 'tap';
import { isForwarded, isLoopbackHost } from '../../src/imds/security-checks.js';
import { startImds } from '../support/imds-fakes.js';

t.test('isLoopbackHost accepts loopback names and the IMDS addresses', async (t) => {
  for (const host of ['localhost', 'LOCALHOST:1338', '127.0.0.1', '127.0.0.1:1338', '127.1.2.3:80', '[::1]:1338', '[::1]', '169.254.169.254', '[fd00:ec2::254]:80']) {
    t.ok(isLoopbackHost(host), `${host} is served`);
  }
  t.ok(isLoopbackHost(undefined), 'a request without Host (HTTP/1.0) is served');
});

t.test('isLoopbackHost refuses every other name (DNS rebinding)', async (t) => {
  for (const host of ['evil.example:1338', 'evil.example', '10.0.0.1', '127.0.0.1.evil.example', '[::2]:80', '[::1', 'localhost.evil.example', '']) {
    t.notOk(isLoopbackHost(host), `${JSON.stringify(host)} is refused`);
  }
});

t.test('isForwarded spots a proxied request', async (t) => {
  t.ok(isForwarded({ 'x-forwarded-for': '10.0.0.1' }), 'X-Forwarded-For is a proxy');
  t.ok(isForwarded({ 'x-forwarded-for': '' }), 'even when empty');
  t.notOk(isForwarded({}), 'no header, no proxy');
});

t.test('a request for a foreign Host answers 403 on every path', async (t) => {
  const imds = await startImds(t, { allowV1: true });
  const get = await imds.call('GET', '/latest/meta-data/iam/security-credentials/dev-admin', { host: 'evil.example:1338' });
  t.equal(get.status, 403, 'a rebound browser gets no credential');
  t.notMatch(get.body, /Secret|Token/, 'and no part of one');
  const put = await imds.call('PUT', '/latest/api/token', { host: 'evil.example', 'x-aws-ec2-metadata-token-ttl-seconds': '60' });
  t.equal(put.status, 403, 'a rebound browser gets no token');
  const local = await imds.call('GET', '/latest/meta-data/placement/region', { host: `localhost:${imds.port}` });
  t.equal(local.status, 200, 'Host: localhost is served');
});
