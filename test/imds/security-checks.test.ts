import t from 'tap';
import { isForwarded, isLoopbackHost } from '../../src/imds/security-checks.js';
import { IDENTITY, startImds } from '../support/imds-fakes.js';

t.test('isLoopbackHost accepts loopback names', async (t) => {
  for (const host of ['localhost', 'LOCALHOST:1338', '127.0.0.1', '127.0.0.1:1338', '127.1.2.3:80', '[::1]:1338', '[::1]']) {
    t.ok(isLoopbackHost(host), `${host} is served`);
  }
  t.ok(isLoopbackHost(undefined), 'a request without Host (HTTP/1.0) is served');
});

t.test('issue 14: the IMDS addresses are served only when named (link-local mode)', async (t) => {
  const linkLocal = new Set(['169.254.169.254', 'fd00:ec2::254']);
  for (const host of ['169.254.169.254', '169.254.169.254:80', '[fd00:ec2::254]', '[FD00:EC2::254]:80']) {
    t.notOk(isLoopbackHost(host), `${host} is refused by default`);
    t.ok(isLoopbackHost(host, linkLocal), `${host} is served in link-local mode`);
  }
  t.notOk(isLoopbackHost('evil.example', linkLocal), 'other names stay refused in that mode');
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

t.test('browser requests are refused whatever they ask: Origin, Referer, Sec-Fetch-*', async (t) => {
  const imds = await startImds(t);
  const token = await imds.token();
  const credentialPath = `/latest/meta-data/iam/security-credentials/${IDENTITY.roleName}`;
  for (const [name, headers] of [
    ['Origin', { origin: 'https://attacker.example' }],
    ['Origin: null', { origin: 'null' }],
    ['Referer', { referer: 'https://attacker.example/page' }],
    ['Sec-Fetch-Mode', { 'sec-fetch-mode': 'cors' }],
    ['Sec-Fetch-Site', { 'sec-fetch-site': 'cross-site' }],
  ] as const) {
    t.equal((await imds.call('PUT', '/latest/api/token', { ...headers, 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).status, 403,
      `${name}: no token`);
    const read = await imds.call('GET', credentialPath, { ...headers, 'x-aws-ec2-metadata-token': token });
    t.equal(read.status, 403, `${name}: no credential, even with a valid token`);
    t.notMatch(read.body, /SecretAccessKey/, `${name}: nothing leaks`);
  }
  const preflight = await imds.call('OPTIONS', credentialPath, {
    origin: 'https://attacker.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-aws-ec2-metadata-token-ttl-seconds',
  });
  t.equal(preflight.status, 403, 'a CORS preflight is refused');
  t.equal(preflight.headers['access-control-allow-origin'], undefined, 'and never allowed');
});

t.test('X-Forwarded-For: token PUTs always refused, GETs unless allowed', async (t) => {
  const strict = await startImds(t);
  const token = await strict.token();
  const region = '/latest/meta-data/placement/region';
  t.equal((await strict.call('PUT', '/latest/api/token', { 'x-forwarded-for': '10.0.0.1', 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).status, 403, 'PUT refused');
  t.equal((await strict.call('GET', region, { 'x-forwarded-for': '10.0.0.1', 'x-aws-ec2-metadata-token': token })).status, 403, 'GET refused by default');
  t.equal((await strict.call('PUT', '/latest/api/token', { forwarded: 'for=10.0.0.1', 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).status, 403,
    'RFC 7239 Forwarded is a proxy too');
  const relaxed = await startImds(t, { allowForwarded: true });
  const relaxedToken = await relaxed.token();
  t.equal((await relaxed.call('GET', region, { 'x-forwarded-for': '10.0.0.1', 'x-aws-ec2-metadata-token': relaxedToken })).status, 200, 'GET served when configured');
  t.equal((await relaxed.call('PUT', '/latest/api/token', { 'x-forwarded-for': '10.0.0.1', 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).status, 403, 'PUT still refused');
});

t.test('configured Host names are served, others still refused', async (t) => {
  const imds = await startImds(t, { allowedHosts: ['Imds.Internal'] });
  const put = (host: string) => imds.call('PUT', '/latest/api/token', { host, 'x-aws-ec2-metadata-token-ttl-seconds': '60' });
  t.equal((await put('imds.internal:1338')).status, 200, 'the configured name (any case)');
  t.equal((await put('attacker.example:1338')).status, 403, 'a rebinding name');
  t.equal(isLoopbackHost('IMDS.INTERNAL', new Set(['imds.internal'])), true, 'names compare case-insensitively');
});
