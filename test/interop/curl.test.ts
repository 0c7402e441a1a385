/**
 * Issue 3: the IMDSv2 sequence followed by hand with /usr/bin/curl, as a person
 * debugging a machine would, checking every status line, header and field on the wire:
 * the token PUT and its TTL echo, each metadata document, and the refusals (401 without
 * a token, 400 for a bad TTL, 403 for a proxied PUT, 404 for an unknown path, 405 for a
 * wrong method).
 */
import t from 'tap';
import { CURL, requireClient } from '../support/interop-clients.js';
import { startInteropFixture } from '../support/interop-fixture.js';
import { describeRun, runClient } from '../support/interop-run.js';

const REGION = 'eu-west-2';
const fx = await startInteropFixture(t, { sessionName: 'interop-curl', region: REGION });
const base = `http://localhost:${fx.port}`;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface Reply { statusLine: string; headers: Record<string, string>; body: string; said: string }

/** One curl request (`-i`: the status line and headers come before the body). */
async function curl(args: string[]): Promise<Reply> {
  const run = await runClient(CURL, ['-sS', '-i', '-g', '--max-time', '5', ...args], fx.clientEnv());
  const split = run.stdout.indexOf('\r\n\r\n');
  const head = split === -1 ? run.stdout : run.stdout.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine, headers, body: split === -1 ? '' : run.stdout.slice(split + 4), said: describeRun(run) };
}

function token(reply: Reply): string[] {
  return ['-H', `X-aws-ec2-metadata-token: ${reply.body}`];
}

async function newToken(ttl = '21600', host = base): Promise<Reply> {
  return curl(['-X', 'PUT', '-H', `X-aws-ec2-metadata-token-ttl-seconds: ${ttl}`, `${host}/latest/api/token`]);
}

t.test('PUT /latest/api/token issues a plain-text token and echoes its TTL', async (t) => {
  if (await requireClient(t, 'curl') === undefined) return;
  const reply = await newToken('21600');
  t.equal(reply.statusLine, 'HTTP/1.1 200 OK', `status line: ${reply.said}`);
  t.equal(reply.headers['content-type'], 'text/plain', 'text/plain');
  t.equal(reply.headers['x-aws-ec2-metadata-token-ttl-seconds'], '21600', 'the granted TTL is echoed');
  t.match(reply.body, /^[A-Za-z0-9_=+/-]{20,}$/, 'the whole body is the token: no whitespace, no newline');
  t.equal(reply.headers['content-length'], String(reply.body.length), 'Content-Length is the token\'s length');
  const short = await newToken('1', `http://[::1]:${fx.port}`);
  t.equal(short.headers['x-aws-ec2-metadata-token-ttl-seconds'], '1', 'TTL 1 (the minimum) is granted over [::1] too');
});

