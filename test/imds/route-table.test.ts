import t from 'tap';
import { buildRouteTable, TOKEN_PATH } from '../../src/imds/route-table.js';
import { describeInstance } from '../../src/imds/instance-identity.js';
import { IDENTITY, startImds, T0_MS } from '../support/imds-fakes.js';

const TOKEN = 'x-aws-ec2-metadata-token';

t.test('directory listings look like real IMDS', async (t) => {
  const imds = await startImds(t);
  const headers = { [TOKEN]: await imds.token() };
  const listings: Array<[string, string]> = [
    ['/', 'latest'],
    ['/latest/', 'dynamic\nmeta-data'],
    ['/latest', 'dynamic\nmeta-data'],
    ['/latest/meta-data/', 'ami-id\niam/\ninstance-id\ninstance-type\nplacement/'],
    ['/latest/meta-data/iam/', 'info\nsecurity-credentials/'],
    ['/latest/meta-data/placement/', 'availability-zone\nregion'],
    ['/latest/dynamic/', 'instance-identity/'],
    ['/latest/dynamic/instance-identity/', 'document'],
  ];
  for (const [path, body] of listings) {
    const reply = await imds.call('GET', path, headers);
    t.equal(reply.status, 200, `${path} is served`);
    t.equal(reply.body, body, `${path} lists its entries`);
    t.equal(reply.headers['content-type'], 'text/plain', `${path} is text/plain`);
  }
});

t.test('leaf values', async (t) => {
  const imds = await startImds(t, { startedAtMs: T0_MS - 60_000 });
  const headers = { [TOKEN]: await imds.token() };
  const instance = describeInstance(IDENTITY, T0_MS - 60_000, process.arch);
  const leaves: Array<[string, string]> = [
    ['/latest/meta-data/placement/region', 'eu-west-1'],
    ['/latest/meta-data/placement/region/', 'eu-west-1'],
    ['/latest/meta-data/placement/availability-zone', 'eu-west-1a'],
    ['/latest/meta-data/placement/availability-zone/', 'eu-west-1a'],
    ['/latest/meta-data/instance-id', instance.instanceId],
    ['/latest/meta-data/ami-id', instance.imageId],
    ['/latest/meta-data/instance-type', 't3.micro'],
    ['/latest/meta-data/iam/info', instance.iamInfo],
    ['/latest/dynamic/instance-identity/document', instance.identityDocument],
  ];
  for (const [path, body] of leaves) {
    const reply = await imds.call('GET', path, headers);
    t.equal(reply.status, 200, `${path} is served`);
    t.equal(reply.body, body, `${path} has its value`);
  }
  const document: unknown = JSON.parse(leaves[8]?.[1] ?? '');
  t.match(document, { pendingTime: '2026-11-21T19:59:00Z' }, 'pendingTime is startedAtMs');
});

t.test('the table keys are canonical and include the role and the token path', async (t) => {
  const never = () => Promise.reject(new Error('not called'));
  const routes = buildRouteTable({
    identity: IDENTITY,
    instance: () => describeInstance(IDENTITY, T0_MS, 'x64'),
    legacyCredential: never,
    extendedCredential: never,
  });
  t.same(routes.get(TOKEN_PATH), { kind: 'token' }, 'the token path is a token route');
  t.ok(routes.has('/latest/meta-data/iam/security-credentials/dev-admin'), 'the role has its credential path');
  t.ok(routes.has('/latest/meta-data/iam/security-credentials-extended/dev-admin'), 'and its extended path');
  for (const key of routes.keys()) {
    t.ok(key === '/' || (key.startsWith('/') && !key.endsWith('/') && !key.includes('//')), `${key} is canonical`);
  }
});
