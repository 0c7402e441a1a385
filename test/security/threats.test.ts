/**
 * Issue 7, evidence 4: the browser and proxy threats end to end, with curl against the
 * real daemon (the unit versions are test/imds/security-checks.test.ts and
 * test/imds/peer-gate.test.ts; another local user is test/integration/other-user.test.ts).
 * DNS rebinding (a page whose name now resolves to 127.0.0.1 sends its own name in Host),
 * browser requests (Origin, Referer, Sec-Fetch-*), a CORS preflight, and a proxy
 * (X-Forwarded-For) must all get 403 and nothing that a browser could use: no token, no
 * credential, no Access-Control-* header. Every log line of the daemon is audited.
 */
import t from 'tap';
import { type AuditedDaemon, curl, startAuditedDaemon } from '../support/security-daemon.js';

const TTL = 'X-aws-ec2-metadata-token-ttl-seconds: 21600';
const CREDENTIAL_PATH = '/latest/meta-data/iam/security-credentials/dev';

const running: AuditedDaemon = await startAuditedDaemon(t);
const { port } = running;
const base = (host: string): string => `http://${host}:${port}`;

function noAccessControl(headers: ReadonlyMap<string, string>): string[] {
  return [...headers.keys()].filter((name) => name.startsWith('access-control-'));
}

t.test('curl without hostile headers gets a token and the credential (the 403s below are not a broken setup)', async (t) => {
  const put = await curl(['-X', 'PUT', '-H', TTL, `${base('127.0.0.1')}/latest/api/token`]);
  t.equal(put.status, 200, 'token PUT answered 200');
  running.tokens.push(put.body);
  const get = await curl(['-H', `X-aws-ec2-metadata-token: ${put.body}`, `${base('localhost')}${CREDENTIAL_PATH}`]);
  t.equal(get.status, 200, 'credential GET answered 200');
  t.match(get.body, /"SecretAccessKey":/, 'with the credential');
});

t.test('DNS rebinding: Host attacker.example:1338 gets 403 on PUT and GET, over IPv4 and IPv6', async (t) => {
  const token = await running.token();
  for (const address of ['127.0.0.1', '::1']) {
    // What a rebound page sends: its own name, resolved to loopback.
    const resolve = ['--resolve', `attacker.example:${port}:${address}`];
    const put = await curl([...resolve, '-X', 'PUT', '-H', TTL, `http://attacker.example:${port}/latest/api/token`]);
    t.equal(put.status, 403, `PUT from a rebound name over ${address} is refused`);
    t.equal(put.body, 'Forbidden', 'and carries no token');
    const get = await curl([...resolve, '-H', `X-aws-ec2-metadata-token: ${token}`, `http://attacker.example:${port}${CREDENTIAL_PATH}`]);
    t.equal(get.status, 403, `GET from a rebound name over ${address} is refused even with a valid token`);
    t.notMatch(get.body, /SecretAccessKey|Token/, 'and carries no credential');
    const literal = await curl(['-X', 'PUT', '-H', TTL, '-H', 'Host: attacker.example:1338',
      `${base(address === '::1' ? '[::1]' : address)}/latest/api/token`]);
    t.equal(literal.status, 403, `an explicit Host: attacker.example:1338 over ${address} is refused`);
  }
});

t.test('requests carrying Origin, Referer or Sec-Fetch-Site get 403 on PUT and GET', async (t) => {
  const token = await running.token();
  for (const header of ['Origin: https://evil.example', 'Origin: null', 'Referer: https://evil.example/page', 'Sec-Fetch-Site: cross-site',
    'Sec-Fetch-Site: same-origin', 'Sec-Fetch-Mode: no-cors']) {
    const put = await curl(['-X', 'PUT', '-H', TTL, '-H', header, `${base('127.0.0.1')}/latest/api/token`]);
    t.equal(put.status, 403, `PUT with ${header} is refused`);
    const get = await curl(['-H', `X-aws-ec2-metadata-token: ${token}`, '-H', header, `${base('127.0.0.1')}${CREDENTIAL_PATH}`]);
    t.equal(get.status, 403, `GET with ${header} is refused`);
    t.notMatch(get.body, /SecretAccessKey/, 'and carries no credential');
    t.same(noAccessControl(get.headers), [], 'and no Access-Control-* header');
  }
});

t.test('a browser CORS preflight gets 403 and no Access-Control-* header', async (t) => {
  for (const [path, method, headers] of [
    ['/latest/api/token', 'PUT', 'x-aws-ec2-metadata-token-ttl-seconds'],
    [CREDENTIAL_PATH, 'GET', 'x-aws-ec2-metadata-token'],
    ['/v1/credentials/dev', 'GET', 'authorization'],
  ] as const) {
    const reply = await curl(['-X', 'OPTIONS', '-H', 'Origin: https://evil.example', '-H', `Access-Control-Request-Method: ${method}`,
      '-H', `Access-Control-Request-Headers: ${headers}`, '-H', 'Sec-Fetch-Mode: cors', `${base('127.0.0.1')}${path}`]);
    t.equal(reply.status, 403, `the preflight for ${method} ${path} is refused`);
    t.same(noAccessControl(reply.headers), [], 'with no Access-Control-* header, so the browser blocks the real request');
  }
  const rebound = await curl(['--resolve', `attacker.example:${port}:127.0.0.1`, '-X', 'OPTIONS', '-H', `Origin: http://attacker.example:${port}`,
    '-H', 'Access-Control-Request-Method: PUT', `http://attacker.example:${port}/latest/api/token`]);
  t.equal(rebound.status, 403, 'a preflight from a rebound page is refused too');
  t.same(noAccessControl(rebound.headers), [], 'without Access-Control-* headers');
});

t.test('X-Forwarded-For gets 403 on the token PUT (and on GET, the default)', async (t) => {
  const token = await running.token();
  // `X-Forwarded-For;` is curl's spelling of the header with an empty value.
  for (const header of ['X-Forwarded-For: 203.0.113.7', 'X-Forwarded-For: 127.0.0.1', 'X-Forwarded-For;']) {
    const put = await curl(['-X', 'PUT', '-H', TTL, '-H', header, `${base('127.0.0.1')}/latest/api/token`]);
    t.equal(put.status, 403, `a PUT through a proxy (${header}) is refused`);
    t.equal(put.body, 'Forbidden', 'and carries no token');
  }
  const get = await curl(['-H', `X-aws-ec2-metadata-token: ${token}`, '-H', 'X-Forwarded-For: 203.0.113.7', `${base('127.0.0.1')}${CREDENTIAL_PATH}`]);
  t.equal(get.status, 403, 'a proxied GET is refused without --allow-forwarded');
  t.notMatch(get.body, /SecretAccessKey/, 'and carries no credential');
});

t.test('the ECS endpoint refuses the same threats', async (t) => {
  const auth = `Authorization: ${running.containerToken}`;
  const ok = await curl(['-H', auth, `${base('127.0.0.1')}/v1/credentials/dev`]);
  t.equal(ok.status, 200, 'with the right Authorization and no hostile header it serves');
  for (const extra of [['-H', 'Host: attacker.example:1338'], ['-H', 'Origin: https://evil.example'], ['-H', 'X-Forwarded-For: 203.0.113.7']]) {
    const reply = await curl(['-H', auth, ...extra, `${base('127.0.0.1')}/v1/credentials/dev`]);
    t.equal(reply.status, 403, `${extra[1] ?? ''} is refused`);
    t.notMatch(reply.body, /SecretAccessKey/, 'and carries no credential');
  }
});