t.test('with the token, every document a client reads has its EC2 shape', async (t) => {
  if (await requireClient(t, 'curl') === undefined) return;
  const auth = token(await newToken());
  const list = await curl([...auth, `${base}/latest/meta-data/iam/security-credentials/`]);
  t.equal(list.statusLine, 'HTTP/1.1 200 OK', `the role listing: ${list.said}`);
  t.equal(list.body, 'dev', 'exactly the role name: one line, no newline');
  t.equal(list.headers['content-type'], 'text/plain', 'text/plain');
  const ttl = Number(list.headers['x-aws-ec2-metadata-token-ttl-seconds']);
  t.ok(ttl > 21_500 && ttl <= 21_600, `GETs echo the token's remaining TTL (${ttl})`);

  const doc = await curl([...auth, `${base}/latest/meta-data/iam/security-credentials/dev`]);
  t.equal(doc.statusLine, 'HTTP/1.1 200 OK', `the credential: ${doc.said}`);
  t.equal(doc.headers['content-type'], 'text/plain', 'JSON served as text/plain, as EC2 does');
  const credential = JSON.parse(doc.body) as Record<string, unknown>;
  t.same(Object.keys(credential), ['Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'], 'the seven fields, in EC2 order');
  t.ok(Object.values(credential).every((value) => typeof value === 'string'), 'all strings');
  t.equal(credential.Code, 'Success', 'Code');
  t.equal(credential.Type, 'AWS-HMAC', 'Type');
  t.match(credential.LastUpdated, TIMESTAMP, 'LastUpdated: UTC to the second, Z');
  t.match(credential.Expiration, TIMESTAMP, 'Expiration: UTC to the second, Z');
  t.match(credential.AccessKeyId, /^ASIA[A-Z0-9]{16}$/, 'a session AccessKeyId');
  t.ok(fx.sts.calls.some((call) => call.action === 'AssumeRole' && call.issuedAccessKeyId === credential.AccessKeyId), 'issued by AssumeRole');
  t.match(credential.SecretAccessKey, /^\S{40}$/, 'a 40-character secret');
  t.ok(typeof credential.Token === 'string' && credential.Token.length > 100, 'a session token');

  const extended = await curl([...auth, `${base}/latest/meta-data/iam/security-credentials-extended/dev`]);
  t.equal(extended.statusLine, 'HTTP/1.1 200 OK', `the extended credential: ${extended.said}`);
  t.same(JSON.parse(extended.body), { ...credential, AccountId: '123456789012' }, 'the same document plus AccountId');

  const info = await curl([...auth, `${base}/latest/meta-data/iam/info`]);
  const infoDoc = JSON.parse(info.body) as Record<string, unknown>;
  t.same(Object.keys(infoDoc), ['Code', 'LastUpdated', 'InstanceProfileArn', 'InstanceProfileId'], `iam/info fields: ${info.said}`);
  t.equal(infoDoc.Code, 'Success', 'iam/info Code (Go rejects any other)');
  t.match(infoDoc.LastUpdated, TIMESTAMP, 'iam/info LastUpdated');
  t.equal(infoDoc.InstanceProfileArn, 'arn:aws:iam::123456789012:instance-profile/dev', 'the instance profile in the role\'s account');
  t.match(infoDoc.InstanceProfileId, /^AIPA[A-Z2-7]{17}$/, 'an instance profile id as IAM spells them');

  for (const suffix of ['', '/']) {
    const zone = await curl([...auth, `${base}/latest/meta-data/placement/availability-zone${suffix}`]);
    t.equal(zone.body, `${REGION}a`, `availability-zone${suffix}: region + one letter (the CLI drops the last character)`);
    const region = await curl([...auth, `${base}/latest/meta-data/placement/region${suffix}`]);
    t.equal(region.body, REGION, `placement/region${suffix}`);
  }

  const identity = await curl([...auth, `${base}/latest/dynamic/instance-identity/document`]);
  const idDoc = JSON.parse(identity.body) as Record<string, unknown>;
  t.match(idDoc, {
    region: REGION, accountId: '123456789012', availabilityZone: `${REGION}a`, instanceId: /^i-[0-9a-f]{17}$/,
    instanceType: String, imageId: /^ami-[0-9a-f]{17}$/, pendingTime: TIMESTAMP, privateIp: String,
    architecture: /^(x86_64|arm64)$/, version: String,
  }, `the identity document has what Java and Go read: ${identity.said}`);

  const head = await curl(['-I', ...auth, `${base}/latest/meta-data/placement/region`]);
  t.equal(head.statusLine, 'HTTP/1.1 200 OK', 'HEAD is answered');
  t.equal(head.headers['content-length'], String(REGION.length), 'with the GET\'s Content-Length');
  t.equal(head.body, '', 'and no body');
});

t.test('the refusals: 401, 400, 403, 404, 405', async (t) => {
  if (await requireClient(t, 'curl') === undefined) return;
  const credentialUrl = `${base}/latest/meta-data/iam/security-credentials/dev`;
  const noToken = await curl([credentialUrl]);
  t.equal(noToken.statusLine, 'HTTP/1.1 401 Unauthorized', `a GET without a token: ${noToken.said}`);
  t.notMatch(noToken.body, /ASIA|Token/, 'and learns nothing');
  const badToken = await curl(['-H', 'X-aws-ec2-metadata-token: not-a-token', credentialUrl]);
  t.equal(badToken.statusLine, 'HTTP/1.1 401 Unauthorized', 'an unknown token: 401');
  const unknownBeforeToken = await curl([`${base}/latest/meta-data/nothing-here`]);
  t.equal(unknownBeforeToken.statusLine, 'HTTP/1.1 401 Unauthorized', 'an unknown path without a token: 401, not 404');

  for (const ttl of ['0', '21601', 'abc', '-1', '60.0']) {
    const reply = await newToken(ttl);
    t.equal(reply.statusLine, 'HTTP/1.1 400 Bad Request', `TTL ${ttl}: 400`);
  }
  const missing = await curl(['-X', 'PUT', `${base}/latest/api/token`]);
  t.equal(missing.statusLine, 'HTTP/1.1 400 Bad Request', 'no TTL header: 400');
  const forwarded = await curl(['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60', '-H', 'X-Forwarded-For: 10.0.0.1', `${base}/latest/api/token`]);
  t.equal(forwarded.statusLine, 'HTTP/1.1 403 Forbidden', 'a PUT with X-Forwarded-For: 403');

  const auth = token(await newToken());
  const unknown = await curl([...auth, `${base}/latest/meta-data/nothing-here`]);
  t.equal(unknown.statusLine, 'HTTP/1.1 404 Not Found', `an unknown path with a token: ${unknown.said}`);
  const otherRole = await curl([...auth, `${base}/latest/meta-data/iam/security-credentials/not-dev`]);
  t.equal(otherRole.statusLine, 'HTTP/1.1 404 Not Found', 'an unknown role: 404');

  const post = await curl(['-X', 'POST', ...auth, credentialUrl]);
  t.equal(post.statusLine, 'HTTP/1.1 405 Method Not Allowed', 'POST on a metadata path: 405');
  t.equal(post.headers.allow, 'GET, HEAD', 'Allow names the read methods');
  const getToken = await curl([`${base}/latest/api/token`]);
  t.equal(getToken.statusLine, 'HTTP/1.1 405 Method Not Allowed', 'GET on the token path: 405');
  t.equal(getToken.headers.allow, 'PUT', 'Allow: PUT');
});
